"""Operator command: ``python -m chalicelib.feeds ingest [--feed ID] [--lang en]``.

Prints the reports as JSON and exits 1 when any feed failed, so cron or a
deploy script notices. Uses the same settings (environment) as the service.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from typing import Optional

from ..errors import YueyouError
from ..services import Services
from .service import feed_states, run_ingest


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m chalicelib.feeds")
    sub = parser.add_subparsers(dest="command", required=True)
    ingest = sub.add_parser("ingest", help="fetch every configured feed and apply it")
    ingest.add_argument("--feed", help="only this feed id")
    ingest.add_argument("--lang", choices=("zh", "en"), default="en")
    status = sub.add_parser("status", help="show each feed's last fetch, hash and error")
    status.add_argument("--lang", choices=("zh", "en"), default="en")
    args = parser.parse_args(argv)
    services = Services.from_env()
    try:
        if args.command == "status":
            print(json.dumps({"feeds": feed_states(services)}, ensure_ascii=False, indent=2))
            return 0
        reports = run_ingest(services, only=args.feed)
    except YueyouError as error:
        print(json.dumps(error.to_json(args.lang), ensure_ascii=False, indent=2), file=sys.stderr)
        return 2
    print(json.dumps({"reports": [r.to_json(args.lang) for r in reports]}, ensure_ascii=False, indent=2))
    return 0 if all(r.ok for r in reports) else 1


if __name__ == "__main__":
    sys.exit(main())
