"""Agency client: submit a batch of group plans and collect the results.

    python -m chalicelib.agency submit GROUPS.csv --api http://127.0.0.1:8000 \\
        --key "$YUEYOU_API_KEY" --out plans/ [--cards] [--lang en]

Shows a progress bar on stderr while the batch runs, then writes one JSON
file per group (``001-<group>-<itinerary id>.json``), with ``--cards`` also
the printable route card PDF, and a ``summary.json``. Exit status: 0 all
planned, 1 some items failed, 2 the batch was refused.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
from pathlib import Path
from typing import Any, Optional

import requests

from .requests_file import RequestFileError, load


def progress_bar(done: int, failed: int, total: int, width: int = 30) -> str:
    """
    >>> progress_bar(5, 1, 10, width=10)
    '[######....]   6/10  failed 1'
    """
    finished = done + failed
    filled = int(width * finished / total) if total else width
    return f"[{'#' * filled}{'.' * (width - filled)}] {finished:>3}/{total}  failed {failed}"


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9\u4e00-\u9fff_-]+", "-", text).strip("-")[:60] or "group"


def submit(args: argparse.Namespace) -> int:
    try:
        groups = load(args.file)
    except (RequestFileError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    session = requests.Session()
    if args.key:
        session.headers["x-api-key"] = args.key
    api = args.api.rstrip("/")
    body = {"requests": [request for _, request in groups], "name": args.name or args.file.stem}
    response = session.post(f"{api}/v1/batches", json=body, params={"lang": args.lang}, timeout=60)
    if response.status_code != 202:
        print(f"batch refused ({response.status_code}): {response.text}", file=sys.stderr)
        return 2
    location = response.headers["Location"]
    status = response.json()
    deadline = time.monotonic() + args.timeout
    while True:
        counts = status["counts"]
        print(
            "\r" + progress_bar(counts["done"], counts["failed"], status["total"]), end="", file=sys.stderr, flush=True
        )
        if status["state"] == "done":
            break
        if time.monotonic() > deadline:
            print(f"\nerror: batch {status['id']} not finished after {args.timeout} s", file=sys.stderr)
            return 1
        time.sleep(args.poll)
        status = session.get(api + location, params={"lang": args.lang}, timeout=30).json()
    print(file=sys.stderr)
    return _collect(session, api, status, groups, args.out, args.cards, args.lang)


def _collect(
    session: requests.Session, api: str, status: dict[str, Any], groups: list, out: Path, cards: bool, lang: str
) -> int:
    out.mkdir(parents=True, exist_ok=True)
    summary = []
    for item in status["items"]:
        label = groups[item["index"]][0]
        entry: dict[str, Any] = {"index": item["index"], "group": label, "status": item["status"]}
        if item["status"] == "done":
            plan = session.get(api + item["links"]["itinerary"], params={"lang": lang}, timeout=30).json()
            stem = f"{item['index'] + 1:03d}-{_slug(label)}-{plan['id']}"
            (out / f"{stem}.json").write_text(json.dumps(plan, ensure_ascii=False, indent=1), encoding="utf-8")
            entry.update(itinerary_id=plan["id"], file=f"{stem}.json")
            if cards:
                card = session.get(
                    api + plan["links"]["card_pdf"],
                    params={"lang": "both"},
                    headers={"Accept": "application/pdf"},
                    timeout=60,
                )
                if card.status_code == 200:
                    (out / f"{stem}.pdf").write_bytes(card.content)
                    entry["card"] = f"{stem}.pdf"
                else:
                    entry["card_error"] = card.status_code
        else:
            entry["error"] = item["error"]
        summary.append(entry)
    (out / "summary.json").write_text(
        json.dumps({"batch": status["id"], "items": summary}, ensure_ascii=False, indent=1), encoding="utf-8"
    )
    failed = sum(1 for e in summary if e["status"] != "done")
    print(f"{len(summary) - failed} planned, {failed} failed -> {out}", file=sys.stderr)
    return 1 if failed else 0


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m chalicelib.agency")
    sub = parser.add_subparsers(dest="command", required=True)
    s = sub.add_parser("submit", help="submit a CSV/JSON file of group requests as one batch")
    s.add_argument("file", type=Path)
    s.add_argument("--api", default=os.environ.get("YUEYOU_API", "http://127.0.0.1:8000"))
    s.add_argument("--key", default=os.environ.get("YUEYOU_API_KEY"))
    s.add_argument("--out", type=Path, default=Path("plans"))
    s.add_argument("--name")
    s.add_argument("--lang", choices=("zh", "en"), default="zh")
    s.add_argument("--cards", action="store_true", help="also download the route card PDFs")
    s.add_argument("--poll", type=float, default=1.0)
    s.add_argument("--timeout", type=float, default=1800.0)
    args = parser.parse_args(argv)
    return submit(args)


if __name__ == "__main__":
    sys.exit(main())
