"""Run every (budget, instance, m, solver), check, score, write CSV + markdown."""

from __future__ import annotations

import csv
import os
import platform
import statistics
import sys
import time
import traceback
from collections import defaultdict
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Optional

from . import check as checker
from .instance import load_bks, parse
from .runners import RUNNERS, available, versions

FIELDS = [
    "budget_s",
    "set",
    "instance",
    "m",
    "solver",
    "seed",
    "feasible",
    "score",
    "bks",
    "gap_pct",
    "visited",
    "travel",
    "wall_s",
    "cpu_s",
    "status",
    "objective",
    "errors",
    "tours",
]
PEERS = ("vroom", "pyvrp", "textbook")


@dataclass(frozen=True)
class Task:
    path: str
    set: str
    m: int
    solver: str
    seconds: float
    seed: int = 0


@lru_cache(maxsize=8)
def _instance(path: str, set_name: str):
    inst = parse(path, set_name=set_name)
    inst.matrix  # noqa: B018  (build the shared integer matrix before any clock starts)
    return inst


_WARM: set[str] = set()


def _warm_up(solver: str) -> None:
    """Import the solver's package before any clock starts (pyvroom pulls in pandas)."""
    if solver not in _WARM:
        available(solver)
        _WARM.add(solver)


def gap(bks: int, score: int) -> float:
    return 100.0 * (bks - score) / bks


def format_tours(tours) -> str:
    return "|".join(" ".join(str(v) for v in tour) for tour in tours)


def run_task(task: Task) -> dict:
    inst = _instance(task.path, task.set)
    bks = load_bks().get((inst.name, task.m))
    row = {
        "budget_s": task.seconds,
        "set": task.set,
        "instance": inst.name,
        "m": task.m,
        "solver": task.solver,
        "seed": task.seed,
        "bks": bks,
    }
    _warm_up(task.solver)
    started, cpu_started = time.perf_counter(), time.process_time()
    try:
        run = RUNNERS[task.solver](inst, task.m, task.seconds, task.seed)
    except Exception as exc:  # a crashing solver is a result too (score 0)
        row.update(
            feasible=False,
            score=0,
            gap_pct=_gap_or_blank(bks, 0),
            visited=0,
            travel="",
            wall_s=round(time.perf_counter() - started, 3),
            cpu_s=round(time.process_time() - cpu_started, 3),
            status="error",
            objective="",
            errors=f"{type(exc).__name__}: {exc}",
            tours="",
        )
        traceback.print_exc(file=sys.stderr)
        return row
    # CPU time of this process (all threads) during the run: well below wall_s means the
    # run was starved by other processes and its result is not comparable.
    cpu = round(time.process_time() - cpu_started, 3)
    result = checker.check(task.path, run.tours, task.m)
    score = result.score if result.feasible else 0  # an infeasible solution scores nothing
    row.update(
        feasible=result.feasible,
        score=score,
        gap_pct=_gap_or_blank(bks, score),
        visited=result.visited,
        travel=str(result.travel),
        wall_s=round(run.wall_s, 3),
        cpu_s=cpu,
        status=run.status,
        objective="" if run.objective is None else run.objective,
        errors="; ".join(result.errors[:5]),
        tours=format_tours(result.tours),
    )
    return row


def _gap_or_blank(bks: Optional[int], score: int):
    return "" if bks is None else round(gap(bks, score), 4)


def tasks_for(paths: Iterable[Path], sets_of: dict[Path, str], ms, solvers, budgets, seed=0) -> list[Task]:
    """Budget-major, then instance and m; the solvers of one (instance, m) run back to back."""
    return [Task(str(p), sets_of[p], m, s, float(b), seed) for b in budgets for p in paths for m in ms for s in solvers]


def execute(tasks: list[Task], csv_path: Path, jobs: int = 1, log=print) -> list[dict]:
    csv_path.parent.mkdir(parents=True, exist_ok=True)
    rows = []
    with open(csv_path, "w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=FIELDS)
        writer.writeheader()

        def emit(row: dict) -> None:
            rows.append(row)
            writer.writerow(row)
            fh.flush()
            log(
                f"[{len(rows)}/{len(tasks)}] {row['budget_s']:g}s {row['instance']} m={row['m']} "
                f"{row['solver']:<8} score={row['score']} bks={row['bks']} gap={row['gap_pct']}% "
                f"wall={row['wall_s']}s cpu={row.get('cpu_s')}s{'' if row['feasible'] else '  INFEASIBLE ' + str(row['errors'])[:120]}"
            )

        if jobs <= 1:
            for task in tasks:
                emit(run_task(task))
        else:
            with ProcessPoolExecutor(max_workers=jobs) as pool:
                for row in pool.map(run_task, tasks):
                    emit(row)
    return rows


def read_rows(csv_path: Path) -> list[dict]:
    with open(csv_path, newline="") as fh:
        rows = list(csv.DictReader(fh))
    for row in rows:
        row["budget_s"] = float(row["budget_s"])
        row["m"] = int(row["m"])
        row["score"] = int(row["score"])
        row["bks"] = int(row["bks"]) if row["bks"] not in ("", None) else None
        row["gap_pct"] = float(row["gap_pct"]) if row["gap_pct"] not in ("", None) else None
        row["wall_s"] = float(row["wall_s"])
        row["cpu_s"] = float(row["cpu_s"]) if row.get("cpu_s") not in ("", None) else None
        row["feasible"] = row["feasible"] in (True, "True")
    return rows


# --------------------------------------------------------------------------- summary
def summarize(rows: list[dict], jobs: int = 1, command: str = "", load: str = "") -> str:
    solvers = [s for s in RUNNERS if any(r["solver"] == s for r in rows)]
    budgets = sorted({r["budget_s"] for r in rows})
    sets = sorted({r["set"] for r in rows}, key=lambda s: (not s.startswith("solomon"), s))
    ms = sorted({r["m"] for r in rows})
    by = defaultdict(list)
    for r in rows:
        by[(r["budget_s"], r["set"], r["m"], r["solver"])].append(r)

    vers = versions()
    out = ["# TOPTW benchmark: the engine against VROOM, PyVRP and textbook OR-Tools", ""]
    out.append(
        f"Generated {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {platform.machine()}, "
        f"{os.cpu_count()} CPUs, Python {platform.python_version()}; "
        f"{jobs} run(s) at a time{' (parallel runs share the CPUs)' if jobs > 1 else ''}."
    )
    if command:
        out.append(f"Command: `{command}`.")
    if load:
        out.append(f"Load average (1 min) {load}.")
    out.append("Solvers: " + "; ".join(f"{s} ({vers.get(s, '?')})" for s in solvers) + ".")
    out += [
        "",
        "gap = (reference - score) / reference, in %, reference = `data/bks.csv`; "
        "every solution is checked by `benchmarks/toptw/check.py` first and an infeasible one "
        "scores 0 (gap 100 %). Budget = wall clock per run, model building included. "
        "Cells: mean / median gap; n = runs per cell. cpu / wall: CPU seconds the run's process got per "
        "wall second; clearly below 1 means the machine was busy and the budgets were not equal.",
        "",
    ]
    for budget in budgets:
        out += [f"## {budget:g} s per run", ""]
        header = (
            "| set | solver | "
            + " | ".join(f"m={m}" for m in ms)
            + " | infeasible | mean wall s | max wall s | cpu / wall |"
        )
        out += [header, "|" + " --- |" * (6 + len(ms))]
        for set_name in sets:
            for solver in solvers:
                cells, walls, cpus, bad = [], [], [], 0
                for m in ms:
                    runs = by.get((budget, set_name, m, solver), [])
                    gaps = [r["gap_pct"] for r in runs if r["gap_pct"] is not None]
                    walls += [r["wall_s"] for r in runs]
                    cpus += [r["cpu_s"] for r in runs if r.get("cpu_s") is not None]
                    bad += sum(1 for r in runs if not r["feasible"])
                    cells.append(
                        f"{statistics.mean(gaps):.2f} / {statistics.median(gaps):.2f} (n={len(gaps)})" if gaps else "-"
                    )
                if walls:
                    out.append(
                        f"| {set_name} | {solver} | "
                        + " | ".join(cells)
                        + f" | {bad} | {statistics.mean(walls):.2f} | {max(walls):.2f} | "
                        + (f"{sum(cpus) / sum(walls):.2f} |" if cpus and sum(walls) else "- |")
                    )
        out.append("")
        if "engine" in solvers:
            out += _duel(by, budget, sets, ms, [p for p in PEERS if p in solvers])
            out += _target(by, budget, sets, ms, [p for p in ("vroom", "pyvrp") if p in solvers])
    return "\n".join(out) + "\n"


def _duel(by, budget, sets, ms, peers) -> list[str]:
    if not peers:
        return []
    out = [
        f"Engine against each peer, wins / ties / losses by score per instance ({budget:g} s):",
        "",
        "| set | peer | " + " | ".join(f"m={m}" for m in ms) + " |",
        "|" + " --- |" * (2 + len(ms)),
    ]
    for set_name in sets:
        for peer in peers:
            cells = []
            for m in ms:
                mine = {r["instance"]: r["score"] for r in by.get((budget, set_name, m, "engine"), [])}
                theirs = {r["instance"]: r["score"] for r in by.get((budget, set_name, m, peer), [])}
                common = mine.keys() & theirs.keys()
                if not common:
                    cells.append("-")
                    continue
                w = sum(mine[i] > theirs[i] for i in common)
                t = sum(mine[i] == theirs[i] for i in common)
                cells.append(f"{w} / {t} / {len(common) - w - t}")
            out.append(f"| {set_name} | {peer} | " + " | ".join(cells) + " |")
    return out + [""]


def _target(by, budget, sets, ms, peers) -> list[str]:
    if not peers:
        return []
    out = [
        f"Target (issue #7): engine mean gap below every peer's ({', '.join(peers)}) on each set and m ({budget:g} s):",
        "",
    ]
    for set_name in sets:
        cells = []
        for m in ms:

            def mean(s, set_name=set_name, m=m):
                gaps = [r["gap_pct"] for r in by.get((budget, set_name, m, s), []) if r["gap_pct"] is not None]
                return statistics.mean(gaps) if gaps else None

            mine, best_peer = mean("engine"), [g for g in (mean(p) for p in peers) if g is not None]
            if mine is None or not best_peer:
                cells.append(f"m={m}: -")
            else:
                cells.append(
                    f"m={m}: {'met' if mine < min(best_peer) else 'NOT met'} ({mine:.2f} vs {min(best_peer):.2f})"
                )
        out.append(f"- {set_name}: " + "; ".join(cells))
    return out + [""]
