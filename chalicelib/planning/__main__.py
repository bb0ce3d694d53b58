"""Command line: ``python -m chalicelib.planning REQUEST.json [--lang en]``.

Prints the plan JSON; on a bad or infeasible request prints the error JSON
and exits with status 2 (the same engine as ``POST /v1/itineraries``).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Optional

from ..catalog import bundle
from ..errors import YueyouError
from .engine import plan
from .settings import PlanSettings


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m chalicelib.planning", description="Plan a Shaoxing trip.")
    parser.add_argument("request", type=Path, help="request JSON file ('-' for stdin)")
    parser.add_argument("--lang", choices=("zh", "en"), help="override the response language")
    parser.add_argument("--catalog", type=Path, default=bundle.BUNDLE_PATH, help="catalog bundle JSON")
    parser.add_argument("--osrm-url", default=None, help="OSRM base URL for walk/bike/car times")
    args = parser.parse_args(argv)
    lang = args.lang or "zh"
    try:
        text = sys.stdin.read() if str(args.request) == "-" else args.request.read_text(encoding="utf-8")
        data = json.loads(text)
        if isinstance(data, dict):
            lang = args.lang or (data.get("lang") if data.get("lang") in ("zh", "en") else "zh")
        catalog = bundle.load(args.catalog)
        result = plan(data, catalog, settings=PlanSettings(osrm_url=args.osrm_url), lang=args.lang)
    except YueyouError as exc:
        print(json.dumps(exc.to_json(lang) | {"status": exc.status}, ensure_ascii=False, indent=1))
        return 2
    except (OSError, json.JSONDecodeError) as exc:
        print(
            json.dumps(
                {"error": {"code": "bad_request_file", "message": str(exc), "field": None}, "status": 400},
                ensure_ascii=False,
                indent=1,
            )
        )
        return 2
    print(json.dumps(result, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
