"""TOPTW benchmark command line.

    python -m benchmarks.toptw run [--seconds 1 5] [--sets solomon_100 cordeau_pr01_10]
                                   [--m 1 2 3 4] [--solvers engine textbook vroom pyvrp]
                                   [--instances c101 pr01 ...] [--jobs N] [--quick] [--out DIR]
    python -m benchmarks.toptw solve FILE --m M --seconds S [--solver engine] [--seed 0]
    python -m benchmarks.toptw summarize [CSV ...] [--out MD]
    python -m benchmarks.toptw best-known [CSV ...]

``run`` writes ``<out>/toptw_runs.csv`` (one row per run, written as it
goes) and ``<out>/toptw_summary.md``; ``--quick`` runs 1 s, m = 1 and 2,
on eight instances and writes ``toptw_quick_runs.csv`` /
``toptw_quick_summary.md`` instead. The full run is 39 instances x 4 m x
4 solvers x (1 + 5) s, about 65 minutes with ``--jobs 1`` (the default:
one run at a time, so no solver competes for the CPU; ``--jobs 2`` halves
the time on a 2-core machine but the runs then share the cores and the
memory bandwidth).

``solve`` prints ``{"tours": [[0, v1, ..., 0], ...], "score": S, ...}``:
one list per non-empty tour, depot 0 at both ends; ``score`` is computed
by the independent checker (0 and ``"feasible": false`` if it rejects).
FILE is a path or an instance name of the bundled data (``c101``, ``pr01``).
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import sys
from datetime import UTC, datetime
from pathlib import Path

from . import best_known
from . import check as checker
from .harness import execute, instance_tables, read_rows, summarize, tasks_for
from .instance import INSTANCES, SETS, instance_paths, parse
from .runners import RUNNERS, available

RESULTS = Path(__file__).resolve().parent.parent / "results"
QUICK_INSTANCES = ["c101", "c105", "r101", "r105", "rc101", "rc105", "pr01", "pr02"]


def _resolve(file: str) -> Path:
    path = Path(file)
    if path.is_file():
        return path
    for set_name in SETS:
        candidate = INSTANCES / set_name / f"{Path(file).stem}.txt"
        if candidate.is_file():
            return candidate
    raise SystemExit(f"no such instance file or bundled instance: {file}")


def cmd_run(args) -> int:
    if args.quick:
        args.seconds = args.seconds or [1.0]
        args.m = args.m or [1, 2]
        args.instances = args.instances or QUICK_INSTANCES
    seconds = args.seconds or [1.0, 5.0]
    ms = args.m or [1, 2, 3, 4]
    solvers = args.solvers or list(RUNNERS)
    missing = [s for s in solvers if not available(s)]
    if missing:
        raise SystemExit(f"not importable here: {', '.join(missing)} (pip install -r requirements-bench.txt)")
    paths = instance_paths(args.sets, args.instances)
    sets_of = {p: p.parent.name for p in paths}
    tasks = tasks_for(paths, sets_of, ms, solvers, seconds, args.seed)
    name = "toptw_quick" if args.quick else args.name
    csv_path, md_path = args.out / f"{name}_runs.csv", args.out / f"{name}_summary.md"
    per_instance = args.out / f"{name}_instances.md"
    est = sum(t.seconds for t in tasks) / max(1, args.jobs) / 60
    print(f"{len(tasks)} runs, about {est:.0f} min with {args.jobs} job(s); writing {csv_path}", flush=True)
    load_before = os.getloadavg()[0]
    rows = execute(tasks, csv_path, jobs=args.jobs, log=lambda s: print(s, flush=True))
    command = "python -m benchmarks.toptw " + " ".join(shlex.quote(a) for a in sys.argv[1:])
    load = f"{load_before:.2f} at the start, {os.getloadavg()[0]:.2f} at the end"
    table = best_known.load(args.best_known)
    changes = None
    if not args.no_best_known:
        # Every solution of this run that the checker accepts and that beats the table enters it.
        changes = best_known.update(table, rows, datetime.now(UTC).strftime("%Y-%m-%d"), csv_path.name)
        best_known.save(table, args.best_known)
        print(f"{len(changes)} new best known solution(s) -> {args.best_known}")
    md_path.write_text(summarize(rows, jobs=args.jobs, command=command, load=load, best=table, changes=changes))
    per_instance.write_text(instance_tables(rows, table))
    print(f"wrote {csv_path}, {md_path} and {per_instance}")
    return 0


def cmd_solve(args) -> int:
    path = _resolve(args.file)
    inst = parse(path)
    run = RUNNERS[args.solver](inst, args.m, args.seconds, args.seed)
    result = checker.check(path, run.tours, args.m)
    print(
        json.dumps(
            {
                "tours": [[0, *tour, 0] for tour in result.tours if tour],
                "score": result.score if result.feasible else 0,
                "feasible": result.feasible,
                "errors": list(result.errors),
                "instance": inst.name,
                "m": args.m,
                "solver": args.solver,
                "seconds": args.seconds,
                "wall_s": round(run.wall_s, 3),
            }
        )
    )
    return 0 if result.feasible else 1


def cmd_summarize(args) -> int:
    rows = [row for path in args.csv for row in read_rows(path)]
    first = args.csv[0]
    out = args.out or first.with_name(first.name.replace("_runs.csv", "_summary.md"))
    table = best_known.load(args.best_known)
    out.write_text(summarize(rows, jobs=args.jobs, command=args.command, load=args.load, best=table))
    per_instance = out.with_name(out.name.replace("_summary.md", "_instances.md"))
    if per_instance != out:
        per_instance.write_text(instance_tables(rows, table))
    print(f"wrote {out}" + (f" and {per_instance}" if per_instance != out else ""))
    return 0


def cmd_best_known(args) -> int:
    csvs = args.csv or sorted(RESULTS.glob("toptw*_runs.csv"))
    csvs = sorted(csvs, key=best_known.csv_date)  # oldest first: an equal score stays with its first finder
    changes = best_known.update_from_csvs(csvs, args.best_known)
    for old, new in changes:
        before = "none" if old is None else str(old.score)
        print(f"{new.instance} m={new.m}: {before} -> {new.score} ({new.solver}, {new.budget_s:g} s, {new.source})")
    print(f"{len(changes)} change(s); wrote {args.best_known}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.toptw", description="TOPTW benchmark")
    sub = parser.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="benchmark the solvers, write CSV + markdown")
    run.add_argument("--seconds", type=float, nargs="+", help="budgets per run (default 1 5)")
    run.add_argument("--sets", nargs="+", default=list(SETS), choices=SETS)
    run.add_argument("--m", type=int, nargs="+", help="numbers of tours (default 1 2 3 4)")
    run.add_argument("--solvers", nargs="+", choices=list(RUNNERS))
    run.add_argument("--instances", nargs="+", help="instance names (default: every one of the sets)")
    run.add_argument("--jobs", type=int, default=1, help="runs in parallel (processes; default 1)")
    run.add_argument("--seed", type=int, default=0)
    run.add_argument("--quick", action="store_true", help="1 s, m = 1 2, eight instances")
    run.add_argument("--out", type=Path, default=RESULTS)
    run.add_argument("--name", default="toptw", help="file prefix (default toptw)")
    run.add_argument("--best-known", type=Path, default=best_known.BEST_KNOWN, help="best-known table to update")
    run.add_argument("--no-best-known", action="store_true", help="do not update the best-known table")
    run.set_defaults(func=cmd_run)

    solve = sub.add_parser("solve", help="solve one instance, print JSON tours and score")
    solve.add_argument("file")
    solve.add_argument("--m", type=int, required=True)
    solve.add_argument("--seconds", type=float, default=1.0)
    solve.add_argument("--solver", default="engine", choices=list(RUNNERS))
    solve.add_argument("--seed", type=int, default=0)
    solve.set_defaults(func=cmd_solve)

    summ = sub.add_parser("summarize", help="rebuild the markdown summary from a runs CSV")
    summ.add_argument(
        "csv", type=Path, nargs="*", default=[RESULTS / "toptw_runs.csv"], help="one or more runs CSVs (merged)"
    )
    summ.add_argument("--out", type=Path)
    summ.add_argument("--jobs", type=int, default=1, help="as used for the CSV (for the header only)")
    summ.add_argument("--command", default="", help="the command that made the CSV (for the header only)")
    summ.add_argument("--load", default="", help="load average during the run (for the header only)")
    summ.add_argument("--best-known", type=Path, default=best_known.BEST_KNOWN)
    summ.set_defaults(func=cmd_summarize)

    best = sub.add_parser("best-known", help="enter the checked best solutions of runs CSVs into the best-known table")
    best.add_argument("csv", type=Path, nargs="*", help="runs CSVs (default: benchmarks/results/toptw*_runs.csv)")
    best.add_argument("--best-known", type=Path, default=best_known.BEST_KNOWN)
    best.set_defaults(func=cmd_best_known)

    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
