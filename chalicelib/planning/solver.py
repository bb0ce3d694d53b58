"""A small, generic facade over OR-Tools routing for orienteering problems.

The itinerary engine and the TOPTW benchmarks (issue #7) both speak this
interface, in the spirit of PyVRP's ``Model``: plain value objects in,
plain value objects out, nothing about POIs or dates.

Model
  * ``Node``: service minutes, allowed *start* windows on an absolute
    minute axis, a prize (dropping the node costs its prize), or
    ``mandatory`` (never dropped), a demand against a global capacity, a
    stop count against the per-vehicle ``max_stops``, allowed vehicles.
  * ``Group``: nodes of which at most one is visited; dropping the whole
    group costs ``prize`` (e.g. "lunch at one of these restaurants").
  * ``Vehicle``: start and end node (depots), a time window, a travel
    matrix index and an optional stop limit.
  * ``precedences``: pairs (a, b): if both are visited, a must finish
    before b starts, across vehicles too (the time axis is absolute).
  * ``exclusive``: pairs of which at most one is visited.
  * ``capacity``: bound on the summed demand of all visited nodes (over
    all vehicles; a per-vehicle dimension cannot express a trip budget).

Objective: ``travel_cost_weight * travel + sum(prizes of dropped nodes)``;
callers scale prizes so that they dominate travel.

Search: where a model has only optional nodes with at most one window each
(no groups, precedences, budget, exclusive pairs, stop limits or mandatory
nodes; per-vehicle matrices and allowed vehicles are fine), our own
iterated local search (``search.ils``, vectorised insertion with MaxShift
bookkeeping) runs for ``ILS_ROUNDS[0][0]`` of the time limit and its best
routes enter OR-Tools through ``ReadAssignmentFromRoutes``; OR-Tools then
checks them against the full model and polishes them with tabu search for
the rest of the budget. Every other model (the itineraries: meal groups,
multi-day opening hours, stop limits) goes straight to OR-Tools (parallel
cheapest insertion, then tabu search; guided local search where a node is
essential, i.e. its prize outweighs anything dropping it could gain: the
callers' soft "must", still dropped and reported when impossible).

Determinism: OR-Tools stops a time-limited search wherever the wall clock
says, so two runs may differ. ``solve`` therefore also bounds the search by
a *solution limit* (a count of accepted local-search moves, independent of
the clock; the ILS gets ``ILS_ITERATIONS_PER_SOLUTION`` iterations per
unit of it). When that limit is what stops the search, equal inputs give
equal outputs; the time limit is only a safety net, and ``Solution.status``
says which of the two fired (``solution_limit`` vs ``time_limit``).
"""

from __future__ import annotations

import random
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Optional

from ortools.constraint_solver import pywrapcp, routing_enums_pb2

from .search import construct, ils

Window = tuple[int, int]
# Insertion suits optional nodes with windows (PATH_CHEAPEST_ARC stalls on
# them); guided local search escapes the first local optimum.
FIRST_SOLUTION = routing_enums_pb2.FirstSolutionStrategy.PARALLEL_CHEAPEST_INSERTION
METAHEURISTIC = routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH
# Itinerary models (everything the ILS does not take) without essential nodes
# (see ``_essential``) search with tabu search: on the plan benchmark it beats
# GLS (3-day score 6.69 -> 7.285, 7-day 12.805 -> 12.955). Models with
# essential nodes (events, must-visits, replan locks) keep GLS: tabu measured
# no better there (better on one request, worse on two).
ITINERARY_METAHEURISTIC = routing_enums_pb2.LocalSearchMetaheuristic.TABU_SEARCH
# Tabu search takes longer per solution than GLS and levels off earlier: with
# 0.8 of the default solution limit it scores as well as with all of it (better
# on one of eight requests) in ~70 % of the time (3-day plan_bench median ~700 ms).
TABU_LIMIT_SHARE = 0.8
# Exchanges of a left-out visit for a cheaper planned one tried after the
# itinerary search (``_swap_in``): a count, not a clock, for determinism.
SWAP_CHECKS = 120
# Each re-read of routes on a fresh model (``_fresh_model``) is a propagation,
# not a search: milliseconds; the limit only guards against a pathological one.
FRESH_READ_MS = 200
# Polishing a solution of our own ILS (``search.ils``): tabu search keeps the
# visited set and reshuffles routes far better than GLS on prize-collecting
# models (the GLS arc penalties are scaled by the prize-dominated objective).
POLISH_METAHEURISTIC = routing_enums_pb2.LocalSearchMetaheuristic.TABU_SEARCH
# Rounds of (ILS until this share of the time limit, then OR-Tools polish until that
# share); the polished routes go back to the ILS for the next round.
ILS_ROUNDS: tuple[tuple[float, float], ...] = ((0.8, 1.0),)
# ILS iterations per unit of solution limit (the deterministic bound).
ILS_ITERATIONS_PER_SOLUTION = 4
POLISH_OPERATORS: dict[str, int] = {}
UNBOUNDED = 10**6  # a solution limit at least this large means "the clock decides"


@dataclass(frozen=True)
class Node:
    """A place to visit. ``windows``: inclusive ranges of allowed start times."""

    service: int = 0
    windows: tuple[Window, ...] = ()
    prize: int = 0
    mandatory: bool = False
    demand: int = 0
    count: int = 1
    allowed_vehicles: Optional[tuple[int, ...]] = None
    visiting: int = 0  # minutes that count as sightseeing (``Model.travel_share``)
    # Per vehicle, the extra cost of this node on that vehicle's route (empty:
    # none). A place keeps its prize on any day but is cheaper on some: a
    # village on its festival day.
    vehicle_cost: tuple[int, ...] = ()

    def __post_init__(self) -> None:
        if self.service < 0:
            raise ValueError("service must be >= 0")
        if any(c < 0 for c in self.vehicle_cost):
            raise ValueError("vehicle_cost must be >= 0")
        for lo, hi in self.windows:
            if lo > hi:
                raise ValueError(f"empty window {(lo, hi)}")


@dataclass(frozen=True)
class Group:
    """At most one of ``nodes`` is visited; visiting none costs ``prize``."""

    nodes: tuple[int, ...]
    prize: int
    # A soft "must" of the caller's (one session of a sport the traveller
    # asked for): searched like essential nodes (guided local search; tabu
    # search measured slower and worse on such models, to the time limit).
    essential: bool = False


@dataclass(frozen=True)
class Vehicle:
    start: int
    end: int
    window: Window
    matrix: int = 0
    max_stops: Optional[int] = None
    # travel minutes no route of this vehicle can avoid besides moving from
    # start to end (``Model.travel_share``): out to the nearest stop and back
    unavoidable: int = 0


@dataclass
class Model:
    nodes: list[Node]
    vehicles: list[Vehicle]
    # matrices[k][i][j]: travel minutes from node i to node j (service excluded).
    matrices: list[list[list[int]]]
    groups: list[Group] = field(default_factory=list)
    precedences: list[tuple[int, int]] = field(default_factory=list)
    capacity: Optional[int] = None
    travel_cost_weight: int = 1
    # (a, b): at most one of the two is visited (e.g. one restaurant per day).
    exclusive: list[tuple[int, int]] = field(default_factory=list)
    # (nodes, k): at most k of the nodes are visited (a restaurant's meals over a trip).
    at_most: list[tuple[tuple[int, ...], int]] = field(default_factory=list)
    # (a, b): if both are visited, by the same vehicle (parts of one scenic area: one day).
    same_vehicle: list[tuple[int, int]] = field(default_factory=list)
    # Cost per minute of waiting (slack) before a node's window opens.
    wait_cost_weight: int = 0
    # (share, allowance): per vehicle, travel <= share x visiting + allowance
    # minutes + the start-to-end depot leg (a day is not mostly on the road).
    travel_share: Optional[tuple[float, int]] = None
    # (share, cost): per vehicle, each minute of travel above share x
    # visiting + the vehicle's unavoidable minutes costs ``cost`` (as a travel
    # minute). The guide's norm as a price, not a wall: a hard 60 % made a
    # far day infeasible until several sights were in it at once, and the
    # search then planned almost nothing (measured: a Shangyu stay 3.85 -> 0.70).
    soft_travel_share: Optional[tuple[float, int]] = None
    # (minutes, cost): per vehicle, each minute of ``Node.visiting`` under
    # ``minutes`` costs ``cost``. A day of a long trip is not left empty
    # because every sight still out is worth less than its way there (the
    # seventh day of a week in the old town); a short day (an arrival in the
    # evening) pays the same constant whatever the plan does.
    min_visiting: Optional[tuple[int, int]] = None
    # (node, vehicle, nodes): the node is visited only if that vehicle also
    # visits one of the nodes (lunch at Lufu only on the day that visits Luzhen).
    requires: list[tuple[int, int, tuple[int, ...]]] = field(default_factory=list)


@dataclass(frozen=True)
class Visit:
    node: int
    start: int  # the solver's start time (a feasible one; callers may re-time)


@dataclass(frozen=True)
class RouteResult:
    vehicle: int
    visits: tuple[Visit, ...]  # excluding the start and end depots
    start: int
    end: int


@dataclass(frozen=True)
class Solution:
    routes: tuple[RouteResult, ...]
    objective: int
    status: str  # solution_limit | time_limit | ... | infeasible
    wall_ms: int
    dropped: tuple[int, ...]

    @property
    def feasible(self) -> bool:
        return self.status != "infeasible"


def default_solution_limit(model: Model) -> int:
    """A deterministic search budget that shrinks as the model grows.

    The cost of one guided-local-search step grows with the node count, so
    the number of steps is inversely proportional to it. Calibrated on a
    2-core machine: a 3-day Shaoxing request (~90 nodes) stops around half a
    second; the time limit only catches outliers.
    """
    return max(20, min(200, 8000 // max(1, len(model.nodes))))


def solve(model: Model, time_limit_s: float, seed: int = 0, solution_limit: Optional[int] = None) -> Solution:
    """Build the OR-Tools model, search, and read the routes back."""
    started = time.perf_counter()
    n, depots = len(model.nodes), _depots(model)
    limit = solution_limit if solution_limit is not None else default_solution_limit(model)
    initial, ils_timed_out, search = None, False, None
    rounds = ILS_ROUNDS
    if ils.applicable(model):
        iterations = 10**9 if limit >= UNBOUNDED else limit * ILS_ITERATIONS_PER_SOLUTION // len(rounds)
        search = ils.Search(model, seed)
        initial, _, ils_timed_out = search.run(started + rounds[0][0] * time_limit_s, iterations)
    order = _search_order(n, depots, seed)

    routing, manager, time_dim = _build(model, order)
    assignment, searched = None, None
    if initial is None:
        # Itinerary models: tabu search, unless a node is mandatory or a soft
        # "must" (events, must-visits, locks: ``_essential``); those keep GLS.
        strict = (
            _essential(model)
            or any(node.mandatory for node in model.nodes)
            or any(group.essential for group in model.groups)
        )
        if not strict and solution_limit is None:
            limit = max(20, int(limit * TABU_LIMIT_SHARE))
        metaheuristic = METAHEURISTIC if strict else ITINERARY_METAHEURISTIC
        params = _params(metaheuristic, limit, time_limit_s, started)
        # Start from our own construction (route spine first, see ``construct``);
        # OR-Tools re-checks it. When it refuses the construction, both its own
        # first solution and the construction cut to what it accepts
        # (``_repaired``) are searched, and the better kept: neither start
        # wins on every county stay (Zhuji: 4272 -> 3877 from the cut
        # construction; Xinchang and Shengzhou: better from OR-Tools' own).
        routing.CloseModelWithParameters(params)
        built = [[manager.NodeToIndex(i) for i in route] for route in construct.construct(model)]
        first = routing.ReadAssignmentFromRoutes(built, True)
        if first is not None:
            _remaining(params, time_limit_s, started)
            assignment = routing.SolveFromAssignmentWithParameters(first, params) or first
            searched = routing.status()
        else:
            cut = routing.ReadAssignmentFromRoutes(_repaired(routing, built), True)
            assignment = routing.SolveWithParameters(params)
            searched = routing.status()
            if cut is not None and time.perf_counter() - started < time_limit_s - 0.05:  # no search past the limit
                _remaining(params, time_limit_s, started)
                other = routing.SolveFromAssignmentWithParameters(cut, params) or cut
                if assignment is None or other.ObjectiveValue() < assignment.ObjectiveValue():
                    assignment, searched = other, routing.status()
        if assignment is not None:  # (the exchanges' re-reads overwrite routing.status())
            routing, manager, time_dim, assignment = _swap_in(
                routing, manager, time_dim, model, assignment, SWAP_CHECKS
            )
    else:
        assert search is not None  # it produced ``initial``
        params = _params(POLISH_METAHEURISTIC, limit, time_limit_s, started)
        for name, value in POLISH_OPERATORS.items():
            setattr(params.local_search_operators, name, value)
        routing.CloseModelWithParameters(params)
        for k, (_, polish_end) in enumerate(rounds):
            start = routing.ReadAssignmentFromRoutes(initial, True)
            if start is None:
                break
            left = polish_end * time_limit_s - (time.perf_counter() - started)
            params.time_limit.FromMilliseconds(max(20, int(left * 1000)))
            polished = routing.SolveFromAssignmentWithParameters(start, params)
            assignment = polished or assignment
            if k + 1 == len(rounds) or polished is None:
                break
            # Hand the polished routes back to the ILS for another round.
            back = [_route_nodes(routing, manager, polished, v) for v in range(len(model.vehicles))]
            nodes = [[vh.start] + r + [vh.end] for vh, r in zip(model.vehicles, back)]
            if not all(search.feasible_route(v, r) for v, r in enumerate(nodes)):
                break
            search.set_routes(nodes)
            initial, _, timed = search.run(started + rounds[k + 1][0] * time_limit_s, iterations)
            ils_timed_out = ils_timed_out or timed
        if assignment is None:
            assignment = routing.SolveWithParameters(params)
    wall_ms = int((time.perf_counter() - started) * 1000)
    if assignment is None:
        return Solution((), 0, "infeasible", wall_ms, tuple(i for i in range(n) if i not in depots))

    routes, visited = [], set()
    for v in range(len(model.vehicles)):
        index = assignment.Value(routing.NextVar(routing.Start(v)))
        visits = []
        while not routing.IsEnd(index):
            node = manager.IndexToNode(index)
            visited.add(node)
            visits.append(Visit(node, assignment.Min(time_dim.CumulVar(index))))
            index = assignment.Value(routing.NextVar(index))
        routes.append(
            RouteResult(
                v,
                tuple(visits),
                assignment.Min(time_dim.CumulVar(routing.Start(v))),
                assignment.Min(time_dim.CumulVar(routing.End(v))),
            )
        )
    # Which limit fired: if the clock stopped us, the answer may vary by run.
    status_name = _status_name(searched if searched is not None else routing.status())
    timed_out = ils_timed_out or wall_ms >= int(time_limit_s * 1000) * 0.98
    status = (
        "time_limit"
        if timed_out
        else ("solution_limit" if status_name == "ROUTING_SUCCESS" else status_name.lower().replace("routing_", ""))
    )
    dropped = tuple(i for i in range(n) if i not in depots and i not in visited)
    return Solution(tuple(routes), assignment.ObjectiveValue(), status, wall_ms, dropped)


def _remaining(params, time_limit_s: float, started: float) -> None:
    """Give the next search what is left of the solve's time limit."""
    params.time_limit.FromMilliseconds(max(50, int((time_limit_s - (time.perf_counter() - started)) * 1000)))


def _params(metaheuristic, limit: int, time_limit_s: float, started: float):
    params = pywrapcp.DefaultRoutingSearchParameters()
    params.first_solution_strategy = FIRST_SOLUTION
    params.local_search_metaheuristic = metaheuristic
    params.solution_limit = limit
    _remaining(params, time_limit_s, started)
    params.log_search = False
    return params


def _essential(model: Model) -> frozenset[int]:
    """Optional nodes whose prize outweighs anything dropping them could gain.

    Dropping a node saves at most all the travel of every vehicle (bounded by
    the vehicles' windows) and frees room for at most every smaller prize, so
    a node whose prize exceeds that sum is a soft "must" (callers' way to say
    "visit unless impossible"): in increasing prize order, the first node whose
    prize exceeds the travel bound plus the sum of all smaller prizes, and
    every node above it.
    """
    depots = _depots(model)
    base = model.travel_cost_weight * sum(max(0, hi - lo) for lo, hi in (v.window for v in model.vehicles))
    base += sum(max(0, g.prize) for g in model.groups)
    grouped = {i for g in model.groups for i in g.nodes}
    ranked = sorted(
        (max(0, node.prize), i)
        for i, node in enumerate(model.nodes)
        if i not in depots and i not in grouped and not node.mandatory
    )
    total = base
    for k, (prize, _) in enumerate(ranked):
        if prize > total:
            return frozenset(i for _, i in ranked[k:])
        total += prize
    return frozenset()


def _build(model: Model, order: list[int]):
    """The OR-Tools routing model (nodes declared in ``order``) and its time dimension."""
    n, depots = len(model.nodes), _depots(model)
    manager = pywrapcp.RoutingIndexManager(
        n, len(model.vehicles), [v.start for v in model.vehicles], [v.end for v in model.vehicles]
    )
    routing = pywrapcp.RoutingModel(manager)

    # Native matrices: transit for time includes the service at the origin.
    service = [node.service for node in model.nodes]
    time_callbacks = [
        routing.RegisterTransitMatrix([[service[i] + row[j] for j in range(n)] for i, row in enumerate(matrix)])
        for matrix in model.matrices
    ]
    cost_callbacks = [
        routing.RegisterTransitMatrix([[model.travel_cost_weight * x for x in row] for row in matrix])
        for matrix in model.matrices
    ]
    extra = [(j, node.vehicle_cost) for j, node in enumerate(model.nodes) if node.vehicle_cost]
    if any(len(costs) != len(model.vehicles) for _, costs in extra):
        raise ValueError("vehicle_cost needs one cost per vehicle")
    for v, vehicle in enumerate(model.vehicles):
        into = {j: costs[v] for j, costs in extra if costs[v]}
        if into:  # this vehicle pays to reach those nodes: its own cost matrix
            rows = model.matrices[vehicle.matrix]
            w = model.travel_cost_weight
            own = routing.RegisterTransitMatrix([[w * x + into.get(j, 0) for j, x in enumerate(row)] for row in rows])
            routing.SetArcCostEvaluatorOfVehicle(own, v)
        else:
            routing.SetArcCostEvaluatorOfVehicle(cost_callbacks[vehicle.matrix], v)

    horizon = max([hi for node in model.nodes for _, hi in node.windows] + [v.window[1] for v in model.vehicles]) + 1
    routing.AddDimensionWithVehicleTransits(
        [time_callbacks[v.matrix] for v in model.vehicles], horizon, horizon, False, "time"
    )
    time_dim = routing.GetDimensionOrDie("time")
    solver = routing.solver()

    for v, vehicle in enumerate(model.vehicles):
        lo, hi = vehicle.window
        time_dim.CumulVar(routing.Start(v)).SetRange(lo, hi)
        time_dim.CumulVar(routing.End(v)).SetRange(lo, hi)
        routing.AddVariableMinimizedByFinalizer(time_dim.CumulVar(routing.End(v)))
        routing.AddVariableMaximizedByFinalizer(time_dim.CumulVar(routing.Start(v)))

    grouped = {i for g in model.groups for i in g.nodes}
    for i in order:
        node = model.nodes[i]
        index = manager.NodeToIndex(i)
        if node.windows:
            cumul = time_dim.CumulVar(index)
            windows = sorted(node.windows)
            cumul.SetRange(windows[0][0], windows[-1][1])
            for (_, hi), (lo, _) in zip(windows, windows[1:]):
                if lo > hi + 1:
                    cumul.RemoveInterval(hi + 1, lo - 1)
        if node.allowed_vehicles is not None:
            # (SetAllowedVehiclesForIndex's Span binding is broken in ortools 9.15;
            # restricting the vehicle variable is equivalent; -1 = not visited.)
            allowed = sorted(set(node.allowed_vehicles))
            routing.VehicleVar(index).SetValues(allowed if node.mandatory else [-1] + allowed)
        if not node.mandatory and i not in grouped:
            routing.AddDisjunction([index], max(0, node.prize))
    for group in model.groups:
        routing.AddDisjunction([manager.NodeToIndex(i) for i in group.nodes], max(0, group.prize), 1)

    if any(v.max_stops is not None for v in model.vehicles):
        counts = [0 if i in depots else node.count for i, node in enumerate(model.nodes)]
        count_cb = routing.RegisterUnaryTransitVector(counts)
        caps = [v.max_stops if v.max_stops is not None else n for v in model.vehicles]
        routing.AddDimensionWithVehicleCapacity(count_cb, 0, caps, True, "stops")

    if model.capacity is not None:
        demanding = [i for i, node in enumerate(model.nodes) if node.demand and i not in depots]
        if demanding:
            solver.Add(
                solver.ScalProd(
                    [routing.ActiveVar(manager.NodeToIndex(i)) for i in demanding],
                    [model.nodes[i].demand for i in demanding],
                )
                <= model.capacity
            )

    for a, b in model.exclusive:
        solver.Add(routing.ActiveVar(manager.NodeToIndex(a)) + routing.ActiveVar(manager.NodeToIndex(b)) <= 1)
    for nodes, k in model.at_most:
        solver.Add(solver.Sum([routing.ActiveVar(manager.NodeToIndex(i)) for i in nodes]) <= k)
    for a, b in model.same_vehicle:
        ia, ib = manager.NodeToIndex(a), manager.NodeToIndex(b)
        # both visited -> same vehicle (an inactive node's vehicle is -1)
        solver.Add(
            (routing.VehicleVar(ia) - routing.VehicleVar(ib)) * routing.ActiveVar(ia) * routing.ActiveVar(ib) == 0
        )
    for a, v, among in model.requires:
        there = [solver.IsEqualCstVar(routing.VehicleVar(manager.NodeToIndex(b)), v) for b in among]
        solver.Add(routing.ActiveVar(manager.NodeToIndex(a)) <= (solver.Sum(there) if there else 0))
    if model.wait_cost_weight:
        time_dim.SetSlackCostCoefficientForAllVehicles(model.wait_cost_weight)
    if model.travel_share is not None or model.min_visiting is not None:
        visiting_cb = routing.RegisterUnaryTransitVector([node.visiting for node in model.nodes])
        routing.AddDimension(visiting_cb, 0, horizon, True, "visiting")
    if model.min_visiting is not None:
        minutes, cost = model.min_visiting
        visit_dim = routing.GetDimensionOrDie("visiting")
        for v in range(len(model.vehicles)):
            visit_dim.SetCumulVarSoftLowerBound(routing.End(v), minutes, cost)
            # OR-Tools prices an empty route at 0 unless told otherwise: the
            # empty day is exactly the one this cost is for.
            routing.SetVehicleUsedWhenEmpty(True, v)
    if model.travel_share is not None:
        share, allowance = model.travel_share
        travel_callbacks = [routing.RegisterTransitMatrix(matrix) for matrix in model.matrices]
        routing.AddDimensionWithVehicleTransits(
            [travel_callbacks[v.matrix] for v in model.vehicles], 0, horizon, True, "travel"
        )
        travel_dim, visit_dim = routing.GetDimensionOrDie("travel"), routing.GetDimensionOrDie("visiting")
        num, den = int(round(share * 100)), 100
        for v, vehicle in enumerate(model.vehicles):
            end = routing.End(v)
            # Moving between two lodgings is travel the day cannot avoid.
            move = max(model.matrices[vehicle.matrix][vehicle.start][vehicle.end], vehicle.unavoidable)
            solver.Add(den * travel_dim.CumulVar(end) <= num * visit_dim.CumulVar(end) + den * (allowance + move))
    if model.soft_travel_share is not None:
        _soft_travel_share(routing, manager, model, horizon)

    big_m = horizon
    for a, b in model.precedences:
        ia, ib = manager.NodeToIndex(a), manager.NodeToIndex(b)
        both_missing = 2 - routing.ActiveVar(ia) - routing.ActiveVar(ib)
        # b starts after a ends, unless one of them is not visited.
        solver.Add(time_dim.CumulVar(ib) + big_m * both_missing >= time_dim.CumulVar(ia) + model.nodes[a].service)
    return routing, manager, time_dim


def _soft_travel_share(routing, manager, model: Model, horizon: int) -> None:
    """``Model.soft_travel_share`` as one dimension whose cumul is travel - share x visiting.

    Each node's credit is rounded to whole minutes (half a minute per stop at
    most) so the soft bound's cost is per minute. The transits go negative,
    so every route starts at an offset (the horizon) that keeps the cumul
    above zero; the soft upper bound on the end cumul prices each minute over.
    """
    assert model.soft_travel_share is not None
    share, cost = model.soft_travel_share
    credit = [int(round(share * node.visiting)) for node in model.nodes]
    callbacks = [
        routing.RegisterTransitMatrix([[minutes - credit[i] for minutes in row] for i, row in enumerate(matrix)])
        for matrix in model.matrices
    ]
    routing.AddDimensionWithVehicleTransits(
        [callbacks[v.matrix] for v in model.vehicles], 0, 2 * horizon, False, "travel_share"
    )
    dim = routing.GetDimensionOrDie("travel_share")
    for v, vehicle in enumerate(model.vehicles):
        dim.CumulVar(routing.Start(v)).SetValue(horizon)
        move = max(model.matrices[vehicle.matrix][vehicle.start][vehicle.end], vehicle.unavoidable)
        dim.SetCumulVarSoftUpperBound(routing.End(v), horizon + move, cost)


def _swap_in(routing, manager, time_dim, model: Model, assignment, checks: int):
    """A visit left out that is worth more than one in the plan takes its
    place when the model accepts the routes and its objective drops.

    The tabu search stops at a deterministic number of solutions, sometimes
    with Lu Xun Native Place out and a minor sight of the same district in;
    OR-Tools itself re-checks every exchange (``ReadAssignmentFromRoutes``:
    all dimensions, budgets, pairs and bounds) and prices it. Left-out
    visits by prize, each against the plan's cheaper visits cheapest first,
    first improvement; at most ``checks`` tries, so the result is the same
    on every run.

    Returns (routing, manager, time dimension, assignment): the search's own,
    or a fresh model's (``_fresh_model``) when the search's refuses to re-read
    even its own routes. Then the exchanges are priced on the fresh one."""
    n, depots = len(model.nodes), _depots(model)
    grouped = {i for g in model.groups for i in g.nodes}

    def plain(i: int) -> bool:
        node = model.nodes[i]
        return i not in depots and i not in grouped and not node.mandatory and node.count == 1 and node.prize > 0

    def read(routes: list[list[int]]):
        return routing.ReadAssignmentFromRoutes([[manager.NodeToIndex(i) for i in r] for r in routes], True)

    def priced(routes: list[list[int]]) -> Optional[int]:
        restored = read(routes)
        return None if restored is None else restored.ObjectiveValue()

    searched = (routing, manager, time_dim, assignment)
    routes = [_route_nodes(routing, manager, assignment, v) for v in range(len(model.vehicles))]
    best = priced(routes)
    if best is None:
        routing, manager, time_dim = _fresh_model(model)
        best = priced(routes)
        if best is None:
            return searched
    visited = {i for r in routes for i in r}
    out = sorted((i for i in range(n) if i not in visited and plain(i)), key=lambda i: (-model.nodes[i].prize, i))
    improved = False
    for u in out:
        allowed = model.nodes[u].allowed_vehicles
        prize = model.nodes[u].prize
        # one cheaper visit, or two of the same day (Lu Xun Native Place for
        # Zhou Enlai's home and Fushan Park): u takes the first one's place
        places = sorted(
            (sum(model.nodes[r[k]].prize for k in ks), v, ks)
            for v, r in enumerate(routes)
            if allowed is None or v in allowed
            for ks in _one_or_two(len(r))
            if all(plain(r[k]) for k in ks) and sum(model.nodes[r[k]].prize for k in ks) < prize
        )
        for _, v, ks in places:
            if checks <= 0:
                break
            checks -= 1
            trial = [r[:] for r in routes]
            trial[v] = [u if k == ks[0] else w for k, w in enumerate(trial[v]) if k not in ks[1:]]
            cost = priced(trial)
            if cost is not None and cost < best:
                routes, best, improved = trial, cost, True
                break
    if not improved:
        return searched
    return routing, manager, time_dim, read(routes)


def _fresh_model(model: Model):
    """The OR-Tools model of ``model`` built anew and closed, never searched.

    A search's model may refuse every later re-read: after a search that ran
    to its time limit (the re-read shares the search's limit), and, measured
    on the 7-day transit guide trip, after a search of a model with per-day
    visit costs (``Node.vehicle_cost``: the Huangjiu festival day) that
    stopped at its solution limit (cause not found in OR-Tools 9.15). That
    disabled the swap-in there. Building a model is about 25 ms for 140
    nodes; re-reads on it have no search limit to spend."""
    routing, manager, time_dim = _build(model, _search_order(len(model.nodes), _depots(model), 0))
    params = pywrapcp.DefaultRoutingSearchParameters()
    params.time_limit.FromMilliseconds(FRESH_READ_MS)
    routing.CloseModelWithParameters(params)
    return routing, manager, time_dim


def _repaired(routing, built: list[list[int]]) -> list[list[int]]:
    """The construction's routes (routing indices) with each day the model
    refuses on its own cut to one it accepts: the first single stop whose
    removal makes the day acceptable goes, else the day starts empty.

    The construction knows opening hours but not the travel-share limits, so
    on a county stay it sends day 1 from Xinchang to Shen Garden and back
    (170 min of driving for a 90-min visit) and OR-Tools refused the whole
    start (4 of the 27 guide trips, all county stays). Each check is one
    re-read (milliseconds)."""
    empty: list[list[int]] = [[] for _ in built]

    def accepted(v: int, route: list[int]) -> bool:
        alone = [r[:] for r in empty]
        alone[v] = route
        return routing.ReadAssignmentFromRoutes(alone, True) is not None

    out = []
    for v, route in enumerate(built):
        if not route or accepted(v, route):
            out.append(route)
            continue
        out.append(next((cut for k in range(len(route)) if accepted(v, cut := route[:k] + route[k + 1 :])), []))
    return out


def _one_or_two(length: int) -> list[tuple[int, ...]]:
    return [(k,) for k in range(length)] + [(a, b) for a in range(length) for b in range(a + 1, length)]


def _route_nodes(routing, manager, assignment, v: int) -> list[int]:
    index, nodes = assignment.Value(routing.NextVar(routing.Start(v))), []
    while not routing.IsEnd(index):
        nodes.append(manager.IndexToNode(index))
        index = assignment.Value(routing.NextVar(index))
    return nodes


def _depots(model: Model) -> set[int]:
    return {v.start for v in model.vehicles} | {v.end for v in model.vehicles}


def _search_order(n: int, depots: set[int], seed: int) -> list[int]:
    """Order in which nodes are declared; a seed other than 0 permutes it.

    The declaration order of disjunctions breaks ties in the insertion
    heuristic, so the seed gives reproducible alternative plans.
    """
    order = [i for i in range(n) if i not in depots]
    if seed:
        random.Random(seed).shuffle(order)
    return order


def _status_name(code: int) -> str:
    enum = routing_enums_pb2.RoutingSearchStatus.Value
    try:
        return enum.Name(code)
    except ValueError:
        return f"STATUS_{code}"


def route_nodes(solution: Solution, vehicle: int) -> Sequence[int]:
    return [visit.node for visit in solution.routes[vehicle].visits]
