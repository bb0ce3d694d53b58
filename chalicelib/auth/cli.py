"""``python -m chalicelib.admin keys create|list|revoke``.

``create`` prints the new key alone on its last stdout line, so scripts can
``| tail -1``; it is the only time the key is ever shown. ``list`` shows ids
(``yy_<id>`` prefixes) and limits, never a secret or a hash.
"""

from __future__ import annotations

import argparse
import json
from typing import Any, TextIO

from ..errors import YueyouError
from ..store import Store
from .keys import DEFAULT_RATE_PER_MINUTE, SCOPES, ApiKey, KeyStore, key_id_of


def add_parser(sub: Any) -> None:
    keys = sub.add_parser("keys", help="issue, list and revoke API keys")
    actions = keys.add_subparsers(dest="keys_command", required=True)
    create = actions.add_parser("create", help="issue a key (printed once, on the last line)")
    who = create.add_mutually_exclusive_group(required=True)
    who.add_argument("--owner", help="a new account with this (unique) name, e.g. an agency name")
    who.add_argument("--account", help="an existing account id (acct_...) to add the key to")
    create.add_argument("--daily-quota", type=int, required=True, help="plans per day (Asia/Shanghai calendar day)")
    create.add_argument(
        "--rate-per-minute",
        type=int,
        default=DEFAULT_RATE_PER_MINUTE,
        help=f"requests per minute (default {DEFAULT_RATE_PER_MINUTE})",
    )
    create.add_argument(
        "--origin",
        action="append",
        default=[],
        dest="origins",
        help="allowed browser origin, e.g. https://agency.example.com (repeatable)",
    )
    create.add_argument(
        "--scope",
        action="append",
        default=[],
        dest="scopes",
        choices=SCOPES,
        help="an extra right: operator = the crowd insights, capacity limits and the /cockpit dashboard",
    )
    listing = actions.add_parser("list", help="list keys (never their secrets)")
    listing.add_argument("--json", action="store_true", help="one JSON object per line")
    listing.add_argument("--active", action="store_true", help="hide revoked keys")
    revoke = actions.add_parser("revoke", help="revoke a key at once")
    revoke.add_argument("key_id", help="the key id or its yy_<id> prefix")


def run(args: argparse.Namespace, store: Store, out: TextIO, err: TextIO) -> int:
    keys = KeyStore(store)
    try:
        if args.keys_command == "create":
            record, key = keys.create(
                args.owner,
                args.daily_quota,
                args.rate_per_minute,
                args.origins,
                account_id=args.account,
                scopes=args.scopes,
            )
            print(
                f"created {record.prefix} for {record.owner!r} ({record.account_id}): "
                f"{record.daily_quota} plans/day, "
                f"{record.rate_per_minute} requests/minute",
                file=out,
            )
            if record.origins:
                print("origins: " + " ".join(record.origins), file=out)
            print("the key is shown only this once (已创建，密钥只显示这一次):", file=out)
            print(key, file=out)
        elif args.keys_command == "list":
            records = keys.list(include_revoked=not args.active)
            if args.json:
                for record in records:
                    print(json.dumps(record.to_json(), ensure_ascii=False), file=out)
            else:
                _table(records, out)
        elif args.keys_command == "revoke":
            ident = key_id_of(args.key_id)
            before = keys.get(ident) if ident else None
            record = keys.revoke(args.key_id)
            already = " (already revoked / 此前已吊销)" if before is not None and before.revoked else ""
            print(f"revoked {record.prefix} of {record.owner!r} at {record.revoked_at}{already}", file=out)
    except YueyouError as error:
        print(f"error: {error.message.en} / {error.message.zh}", file=err)
        return 2 if error.status == 400 else 1
    return 0


def _table(records: list[ApiKey], out: TextIO) -> None:
    rows = [("KEY_ID", "ACCOUNT", "OWNER", "DAILY_QUOTA", "RATE/MIN", "CREATED", "REVOKED", "ORIGINS")]
    rows += [
        (
            r.prefix,
            r.account_id or "-",
            r.owner,
            str(r.daily_quota),
            str(r.rate_per_minute),
            r.created_at,
            r.revoked_at or "no",
            ",".join(r.origins) or "-",
        )
        for r in records
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    for row in rows:
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths)) + "  " + row[-1], file=out)
