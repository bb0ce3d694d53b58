"""The ILS route pool and its set-packing recombination (issue #16), on TOPTW benchmark instances."""

from __future__ import annotations

import time

from benchmarks.toptw import check as checker
from benchmarks.toptw.instance import INSTANCES, parse
from benchmarks.toptw.runners import prize_scale
from chalicelib.planning.search import ils
from chalicelib.planning.solver import Model, Node, Vehicle

R103 = INSTANCES / "solomon_100" / "r103.txt"


def _model(path, m):
    inst = parse(path)
    k = prize_scale(inst, m)
    nodes = [Node()] + [
        Node(service=inst.service[i], windows=((inst.ready[i], inst.due[i]),), prize=inst.score[i] * k)
        for i in range(1, len(inst.vertices))
    ]
    return Model(
        nodes=nodes, vehicles=[Vehicle(0, 0, (inst.ready[0], inst.due[0])) for _ in range(m)], matrices=[inst.matrix]
    )


def test_recombination_packs_disjoint_pool_routes_at_least_as_good_as_the_best():
    search = ils.Search(_model(R103, 4), seed=0)
    routes, iterations, timed_out = search.run(time.perf_counter() + 0.6, ils.CLOCK_BOUND)
    assert timed_out and search.pool  # clock-bounded: the pool was filled
    best = [[0, *r, 0] for r in routes]
    merged = search.recombine(best, 2000)
    assert merged is not None and search.value(merged) >= search.value(best)
    inner = [j for r in merged for j in r[1:-1]]
    assert len(inner) == len(set(inner))
    # the pool keeps copies: every stored route is still the node set it is filed under
    assert all(frozenset(nodes[1:-1]) == key[1] for key, (_, nodes) in search.pool.items())
    for result in (checker.check(R103, [r[1:-1] for r in merged], 4), checker.check(R103, routes, 4)):
        assert result.feasible, result.errors


def test_iteration_bounded_runs_do_not_recombine_and_repeat():
    model = _model(R103, 3)
    runs = []
    for _ in range(2):
        search = ils.Search(model, seed=1)
        runs.append(search.run(time.perf_counter() + 60, 600)[0])
        assert not search.pool  # the MIP's time limit would make the result machine-dependent
    assert runs[0] == runs[1]
