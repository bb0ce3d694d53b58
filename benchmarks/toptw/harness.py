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
def summarize(
    rows: list[dict],
    jobs: int = 1,
    command: str = "",
    load: str = "",
    best: Optional[dict] = None,
    changes: Optional[list] = None,
) -> str:
    """Markdown summary; ``best``: the best-known table (``best_known.load()``) for a second gap column."""
    best = best or {}
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
    if best:
        out += [
            "Second reference, *best known*: the larger of `bks.csv` and `data/best_known.csv`, the best "
            "solution (checked by `check.py`) any run of this benchmark has found for that instance and m "
            "(any solver, budget or date, this run included); gap to it = (best known - score) / best known. "
            "Where a run's solution is above `bks.csv` the literature reference is stale for that m (see "
            "*References improved* at the end).",
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
        if best:
            out += _best_table(by, budget, sets, ms, solvers, best)
        if "engine" in solvers:
            out += _duel(by, budget, sets, ms, [p for p in PEERS if p in solvers])
            peers = [p for p in ("vroom", "pyvrp") if p in solvers]
            out += _target(by, budget, sets, ms, peers)
            if best:
                out += _target(by, budget, sets, ms, peers, best)
    if best:
        out += _improved(rows, best, changes)
    return "\n".join(out) + "\n"


def best_gap(row: dict, best: dict) -> Optional[float]:
    """Gap to the best known score: the larger of bks and the best checked solution of any run."""
    rec = best.get((row["instance"], row["m"]))
    ref = max(row["bks"] or 0, rec.score if rec is not None else 0, row["score"])
    return gap(ref, row["score"]) if ref > 0 else None


def _best_table(by, budget, sets, ms, solvers, best) -> list[str]:
    out = [
        f"Gap to the best known score (max of `bks.csv` and `data/best_known.csv`), mean / median in % ({budget:g} s):",
        "",
        "| set | solver | " + " | ".join(f"m={m}" for m in ms) + " |",
        "|" + " --- |" * (2 + len(ms)),
    ]
    for set_name in sets:
        for solver in solvers:
            cells, any_runs = [], False
            for m in ms:
                runs = by.get((budget, set_name, m, solver), [])
                any_runs = any_runs or bool(runs)
                gaps = [g for g in (best_gap(r, best) for r in runs) if g is not None]
                cells.append(f"{statistics.mean(gaps):.2f} / {statistics.median(gaps):.2f}" if gaps else "-")
            if any_runs:
                out.append(f"| {set_name} | {solver} | " + " | ".join(cells) + " |")
    return out + [""]


def _improved(rows, best, changes) -> list[str]:
    names = {(r["instance"], r["m"]) for r in rows}
    bks = {(r["instance"], r["m"]): r["bks"] for r in rows}
    stale = sorted(
        (k for k in names if k in best and bks.get(k) is not None and best[k].score > bks[k]),
        key=lambda k: (k[0].rstrip("0123456789"), int(k[0][len(k[0].rstrip("0123456789")) :] or 0), k[1]),
    )
    out = [
        "## References improved",
        "",
        f"Instances and m of this run where `data/best_known.csv` is above `data/bks.csv` ({len(stale)}); "
        "each tours string there passes `check.py`.",
        "",
    ]
    if stale:
        out += [
            "| instance | m | bks | best known | by | budget s | found |",
            "| --- | --- | --- | --- | --- | --- | --- |",
        ]
        for k in stale:
            rec = best[k]
            out.append(
                f"| {k[0]} | {k[1]} | {bks[k]} | {rec.score} | {rec.solver} | {rec.budget_s:g} | {rec.date} ({rec.source}) |"
            )
        out.append("")
    if changes is not None:
        out += [f"New best known solutions entered by this run: {len(changes)}."]
        for old, new in changes:
            before = "none" if old is None else f"{old.score} ({old.solver}, {old.budget_s:g} s)"
            out.append(f"- {new.instance} m={new.m}: {before} -> {new.score} ({new.solver}, {new.budget_s:g} s)")
        out.append("")
    return out


def instance_tables(rows: list[dict], best: Optional[dict] = None) -> str:
    """Per instance and m: every solver's score, the references, and the engine's win / tie / loss."""
    best = best or {}
    solvers = [s for s in RUNNERS if any(r["solver"] == s for r in rows)]
    peers = [p for p in PEERS if p in solvers]
    score = {(r["budget_s"], r["instance"], r["m"], r["solver"]): r["score"] for r in rows}
    out = [
        "# TOPTW benchmark: per instance",
        "",
        "Scores checked by `check.py` (0 = infeasible). W / T / L: the engine's score above / equal to / below "
        "the peer's. bks = `data/bks.csv`; best = the larger of bks and `data/best_known.csv` (* where a run of "
        "this benchmark found more than bks).",
        "",
    ]
    for budget in sorted({r["budget_s"] for r in rows}):
        keys = sorted(
            {(r["set"], r["instance"], r["m"]) for r in rows if r["budget_s"] == budget},
            key=lambda k: (not k[0].startswith("solomon"), k[0], k[2], _natural_name(k[1])),
        )
        out += [f"## {budget:g} s per run", ""]
        out.append(
            "| set | instance | m | bks | best | " + " | ".join(solvers) + "".join(f" | vs {p}" for p in peers) + " |"
        )
        out.append("|" + " --- |" * (5 + len(solvers) + len(peers)))
        bks_of = {(r["instance"], r["m"]): r["bks"] for r in rows}
        for set_name, name, m in keys:
            rec = best.get((name, m))
            ref = bks_of.get((name, m))
            top = max([x for x in (ref, rec.score if rec is not None else None) if x is not None], default=None)
            stale = rec is not None and ref is not None and rec.score > ref
            best_cell = "-" if top is None else f"{top}{'*' if stale else ''}"
            cells = [str(score.get((budget, name, m, s), "-")) for s in solvers]
            duels = []
            mine = score.get((budget, name, m, "engine"))
            for p in peers:
                theirs = score.get((budget, name, m, p))
                if mine is None or theirs is None:
                    duels.append("-")
                else:
                    duels.append("W" if mine > theirs else "T" if mine == theirs else "L")
            out.append(
                f"| {set_name} | {name} | {m} | {'-' if ref is None else ref} | {best_cell} | "
                + " | ".join(cells)
                + "".join(f" | {d}" for d in duels)
                + " |"
            )
        out.append("")
    return "\n".join(out) + "\n"


def _natural_name(name: str):
    head = name.rstrip("0123456789")
    return head, int(name[len(head) :] or 0)


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


def _target(by, budget, sets, ms, peers, best: Optional[dict] = None) -> list[str]:
    if not peers:
        return []
    against = "to the best known" if best else "to bks"
    out = [
        f"Target (issues #7, #16): engine mean gap ({against}) below every peer's ({', '.join(peers)}) "
        f"on each set and m ({budget:g} s):",
        "",
    ]
    for set_name in sets:
        cells = []
        for m in ms:

            def mean(s, set_name=set_name, m=m):
                runs = by.get((budget, set_name, m, s), [])
                if best:
                    gaps = [g for g in (best_gap(r, best) for r in runs) if g is not None]
                else:
                    gaps = [r["gap_pct"] for r in runs if r["gap_pct"] is not None]
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
