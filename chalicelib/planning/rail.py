"""Rail and metro legs (杭绍同城): a trip lodged in Hangzhou, or a long hop
across Shaoxing, by train instead of the bus estimate.

For a public-transport trip (``mode: transit``) every leg of at least
``RAIL_MIN_KM`` is also priced as a rail trip over the catalog's lines
(``catalog/lines.py``): the local leg to a station (the request's transit
rule: short hops walked), the station's boarding buffer (``endpoints``:
security and ticket checks, the same numbers as arriving and leaving by
train), the *longest* gap between trains as the wait, the scheduled ride,
changes of line, the exit, and the local leg on. Where that is at most
``RAIL_PREFERENCE`` slower than the bus estimate the leg is a rail leg
(``Problem.rail_legs``) and its
minutes are the rail trip's. The worst-case wait makes the time safe for
any train; the day window is kept inside the lines' service hours
(``service_span``), so every boarding falls between the first and last
train, which the checker re-derives (``check._rail_rules``).
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Optional

import numpy as np

from ..catalog.catalog import Catalog
from ..catalog.lines import Line
from .document import RailDoc
from .endpoints import ARRIVAL_TRANSFER, DEPARTURE_BUFFER
from .travel import Point, ceil_minutes, geodesic_km, mode_minutes

RAIL_MIN_KM = 8.0  # shorter legs (straight line) stay with the bus estimate
# A timetabled rail trip is preferred to the bus estimate unless it is more
# than this much slower: the estimate is a straight line times a circuity at
# an average speed, with no transfer, and is optimistic across town and city
# lines; the timetable is what a local takes (Xiaoshan to Keqiao: metro 67
# min door to door against an estimated 65 min bus).
RAIL_PREFERENCE = 1.2
ACCESS_KM = 6.0  # a station further than this (straight line) from a place is not used for it
# Changing between two metro lines inside one station (Guniangqiao: Hangzhou
# line 5 to Shaoxing line 1 on the same platform level) needs no new security
# check: minutes to walk across, before the wait for the next train.
METRO_INTERCHANGE = 5
ACCESS_MODE = "transit"  # to and from the station: the local bus, or on foot when near


@dataclass(frozen=True)
class Ride:
    line: str
    board: str  # hub ids
    alight: str
    before: int  # minutes from reaching the station (or the change) to the train leaving: buffer + longest gap
    minutes: int  # scheduled ride


@dataclass(frozen=True)
class RailTrip:
    access_minutes: int  # to the first station (walked when near)
    rides: tuple[Ride, ...]
    after: int  # from the last train to the station exit
    egress_minutes: int  # from the last station on
    km: float
    gaps: tuple[int, ...]  # the longest gap of each ride's line (part of its ``before``)

    @property
    def minutes(self) -> int:
        return self.access_minutes + sum(r.before + r.minutes for r in self.rides) + self.after + self.egress_minutes

    def boardings(self, depart: int) -> list[tuple[str, int, int]]:
        """(line, earliest, latest) minute each train is boarded when leaving
        at ``depart``: earliest on reaching the platform, latest after the
        longest gap."""
        out, t = [], depart + self.access_minutes
        for ride, gap in zip(self.rides, self.gaps):
            t += ride.before
            out.append((ride.line, t - gap, t))
            t += ride.minutes
        return out

    def to_json(self, catalog: Catalog, lang: str) -> RailDoc:
        def name(hub: str) -> str:
            return catalog.pois[hub].name.get(lang)

        return {
            "access_minutes": self.access_minutes,
            "egress_minutes": self.egress_minutes,
            "rides": [
                {
                    "line": r.line,
                    "line_name": catalog.lines[r.line].name.get(lang),
                    "board": r.board,
                    "board_name": name(r.board),
                    "alight": r.alight,
                    "alight_name": name(r.alight),
                    "wait_minutes": r.before,
                    "ride_minutes": r.minutes,
                }
                for r in self.rides
            ],
        }


def _board(line: Line) -> int:
    return DEPARTURE_BUFFER[line.kind] + line.longest_gap


def _change(a: Line, b: Line) -> int:
    if a.kind == b.kind == "metro":
        return METRO_INTERCHANGE + b.longest_gap
    return ARRIVAL_TRANSFER[a.kind] + _board(b)


@dataclass(frozen=True)
class StationPath:
    minutes: int  # boarding buffer and wait to the exit at the far station
    rides: tuple[Ride, ...]
    after: int


def station_paths(lines: Mapping[str, Line]) -> dict[tuple[str, str], StationPath]:
    """The quickest station-to-station journey for every pair the lines
    connect: Dijkstra over (station, line) states, the cost being the
    minutes from reaching the first station to being at ``station`` on a
    train of ``line``; changes only where two lines share a station."""
    serving: dict[str, list[Line]] = {}
    for line in sorted(lines.values(), key=lambda ln: ln.id):
        for hub, _ in line.stations:
            serving.setdefault(hub, []).append(line)
    out: dict[tuple[str, str], StationPath] = {}
    for origin in sorted(serving):
        settled: set[tuple[str, str]] = set()
        # (cost, push order: ties pop first-pushed, rides do not compare, hub, line id, rides)
        heap: list[tuple[int, int, str, str, tuple[Ride, ...]]] = []
        pushed = itertools.count()
        for line in serving[origin]:
            heapq.heappush(
                heap, (_board(line), next(pushed), origin, line.id, (Ride(line.id, origin, origin, _board(line), 0),))
            )
        while heap:
            cost, _, hub, line_id, rides = heapq.heappop(heap)
            if (hub, line_id) in settled:
                continue
            settled.add((hub, line_id))
            line = lines[line_id]
            if hub != origin:
                after = ARRIVAL_TRANSFER[line.kind]
                known = out.get((origin, hub))
                if known is None or cost + after < known.minutes:
                    out[(origin, hub)] = StationPath(cost + after, rides, after)
                for other in serving[hub]:
                    if other.id != line_id and (hub, other.id) not in settled:
                        change = _change(line, other)
                        heapq.heappush(
                            heap,
                            (
                                cost + change,
                                next(pushed),
                                hub,
                                other.id,
                                rides + (Ride(other.id, hub, hub, change, 0),),
                            ),
                        )
            here, ride = line.minute_at(hub), rides[-1]
            for station, at in line.stations:
                if station != hub and (station, line_id) not in settled:
                    moved = Ride(line_id, ride.board, station, ride.before, ride.minutes + abs(at - here))
                    heapq.heappush(heap, (cost + abs(at - here), next(pushed), station, line_id, rides[:-1] + (moved,)))
    return out


_PATHS: dict[int, tuple[Mapping[str, Line], dict[tuple[str, str], StationPath]]] = {}


def _paths(catalog: Catalog) -> dict[tuple[str, str], StationPath]:
    """``station_paths`` once per catalog (the catalog is immutable)."""
    cached = _PATHS.get(id(catalog.lines))
    if cached is None or cached[0] is not catalog.lines:
        cached = (catalog.lines, station_paths(catalog.lines))
        _PATHS[id(catalog.lines)] = cached
    return cached[1]


def _stations(catalog: Catalog) -> list[str]:
    return sorted({hub for line in catalog.lines.values() for hub, _ in line.stations})


def _local(catalog: Catalog, point: Point, hub: str) -> Optional[tuple[int, float]]:
    """(minutes, km) between a place and a station, or None when too far for a rail trip."""
    station = catalog.pois[hub]
    straight = geodesic_km(point, Point(station.lon, station.lat))
    if straight > ACCESS_KM:
        return None
    minutes, km = mode_minutes(ACCESS_MODE, straight)
    return ceil_minutes(minutes), km


def best_trip(catalog: Catalog, a: Point, b: Point) -> Optional[RailTrip]:
    """The quickest rail trip from ``a`` to ``b`` over the catalog's lines,
    or None (too short a hop, or no station near either end). Ties go to
    the first station pair in id order, so the answer is deterministic."""
    if not catalog.lines or geodesic_km(a, b) < RAIL_MIN_KM:
        return None
    paths = _paths(catalog)
    stations = _stations(catalog)
    near_a = [(s, *x) for s in stations if (x := _local(catalog, a, s)) is not None]
    near_b = [(s, *x) for s in stations if (x := _local(catalog, b, s)) is not None]
    best: Optional[tuple[int, str, str, int, float, int, float]] = None
    for s1, access, access_km in near_a:
        for s2, egress, egress_km in near_b:
            path = paths.get((s1, s2))
            if path is None:
                continue
            total = access + path.minutes + egress
            if best is None or total < best[0]:
                best = (total, s1, s2, access, access_km, egress, egress_km)
    if best is None:
        return None
    _, s1, s2, access, access_km, egress, egress_km = best
    path = paths[(s1, s2)]
    ride_km = 0.0
    for ride in path.rides:
        p, q = catalog.pois[ride.board], catalog.pois[ride.alight]
        ride_km += geodesic_km(Point(p.lon, p.lat), Point(q.lon, q.lat))
    return RailTrip(
        access_minutes=access,
        rides=path.rides,
        after=path.after,
        egress_minutes=egress,
        km=round(access_km + ride_km + egress_km, 3),
        gaps=tuple(catalog.lines[r.line].longest_gap for r in path.rides),
    )


def rail_legs(catalog: Catalog, points: list[Point], base: list[list[float]]) -> dict[tuple[int, int], RailTrip]:
    """Every ordered pair whose rail trip is within ``RAIL_PREFERENCE`` of ``base`` minutes.

    A min-plus product over the stations (numpy) finds the candidates; each
    is then rebuilt by ``best_trip``, the same function the checker uses."""
    stations = _stations(catalog)
    if not stations or len(points) < 2:
        return {}
    paths = _paths(catalog)
    big = float(1 << 30)
    access = np.full((len(points), len(stations)), big)
    for i, point in enumerate(points):
        for j, hub in enumerate(stations):
            local = _local(catalog, point, hub)
            if local is not None:
                access[i, j] = local[0]
    between = np.full((len(stations), len(stations)), big)
    for (s1, s2), path in paths.items():
        between[stations.index(s1), stations.index(s2)] = path.minutes
    to_exit = (access[:, :, None] + between[None, :, :]).min(axis=1)  # place -> out of station k
    rail = (to_exit[:, :, None] + access.T[None, :, :]).min(axis=1)  # place -> place
    out: dict[tuple[int, int], RailTrip] = {}
    for a, b in zip(*np.nonzero(rail <= np.asarray(base) * RAIL_PREFERENCE + 1e-6)):
        trip = best_trip(catalog, points[a], points[b])
        if trip is not None and trip.minutes <= base[a][b] * RAIL_PREFERENCE + 1e-6:
            out[(int(a), int(b))] = trip
    return out


def service_span(catalog: Catalog, trips: Mapping[tuple[int, int], RailTrip]) -> Optional[tuple[int, int]]:
    """(latest first train, earliest last train) over the lines the trips use:
    a day inside it boards every train between its first and last departure."""
    used = {ride.line for trip in trips.values() for ride in trip.rides}
    if not used:
        return None
    return max(catalog.lines[u].first for u in used), min(catalog.lines[u].last for u in used)
