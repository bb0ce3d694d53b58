"""The best-known table (benchmarks/toptw/best_known.py): only checked solutions enter it."""

from __future__ import annotations

import csv
import filecmp
from pathlib import Path

import pytest

from benchmarks.toptw import best_known
from benchmarks.toptw import check as checker
from benchmarks.toptw.__main__ import main as cli
from benchmarks.toptw.harness import format_tours, instance_tables, summarize
from benchmarks.toptw.instance import INSTANCES, instance_paths, load_bks, load_optimal_routes

C101 = INSTANCES / "solomon_100" / "c101.txt"
SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "benchmarks" / "toptw" / "instances"


def _row(route_tours, score, solver="engine", m=2, instance="c101", feasible=True, bks=None, budget=1.0):
    return {
        "budget_s": budget,
        "set": "solomon_100",
        "instance": instance,
        "m": m,
        "solver": solver,
        "score": score,
        "bks": bks,
        "gap_pct": None if bks is None else 100.0 * (bks - score) / bks,
        "feasible": feasible,
        "wall_s": budget,
        "cpu_s": budget,
        "tours": format_tours(route_tours),
    }


def _optimal_c101():
    score, route = load_optimal_routes()["c101"]
    return score, route


def test_a_checked_better_solution_enters_and_an_unchecked_one_does_not():
    score, route = _optimal_c101()
    table: dict = {}
    # 1. a feasible solution enters (the score comes from the checker, not from the row)
    changes = best_known.update(table, [_row([route[:4]], 999)], "2026-12-01", "a.csv")
    small = checker.check(C101, [route[:4]], 2).score
    assert [(old, new.score) for old, new in changes] == [(None, small)]
    # 2. rows that claim more but that the checker rejects never enter, whatever their flags say
    reversed_route = [route[::-1]]  # every window broken
    duplicate = [route, route[:1]]  # a customer twice
    too_many = [route[:3], route[3:6], route[6:]]  # three tours for m = 2
    unknown = [[route[0], 999]]  # no such vertex
    for bad in (reversed_route, duplicate, too_many, unknown):
        assert not checker.check(C101, bad, 2).feasible
        assert best_known.update(table, [_row(bad, 10**6, feasible=True)], "2026-12-01", "bad.csv") == []
    assert table[("c101", 2)].score == small
    # 3. a better checked one replaces it; an equal one does not (the first finder keeps it)
    changes = best_known.update(table, [_row([route], score, solver="pyvrp", budget=5.0)], "2026-12-02", "b.csv")
    assert [(old.score, new.score, new.solver, new.budget_s) for old, new in changes] == [(small, score, "pyvrp", 5.0)]
    assert best_known.update(table, [_row([[], route], score, solver="vroom")], "2026-12-03", "c.csv") == []
    assert table[("c101", 2)].solver == "pyvrp" and table[("c101", 2)].date == "2026-12-02"


def test_table_round_trip_and_every_stored_solution_passes_the_checker(tmp_path):
    score, route = _optimal_c101()
    table: dict = {}
    best_known.update(table, [_row([route], score, m=1)], "2026-12-01", "a.csv")
    path = tmp_path / "best.csv"
    best_known.save(table, path)
    assert best_known.load(path) == table
    with open(path, newline="") as fh:
        assert next(csv.reader(fh)) == best_known.FIELDS


def test_bundled_best_known_table_passes_the_checker():
    table = best_known.load()
    assert table, "data/best_known.csv is seeded from benchmarks/results"
    bks = load_bks()
    paths = {p.stem: p for p in instance_paths()}
    for (name, m), rec in table.items():
        result = checker.check(paths[name], best_known.parse_tours(rec.tours), m)
        assert result.feasible and result.score == rec.score, (name, m, result.errors)
        # best known = best *found by these runs*; where it is above bks, the reference is stale
        assert rec.score > 0 and (name, m) in bks


def test_cli_seeds_the_table_from_a_runs_csv(tmp_path):
    score, route = _optimal_c101()
    runs = tmp_path / "toptw_x_runs.csv"
    rows = [_row([route], score, m=1), _row([route[::-1]], 10**6, m=2, solver="vroom")]
    with open(runs, "w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    table = tmp_path / "best.csv"
    assert cli(["best-known", str(runs), "--best-known", str(table)]) == 0
    got = best_known.load(table)
    assert list(got) == [("c101", 1)] and got[("c101", 1)].score == score
    assert got[("c101", 1)].source == "toptw_x_runs.csv"


def test_summary_reports_best_known_gaps_and_improved_references():
    score, route = _optimal_c101()
    rows = [
        _row([route[:4]], checker.check(C101, [route[:4]], 1).score, m=1, bks=score),
        _row([route], score, m=1, solver="pyvrp", bks=score),
    ]
    table: dict = {}
    best_known.update(table, rows, "2026-12-01", "x.csv")
    # pretend the literature reference were lower: the table is above it, the reference is stale
    for r in rows:
        r["bks"] = score - 10
    text = summarize(rows, best=table, changes=[])
    assert "Gap to the best known score" in text and "References improved" in text
    assert f"| c101 | 1 | {score - 10} | {score} | pyvrp |" in text
    assert "to the best known" in text and "NOT met" in text  # the engine's partial route loses
    per_instance = instance_tables(rows, table)
    assert f"| solomon_100 | c101 | 1 | {score - 10} | {score}* |" in per_instance and "| L |" in per_instance


def test_larger_cordeau_set_is_bundled_with_references():
    paths = instance_paths(sets=["cordeau_pr11_20"])
    assert [p.stem for p in paths] == [f"pr{k}" for k in range(11, 21)]
    bks = load_bks()
    assert all((p.stem, m) in bks for p in paths for m in (1, 2, 3, 4))
    if not SHARED.is_dir():
        pytest.skip("the shared benchmark folder is not on this machine")
    for p in paths:
        assert filecmp.cmp(p, SHARED / "cordeau_pr11_20" / p.name, shallow=False)
