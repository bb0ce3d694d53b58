"""Validate poi_data/ + routes/ and (re)build the shipped bundle.

    python -m chalicelib.catalog.validate          # check sources and bundle
    python -m chalicelib.catalog.validate --build  # check, then rewrite the bundle
    python -m chalicelib.catalog.validate --report # check, then rewrite poi_data/REPORT.md

Checks: field types and ranges, unique ids, coordinates inside Shaoxing,
every referenced id exists, every opening_hours string parses, every
user-facing string has zh and en, and the bundle matches the sources.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

from . import bundle, coverage
from .catalog import Catalog

ROOT = Path(__file__).resolve().parents[2]
REPORT = "poi_data/REPORT.md"


def check(root: Path = ROOT) -> Catalog:
    document = bundle.compile_sources(root)
    catalog = Catalog.from_json(document)
    found = coverage.problems(catalog)
    if found:
        raise ValueError("\n  ".join(found))
    return catalog


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build", action="store_true", help="rewrite the bundle from the sources")
    parser.add_argument("--report", action="store_true", help=f"rewrite {REPORT} from the sources")
    parser.add_argument("--root", type=Path, default=ROOT)
    args = parser.parse_args(argv)
    try:
        catalog = check(args.root)
        if args.build:
            bundle.build(args.root)
    except (ValueError, KeyError, OSError) as exc:
        print(f"catalog INVALID: {exc}", file=sys.stderr)
        return 1
    report = coverage.report(catalog)
    if args.report:
        (args.root / REPORT).write_text(report, encoding="utf-8")
    elif (args.root / REPORT).read_text(encoding="utf-8") != report if (args.root / REPORT).exists() else True:
        print(f"{REPORT} is stale: run `make catalog-report`", file=sys.stderr)
        return 1
    if not args.build:
        expected = bundle.dumps(bundle.compile_sources(args.root))
        current = bundle.BUNDLE_PATH.read_text(encoding="utf-8") if bundle.BUNDLE_PATH.exists() else ""
        if current != expected:
            print("catalog bundle is stale: run `make catalog`", file=sys.stderr)
            return 1
    by_category = Counter(p.category for p in catalog.pois.values())
    by_district = Counter(p.district for p in catalog.pois.values())
    print(f"catalog OK: {len(catalog.pois)} POIs, {len(catalog.events)} events, {len(catalog.routes)} routes")
    print("  by category: " + ", ".join(f"{k}={v}" for k, v in sorted(by_category.items())))
    print("  by district: " + ", ".join(f"{k}={v}" for k, v in sorted(by_district.items())))
    return 0


if __name__ == "__main__":
    sys.exit(main())
