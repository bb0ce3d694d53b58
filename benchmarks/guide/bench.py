"""Guide benchmark: every scenario of ``scenarios.py`` through ``plan`` and ``review``.

    python -m benchmarks.guide [--out benchmarks/results] [--reps 3] [--baseline FILE.csv]
                               [--only NAME ...] [--save-plans FILE.json]

Per scenario: the engine is timed over ``--reps`` runs (median), the plans are
compared across runs, and the first plan is judged by the guide review
(``chalicelib/planning/review.py``) against a problem built independently from
the same request. Scores: the engine's ``totals.score`` (its own prize, which
changes with the engine) and an engine-independent *interest score*, the sum
over visited POIs of ``interest(category) x weight`` plus 0.8 per attended
match, so that runs of different engines stay comparable.

Writes ``guide_bench.csv`` (one row per scenario) and ``guide_bench.md`` (faults
by kind x scenario, totals, medians). ``--baseline`` adds the interest score of a
previous run's CSV and the ratio now / then.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
import os
import platform
import statistics
import subprocess
import time
from pathlib import Path
from typing import Any, Optional

from chalicelib.catalog import bundle
from chalicelib.errors import YueyouError
from chalicelib.planning import plan
from chalicelib.planning.problem import build
from chalicelib.planning.request import parse_request
from chalicelib.planning.review import CODES, review
from chalicelib.planning.travel import GeodesicTravel

from .scenarios import SCENARIOS

MATCH_UNITS = 0.8  # interest score of an attended match
SHORT = {  # column labels of the markdown fault table
    "order_waste": "order",
    "backtrack": "back",
    "route_stop_missing": "route miss",
    "short_motor_leg": "short leg",
    "meal_wait": "meal wait",
    "wait": "wait",
    "meal_repeat": "meal rep",
    "meal_no_food": "no food",
    "meal_missing": "no meal",
    "meal_detour": "meal detour",
    "dark_outdoor": "dark",
    "travel_share": "travel share",
    "nested_visit": "nested",
    "split_area": "split area",
    "signature_missing": "signature",
    "silent_wish": "silent wish",
    "wish_unmet": "wish unmet",
    "festival_missed": "festival",
    "empty_day": "empty day",
}


def _minutes(a: str, b: str) -> int:
    from datetime import datetime

    return int((datetime.fromisoformat(b) - datetime.fromisoformat(a)).total_seconds() // 60)


def measure(result: dict[str, Any], problem: Any, catalog: Any) -> dict[str, Any]:
    """Engine-independent numbers read from the plan response."""
    req = problem.request
    interest, visits, matches, travel, visiting = 0.0, 0, 0, 0, 0
    visited = {stop.get("poi_id") for day in result["days"] for stop in day["stops"] if stop["type"] == "visit"}
    counted: set[str] = set()
    unique = 0.0  # each place once: a second visit, or a visit inside a visited place, adds nothing
    for day in result["days"]:
        for stop in day["stops"]:
            if stop.get("travel"):
                travel += int(stop["travel"].get("minutes") or 0)
            if stop["type"] == "visit" and stop.get("poi_id") in catalog.pois:
                poi = catalog.pois[stop["poi_id"]]
                interest += req.interest(poi.category) * poi.weight
                if poi.id not in counted and not _inside_visited(poi, visited, catalog):
                    unique += req.interest(poi.category) * poi.weight
                counted.add(poi.id)
                visits += 1
                visiting += _minutes(stop["start"], stop["end"])
            elif stop["type"] == "event":
                interest += MATCH_UNITS
                unique += MATCH_UNITS
                matches += 1
                visiting += _minutes(stop["start"], stop["end"])
    return {
        "interest_score": round(interest, 3),
        "interest_unique": round(unique, 3),
        "visits": visits,
        "matches": matches,
        "travel_minutes": travel,
        "visiting_minutes": visiting,
        "travel_share": round(travel / visiting, 3) if visiting else None,
    }


def _inside_visited(poi: Any, visited: set[Any], catalog: Any) -> bool:
    """Whether a place containing ``poi`` (its ``part_of`` chain) is visited too
    (Luzhen inside Keyan: the issue's "same place twice under two names")."""
    parent, seen = poi.part_of, set()
    while parent and parent not in seen:
        if parent in visited:
            return True
        seen.add(parent)
        parent = catalog.pois[parent].part_of if parent in catalog.pois else None
    return False


def interest_summary(rows: list[dict[str, Any]]) -> list[str]:
    """Interest now against the baseline, summed over trips: all trips, each
    place counted once, and route trips apart from the others."""
    paired = [r for r in rows if r.get("baseline_interest_score") and r.get("interest_score") is not None]
    if not paired:
        return []

    def ratio(group: list[dict[str, Any]], now: str, then: str) -> str:
        a = sum(float(r[now]) for r in group if r.get(then) not in (None, ""))
        b = sum(float(r[then]) for r in group if r.get(then) not in (None, ""))
        return f"{a:.2f} / {b:.2f} = **{a / b:.3f}**" if b else "-"

    route = [r for r in paired if r.get("route")]
    other = [r for r in paired if not r.get("route")]
    lines = [
        "Interest against the baseline (sums over trips; *each place once*: a second visit of a place, or a "
        "visit of a place inside another visited one, such as Luzhen inside Keyan, adds nothing):",
        "",
        "| trips | interest | each place once |",
        "| --- | --- | --- |",
    ]
    for label, group in (
        (f"all ({len(paired)})", paired),
        (f"route trips ({len(route)})", route),
        (f"other trips ({len(other)})", other),
    ):
        if group:
            lines.append(
                f"| {label} | {ratio(group, 'interest_score', 'baseline_interest_score')} | "
                f"{ratio(group, 'interest_unique', 'baseline_interest_unique')} |"
            )
    return lines + [""]


def signature(result: dict[str, Any]) -> str:
    return json.dumps(
        [[(s["type"], s.get("poi_id"), s.get("event_id"), s["start"]) for s in d["stops"]] for d in result["days"]]
    )


def run_scenario(
    name: str, data: dict[str, Any], catalog: Any, reps: int, saved: Optional[dict[str, Any]] = None
) -> tuple[dict[str, Any], Any]:
    """Plan (``reps`` times, timed) and review one scenario; with ``saved`` (a plan
    from ``--save-plans``) only review that plan, against the current catalog."""
    data = {"lang": "en", **data}
    row: dict[str, Any] = {
        "scenario": name,
        "days": data.get("days", 1),
        "mode": data.get("mode", "transit"),
        "pace": data.get("pace", "normal"),
        "route": data.get("route") or "",
    }
    timings, plans, first = [], set(), saved
    try:
        for _ in range(0 if saved is not None else reps):
            started = time.perf_counter()
            result = plan(data, catalog)
            timings.append((time.perf_counter() - started) * 1000)
            plans.add(signature(result))
            first = first or result
    except YueyouError as exc:
        row.update(status=f"error:{exc.code}", faults_total=None)
        return row, None
    if first is None:
        row.update(status="no plan", faults_total=None)
        return row, None
    problem = build(parse_request(data, catalog), catalog, GeodesicTravel())
    started = time.perf_counter()
    faults = review(problem, first)
    review_ms = (time.perf_counter() - started) * 1000
    counts = {code: 0 for code in CODES}
    for fault in faults:
        counts[fault.code] = counts.get(fault.code, 0) + 1
    row.update(
        status=first["status"],
        faults_total=len(faults),
        **{f"f_{c}": n for c, n in counts.items()},
        score=first["totals"]["score"],
        **measure(first, problem, catalog),
        engine_ms_median=round(statistics.median(timings), 1) if timings else None,
        review_ms=round(review_ms, 1),
        identical_plans=len(plans) == 1 if timings else None,
    )
    own = first.get("review")  # the engine may report its own review later: recorded, never trusted
    if own is not None:
        row["engine_review_faults"] = len(own) if isinstance(own, list) else len(own.get("faults", []))
    row["faults"] = " | ".join(f.message.en for f in faults)
    return row, first


def load_baseline(path: Path) -> dict[str, dict[str, str]]:
    with open(path, newline="") as handle:
        return {r["scenario"]: r for r in csv.DictReader(handle)}


def _commit() -> str:
    try:
        here = Path(__file__).resolve().parent
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=here, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--", "chalicelib"], capture_output=True, text=True, cwd=here, check=True
        ).stdout.strip()
        return head + (" with uncommitted engine changes" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "?"


def _fmt(value: Any) -> str:
    if value is None or value == "":
        return "-"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def markdown(rows: list[dict[str, Any]], reps: int, baseline: Optional[Path], argv: list[str]) -> str:
    ok = [r for r in rows if r.get("faults_total") is not None]
    codes = [c for c in CODES]
    lines = [
        "# Guide benchmark (`python -m benchmarks.guide`)",
        "",
        f"Engine commit {_commit()}; machine: {platform.machine()}, {os.cpu_count()} CPUs, Python "
        f"{platform.python_version()}; {reps} run(s) per scenario; geodesic travel times; default settings.",
        f"Reproduce: `python -m benchmarks.guide {' '.join(argv)}`".rstrip() + " (or `make bench-guide`).",
        "",
        "Faults found by the guide review (`chalicelib/planning/review.py`), by kind and scenario:",
        "",
        "| scenario | " + " | ".join(SHORT[c] for c in codes) + " | total |",
        "| --- | " + " | ".join("---" for _ in codes) + " | --- |",
    ]
    for r in rows:
        if r.get("faults_total") is None:
            lines.append(f"| {r['scenario']} | " + " | ".join("" for _ in codes) + f" | {r['status']} |")
            continue
        lines.append(
            f"| {r['scenario']} | " + " | ".join(str(r[f'f_{c}'] or "") for c in codes) + f" | {r['faults_total']} |"
        )
    lines.append(
        "| **total** | "
        + " | ".join(f"**{sum(r[f'f_{c}'] for r in ok)}**" for c in codes)
        + f" | **{sum(r['faults_total'] for r in ok)}** |"
    )
    head = [
        "scenario",
        "status",
        "engine score",
        "interest score",
        "visits",
        "matches",
        "travel min",
        "visiting min",
        "travel share",
        "engine median ms",
        "identical",
    ]
    keys = [
        "scenario",
        "status",
        "score",
        "interest_score",
        "visits",
        "matches",
        "travel_minutes",
        "visiting_minutes",
        "travel_share",
        "engine_ms_median",
        "identical_plans",
    ]
    if baseline is not None:
        head += ["baseline interest", "interest ratio"]
        keys += ["baseline_interest_score", "interest_ratio"]
    lines += ["", "Per scenario:", "", "| " + " | ".join(head) + " |", "|" + " --- |" * len(head)]
    for r in rows:
        lines.append("| " + " | ".join(_fmt(r.get(k)) for k in keys) + " |")

    def med(key: str) -> str:
        values = [r[key] for r in ok if isinstance(r.get(key), (int, float)) and not isinstance(r.get(key), bool)]
        return f"{statistics.median(values):g}" if values else "-"

    medians = [
        "**median**",
        "",
        med("score"),
        med("interest_score"),
        med("visits"),
        med("matches"),
        med("travel_minutes"),
        med("visiting_minutes"),
        med("travel_share"),
        med("engine_ms_median"),
        f"{sum(1 for r in ok if r['identical_plans'])}/{len(ok)}"
        if any(r.get("identical_plans") is not None for r in ok)
        else "-",
    ]
    if baseline is not None:
        medians += [med("baseline_interest_score"), med("interest_ratio")]
    lines.append("| " + " | ".join(medians) + " |")
    lines += [
        "",
        f"Scenarios: {len(rows)}; faults in total: {sum(r['faults_total'] for r in ok)}; "
        f"scenarios without any fault: {sum(1 for r in ok if r['faults_total'] == 0)}.",
        "",
    ]
    lines += interest_summary(ok)
    return "\n".join(lines)


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parents[1] / "results")
    parser.add_argument("--baseline", type=Path, default=None, help="a previous guide_bench.csv to compare with")
    parser.add_argument("--only", nargs="*", default=None, help="scenario names (default: all)")
    parser.add_argument("--save-plans", type=Path, default=None, help="write every first plan to this JSON file")
    parser.add_argument(
        "--review-plans",
        type=Path,
        default=None,
        help="no engine: review the plans of a --save-plans file with the current catalog",
    )
    args = parser.parse_args(argv)
    catalog = bundle.load()
    base = load_baseline(args.baseline) if args.baseline else None
    saved = None
    if args.review_plans:
        raw = args.review_plans.read_bytes()
        saved = json.loads(gzip.decompress(raw) if args.review_plans.suffix == ".gz" else raw)
    rows, plans = [], {}
    for name, data in SCENARIOS.items():
        if args.only and name not in args.only:
            continue
        if saved is not None and name not in saved:
            continue
        row, result = run_scenario(name, data, catalog, args.reps, saved[name] if saved is not None else None)
        if base is not None:
            then = base.get(name, {}).get("interest_score")
            row["baseline_interest_score"] = float(then) if then not in (None, "") else None
            once = base.get(name, {}).get("interest_unique")
            row["baseline_interest_unique"] = float(once) if once not in (None, "") else None
            now = row.get("interest_score")
            row["interest_ratio"] = (
                round(now / row["baseline_interest_score"], 3)
                if now is not None and row["baseline_interest_score"]
                else None
            )
        rows.append(row)
        if result is not None:
            plans[name] = result
        print(
            f"{name}: {row.get('status')}, {row.get('faults_total')} faults, interest "
            f"{row.get('interest_score')}, {row.get('engine_ms_median')} ms",
            flush=True,
        )
    args.out.mkdir(parents=True, exist_ok=True)
    fields: list[str] = []
    for r in rows:
        fields += [k for k in r if k not in fields]
    fields = [k for k in fields if k != "faults"] + ["faults"]
    with open(args.out / "guide_bench.csv", "w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)
    shown = [a if " " not in a else repr(a) for a in (argv if argv is not None else __import__("sys").argv[1:])]
    text = markdown(rows, args.reps, args.baseline, shown)
    (args.out / "guide_bench.md").write_text(text)
    if args.save_plans:
        args.save_plans.write_text(json.dumps(plans, ensure_ascii=False))
    print(text)
    return 0
