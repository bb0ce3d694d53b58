"""Solve-time benchmark of the itinerary engine over the whole catalog.

    python -m benchmarks.plan_bench [--reps 5] [--out benchmarks/results]

Runs 1-, 3- and 7-day requests in which every sight category and the venues
carry interest (so every sight, venue and restaurant is a candidate),
several repetitions each, through the public ``plan`` entry point (request
parsing, travel matrix, solve, re-timing, checker). Writes
``plan_bench.csv`` (one row per run) and ``plan_bench.md`` (median/p90).
Target: median <= 1 s for 3 days with >= 60 candidates on a 2-core machine.
"""

from __future__ import annotations

import argparse
import csv
import os
import platform
import statistics
import time
from pathlib import Path

from chalicelib.catalog import bundle
from chalicelib.planning import plan
from chalicelib.planning.problem import build
from chalicelib.planning.request import parse_request
from chalicelib.planning.settings import PlanSettings
from chalicelib.planning.travel import GeodesicTravel

ALL_INTERESTS = {"history": 0.9, "culture": 0.8, "nature": 0.7, "religion": 0.5, "shopping": 0.4, "venue": 0.3}
REQUESTS = {
    "1-day": {"start_date": "2023-10-03", "days": 1, "interests": ALL_INTERESTS},
    "3-day": {"start_date": "2023-09-26", "days": 3, "interests": ALL_INTERESTS, "want_sports": ["baseball"]},
    "7-day": {"start_date": "2023-09-30", "days": 7, "mode": "drive", "interests": ALL_INTERESTS},
}


def p90(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(0.9 * (len(ordered) - 1))))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / "results")
    args = parser.parse_args(argv)
    catalog = bundle.load()
    settings = PlanSettings()
    rows = []
    for name, data in REQUESTS.items():
        req = parse_request(data, catalog, settings)
        problem = build(req, catalog, GeodesicTravel())
        # Candidates considered: every non-lodging place of the problem (sights and
        # venues with interest, restaurants) plus every match; solver nodes are
        # what is left after opening-hours/reachability pruning.
        candidates = sum(1 for p in problem.places if p.poi_id and catalog.pois[p.poi_id].category != "lodging") + sum(
            1 for t in problem.tasks if t.kind == "event"
        )
        plans = set()
        for rep in range(args.reps):
            started = time.perf_counter()
            result = plan(data, catalog, settings=settings)
            wall = (time.perf_counter() - started) * 1000
            plans.add(str([[s["poi_id"] or s["type"] for s in d["stops"]] for d in result["days"]]))
            rows.append(
                {
                    "request": name,
                    "rep": rep,
                    "days": req.days,
                    "candidates": candidates,
                    "nodes": len(problem.tasks),
                    "engine_ms": round(wall, 1),
                    "solver_ms": result["solver"]["wall_ms"],
                    "solver_status": result["solver"]["status"],
                    "score": result["totals"]["score"],
                    "visits": result["totals"]["visits"],
                    "travel_minutes": result["totals"]["travel_minutes"],
                    "status": result["status"],
                    "identical_plans": None,
                }
            )
        for row in rows:
            if row["request"] == name:
                row["identical_plans"] = len(plans) == 1
        print(f"{name}: median {statistics.median(r['engine_ms'] for r in rows if r['request'] == name):.0f} ms")
    args.out.mkdir(parents=True, exist_ok=True)
    with open(args.out / "plan_bench.csv", "w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    lines = [
        "# Itinerary engine benchmark (`python -m benchmarks.plan_bench`)",
        "",
        f"Machine: {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}; "
        f"{args.reps} repetitions per request; geodesic travel times; default settings "
        f"(time limit {settings.default_time_limit_s:g} s, deterministic solution limit by size).",
        "",
        "| request | days | candidates | solver nodes | engine median ms | engine p90 ms | solver median ms "
        "| score | visits | travel min | identical plans |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for name in REQUESTS:
        runs = [r for r in rows if r["request"] == name]
        engine = [r["engine_ms"] for r in runs]
        lines.append(
            f"| {name} | {runs[0]['days']} | {runs[0]['candidates']} | {runs[0]['nodes']} "
            f"| {statistics.median(engine):.0f} | {p90(engine):.0f} "
            f"| {statistics.median(r['solver_ms'] for r in runs):.0f} | {runs[0]['score']} "
            f"| {runs[0]['visits']} | {runs[0]['travel_minutes']} | {runs[0]['identical_plans']} |"
        )
    lines += ["", "Target: median <= 1000 ms for 3 days with >= 60 candidates on a 2-core machine.", ""]
    (args.out / "plan_bench.md").write_text("\n".join(lines))
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
