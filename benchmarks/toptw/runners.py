"""The four solvers compared on the TOPTW benchmark, behind one interface.

``RUNNERS[name](instance, m, seconds, seed) -> Run``. Every runner works on
the instance's integer axis (times x10 for Solomon, x100 for Cordeau; see
``instance.py``), so all of them see exactly the literature's rounded
travel times. Each returns its tours as customer vertex numbers; the
harness checks them with the independent checker before scoring.

Budget: ``seconds`` is the wall-clock budget of the whole run, model
building included. Each runner measures its own build time and gives the
solver the remainder as its time limit (never less than 10 % of the
budget), so every solver gets the same wall clock. ``Run.wall_s`` is the
measured total.

Objective: the TOPTW maximises the score; ties are broken by shorter
travel in every solver here (prizes scaled by ``prize_scale`` so that one
point of score outweighs any possible travel: ``m * Tmax + 1`` on the
integer axis; no tour can travel longer than its budget).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Optional

from .instance import Instance

# Python ints are fine for every solver: the largest prize is
# 50 * (4 * 100000 + 1) ~ 2e7, objectives stay far below 2**62.
ENGINE_SOLUTION_LIMIT = 10**9  # the engine's deterministic move cap, disabled: the clock decides


@dataclass
class Run:
    tours: list[list[int]]
    wall_s: float
    status: str = ""
    objective: Optional[int] = None
    info: dict = field(default_factory=dict)


def prize_scale(inst: Instance, m: int) -> int:
    """Multiplier that makes one point of score worth more than any travel."""
    return m * inst.due[0] + 1


def _remaining(started: float, seconds: float) -> float:
    return max(0.1 * seconds, seconds - (time.perf_counter() - started))


# --------------------------------------------------------------------------- engine
def run_engine(inst: Instance, m: int, seconds: float, seed: int = 0) -> Run:
    """The project's own engine, through its public facade ``chalicelib.planning.solver``.

    Node 0 is the depot (start and end of all ``m`` identical vehicles, whose
    window [0, Tmax] bounds departure and return); each customer is an
    optional ``Node`` with its service time, one start window [O, C] and
    prize ``score * prize_scale``. ``solution_limit`` is set out of reach so
    that the time limit, not the engine's deterministic move cap, stops the
    search (``Solution.status`` then reads ``time_limit``).
    """
    from chalicelib.planning import solver as engine

    started = time.perf_counter()
    k = prize_scale(inst, m)
    nodes = [engine.Node()]
    for i in range(1, len(inst.vertices)):
        nodes.append(
            engine.Node(service=inst.service[i], windows=((inst.ready[i], inst.due[i]),), prize=inst.score[i] * k)
        )
    vehicles = [engine.Vehicle(start=0, end=0, window=(inst.ready[0], inst.due[0])) for _ in range(m)]
    model = engine.Model(nodes=nodes, vehicles=vehicles, matrices=[inst.matrix], travel_cost_weight=1)
    solution = engine.solve(model, _remaining(started, seconds), seed=seed, solution_limit=ENGINE_SOLUTION_LIMIT)
    wall = time.perf_counter() - started
    tours = [[visit.node for visit in route.visits] for route in solution.routes]
    return Run([t for t in tours if t], wall, solution.status, solution.objective, {"engine_wall_ms": solution.wall_ms})


# --------------------------------------------------------------------------- textbook
def run_textbook(inst: Instance, m: int, seconds: float, seed: int = 0) -> Run:
    """Plain OR-Tools as in the documentation's "dropping visits" example.

    One disjunction per customer with penalty ``score * prize_scale``, arc
    cost = travel, a time dimension whose transit (service at the origin +
    travel) and arc cost are *Python callbacks* (``RegisterTransitCallback``),
    waiting allowed (slack up to Tmax), customer cumul in [O, C], vehicle
    start/end in [0, Tmax]; PATH_CHEAPEST_ARC, then GUIDED_LOCAL_SEARCH until
    the time limit. ``seed`` is unused (the search is deterministic).
    """
    from ortools.constraint_solver import pywrapcp, routing_enums_pb2

    started = time.perf_counter()
    n, matrix, service = len(inst.vertices), inst.matrix, inst.service
    manager = pywrapcp.RoutingIndexManager(n, m, 0)
    routing = pywrapcp.RoutingModel(manager)

    def distance(i: int, j: int) -> int:
        return matrix[manager.IndexToNode(i)][manager.IndexToNode(j)]

    def transit(i: int, j: int) -> int:
        a, b = manager.IndexToNode(i), manager.IndexToNode(j)
        return service[a] + matrix[a][b]

    cost_cb = routing.RegisterTransitCallback(distance)
    time_cb = routing.RegisterTransitCallback(transit)
    routing.SetArcCostEvaluatorOfAllVehicles(cost_cb)
    tmax = inst.due[0]
    routing.AddDimension(time_cb, tmax, tmax, False, "time")
    dim = routing.GetDimensionOrDie("time")
    k = prize_scale(inst, m)
    for i in range(1, n):
        index = manager.NodeToIndex(i)
        dim.CumulVar(index).SetRange(inst.ready[i], inst.due[i])
        routing.AddDisjunction([index], inst.score[i] * k)
    for v in range(m):
        dim.CumulVar(routing.Start(v)).SetRange(inst.ready[0], tmax)
        dim.CumulVar(routing.End(v)).SetRange(inst.ready[0], tmax)

    params = pywrapcp.DefaultRoutingSearchParameters()
    params.first_solution_strategy = routing_enums_pb2.FirstSolutionStrategy.PATH_CHEAPEST_ARC
    params.local_search_metaheuristic = routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH
    params.time_limit.FromMilliseconds(max(1, int(_remaining(started, seconds) * 1000)))
    assignment = routing.SolveWithParameters(params)
    wall = time.perf_counter() - started
    status = str(routing.status())
    if assignment is None:
        return Run([], wall, f"no solution ({status})")
    tours = []
    for v in range(m):
        index, tour = assignment.Value(routing.NextVar(routing.Start(v))), []
        while not routing.IsEnd(index):
            tour.append(manager.IndexToNode(index))
            index = assignment.Value(routing.NextVar(index))
        if tour:
            tours.append(tour)
    return Run(tours, wall, status, assignment.ObjectiveValue())


# --------------------------------------------------------------------------- vroom
VROOM_EXPLORATION = 5
VROOM_THREADS = 1  # one search thread, like the other solvers (the machine has 2 cores)


def run_vroom(inst: Instance, m: int, seconds: float, seed: int = 0) -> Run:
    """pyvroom: one optional job per customer, priority = score.

    VROOM maximises the sum of priorities of the assigned jobs first, then
    minimises cost (here: travel time), i.e. exactly the TOPTW order. Its
    priorities are integers 0..100; the benchmark scores are integers
    <= 50 (Solomon) and <= 25 (Cordeau), so they are used unscaled
    (a larger score would raise). Job time windows bound the *start* of
    service as in the TOPTW. Exploration level 5, ``timeout`` = the
    remaining budget (VROOM often finishes its search earlier on its own),
    ``nb_threads`` = 1. Deterministic: ``seed`` is unused.
    """
    import numpy as np
    import vroom

    started = time.perf_counter()
    if max(inst.score) > 100:
        raise ValueError("VROOM priorities are limited to 0..100")
    problem = vroom.Input()
    problem.set_durations_matrix(profile="car", matrix_input=np.asarray(inst.matrix, dtype=np.uint32))
    for v in range(m):
        problem.add_vehicle(
            vroom.Vehicle(id=v, start=0, end=0, profile="car", time_window=vroom.TimeWindow(inst.ready[0], inst.due[0]))
        )
    problem.add_job(
        [
            vroom.Job(
                id=i,
                location=i,
                default_service=inst.service[i],
                priority=inst.score[i],
                time_windows=[vroom.TimeWindow(inst.ready[i], inst.due[i])],
            )
            for i in range(1, len(inst.vertices))
        ]
    )
    budget = _remaining(started, seconds)
    solution = problem.solve(
        exploration_level=VROOM_EXPLORATION, nb_threads=VROOM_THREADS, timeout=timedelta(seconds=budget)
    )
    wall = time.perf_counter() - started
    result = solution.to_dict()
    tours = [[int(step["id"]) for step in route["steps"] if step["type"] == "job"] for route in result["routes"]]
    summary = result.get("summary", {})
    return Run(
        [t for t in tours if t],
        wall,
        f"code {result.get('code')}",
        summary.get("cost"),
        {"priority": summary.get("priority")},
    )


# --------------------------------------------------------------------------- pyvrp
def run_pyvrp(inst: Instance, m: int, seconds: float, seed: int = 0) -> Run:
    """PyVRP prize-collecting VRPTW: optional clients (``required=False``)
    with ``prize = score * prize_scale``, one vehicle type with ``m``
    vehicles, shift [0, Tmax], unit distance cost 1 (distance = duration =
    the rounded travel matrix), ``MaxRuntime`` = remaining budget, ``seed``.
    PyVRP may end with an infeasible best solution (time warp); the checker
    then rejects it.
    """
    import numpy as np
    from pyvrp import Client, Depot, Location, ProblemData, VehicleType, solve
    from pyvrp.stop import MaxRuntime

    started = time.perf_counter()
    k = prize_scale(inst, m)
    n = len(inst.vertices)
    matrix = np.asarray(inst.matrix, dtype=np.int64)
    data = ProblemData(
        locations=[Location(float(v.x), float(v.y)) for v in inst.vertices],
        clients=[
            Client(
                location=i,
                service_duration=inst.service[i],
                tw_early=inst.ready[i],
                tw_late=inst.due[i],
                prize=inst.score[i] * k,
                required=False,
            )
            for i in range(1, n)
        ],
        depots=[Depot(location=0, tw_early=inst.ready[0], tw_late=inst.due[0])],
        vehicle_types=[VehicleType(num_available=m, tw_early=inst.ready[0], tw_late=inst.due[0])],
        distance_matrices=[matrix],
        duration_matrices=[matrix],
    )
    result = solve(data, stop=MaxRuntime(_remaining(started, seconds)), seed=seed, collect_stats=False, display=False)
    wall = time.perf_counter() - started
    best = result.best
    # Clients are declared in vertex order, so client index c is vertex c + 1.
    tours = [[activity.idx + 1 for activity in route.schedule() if activity.is_client()] for route in best.routes()]
    return Run(
        [t for t in tours if t],
        wall,
        "feasible" if best.is_feasible() else "infeasible",
        int(result.cost()) if best.is_feasible() else None,
        {"iterations": getattr(result, "num_iterations", None)},
    )


RUNNERS: dict[str, Callable[..., Run]] = {
    "engine": run_engine,
    "textbook": run_textbook,
    "vroom": run_vroom,
    "pyvrp": run_pyvrp,
}


def available(name: str) -> bool:
    """Whether the solver's package can be imported here."""
    module = {"engine": "chalicelib.planning.solver", "textbook": "ortools", "vroom": "vroom", "pyvrp": "pyvrp"}[name]
    try:
        __import__(module)
    except ImportError:
        return False
    return True


def versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    out = {}
    for solver, package in (("engine", "ortools"), ("textbook", "ortools"), ("vroom", "pyvroom"), ("pyvrp", "pyvrp")):
        try:
            out[solver] = f"{package} {version(package)}"
        except PackageNotFoundError:
            out[solver] = "not installed"
    return out
