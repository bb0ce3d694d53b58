"""Operator commands.

    python -m chalicelib.admin seed     # copy catalog events into the stage's store

Reads the same settings as the service (YUEYOU_* environment variables).
"""
from __future__ import annotations

import argparse
import json
import sys

from .api.services import Services


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m chalicelib.admin")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("seed", help="copy catalog events into the store (idempotent)")
    args = parser.parse_args(argv)
    services = Services.from_env()
    if args.command == "seed":
        counts = services.events.seed()
        print(json.dumps({"seeded": counts, "store": services.store.health()}, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
