"""The generic solver facade on tiny hand-checkable instances."""

from __future__ import annotations

from chalicelib.planning.solver import Group, Model, Node, Vehicle, solve


def line_matrix(xs):
    """Travel minutes between points on a line."""
    return [[abs(a - b) for b in xs] for a in xs]


def model(nodes, xs, vehicles=None, **kw):
    depot = [Node(), Node()]
    return Model(
        nodes=depot + nodes, matrices=[line_matrix([0, 0] + xs)], vehicles=vehicles or [Vehicle(0, 1, (0, 1000))], **kw
    )


def visited(sol):
    return [[v.node for v in r.visits] for r in sol.routes]


def test_prizes_windows_and_times():
    nodes = [
        Node(service=10, windows=((100, 120),), prize=100),
        Node(service=10, windows=((0, 50),), prize=100),
        Node(service=10, windows=((0, 1000),), prize=1),
    ]  # not worth 2 x 400 minutes
    sol = solve(model(nodes, [10, 20, 400]), 1.0)
    assert visited(sol) == [[3, 2]]
    starts = {v.node: v.start for v in sol.routes[0].visits}
    assert 0 <= starts[3] <= 50 and 100 <= starts[2] <= 120
    assert starts[2] >= starts[3] + 10 + 10  # service + travel
    assert 4 in sol.dropped and sol.status in ("solution_limit", "time_limit")


def test_mandatory_and_multiple_windows():
    nodes = [
        Node(service=30, windows=((0, 10), (200, 220)), mandatory=True),
        Node(service=100, windows=((5, 20),), prize=1000),
    ]
    sol = solve(model(nodes, [5, 5]), 1.0)
    starts = {v.node: v.start for v in sol.routes[0].visits}
    # the long visit takes the morning, so the mandatory one uses its second window
    assert 200 <= starts[2] <= 220 and 5 <= starts[3] <= 20


def test_group_picks_one_and_capacity_and_allowed_vehicles():
    nodes = [
        Node(service=5, windows=((0, 500),)),
        Node(service=5, windows=((0, 500),)),  # group
        Node(service=5, windows=((0, 500),), prize=500, demand=60),
        Node(service=5, windows=((0, 500),), prize=400, demand=50),
        Node(service=5, windows=((0, 500),), prize=300, allowed_vehicles=(1,)),
    ]
    vehicles = [Vehicle(0, 1, (0, 1000)), Vehicle(0, 1, (0, 1000))]
    m = model(nodes, [1, 2, 3, 4, 5], vehicles=vehicles, groups=[Group((2, 3), 1000)], capacity=100)
    sol = solve(m, 1.0)
    routes = visited(sol)
    flat = [n for r in routes for n in r]
    assert len({2, 3} & set(flat)) == 1  # exactly one of the group
    assert len({4, 5} & set(flat)) == 1  # 60 + 50 > capacity 100
    assert 6 in routes[1] and 6 not in routes[0]


def test_precedence_across_vehicles():
    # vehicle 0 = day 0 (0..100), vehicle 1 = day 1 (1440..1540); node 2 must precede node 3
    nodes = [
        Node(service=10, windows=((0, 90), (1440, 1530)), prize=100),
        Node(service=10, windows=((0, 90), (1440, 1530)), prize=100),
    ]
    vehicles = [Vehicle(0, 1, (0, 100), max_stops=1), Vehicle(0, 1, (1440, 1540), max_stops=1)]
    sol = solve(model(nodes, [1, 2], vehicles=vehicles, precedences=[(3, 2)]), 1.0)
    assert visited(sol) == [[3], [2]]


def test_deterministic_for_equal_inputs():
    xs = [(i * 37) % 101 for i in range(30)]
    nodes = [Node(service=15, windows=((x * 3, x * 3 + 200),), prize=50 + x) for x in xs]
    vehicles = [Vehicle(0, 1, (0, 600)), Vehicle(0, 1, (0, 600))]
    a = solve(model(nodes, xs, vehicles=vehicles), 5.0, seed=0)
    b = solve(model(nodes, xs, vehicles=vehicles), 5.0, seed=0)
    assert a.status == "solution_limit"  # stopped by the deterministic bound, not the clock
    assert a.routes == b.routes and a.objective == b.objective


def test_infeasible_mandatory():
    nodes = [Node(service=10, windows=((2000, 2100),), mandatory=True)]
    sol = solve(model(nodes, [1]), 0.5)
    assert sol.status == "infeasible" and not sol.feasible


def test_essential_nodes_are_those_no_drop_can_pay_for():
    from chalicelib.planning.solver import _essential

    # travel bound 1000 (one vehicle window) + group prize 50 + smaller prizes 10 + 20
    nodes = [
        Node(prize=10),
        Node(prize=20),
        Node(prize=10**9),
        Node(prize=8 * 10**9),
        Node(prize=5),
        Node(prize=5),
        Node(prize=0, mandatory=True),
    ]
    m = model(nodes, [1, 2, 3, 4, 5, 6, 7], groups=[Group((6, 7), 50)])
    assert _essential(m) == {4, 5}
    # ordinary prizes (an orienteering instance) have none, however unequal
    assert _essential(model([Node(prize=p) for p in (1, 30, 900, 1100)], [1, 2, 3, 4])) == frozenset()


def test_itinerary_like_model_is_deterministic_with_tabu_search():
    # a meal group and a stop limit: the OR-Tools path (tabu search, no essential node)
    xs = [3 * k % 17 for k in range(12)]
    nodes = [Node(service=15, windows=((0, 400),), prize=20 + 7 * k % 30) for k in range(10)] + [
        Node(service=30, windows=((100, 200),), count=0),
        Node(service=30, windows=((100, 200),), count=0),
    ]
    m = model(nodes, xs, vehicles=[Vehicle(0, 1, (0, 400), max_stops=4)], groups=[Group((12, 13), 40)])
    a, b = solve(m, 2.0, seed=3), solve(m, 2.0, seed=3)
    assert visited(a) == visited(b) and a.objective == b.objective
    assert len([n for n in visited(a)[0] if n < 12]) <= 4 and len({12, 13} & set(visited(a)[0])) == 1
    # the status is the search's, not that of the swap-in's last re-read (which may have failed)
    assert a.status == "solution_limit"


def test_min_visiting_fills_an_empty_day():
    """A sight worth less than its way there stays out, unless its day would
    otherwise be empty (``Model.min_visiting``); a day already full pays nothing."""
    # vehicle 0 (day 1) holds the good sight; the low-prize one is 60 min out and back
    nodes = [
        Node(service=200, windows=((0, 1000),), prize=1000, allowed_vehicles=(0,), visiting=200),
        Node(service=150, windows=((0, 1000),), prize=20, visiting=150),
    ]
    days = [Vehicle(0, 1, (0, 1000)), Vehicle(0, 1, (0, 1000))]
    without = solve(model(nodes, [5, 30], vehicles=days), 1.0)
    assert visited(without) == [[2], []] and 3 in without.dropped
    filled = solve(model(nodes, [5, 30], vehicles=days, min_visiting=(120, 1)), 1.0)
    assert visited(filled) == [[2], [3]]
    # the cost is the shortfall: 120 - 150 < 0 on both days, so only travel remains
    assert filled.objective == 5 + 5 + 30 + 30


def test_soft_travel_share_prices_a_day_mostly_on_the_road():
    """Travel above 60 % of the day's sightseeing costs ``cost`` a minute
    (``Model.soft_travel_share``): the far sight (100 min there and back for
    an hour) loses to the near one it outscored on prize minus travel."""
    nodes = [
        Node(service=60, windows=((0, 1000),), prize=300, visiting=60),
        Node(service=60, windows=((0, 1000),), prize=150, visiting=60),
    ]
    far_or_near = {"exclusive": [(2, 3)]}
    plain = solve(model(nodes, [50, 10], **far_or_near), 1.0)
    assert visited(plain) == [[2]] and plain.objective == 100 + 150
    priced = solve(model(nodes, [50, 10], soft_travel_share=(0.6, 2), **far_or_near), 1.0)
    # far: 100 - 36 = 64 min over, 128 more than its 100 of travel; near: 20 <= 36
    assert visited(priced) == [[3]] and priced.objective == 20 + 300


def test_swap_in_trades_two_cheap_visits_for_a_better_one():
    """After the search, a left-out visit worth more than two planned ones
    of a day takes their place when the model accepts it (``_swap_in``);
    a single cheaper visit that frees too little time is not enough."""
    from chalicelib.planning import solver as module

    nodes = [
        Node(service=200, windows=((0, 1000),), prize=500, count=1),  # 2: the famous sight, 200 min
        Node(service=100, windows=((0, 1000),), prize=150, count=1),  # 3
        Node(service=100, windows=((0, 1000),), prize=200, count=1),  # 4
    ]
    m = model(nodes, [1, 1, 1], vehicles=[Vehicle(0, 1, (0, 250))])
    routing, manager, time_dim = module._build(m, module._search_order(len(m.nodes), module._depots(m), 0))
    routing.CloseModelWithParameters(module._params(module.METAHEURISTIC, 10, 1.0, 0.0))
    planned = routing.ReadAssignmentFromRoutes([[manager.NodeToIndex(3), manager.NodeToIndex(4)]], True)
    assert planned is not None and planned.ObjectiveValue() == 2 + 500  # out and back: 1 + 0 + 1
    r, mgr, _, swapped = module._swap_in(routing, manager, time_dim, m, planned, 10)
    assert r is routing and module._route_nodes(r, mgr, swapped, 0) == [2]
    assert swapped.ObjectiveValue() == 2 + 150 + 200
    kept = module._swap_in(routing, manager, time_dim, m, planned, 0)
    assert kept[3] is planned and module._route_nodes(routing, manager, kept[3], 0) == [3, 4]


class _Refusing:
    """A searched OR-Tools model that refuses every re-read, as one does after
    a search that spent its time limit (the re-read shares that limit)."""

    def __init__(self, routing):
        self.routing = routing

    def __getattr__(self, name):
        return getattr(self.routing, name)

    def ReadAssignmentFromRoutes(self, routes, ignore_inactive):
        return None


def test_swap_in_prices_on_a_fresh_model_when_the_searched_one_refuses():
    """The exchange still happens when the search's model refuses to re-read
    (before: the swap-in silently did nothing, e.g. on the 7-day transit
    guide trip with its festival day); the result comes with the fresh model
    it was read on, and without an exchange the search's own is returned."""
    from chalicelib.planning import solver as module

    nodes = [
        Node(service=200, windows=((0, 1000),), prize=500, count=1),
        Node(service=100, windows=((0, 1000),), prize=150, count=1),
        Node(service=100, windows=((0, 1000),), prize=200, count=1),
    ]
    m = model(nodes, [1, 1, 1], vehicles=[Vehicle(0, 1, (0, 250))])
    routing, manager, time_dim = module._build(m, module._search_order(len(m.nodes), module._depots(m), 0))
    routing.CloseModelWithParameters(module._params(module.METAHEURISTIC, 10, 1.0, 0.0))
    planned = routing.ReadAssignmentFromRoutes([[manager.NodeToIndex(3), manager.NodeToIndex(4)]], True)
    refusing = _Refusing(routing)
    r, mgr, dim, swapped = module._swap_in(refusing, manager, time_dim, m, planned, 10)
    assert r is not refusing and r is not routing
    assert module._route_nodes(r, mgr, swapped, 0) == [2]
    assert swapped.ObjectiveValue() == 2 + 150 + 200
    assert swapped.Min(dim.CumulVar(r.End(0))) == 1 + 200 + 1  # times read on the fresh model
    r, _, _, kept = module._swap_in(refusing, manager, time_dim, m, planned, 0)
    assert r is refusing and kept is planned


def test_status_is_the_searchs_after_a_failed_exchange():
    """A left-out node worth more than the plan's visit but unreachable (its
    window is after the day): the swap-in's re-read of that exchange fails,
    and the solution still reports how the search ended."""
    nodes = [
        Node(service=100, windows=((0, 1000),), prize=150, count=1),
        Node(service=30, windows=((500, 600),), prize=1000, count=1),  # after the vehicle's day ends
        Node(service=30, windows=((0, 1000),), prize=10, count=0),
    ]
    sol = solve(model(nodes, [1, 1, 1], vehicles=[Vehicle(0, 1, (0, 250))], exclusive=[(2, 4)]), 1.0)
    assert visited(sol) == [[2]] and 3 in sol.dropped
    assert sol.status == "solution_limit"


def test_vehicle_cost_puts_a_node_on_its_cheap_vehicle():
    """A place worth more on some days (a festival): each node goes to the
    vehicle that does not pay for it; where only a paying vehicle may take
    it, it is still visited (the prize outweighs the cost) and the objective
    holds the cost."""
    import pytest

    vehicles = [Vehicle(0, 1, (0, 1000), max_stops=1), Vehicle(0, 1, (0, 1000), max_stops=1)]
    nodes = [
        Node(service=10, windows=((0, 1000),), prize=500, vehicle_cost=(0, 200)),
        Node(service=10, windows=((0, 1000),), prize=500, vehicle_cost=(200, 0)),
    ]
    sol = solve(model(nodes, [10, 10], vehicles=vehicles), 1.0)
    assert visited(sol) == [[2], [3]] and sol.objective == 40  # travel only
    forced = [Node(service=10, windows=((0, 1000),), prize=500, vehicle_cost=(0, 200), allowed_vehicles=(1,))]
    sol = solve(model(forced, [10], vehicles=vehicles), 1.0)
    assert visited(sol) == [[], [2]] and sol.objective == 20 + 200
    with pytest.raises(ValueError):
        Node(vehicle_cost=(-1, 0))
    with pytest.raises(ValueError):
        solve(model([Node(windows=((0, 1000),), prize=5, vehicle_cost=(0,))], [1], vehicles=vehicles), 1.0)


def test_repaired_cuts_a_refused_construction_day_to_one_the_model_accepts():
    """The construction ignores the travel-share limit; a day the model
    refuses loses the first stop whose removal makes it acceptable (the far
    one), else the day starts empty; accepted days stay as they are."""
    from chalicelib.planning import solver as module

    nodes = [
        Node(service=60, windows=((0, 1000),), prize=100, visiting=60),  # 2: near (5 min away)
        Node(service=60, windows=((0, 1000),), prize=100, visiting=60),  # 3: far (200 min away)
        Node(service=60, windows=((0, 1000),), prize=100, visiting=60),  # 4: near
        Node(service=60, windows=((0, 1000),), prize=100, visiting=60),  # 5: near
    ]
    vehicles = [Vehicle(0, 1, (0, 1000)), Vehicle(0, 1, (0, 1000))]
    # travel <= 80 % of visiting + 10 min: the far one is never acceptable
    m = model(nodes, [5, 200, 5, 5], vehicles=vehicles, travel_share=(0.8, 10))
    routing, manager, _ = module._build(m, module._search_order(len(m.nodes), module._depots(m), 0))
    routing.CloseModelWithParameters(module._params(module.METAHEURISTIC, 10, 1.0, 0.0))
    idx = manager.NodeToIndex
    built = [[idx(2), idx(3), idx(4)], [idx(5)]]
    assert routing.ReadAssignmentFromRoutes(built, True) is None
    assert module._repaired(routing, built) == [[idx(2), idx(4)], [idx(5)]]
    assert module._repaired(routing, [[idx(3)], []]) == [[], []]


def test_requires_a_node_only_with_another_on_that_vehicle():
    """(node, vehicle, nodes): the restaurant inside a sight is visited only
    by the vehicle that also visits the sight (``Model.requires``)."""
    nodes = [
        Node(service=30, windows=((0, 1000),), prize=300),  # 2: the restaurant inside the sight
        Node(service=60, windows=((0, 1000),), prize=10),  # 3: the sight, worth less than its way there
    ]
    plain = solve(model(nodes, [50, 60]), 1.0)
    assert visited(plain) == [[2]]  # alone it is worth the trip
    tied = solve(model(nodes, [50, 60], requires=[(2, 0, (3,))]), 1.0)
    assert visited(tied) == [[2, 3]] or visited(tied) == [[3, 2]]  # only with the sight
    barred = solve(model(nodes, [50, 60], requires=[(2, 0, ())]), 1.0)
    assert visited(barred) == [[]]
    two = [Vehicle(0, 1, (0, 1000)), Vehicle(0, 1, (0, 1000))]
    other_day = visited(solve(model(nodes, [50, 60], vehicles=two, requires=[(2, 1, (3,))]), 1.0))
    assert any(2 in r for r in other_day) and 3 in other_day[1]  # the sight on the vehicle named
