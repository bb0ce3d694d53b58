"""Iterated local search for the team orienteering problem with time windows.

In the spirit of Vansteenwegen, Souffriau, Vanden Berghe and Van Oudheusden
(2009), "Iterated local search for the team orienteering problem with time
windows": a greedy *insert* step (highest prize² / time shift first, the
ratio multiplied by seeded noise in [1, 1 + ``noise``] so that repeated
insertions explore) that keeps each visit's ``MaxShift`` (how much later it
may start without breaking any window further down its route), and a
*shake* that removes a run of at most ``max_shake`` consecutive visits from
``shake_routes`` random routes; restarts from the best solution when the
search stalls. All three knobs were tuned on the TOPTW benchmark
(``benchmarks/toptw``): without the noise the Solomon gap at 1 s roughly
doubles; long runs of removals and shaking every route hurt with m >= 3 and
on the larger Cordeau instances.

With more than one route, a *route pool* adds what the ILS alone lacks at
longer budgets (issue #16: at 5 s PyVRP led on Solomon m = 4): every
distinct route the search produces is kept (per node set and vehicle class,
the one of best value; at most ``pool_cap``, the most valuable), and every
tenth of the time budget a set-packing MIP (CBC through OR-Tools'
``pywraplp``, one thread) picks the most valuable set of disjoint pool
routes, at most one per vehicle (vehicles with the same matrix, window,
depots and allowed nodes share their routes). The search continues from
that combination after a fill; when it is no better than the best
solution, a new trajectory starts from empty routes instead (the best is
kept), so that the pool gets routes from elsewhere. This is the route
recombination of set-covering based TOPTW heuristics (Hu and Lim 2014, "An
iterative three-component heuristic for the team orienteering problem with
time windows"): the ILS keeps finding good single routes in solutions whose
other routes are poor, and the MIP puts the good ones together. Measured on
Solomon m = 4 (8 instances, ILS alone, 4 s): total score 7783 -> 7855-7878;
0.8 s: 7726 -> 7801. The MIP has a time limit, so it runs only in
clock-bounded searches (``max_iterations >= CLOCK_BOUND``), never in the
iteration-bounded reproducible ones of the itinerary service.

With more than one route, a *swap* step after every fill replaces a visit by
an unvisited node of higher prize in its place when the windows allow it,
and every new best of a trajectory also gets the swap that drops a
low-prize visit and inserts the better node anywhere in that route (the
"replace" of Vansteenwegen et al.'s GLS for the TOP, 2009, and of the
TOPTW local searches of Labadie et al., 2011 / 2012). With one route (no
pool) and at least ``multistart_s`` of clock, a new trajectory starts from
an empty route every ``recombine_period`` of the budget (the best is kept).
Measured with the ILS alone on Cordeau pr01-20, seeds 1-3 (issue #16):
both small but positive. Tried and dropped (no measurable gain, fewer
iterations): 2-opt / or-opt on each route to shorten it (Labadie et al.),
2-opt* between routes, and the swaps with a single route.

The insertion test of every unvisited node at every position of a route is
one vectorised numpy expression; after an insertion only the changed
route is re-evaluated, and only for the nodes that still fitted into it
(insertions only delay a route). One ILS iteration costs about 0.5-1.5 ms
for 100-300 nodes.

Scope (``applicable``): optional nodes with at most one start window,
per-vehicle matrices and allowed vehicles. Groups, precedences, budgets,
exclusive pairs, stop limits, mandatory nodes and multi-window nodes are
left to OR-Tools, which also checks and polishes whatever this returns.

Determinism: the only randomness is seeded (``random.Random(seed)`` and
``numpy.random.default_rng(seed)``); the search
stops after ``max_iterations`` or at the deadline, whichever comes first
(only the former is reproducible).
"""

from __future__ import annotations

import random
import time
from collections.abc import Sequence
from typing import Optional

import numpy as np

INF = np.int64(1) << 60
CLOCK_BOUND = 10**6  # max_iterations at least this large: the deadline decides (as in ``solver.UNBOUNDED``)


def applicable(model) -> bool:
    """Whether the model has only what this search understands."""
    if model.groups or model.precedences or model.exclusive or getattr(model, "requires", None):
        return False
    if any(getattr(model, name, None) is not None for name in ("travel_share", "soft_travel_share", "min_visiting")):
        return False
    if any(v.max_stops is not None for v in model.vehicles):
        return False
    if any(getattr(node, "vehicle_cost", ()) for node in model.nodes):
        return False
    depots = {v.start for v in model.vehicles} | {v.end for v in model.vehicles}
    for i, node in enumerate(model.nodes):
        if i in depots:
            if node.windows or node.service:
                return False
            continue
        if node.mandatory or len(node.windows) > 1:
            return False
        if model.capacity is not None and node.demand:
            return False
    return len(model.nodes) > len(depots)


class Search:
    """State and moves of one search; routes are node lists with both depots."""

    def __init__(self, model, seed: int = 0) -> None:
        n = len(model.nodes)
        self.n = n
        self.V = len(model.vehicles)
        self.weight = int(model.travel_cost_weight)
        self.vehicles = model.vehicles
        self.vmat = [v.matrix for v in model.vehicles]
        self.lo = [v.window[0] for v in model.vehicles]
        self.hi = [v.window[1] for v in model.vehicles]
        big = max([hi for node in model.nodes for _, hi in node.windows] + self.hi) + 1
        small = min([lo for node in model.nodes for lo, _ in node.windows] + self.lo)
        self.service_l = [node.service for node in model.nodes]
        self.open_l = [node.windows[0][0] if node.windows else small for node in model.nodes]
        self.close_l = [node.windows[0][1] if node.windows else big for node in model.nodes]
        self.prize_l = [max(0, node.prize) for node in model.nodes]
        self.service = np.asarray(self.service_l, dtype=np.int64)
        self.open = np.asarray(self.open_l, dtype=np.int64)
        self.close = np.asarray(self.close_l, dtype=np.int64)
        self.prize = np.asarray(self.prize_l, dtype=np.int64)
        self.prize2 = self.prize.astype(np.float64) ** 2
        used = sorted(set(self.vmat))
        self.D = {k: np.asarray(model.matrices[k], dtype=np.int64) for k in used}
        self.DT = {k: np.ascontiguousarray(self.D[k].T) for k in used}
        self.Dl = {k: [list(map(int, row)) for row in model.matrices[k]] for k in used}
        depots = {v.start for v in model.vehicles} | {v.end for v in model.vehicles}
        allowed = np.ones((self.V, n), dtype=bool)
        for i, node in enumerate(model.nodes):
            if node.allowed_vehicles is not None:
                allowed[:, i] = False
                for v in node.allowed_vehicles:
                    if 0 <= v < self.V:
                        allowed[v, i] = True
        for v in range(self.V):
            allowed[v, list(depots)] = False
            # a node that cannot be reached and left within the vehicle's day is never allowed
            D, s = self.D[self.vmat[v]], self.service
            start, end = model.vehicles[v].start, model.vehicles[v].end
            arrive = np.maximum(self.lo[v] + D[start], self.open)
            allowed[v] &= (arrive <= self.close) & (arrive + s + D[:, end] <= self.hi[v])
        self.allowed = allowed
        self.customers = np.asarray(
            [i for i in range(n) if i not in depots and allowed[:, i].any() and self.prize_l[i] > 0], dtype=np.int64
        )
        self.all_allowed = bool(allowed[:, self.customers].all())
        self.attrs = np.stack([self.open, self.close, self.service, self.prize])
        # Skip the "worth its detour" test when every prize outweighs any detour.
        longest = max(int(self.D[k].max()) for k in used) if n else 0
        positive = [p for i, p in enumerate(self.prize_l) if i not in depots and p > 0]
        self.check_gain = bool(self.weight) and (not positive or min(positive) <= 2 * self.weight * longest)
        self.rng = random.Random(seed)
        self.nprng = np.random.default_rng(seed)
        self.noise = 0.8  # multiplicative noise on the insertion ratio: diversity across iterations
        self.stall_base, self.stall_div = 10, 10  # iterations without improvement before a restart from the best
        self.shake_routes: Optional[int] = 2  # routes shaken per iteration (None: all)
        self.max_shake: Optional[int] = 7  # longer runs of removed visits cost more than they help
        # Route pool for recombination: vehicles that are interchangeable share a class.
        sig = [
            (self.vmat[v], self.lo[v], self.hi[v], vh.start, vh.end, allowed[v].tobytes())
            for v, vh in enumerate(model.vehicles)
        ]
        self.vclass = [sig.index(x) for x in sig]
        self.pool: dict[tuple[int, frozenset[int]], tuple[int, list[int]]] = {}
        # Recombination (with more than one route, clock-bounded runs only): every
        # ``recombine_period`` of the time budget and ``recombine_first`` iterations, a MIP over
        # the pool of at most ``pool_cap`` routes, limited to ``recombine_ms`` and to
        # ``recombine_share`` of the time left. Tuned on the TOPTW benchmark (m = 3, 4, 0.8 and
        # 4 s of ILS); doubling intervals and fixed ones of 800 iterations did no better.
        self.recombine_period = 0.1
        self.recombine_first = 200
        self.fresh_start = True  # a new trajectory when a recombination finds nothing new
        self.pool_cap = 4000
        self.recombine_ms = 1000
        self.recombine_share = 0.1
        # Swaps with unvisited nodes (``improve``, with more than one route): the one-for-one
        # swap after every fill (``replace``), the drop-and-insert one on each new best of a
        # trajectory (``exchange``, over the ``exchange_k`` visits of lowest prize per route).
        # Measured (ILS alone, 2 s, seeds 1-3, total score): Cordeau pr11-20 m = 2 27532 ->
        # 27668, pr01-10 m = 3 33828 -> 33904; with one route they cost ~40 % of the
        # iterations and lost (pr11-20 m = 1 15537 -> 15441), so they are off there.
        self.replace = self.exchange = self.V > 1
        self.exchange_k = 10
        # One route, clock-bounded: every ``recombine_period`` of the budget (and at least
        # ``recombine_first`` iterations), a new trajectory from an empty route, the best
        # kept (what the pool's fresh start does for m > 1). Single-route results depend
        # much on the trajectory (pr19, m = 1, 2 s: 472-547 by seed); pr11-20 m = 1, 2 s,
        # seeds 1-3: 15488 -> 15556.
        self.multistart = True
        self.multistart_s = 1.5  # only when the search has at least this long (seconds)
        self.set_routes([[v.start, v.end] for v in model.vehicles])

    def set_routes(self, routes: list[list[int]]) -> None:
        """Replace the current solution (node lists with both depots, assumed feasible)."""
        self.routes = [list(x) for x in routes]
        self.times = [self._timing(r, self.routes[r]) for r in range(self.V)]
        # Since the last complete fill: routes changed, nodes that left a route.
        # (After a fill no unvisited node fits anywhere, so an unchanged route
        # only needs to be tried for the nodes that left some route since.)
        self._dirty: set[int] = set(range(self.V))
        self._fresh: set[int] = set()

    # ------------------------------------------------------------------ timing
    def _timing(self, r: int, nodes: list[int]):
        """Start times, arrival times and MaxShift of a route (assumed feasible)."""
        D, s, op, cl = self.Dl[self.vmat[r]], self.service_l, self.open_l, self.close_l
        t = self.lo[r]
        start, arr = [t], [t]
        prev = nodes[0]
        for cur in nodes[1:]:
            a = t + s[prev] + D[prev][cur]
            o = op[cur]
            t = a if a > o else o
            arr.append(a)
            start.append(t)
            prev = cur
        L = len(nodes)
        ms = [0] * L
        ms[-1] = self.hi[r] - start[-1]
        for k in range(L - 2, 0, -1):
            x = start[k + 1] - arr[k + 1] + ms[k + 1]
            y = cl[nodes[k]] - start[k]
            ms[k] = x if x < y else y
        return start, arr, ms

    def feasible_route(self, r: int, nodes: list[int]) -> bool:
        D, s, op, cl = self.Dl[self.vmat[r]], self.service_l, self.open_l, self.close_l
        t = self.lo[r]
        prev = nodes[0]
        for cur in nodes[1:-1]:
            a = t + s[prev] + D[prev][cur]
            t = a if a > op[cur] else op[cur]
            if t > cl[cur]:
                return False
            prev = cur
        return t + s[prev] + D[prev][nodes[-1]] <= self.hi[r]

    # ------------------------------------------------------------------ insertion
    def _evaluate(self, r: int, J: np.ndarray):
        """Smallest feasible time shift (and its position) of inserting each of J into route r."""
        N = np.array(self.routes[r])
        P, S = N[:-1], N[1:]
        T = np.array(self.times[r])  # rows: start, arrival, MaxShift
        k = self.vmat[r]
        D = self.D[k]
        dep = T[0, :-1] + self.service[P]
        slack = T[0, 1:] - T[1, 1:] + T[2, 1:]
        dPS = D[P, S]
        attrs = self.attrs[:, J]  # open, close, service, prize
        Jc = J[:, None]
        to_j = self.DT[k][Jc, P]  # D[p, j]
        from_j = D[Jc, S]  # D[j, s]
        st = np.maximum(dep + to_j, attrs[0][:, None])
        shift = st - dep
        shift += from_j
        shift += attrs[2][:, None]
        shift -= dPS
        ok = (st <= attrs[1][:, None]) & (shift <= slack)
        if self.check_gain:
            ok &= (to_j + from_j - dPS) * self.weight < attrs[3][:, None]
        shift[~ok] = INF
        pos = shift.argmin(axis=1)
        best = shift[np.arange(len(J)), pos]
        best[~self.allowed[r, J]] = INF
        return best, pos

    def fill(self) -> None:
        """Insert unvisited nodes greedily (prize² / shift) until none fits."""
        visited = set()
        for nodes in self.routes:
            visited.update(nodes)
        J = np.asarray([j for j in self.customers.tolist() if j not in visited], dtype=np.int64)
        dirty, fresh = self._dirty, self._fresh
        self._dirty, self._fresh = set(), set()
        if not len(J):
            return
        BS = np.full((self.V, len(J)), INF, dtype=np.int64)
        BP = np.zeros((self.V, len(J)), dtype=np.int64)
        new = None
        for r in range(self.V):
            if r in dirty:
                BS[r], BP[r] = self._evaluate(r, J)
                continue
            if new is None:
                new = np.flatnonzero(np.isin(J, np.fromiter(fresh, dtype=np.int64, count=len(fresh))))
            if len(new):
                BS[r, new], BP[r, new] = self._evaluate(r, J[new])
        alive = np.ones(len(J), dtype=bool)
        prize2 = self.prize2[J]
        while True:
            b = BS.min(axis=0)
            if b.min() >= INF:
                return
            ratio = np.where(b < INF, prize2 / (b + 1.0), -1.0)
            if self.noise:
                ratio *= 1.0 + self.noise * self.nprng.random(len(ratio))
            c = int(ratio.argmax())
            r = int(BS[:, c].argmin())
            pos = int(BP[r, c])
            self.routes[r].insert(pos + 1, int(J[c]))
            self.times[r] = self._timing(r, self.routes[r])
            alive[c] = False
            BS[:, c] = INF
            # Insertions only delay the rest of a route (travel times obey the triangle
            # inequality up to rounding), so only nodes that fitted into route r may still fit.
            idx = np.flatnonzero(BS[r] < INF)
            if len(idx):
                BS[r, idx], BP[r, idx] = self._evaluate(r, J[idx])

    # ------------------------------------------------------------------ local search
    def _replace(self, J: np.ndarray) -> Optional[int]:
        """Swap one visit for an unvisited node in its place (any route), if that gains value.

        Every (unvisited node, visit) pair of every route in one vectorised test per
        matrix: the node must start within its window after the visit's predecessor,
        and the visit's successor must still start within its MaxShift. Returns the
        route changed (the best gain), or None.
        """
        if not len(J):
            return None
        best = None
        Jc = J[:, None]
        for k in sorted(set(self.vmat)):
            rs = [r for r in range(self.V) if self.vmat[r] == k and len(self.routes[r]) > 2]
            if not rs:
                continue
            pl: list[int] = []
            xl: list[int] = []
            sl: list[int] = []
            depl: list[int] = []
            latestl: list[int] = []
            ownerl: list[int] = []
            for r in rs:
                N = self.routes[r]
                start, _, ms = self.times[r]
                pl += N[:-2]
                xl += N[1:-1]
                sl += N[2:]
                depl += start[:-2]
                latestl += [a + b for a, b in zip(start[2:], ms[2:])]
                ownerl += [r] * (len(N) - 2)
            # only visits of lower prize than some unvisited node can gain (with travel
            # weighed in, a swap for an equal prize might too: left to the other moves)
            keep = self.prize[xl] < self.prize[J].max()
            if not keep.any():
                continue
            P, X, S = np.asarray(pl)[keep], np.asarray(xl)[keep], np.asarray(sl)[keep]
            dep = np.asarray(depl)[keep] + self.service[P]
            latest_a = np.asarray(latestl)[keep]
            owner = np.asarray(ownerl)[keep]
            D = self.D[k]
            to_j = self.DT[k][Jc, P]
            from_j = D[Jc, S]
            st = np.maximum(dep + to_j, self.open[Jc])
            nxt = np.maximum(st + self.service[Jc] + from_j, self.open[S])
            ok = (st <= self.close[Jc]) & (nxt <= latest_a)
            if not self.all_allowed:
                ok &= self.allowed[owner][:, J].T
            gain = self.prize[Jc] - self.prize[X]
            if self.weight:
                gain = gain - self.weight * (to_j + from_j - D[P, X] - D[X, S])
            gain = np.where(ok, gain, 0)
            c = int(gain.argmax())
            if gain.flat[c] > 0 and (best is None or gain.flat[c] > best[0]):
                q, pos = divmod(c, len(X))
                r = int(owner[pos])
                x = int(X[pos])
                best = (int(gain.flat[c]), r, self.routes[r].index(x), int(J[q]))
        if best is None:
            return None
        _, r, i, j = best
        nodes = self.routes[r]
        self._fresh.add(nodes[i])
        nodes[i] = j
        self.times[r] = self._timing(r, nodes)
        return r

    def _exchange(self, r: int, J: np.ndarray) -> bool:
        """Drop one visit of route r and insert an unvisited node of higher prize anywhere in it.

        The "replace" of Vansteenwegen et al.'s guided local search for the TOP (2009),
        with the windows: for each visit, the route without it (MaxShift recomputed) is
        offered every unvisited node at once through ``_evaluate``. O(route) insertion
        tests, so it runs only on improved solutions (``improve(full=True)``).
        """
        nodes = self.routes[r]
        L = len(nodes)
        if L < 3 or not len(J):
            return False
        J = J[self.allowed[r, J]]
        if not len(J):
            return False
        top = int(self.prize[J].max())
        saved = self.times[r]
        old_value = self.route_value(r, nodes)
        best = None
        # the visits of lowest prize first: where a swap can gain most (at most ``exchange_k``)
        order = sorted(range(1, L - 1), key=lambda k: (self.prize_l[nodes[k]], k))[: self.exchange_k]
        for k in order:
            x = nodes[k]
            if self.prize_l[x] >= top:
                break
            cand = J[self.prize[J] > self.prize_l[x]]
            self.routes[r] = nodes[:k] + nodes[k + 1 :]
            self.times[r] = self._timing(r, self.routes[r])
            shift, pos = self._evaluate(r, cand)
            ok = shift < INF
            if ok.any():
                gain = np.where(ok, self.prize[cand], -1)
                c = int(gain.argmax())
                if best is None or gain[c] - self.prize_l[x] > best[0]:
                    best = (int(gain[c]) - self.prize_l[x], k, int(cand[c]), int(pos[c]))
        self.routes[r], self.times[r] = nodes, saved
        if best is None:
            return False
        _, k, j, p = best
        new = nodes[:k] + nodes[k + 1 :]
        new.insert(p + 1, j)
        if self.route_value(r, new) <= old_value or not self.feasible_route(r, new):
            return False
        self._fresh.add(nodes[k])
        self.routes[r] = new
        self.times[r] = self._timing(r, new)
        return True

    def descend(self, full: bool) -> None:
        """``improve`` and fill again while that changes something (at most three rounds)."""
        for _ in range(3):
            if not self.improve(full):
                break
            self.fill()

    def improve(self, full: bool = True) -> bool:
        """Swaps of visits for unvisited nodes of higher prize; whether any was made.

        The ILS of Vansteenwegen et al. (2009) only removes and re-inserts, so a visit
        of low prize that blocks a better node stays until a shake happens to remove
        it. The local searches of their GLS for the TOP (2009) and of Labadie et al.'s
        GRASP-ELS / granular VNS for the TOPTW (2011, 2012) also *replace*: here the
        one-for-one swap in place (``_replace``, every route at once, cheap: after every
        fill) and, with ``full``, the swap that drops any low-prize visit and inserts
        anywhere in that route (``_exchange``, on improved solutions only). The caller
        fills again: the dropped visit may fit elsewhere.
        """
        changed = False
        for _ in range(self.V + 2):
            visited = set()
            for nodes in self.routes:
                visited.update(nodes)
            J = np.asarray([j for j in self.customers.tolist() if j not in visited], dtype=np.int64)
            r = self._replace(J) if self.replace else None
            if r is None and full and self.exchange:
                r = next((r for r in range(self.V) if self._exchange(r, J)), None)
            if r is None:
                break
            changed = True
            self._dirty.add(r)
        return changed

    # ------------------------------------------------------------------ shake
    def shake(self, R: int, S: int) -> None:
        """Remove S consecutive visits from every route, starting at its R-th visit."""
        chosen: Sequence[int] = range(self.V)
        if self.shake_routes and self.shake_routes < self.V:
            chosen = self.rng.sample(range(self.V), self.shake_routes)
        for r in chosen:
            nodes = self.routes[r]
            inner = nodes[1:-1]
            if not inner:
                continue
            L = len(inner)
            first = R % L
            drop = {(first + t) % L for t in range(min(S, L))}
            kept = [x for i, x in enumerate(inner) if i not in drop]
            self._dirty.add(r)
            self._fresh.update(inner[i] for i in drop)
            self.routes[r] = [nodes[0]] + kept + [nodes[-1]]
            self.times[r] = self._timing(r, self.routes[r])

    # ------------------------------------------------------------------ objective
    def value(self, routes: Optional[list[list[int]]] = None) -> int:
        routes = self.routes if routes is None else routes
        total = 0
        for r, nodes in enumerate(routes):
            D = self.Dl[self.vmat[r]]
            total += sum(self.prize_l[x] for x in nodes[1:-1])
            if self.weight:
                total -= self.weight * sum(D[a][b] for a, b in zip(nodes, nodes[1:]))
        return total

    def route_value(self, r: int, nodes: list[int]) -> int:
        D = self.Dl[self.vmat[r]]
        total = sum(self.prize_l[x] for x in nodes[1:-1])
        if self.weight:
            total -= self.weight * sum(D[a][b] for a, b in zip(nodes, nodes[1:]))
        return total

    def remember(self) -> None:
        pool = self.pool
        for r, nodes in enumerate(self.routes):
            if len(nodes) <= 2:
                continue
            key = (self.vclass[r], frozenset(nodes[1:-1]))
            v = self.route_value(r, nodes)
            old = pool.get(key)
            if old is None or old[0] < v:
                pool[key] = (v, list(nodes))  # a copy: the search edits its routes in place

    def recombine(self, best: list[list[int]], limit_ms: float = 1000) -> Optional[list[list[int]]]:
        """Best set of disjoint pool routes (at most one per vehicle), by CP-SAT."""
        from ortools.linear_solver import pywraplp

        if len(self.pool) > self.pool_cap:
            keep = sorted(self.pool.items(), key=lambda kv: -kv[1][0])[: self.pool_cap]
            # always keep the routes of the best solution
            self.pool = dict(keep)
            for r, nodes in enumerate(best):
                if len(nodes) > 2:
                    self.pool[(self.vclass[r], frozenset(nodes[1:-1]))] = (self.route_value(r, nodes), list(nodes))
        items = list(self.pool.items())
        solver = pywraplp.Solver.CreateSolver("CBC") or pywraplp.Solver.CreateSolver("SCIP")
        if solver is None:
            return None
        solver.SetNumThreads(1)
        solver.SetTimeLimit(max(10, int(limit_ms)))
        xs = [solver.BoolVar("") for _ in items]
        by_node: dict[int, list] = {}
        by_class: dict[int, list] = {}
        for x, ((cls, members), _) in zip(xs, items):
            by_class.setdefault(cls, []).append(x)
            for j in members:
                by_node.setdefault(j, []).append(x)
        for lst in by_node.values():
            if len(lst) > 1:
                ct = solver.Constraint(0, 1)
                for x in lst:
                    ct.SetCoefficient(x, 1)
        for cls, lst in by_class.items():
            ct = solver.Constraint(0, self.vclass.count(cls))
            for x in lst:
                ct.SetCoefficient(x, 1)
        objective = solver.Objective()
        for x, (_, (v, _)) in zip(xs, items):
            objective.SetCoefficient(x, v)
        objective.SetMaximization()
        best_keys = {(self.vclass[r], frozenset(n[1:-1])) for r, n in enumerate(best) if len(n) > 2}
        hinted = [x for x, (key, _) in zip(xs, items) if key in best_keys]
        solver.SetHint(hinted, [1.0] * len(hinted))
        status = solver.Solve()
        if status not in (pywraplp.Solver.OPTIMAL, pywraplp.Solver.FEASIBLE):
            return None
        chosen = [items[k] for k, x in enumerate(xs) if x.solution_value() > 0.5]
        routes: list[Optional[list[int]]] = [None] * self.V
        for (cls, _), (_, nodes) in chosen:
            r = next(r for r in range(self.V) if self.vclass[r] == cls and routes[r] is None)
            routes[r] = list(nodes)
        v0 = self.vehicles
        merged = [x if x is not None else [v0[r].start, v0[r].end] for r, x in enumerate(routes)]
        inner = [j for x in merged for j in x[1:-1]]
        if len(inner) != len(set(inner)) or not all(self.feasible_route(r, x) for r, x in enumerate(merged)):
            return None  # cannot happen with disjoint pool routes of the right class; never trust it blindly
        return merged

    def run(self, deadline: float, max_iterations: int) -> tuple[list[list[int]], int, bool]:
        """Returns (best routes without depots, iterations done, stopped by the clock)."""
        self.fill()
        best = [list(x) for x in self.routes]
        best_value = self.value()
        if not len(self.customers):
            return [x[1:-1] for x in best], 0, False
        # The trajectory's own best (where a stalled search restarts); with the pool, a
        # recombination that finds nothing new starts a fresh trajectory (see ``fresh_start``).
        home, home_value = best, best_value
        n_cust = len(self.customers)
        max_s = max(2, n_cust // (3 * self.V))
        if self.max_shake:
            max_s = min(max_s, self.max_shake)
        S, R, stall, it = 1, 0, 0, 0
        timed_out = False
        # Recombination only when the clock stops the search: its MIP has a time limit, which
        # would make an iteration-bounded (reproducible) run depend on the machine.
        use_pool = self.V > 1 and self.recombine_first > 0 and max_iterations >= CLOCK_BOUND
        next_pool = self.recombine_first
        started = time.perf_counter()
        multistart = (
            self.V == 1
            and self.multistart
            and max_iterations >= CLOCK_BOUND
            and deadline - started >= self.multistart_s
        )
        next_time = started + self.recombine_period * (deadline - started)
        if use_pool:
            self.remember()
        while it < max_iterations:
            if time.perf_counter() >= deadline:
                timed_out = True
                break
            it += 1
            self.shake(R, S)
            self.fill()
            if self.replace:
                self.descend(False)
            value = self.value()
            if multistart:
                now = time.perf_counter()
                if it >= next_pool and now >= next_time:
                    next_pool = it + self.recombine_first
                    next_time = now + self.recombine_period * (deadline - started)
                    if value > best_value:
                        best, best_value = [list(x) for x in self.routes], value
                    self.set_routes([[v.start, v.end] for v in self.vehicles])
                    self.fill()
                    value = self.value()
                    home, home_value, S, stall = [list(x) for x in self.routes], value, 1, 0
                    if value > best_value:
                        best, best_value = home, value
            if use_pool:
                self.remember()
                now = time.perf_counter()
                if it >= next_pool and (not self.recombine_period or now >= next_time):
                    next_pool = it + self.recombine_first
                    next_time = now + self.recombine_period * (deadline - started)
                    left_ms = (deadline - time.perf_counter()) * 1000
                    merged = self.recombine(best, min(self.recombine_ms, self.recombine_share * left_ms))
                    if merged is not None and self.value(merged) > max(best_value, value):
                        self.set_routes(merged)
                        self.fill()
                        self.remember()
                        value = self.value()
                    elif self.fresh_start:
                        # Nothing new from the pool: a new trajectory from empty routes feeds it
                        # routes from elsewhere (the best solution is kept).
                        self.set_routes([[v.start, v.end] for v in self.vehicles])
                        self.fill()
                        self.remember()
                        value = self.value()
                        home, home_value, S, stall = [list(x) for x in self.routes], value, 1, 0
            if (self.exchange or self.replace) and value > home_value:
                # a new best of the trajectory (or a better recombination): the costlier swaps too
                self.descend(True)
                value = self.value()
                if use_pool:
                    self.remember()
            if value > home_value:
                home, home_value, S, stall = [list(x) for x in self.routes], value, 1, 0
                if value > best_value:
                    best, best_value = home, value
            else:
                S += 1
                stall += 1
            shortest = min((len(x) - 2 for x in self.routes), default=0) or 1
            R = (R + S) % shortest
            if S > max_s:
                S = 1
            if stall >= self.stall_base + n_cust // self.stall_div:
                # restart from the trajectory's best solution, at a random place
                self.set_routes(home)
                R = self.rng.randrange(n_cust)
                stall = 0
        return [x[1:-1] for x in best], it, timed_out
