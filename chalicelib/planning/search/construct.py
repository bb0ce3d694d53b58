"""A greedy construction for full itinerary models (what ``ils`` does not take).

OR-Tools' own first solutions (parallel cheapest insertion) struggle with
route-order precedences across days, meal groups and multi-window nodes: on
a 4-day Tang Poetry Road trip they leave half the route out and tabu search
cannot climb back. This builds a first solution the way a planner would:

1. nodes under precedence (the route's stops), by prize (then precedence
   order), each at its cheapest feasible position that keeps precedence with
   those already placed: the spine;
2. mandatory nodes (matches, must-visits, locks);
3. optional nodes with one possible start (wished-for matches and events);
4. everything else by prize per minute of extra time (groups count their
   prize once: one restaurant per meal), best first, until nothing fits.

Every insertion is checked against the whole model (start windows with
earliest-start timing, vehicle windows, allowed vehicles, stop limits,
groups, exclusive pairs and at-most sets, capacity, precedences, same-vehicle
pairs). The result enters OR-Tools through ``ReadAssignmentFromRoutes``,
which re-checks it against the model and polishes it. Deterministic: no
randomness, ties broken by node index.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Optional


class Builder:
    def __init__(self, model) -> None:
        self.m = model
        self.depots = {v.start for v in model.vehicles} | {v.end for v in model.vehicles}
        self.routes: list[list[int]] = [[] for _ in model.vehicles]
        self.where: dict[int, int] = {}
        self.start: dict[int, int] = {}
        self.group_of: dict[int, int] = {i: g for g, grp in enumerate(model.groups) for i in grp.nodes}
        self.group_used: set[int] = set()
        self.limits: list[tuple[frozenset[int], int]] = [(frozenset(p), 1) for p in model.exclusive]
        self.limits += [(frozenset(nodes), k) for nodes, k in getattr(model, "at_most", [])]
        self.limits_of: dict[int, list[int]] = {}
        for k, (nodes, _) in enumerate(self.limits):
            for i in nodes:
                self.limits_of.setdefault(i, []).append(k)
        self.limit_used = [0] * len(self.limits)
        self.before: dict[int, list[int]] = {}
        self.after: dict[int, list[int]] = {}
        for a, b in model.precedences:
            self.after.setdefault(a, []).append(b)
            self.before.setdefault(b, []).append(a)
        self.same: dict[int, list[int]] = {}
        for a, b in getattr(model, "same_vehicle", []):
            self.same.setdefault(a, []).append(b)
            self.same.setdefault(b, []).append(a)
        self.demand = 0

    # --- timing -----------------------------------------------------------
    def timing(self, v: int, nodes: Sequence[int]) -> Optional[list[int]]:
        """Earliest start of each node on vehicle v, or None if infeasible."""
        veh = self.m.vehicles[v]
        matrix = self.m.matrices[veh.matrix]
        t, prev, out = veh.window[0], veh.start, []
        for i in nodes:
            t += matrix[prev][i]
            node = self.m.nodes[i]
            if node.windows:
                begin = next((max(t, lo) for lo, hi in sorted(node.windows) if max(t, lo) <= hi), None)
                if begin is None:
                    return None
                t = begin
            out.append(t)
            t += node.service
            prev = i
        if t + matrix[prev][veh.end] > veh.window[1]:
            return None
        return out

    def travel(self, v: int, nodes: Sequence[int]) -> int:
        veh = self.m.vehicles[v]
        matrix = self.m.matrices[veh.matrix]
        path = [veh.start, *nodes, veh.end]
        return sum(matrix[a][b] for a, b in zip(path, path[1:]))

    # --- admissibility ----------------------------------------------------
    def admissible(self, i: int) -> bool:
        g = self.group_of.get(i)
        if g is not None and g in self.group_used:
            return False
        if any(self.limit_used[k] >= self.limits[k][1] for k in self.limits_of.get(i, ())):
            return False
        cap = self.m.capacity
        return cap is None or self.demand + self.m.nodes[i].demand <= cap

    def vehicles_for(self, i: int) -> list[int]:
        allowed = self.m.nodes[i].allowed_vehicles
        out = list(range(len(self.m.vehicles))) if allowed is None else list(allowed)
        for j in self.same.get(i, ()):
            if j in self.where:
                out = [v for v in out if v == self.where[j]]
        return out

    def fits_stops(self, v: int, i: int) -> bool:
        cap = self.m.vehicles[v].max_stops
        if cap is None:
            return True
        return sum(self.m.nodes[j].count for j in self.routes[v]) + self.m.nodes[i].count <= cap

    def precedence_ok(self, i: int, v: int, starts: list[int], trial: list[int]) -> bool:
        when = dict(self.start)
        for node in self.routes[v]:
            when.pop(node, None)
        when.update(zip(trial, starts))
        pairs = [(a, i) for a in self.before.get(i, ())] + [(i, b) for b in self.after.get(i, ())]
        pairs += [(a, b) for node in trial for a in self.before.get(node, ()) for b in [node]]
        pairs += [(a, b) for node in trial for b in self.after.get(node, ()) for a in [node]]
        for a, b in pairs:
            if a in when and b in when and when[b] < when[a] + self.m.nodes[a].service:
                return False
        return True

    def best_insertion(
        self, i: int, vehicles: Optional[Sequence[int]] = None
    ) -> Optional[tuple[int, int, int, list[int]]]:
        """(extra travel, vehicle, position, starts) of the cheapest feasible insertion."""
        best = None
        for v in self.vehicles_for(i) if vehicles is None else vehicles:
            found = self.best_in_vehicle(i, v)
            if found is not None and (best is None or (found[0], v) < (best[0], best[1])):
                best = found
        return best

    def best_in_vehicle(self, i: int, v: int) -> Optional[tuple[int, int, int, list[int]]]:
        if not self.fits_stops(v, i):
            return None
        veh = self.m.vehicles[v]
        matrix = self.m.matrices[veh.matrix]
        route = self.routes[v]
        path = [veh.start, *route, veh.end]
        options = sorted(
            (matrix[path[p]][i] + matrix[i][path[p + 1]] - matrix[path[p]][path[p + 1]], p)
            for p in range(len(route) + 1)
        )
        for extra, pos in options:
            trial = route[:pos] + [i] + route[pos:]
            starts = self.timing(v, trial)
            if starts is not None and self.precedence_ok(i, v, starts, trial):
                return (extra, v, pos, starts)
        return None

    def insert(self, i: int, v: int, pos: int, starts: list[int]) -> None:
        self.routes[v].insert(pos, i)
        for node, t in zip(self.routes[v], starts):
            self.start[node] = t
        self.where[i] = v
        g = self.group_of.get(i)
        if g is not None:
            self.group_used.add(g)
        for k in self.limits_of.get(i, ()):
            self.limit_used[k] += 1
        self.demand += self.m.nodes[i].demand

    def prize(self, i: int) -> int:
        g = self.group_of.get(i)
        return self.m.groups[g].prize if g is not None else self.m.nodes[i].prize

    def try_insert(self, i: int) -> bool:
        if i in self.where or not self.admissible(i):
            return False
        found = self.best_insertion(i)
        if found is None:
            return False
        extra, v, pos, starts = found
        self.insert(i, v, pos, starts)
        return True


def _precedence_order(model) -> list[int]:
    """Nodes under precedence, each after all its predecessors (ties by index)."""
    nodes = sorted({x for pair in model.precedences for x in pair})
    before = {n: {a for a, b in model.precedences if b == n} for n in nodes}
    out: list[int] = []
    while len(out) < len(nodes):
        ready = [n for n in nodes if n not in out and before[n] <= set(out)]
        if not ready:  # a cycle: leave the rest to OR-Tools
            break
        out.append(ready[0])
    return out


def construct(model) -> list[list[int]]:
    """Routes (node lists without depots), one per vehicle."""
    b = Builder(model)
    # Most valuable first: when the days cannot hold every route stop, the
    # famous ones claim their day before a small park earlier on the road
    # fills it (insertion still keeps precedence order among those placed).
    spine = _precedence_order(model)
    rank = {i: k for k, i in enumerate(spine)}
    for i in sorted(spine, key=lambda i: (-b.prize(i), rank[i])):
        b.try_insert(i)
    for i, node in enumerate(model.nodes):
        if i not in b.depots and node.mandatory:
            b.try_insert(i)
    # Optional nodes that can start at one moment only (a match of
    # want_sports, a ceremony of want_events) go next, best prize first: by
    # prize per minute they would come last, after flexible sights had taken
    # their hour, though the flexible sights could have moved.
    fixed = [
        i
        for i, node in enumerate(model.nodes)
        if i not in b.depots and i not in b.where and node.windows and all(lo == hi for lo, hi in node.windows)
    ]
    for i in sorted(fixed, key=lambda i: (-b.prize(i), i)):
        if b.admissible(i) and b.prize(i) > 0:
            b.try_insert(i)
    pending = {i for i in range(len(model.nodes)) if i not in b.depots and i not in b.where}
    # Best insertion per (node, vehicle), refreshed only for the vehicle that changed.
    cache: dict[tuple[int, int], Optional[tuple[int, int, int, list[int]]]] = {}
    changed: Optional[int] = None
    while pending:
        scored = []
        for i in sorted(pending):
            if not b.admissible(i) or b.prize(i) <= 0:
                continue
            best = None
            for v in b.vehicles_for(i):
                if (i, v) not in cache or v == changed:
                    cache[(i, v)] = b.best_in_vehicle(i, v)
                found = cache[(i, v)]
                if found is not None and (best is None or (found[0], v) < (best[0], best[1])):
                    best = found
            if best is None:
                continue
            extra, v, pos, starts = best
            gain = b.prize(i) - model.travel_cost_weight * extra
            if gain > 0:
                # prize per minute of the day it uses (service + extra travel)
                scored.append((-gain / (model.nodes[i].service + max(0, extra) + 1), i))
        if not scored:
            break
        for _, i in sorted(scored):
            fresh = b.best_insertion(i)  # cached entries of other vehicles may be stale
            if fresh is not None and b.prize(i) - model.travel_cost_weight * fresh[0] > 0:
                _, v, pos, starts = fresh
                b.insert(i, v, pos, starts)
                changed = v
                break
            pending.discard(i)
        else:
            break
        pending = {j for j in pending if j not in b.where and b.admissible(j)}
    return b.routes
