"""Operator commands.

    python -m chalicelib.admin seed     # copy catalog events into the stage's store
    python -m chalicelib.admin keys create --owner NAME --daily-quota N \
        [--rate-per-minute R] [--origin URL ...]   # prints the key alone on its last line
    python -m chalicelib.admin keys list [--json] [--active]
    python -m chalicelib.admin keys revoke KEY_ID
    python -m chalicelib.admin crowds recount [--date YYYY-MM-DD ...]   # counters from the stored plans

Reads the same settings as the service (YUEYOU_* environment variables).
"""

from __future__ import annotations

import argparse
import json
import sys

from .auth import cli as keys_cli
from .services import Services


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m chalicelib.admin")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("seed", help="copy catalog events into the store (idempotent)")
    keys_cli.add_parser(sub)
    crowds = sub.add_parser("crowds", help="the crowd forecast and capacity counters")
    crowd_actions = crowds.add_subparsers(dest="crowds_command", required=True)
    again = crowd_actions.add_parser("recount", help="set the counters to what the stored plans say")
    again.add_argument("--date", action="append", default=[], help="also recount this date (repeatable)")
    args = parser.parse_args(argv)
    services = Services.from_env()
    if args.command == "seed":
        counts = services.events.seed()
        print(json.dumps({"seeded": counts, "store": services.store.health()}, ensure_ascii=False))
    elif args.command == "keys":
        return keys_cli.run(args, services.store, sys.stdout, sys.stderr)
    elif args.command == "crowds":
        from .crowds.recount import recount

        print(json.dumps({"changed": recount(services.store, args.date)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
