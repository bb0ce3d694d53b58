"""How much better could a stronger search make the itinerary plans?

    python -m benchmarks.headroom [--seconds 10] [--out benchmarks/results]

Issue #16 part 3 asks the itinerary search for a score at least 3 % higher
on multi-day trips at equal solve time. Before building a new search this
script bounds what any search can gain on the present model: every
multi-day request of ``plan_bench`` and of the guide benchmark is planned
once with the default settings (2 s time limit, deterministic solution
limit) and once per metaheuristic (tabu search, guided local search) with
``--seconds`` of search and no solution limit (only the clock stops it).
The long searches stand in for "a much better search": whatever they find
is reachable in the model, and what they never find is not evidence of
headroom. Writes ``search_headroom.csv`` and ``search_headroom.md``.

Objective: the solver's (lower is better: travel, dropped prizes, meal and
travel-share penalties); score: the plan's ``totals.score`` that plan_bench
and the guide benchmark report (higher is better).
"""

from __future__ import annotations

import argparse
import csv
import os
import platform
import statistics
from pathlib import Path
from typing import Any

from ortools.constraint_solver import routing_enums_pb2

from chalicelib.catalog import bundle
from chalicelib.planning import plan, solver
from chalicelib.planning.settings import PlanSettings

from .guide.scenarios import SCENARIOS
from .plan_bench import REQUESTS

SEARCHES = {
    "tabu": routing_enums_pb2.LocalSearchMetaheuristic.TABU_SEARCH,
    "gls": routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH,
}


def trips() -> dict[str, dict[str, Any]]:
    out = {f"plan_bench/{k}": v for k, v in REQUESTS.items() if v.get("days", 1) >= 2}
    out.update({f"guide/{k}": v for k, v in SCENARIOS.items() if v.get("days", 1) >= 2})
    return out


def long_search(data: dict[str, Any], catalog: Any, seconds: float, metaheuristic: int) -> dict[str, Any]:
    """Plan with ``seconds`` of the given metaheuristic and no solution limit."""
    saved = solver.ITINERARY_METAHEURISTIC, solver.METAHEURISTIC
    solver.ITINERARY_METAHEURISTIC = solver.METAHEURISTIC = metaheuristic
    try:
        return plan(
            dict(data, time_limit_s=seconds),
            catalog,
            settings=PlanSettings(time_limit_cap_s=max(60.0, seconds), solution_limit=10**7),
        )
    finally:
        solver.ITINERARY_METAHEURISTIC, solver.METAHEURISTIC = saved


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / "results")
    parser.add_argument("--only", nargs="*", default=None, help="trip names (default: all multi-day trips)")
    args = parser.parse_args(argv)
    catalog = bundle.load()
    rows = []
    for name, data in trips().items():
        if args.only and name not in args.only and name.split("/", 1)[1] not in args.only:
            continue
        base = plan(dict(data), catalog, settings=PlanSettings())
        row: dict[str, Any] = {
            "trip": name,
            "days": data.get("days", 1),
            "default_objective": base["solver"]["objective"],
            "default_score": base["totals"]["score"],
            "default_ms": base["solver"]["wall_ms"],
        }
        best_obj, best_score = base["solver"]["objective"], base["totals"]["score"]
        for label, metaheuristic in SEARCHES.items():
            result = long_search(data, catalog, args.seconds, metaheuristic)
            row[f"{label}_objective"] = result["solver"]["objective"]
            row[f"{label}_score"] = result["totals"]["score"]
            best_obj = min(best_obj, result["solver"]["objective"])
            best_score = max(best_score, result["totals"]["score"])
        row["best_objective"], row["best_score"] = best_obj, best_score
        row["objective_gain_pct"] = round(
            (base["solver"]["objective"] - best_obj) / base["solver"]["objective"] * 100, 2
        )
        row["score_gain_pct"] = round((best_score - base["totals"]["score"]) / base["totals"]["score"] * 100, 2)
        rows.append(row)
        print(name, row["objective_gain_pct"], row["score_gain_pct"], flush=True)
    args.out.mkdir(parents=True, exist_ok=True)
    with open(args.out / "search_headroom.csv", "w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    total = {k: sum(r[k] for r in rows) for k in ("default_objective", "best_objective", "default_score", "best_score")}
    lines = [
        "# Search headroom of the itinerary model (`python -m benchmarks.headroom`)",
        "",
        f"Machine: {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}. "
        f"Default = the API's settings (2 s limit, deterministic solution limit); tabu / gls = {args.seconds:g} s "
        "of that metaheuristic with no solution limit. Objective: lower is better; score: the plan's totals.score.",
        "",
        "| trip | days | default obj | tabu obj | gls obj | obj gain % | default score | tabu score | gls score "
        "| best score gain % | default ms |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for r in rows:
        lines.append(
            f"| {r['trip']} | {r['days']} | {r['default_objective']} | {r['tabu_objective']} | {r['gls_objective']} "
            f"| {r['objective_gain_pct']} | {r['default_score']} | {r['tabu_score']} | {r['gls_score']} "
            f"| {r['score_gain_pct']} | {r['default_ms']} |"
        )
    obj_gain = (total["default_objective"] - total["best_objective"]) / total["default_objective"] * 100
    score_gain = (total["best_score"] - total["default_score"]) / total["default_score"] * 100
    lines += [
        "",
        f"Summed over the {len(rows)} trips: objective {total['default_objective']} -> {total['best_objective']} "
        f"({obj_gain:.2f} % lower), score {total['default_score']:.3f} -> {total['best_score']:.3f} "
        f"({score_gain:+.2f} %), best of the two long searches per trip. "
        f"Median gain per trip: objective {statistics.median(r['objective_gain_pct'] for r in rows):.2f} %, "
        f"score {statistics.median(r['score_gain_pct'] for r in rows):.2f} %.",
        "",
    ]
    (args.out / "search_headroom.md").write_text("\n".join(lines))
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
