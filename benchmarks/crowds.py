"""Crowd forecast at scale (issue #17): 10 000 stored plans, the cost of
keeping the forecast on write, read latency, and what avoid_crowds does.

    python -m benchmarks.crowds [--plans 10000] [--days 10] [--distinct 20] [--reads 30]
                                [--stores sqlite dynamodb] [--out benchmarks/results]

* **Plans.** ``--distinct`` one-day trips are solved for each of ``--days``
  dates (seeds, paces and group sizes vary, ``avoid_crowds`` off), then each
  solution is stored again and again under new ids through the real write
  path (``ItineraryRepository.create``) until ``--plans`` are stored: the
  forecast only counts stops, so copies load it like distinct plans would.
* **Write cost.** The same ``create`` with and without the crowd ledger, on
  the same store kind, interleaved; median ms per plan, and the counters one
  plan touches.
* **Reads.** Median and p95 of ``--reads`` calls of each: the operators'
  insights for one day (``operator_view``), the public hints
  (``public_view``), and the crowding a new plan request reads
  (``Services.with_crowds``). DynamoDB runs against moto's server on
  127.0.0.1 (HTTP, like DynamoDB Local): it shows the request pattern (one
  Query per day, no Scan), not AWS latency.
* **avoid_crowds.** 20 new one-day trips on the busiest date, each planned
  with ``avoid_crowds`` on and off against the stored forecast: share of
  visit-hours that fall in busy cells, visits, travel minutes, solve time.

Writes ``<name>.csv`` and ``<name>.md`` (``--name``, default ``crowds``) with
the machine's CPU count. moto's in-memory DynamoDB grows with every
transaction in proportion to the table (21 GB after a few hundred plans'
counters on a 1 000-plan table; about 0.3 MB a transaction on a small one),
so the published DynamoDB run is small:
``--stores dynamodb --plans 300 --days 3 --distinct 10 --reads 20 --name crowds_dynamodb``.
"""

from __future__ import annotations

import argparse
import csv
import os
import platform
import statistics
import tempfile
import time
from contextlib import ExitStack
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from chalicelib.catalog import bundle
from chalicelib.config import Settings
from chalicelib.crowds import CrowdLedger
from chalicelib.crowds.cells import plan_cells
from chalicelib.crowds.views import operator_view, public_view
from chalicelib.itineraries import ItineraryRepository
from chalicelib.planning import parse_request, plan
from chalicelib.services import Services

RESULTS = Path(__file__).resolve().parent / "results"
FIRST_DAY = date(2026, 5, 11)


def trips(days: int, distinct: int) -> list[dict[str, Any]]:
    paces = ("relaxed", "normal", "packed")
    return [
        {
            "start_date": (FIRST_DAY + timedelta(days=d)).isoformat(),
            "lang": "en",
            "seed": i,
            "pace": paces[i % 3],
            "group_size": 1 + i % 4,
            "time_limit_s": 0.3,
            "avoid_crowds": False,
        }
        for d in range(days)
        for i in range(distinct)
    ]


def open_store(kind: str, stack: ExitStack, tmp: Path):
    if kind == "sqlite":
        from chalicelib.store.sqlite import SqliteStore

        return SqliteStore(tmp / "crowds.db")
    from chalicelib.store.dynamodb import DynamoStore, create_table
    from tests.support.moto_server import moto_server

    endpoint = stack.enter_context(moto_server())
    import boto3

    client = boto3.client(
        "dynamodb", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x"
    )
    create_table(client, "crowds-bench")
    return DynamoStore("crowds-bench", client)


def timed(fn, n: int) -> list[float]:
    out = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t) * 1000)
    return out


def p95(values: list[float]) -> float:
    return sorted(values)[max(0, int(round(0.95 * len(values))) - 1)]


def busy_share(result: dict, busy: dict[str, set[int]]) -> tuple[int, int]:
    """(visit-hours in busy cells, visit-hours) of a plan."""
    visits = {s["poi_id"] for d in result["days"] for s in d["stops"] if s["type"] == "visit" and s.get("poi_id")}
    hours = [c for c in plan_cells(dict(result, request={})) if c.poi_id in visits]  # one person's hours
    return sum(1 for c in hours if c.hour in busy.get(c.poi_id, ())), len(hours)


def run_store(kind: str, args, catalog, solved: list[dict]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    with ExitStack() as stack, tempfile.TemporaryDirectory() as tmp:
        store = open_store(kind, stack, Path(tmp))
        svc = Services(Settings(), catalog=catalog, store=store)
        counted = ItineraryRepository(store, crowds=CrowdLedger(store))
        plain = ItineraryRepository(store)
        with_ledger, without = [], []
        touched = []
        for i in range(args.plans):
            p = solved[i % len(solved)]
            repo, bucket = (counted, with_ledger) if i % 2 == 0 else (plain, without)
            t = time.perf_counter()
            repo.create(f"agency-{i % 7}", p["request"], p)
            bucket.append((time.perf_counter() - t) * 1000)
            if i % 2 == 0:
                touched.append(len({(c.date, c.poi_id, c.hour) for c in plan_cells(p)}) + 1)
        # the uncounted half: add it to the forecast afterwards, so that reads see all plans
        ledger = CrowdLedger(store)
        for i in range(1, args.plans, 2):
            ledger.apply(None, solved[i % len(solved)])
        rows.append(
            {
                "store": kind,
                "metric": "write: create with the ledger",
                "median_ms": statistics.median(with_ledger),
                "p95_ms": p95(with_ledger),
                "n": len(with_ledger),
                "note": f"{statistics.median(touched):.0f} counters per plan (median)",
            }
        )
        rows.append(
            {
                "store": kind,
                "metric": "write: create without the ledger",
                "median_ms": statistics.median(without),
                "p95_ms": p95(without),
                "n": len(without),
                "note": "",
            }
        )
        days = sorted({d["date"] for p in solved for d in p["days"]})
        busiest = max(days, key=lambda d: ledger.plans_on(d))
        request = parse_request(trips(1, 1)[0] | {"start_date": busiest}, catalog, svc.plan_settings)
        for metric, fn in (
            ("read: operator insights, one day", lambda: operator_view(ledger, catalog, busiest, None, "en")),
            ("read: public hints, one day", lambda: public_view(ledger, catalog, busiest, None)),
            ("read: crowding for a new plan", lambda: svc.with_crowds(request)),
        ):
            times = timed(fn, args.reads)
            rows.append(
                {
                    "store": kind,
                    "metric": metric,
                    "median_ms": statistics.median(times),
                    "p95_ms": p95(times),
                    "n": args.reads,
                    "note": f"{ledger.plans_on(busiest)} plans on {busiest}",
                }
            )
        if kind == "sqlite":
            rows += avoid_effect(svc, catalog, busiest)
    return rows


def avoid_effect(svc: Services, catalog, day: str) -> list[dict[str, Any]]:
    busy = svc.crowds.busy_hours(day, catalog)
    out = []
    for avoid in (False, True):
        in_busy = hours = visits = travel = 0
        solve_ms = []
        for seed in range(20):
            body = {"start_date": day, "lang": "en", "seed": 1000 + seed, "time_limit_s": 0.5, "avoid_crowds": avoid}
            request = svc.with_crowds(parse_request(body, catalog, svc.plan_settings))
            t = time.perf_counter()
            result = plan(request, catalog, settings=svc.plan_settings)
            solve_ms.append((time.perf_counter() - t) * 1000)
            b, h = busy_share(result, busy)
            in_busy, hours = in_busy + b, hours + h
            visits += result["totals"]["visits"]
            travel += result["totals"]["travel_minutes"]
        out.append(
            {
                "store": "sqlite",
                "metric": f"avoid_crowds={'on' if avoid else 'off'}: visit-hours in busy cells",
                "median_ms": statistics.median(solve_ms),
                "p95_ms": p95(solve_ms),
                "n": 20,
                "note": f"{in_busy}/{hours} busy ({100 * in_busy / max(1, hours):.0f} %); "
                f"{visits} visits; {travel} travel min",
            }
        )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plans", type=int, default=10_000)
    parser.add_argument("--days", type=int, default=10)
    parser.add_argument("--distinct", type=int, default=20)
    parser.add_argument("--reads", type=int, default=30)
    parser.add_argument("--stores", nargs="+", default=["sqlite", "dynamodb"], choices=["sqlite", "dynamodb"])
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument("--name", default="crowds", help="file prefix (default crowds)")
    args = parser.parse_args()
    catalog = bundle.load()
    started = time.perf_counter()
    solved = [plan(t, catalog) for t in trips(args.days, args.distinct)]
    solve_s = time.perf_counter() - started
    rows = []
    for kind in args.stores:
        rows += run_store(kind, args, catalog, solved)
        print(f"{kind}: done", flush=True)
    args.out.mkdir(parents=True, exist_ok=True)
    with open(args.out / f"{args.name}.csv", "w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=["store", "metric", "median_ms", "p95_ms", "n", "note"])
        writer.writeheader()
        for row in rows:
            writer.writerow(dict(row, median_ms=f"{row['median_ms']:.2f}", p95_ms=f"{row['p95_ms']:.2f}"))
    lines = [
        "# Crowd forecast benchmark (issue #17)",
        "",
        f"Machine: {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}. "
        f"Command: `python -m benchmarks.crowds --plans {args.plans} --days {args.days} --distinct {args.distinct} "
        f"--reads {args.reads} --stores {' '.join(args.stores)} --name {args.name}`.",
        f"{len(solved)} distinct plans solved in {solve_s:.0f} s, stored {args.plans} times in all "
        f"over {args.days} days. Target: reads under 100 ms median locally.",
        "",
        "| store | metric | median ms | p95 ms | n | note |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for row in rows:
        lines.append(
            f"| {row['store']} | {row['metric']} | {row['median_ms']:.2f} | {row['p95_ms']:.2f} | {row['n']} | {row['note']} |"
        )
    (args.out / f"{args.name}.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
