"""TOPTW benchmark harness: parser, independent checker, runners, CLI."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from benchmarks.toptw import check as checker
from benchmarks.toptw.__main__ import main as cli
from benchmarks.toptw.harness import Task, execute, read_rows, summarize
from benchmarks.toptw.instance import INSTANCES, instance_paths, load_bks, load_optimal_routes, parse
from benchmarks.toptw.runners import RUNNERS, available

C101 = INSTANCES / "solomon_100" / "c101.txt"
PR01 = INSTANCES / "cordeau_pr01_10" / "pr01.txt"


# --------------------------------------------------------------------------- data + parser
def test_bundled_data_is_complete():
    paths = instance_paths()
    assert len(paths) == 49
    assert sum(p.parent.name == "solomon_100" for p in paths) == 29
    assert sum(p.parent.name == "cordeau_pr11_20" for p in paths) == 10
    bks = load_bks()
    assert all((p.stem, m) in bks for p in paths for m in (1, 2, 3, 4))


def test_parse_solomon_instance():
    inst = parse(C101)
    assert (inst.name, inst.set, inst.n_customers, inst.decimals, inst.scale) == ("c101", "solomon_100", 100, 1, 10)
    assert inst.tmax == Decimal(1236)
    v1 = inst.vertices[1]
    assert (v1.x, v1.y, v1.service, v1.score, v1.ready, v1.due) == (45, 68, 90, 10, 912, 967)
    # Integer axis: times x10, travel = floor(10 * euclid): depot (40,50) -> 1 (45,68): sqrt(349) = 18.68...
    assert (inst.service[1], inst.ready[1], inst.due[1], inst.score[1]) == (900, 9120, 9670, 10)
    assert inst.matrix[0][1] == inst.matrix[1][0] == 186
    assert inst.total_score == 1810


def test_parse_cordeau_instance_with_crlf_and_visit_lists():
    assert b"\r\n" in PR01.read_bytes()
    inst = parse(PR01)
    assert (inst.n_customers, inst.decimals, inst.scale, inst.due[0]) == (48, 2, 100, 100000)
    v1 = inst.vertices[1]
    assert (v1.x, v1.y, v1.service, v1.score, v1.ready, v1.due) == (
        Decimal("-29.730"),
        Decimal("64.136"),
        2,
        12,
        354,
        509,
    )


def test_distances_are_exact_literature_rounding():
    # pr03 5 -> 35 is exactly 10.48 apart; naive float arithmetic gives 10.479999... -> 10.47.
    inst = parse(INSTANCES / "cordeau_pr01_10" / "pr03.txt")
    assert inst.matrix[5][35] == 1048
    a, b = checker._read(str(inst.path))[5], checker._read(str(inst.path))[35]
    assert checker.distance(a, b, 2) == Decimal("10.48")


# --------------------------------------------------------------------------- checker
def test_checker_accepts_every_proven_optimal_route():
    optimal = load_optimal_routes()
    assert len(optimal) == 27
    for name, (score, route) in optimal.items():
        path = instance_paths(names=[name])[0]
        result = checker.check(path, [route], 1)
        assert result.feasible, (name, result.errors)
        assert result.score == score == load_bks()[(name, 1)]
        # the same with explicit depots
        assert checker.check(path, [[0, *route, 0]], 1).score == score


def _tiny(tmp_path, name="t1.txt"):
    """Depot (0,0) budget 100; 1 at (30,40): 50 away, window [60,70], service 10;
    2 at (0,10): 10 away, window [0,5]; 3 at (0,0.15)->0.1 (Solomon rounding) window [0,0]."""
    text = (
        "1 1 3 1\n0 0\n"
        " 0 0 0 0 0 0 0 0 100\n"
        " 1 30 40 10 5 1 1 1 60 70\n"
        " 2 0 10 0 7 1 1 1 0 5\n"
        " 3 0 0.15 0 1 1 1 1 0 0.1\n"
    )
    path = tmp_path / name
    path.write_text(text)
    return path


def test_checker_waiting_rounding_and_return(tmp_path):
    path = _tiny(tmp_path)
    # arrive at 1 at 50, wait until 60, serve until 70, back at 120 > 100
    late_back = checker.check(path, [[1]], 1)
    assert not late_back.feasible and "after the budget" in late_back.errors[0]
    assert checker.check(path, [[3]], 1).feasible  # 0.15 rounds down to 0.1 = C
    ok = checker.check(path, [[3], []], 2)
    assert ok.feasible and ok.score == 1 and ok.travel == Decimal("0.2")


def test_checker_rejects_broken_solutions(tmp_path):
    path = _tiny(tmp_path)
    late = checker.check(path, [[3, 2]], 1)  # 2 reached at 0.1 + 10.1 > 5
    assert not late.feasible and "after its closing time" in late.errors[0]
    dup = checker.check(path, [[3], [3]], 2)
    assert not dup.feasible and "more than once" in dup.errors[0] and dup.score == 1
    assert "depot inside" in checker.check(path, [[3, 0, 2]], 1).errors[0]
    assert "does not exist" in checker.check(path, [[9]], 1).errors[0]
    assert "tours for m" in checker.check(path, [[3], [2]], 1).errors[0]


def test_checker_rejects_broken_real_solution():
    score, route = load_optimal_routes()["c101"]
    assert not checker.check(C101, [route[::-1]], 1).feasible  # windows violated
    assert not checker.check(C101, [route + route[:1]], 1).feasible  # duplicate
    assert not checker.check(C101, [route[:5], route[5:]], 1).feasible  # too many tours
    matrix = parse(C101).matrix
    farthest = max((v for v in range(1, 101) if v not in route), key=lambda v: matrix[route[-1]][v])
    assert not checker.check(C101, [route + [farthest]], 1).feasible  # late there or back too late


# --------------------------------------------------------------------------- runners
@pytest.mark.parametrize("solver", list(RUNNERS))
def test_runner_produces_checked_solution(solver):
    if not available(solver):
        pytest.skip(f"{solver} not installed (requirements-bench.txt)")
    inst = parse(PR01)
    run = RUNNERS[solver](inst, 2, 0.2, 0)
    result = checker.check(PR01, run.tours, 2)
    assert result.feasible, result.errors
    assert len(run.tours) <= 2 and result.score > 0.5 * load_bks()[("pr01", 2)]
    assert run.wall_s < 2.0


def test_solve_cli_prints_checkable_json(capsys):
    assert cli(["solve", "pr01", "--m", "1", "--seconds", "0.2"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert set(out) >= {"tours", "score"} and out["feasible"]
    assert all(t[0] == 0 and t[-1] == 0 for t in out["tours"])
    assert checker.check(PR01, out["tours"], 1).score == out["score"] > 0


def test_harness_writes_csv_and_summary(tmp_path):
    solvers = [s for s in ("engine", "textbook") if available(s)]
    tasks = [Task(str(PR01), "cordeau_pr01_10", 1, s, 0.2) for s in solvers]
    rows = execute(tasks, tmp_path / "runs.csv", log=lambda s: None)
    again = read_rows(tmp_path / "runs.csv")
    assert [r["score"] for r in again] == [r["score"] for r in rows]
    assert all(r["feasible"] for r in again)
    text = summarize(again)
    assert "cordeau_pr01_10" in text and "wins / ties / losses" in text
