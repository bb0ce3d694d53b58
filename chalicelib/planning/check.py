"""The plan checker: re-derives every time of a finished plan and proves it.

It reads the *response* (ISO strings, ids), not solver output, and checks it
against first principles: the base travel matrix with the travel rule
(``Problem.leg``), opening hours straight from the catalog (and no venue
visited as a sight on a day it holds a match), event times,
the request's day windows, meal windows, budget, route order, must-visits
and pace. The engine runs it on every plan before returning it; tests run
it on every plan they make.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any, Optional

from ..catalog.model import Event
from ..timeutil import parse_datetime
from .crowding import WHOLE_DAY
from .endpoints import ARRIVAL_TRANSFER, DEPARTURE_BUFFER
from .meals import PACKED_MIN_VISIT, PICKUP_MINUTES
from .pace import visit_length as pace_length
from .problem import DAY, PACE, Lock, Problem, end_place, start_place
from .rail import best_trip
from .spine import shortest
from .travel import Point


class PlanCheckError(AssertionError):
    def __init__(self, violations: list[str]) -> None:
        super().__init__("plan check failed:\n  " + "\n  ".join(violations))
        self.violations = violations


def assert_valid(problem: Problem, plan: dict[str, Any], locks: Optional[Sequence[Lock]] = None) -> None:
    violations = check(problem, plan, locks)
    if violations:
        raise PlanCheckError(violations)


def check(problem: Problem, plan: dict[str, Any], locks: Optional[Sequence[Lock]] = None) -> list[str]:
    """All violations found in ``plan`` (empty list: the plan is proven).

    ``locks`` (default: the problem's) are stops a replan held: each must be
    on its day with exactly its locked start.
    """
    req, catalog = problem.request, problem.catalog
    bad: list[str] = []
    days = plan.get("days", [])
    if len(days) != req.days:
        return [f"plan has {len(days)} days, request asks for {req.days}"]
    seen_pois: dict[str, str] = {}
    visit_day: dict[str, int] = {}
    held: dict[tuple, int] = {}  # Lock.key -> start minute, for every stop of the plan
    seen_events: set[str] = set()
    route_starts: dict[str, int] = {}
    tickets = 0.0
    travel_total = 0
    visits_total = 0

    def minute(value: Optional[str], where: str) -> int:
        if not isinstance(value, str):
            bad.append(f"{where}: missing time")
            return 0
        moment: datetime = parse_datetime(value, where)
        if moment.utcoffset() is None or value[-6:] != "+08:00":
            bad.append(f"{where}: time {value} is not in +08:00")
        if moment.second:
            bad.append(f"{where}: time {value} is not on a whole minute")
        return problem.abs_time(moment)

    for d, day in enumerate(days):
        if day.get("date") != problem.dates[d].isoformat():
            bad.append(f"day {d}: date {day.get('date')} != {problem.dates[d]}")
        stops = day.get("stops", [])
        where_day = f"day {d}"
        if len(stops) < 2 or stops[0].get("type") != "start" or stops[-1].get("type") != "end":
            bad.append(f"{where_day}: must begin with a start and end with an end stop")
            continue
        day_lo, day_hi = problem.day_windows[d]
        prev_place: Optional[int] = None
        prev_depart = 0
        last_event: Optional[Event] = None
        meals: dict[str, int] = {}
        visits_today = 0
        for k, stop in enumerate(stops):
            where = f"{where_day} stop {k} ({stop.get('type')} {stop.get('poi_id') or stop.get('event_id') or ''})"
            arrive, start = minute(stop.get("arrive"), where), minute(stop.get("start"), where)
            end, depart = minute(stop.get("end"), where), minute(stop.get("depart"), where)
            if not arrive <= start <= end <= depart:
                bad.append(f"{where}: times out of order arrive<=start<=end<=depart")
            place = _place_of(problem, d, k, stop, prev_place, bad, where)
            if place is None:
                continue
            p = problem.places[place]
            if abs(stop.get("lon", 0) - p.lon) > 1e-6 or abs(stop.get("lat", 0) - p.lat) > 1e-6:
                bad.append(f"{where}: coordinates do not match the place")
            if k == 0:
                if depart < day_lo:
                    bad.append(f"{where}: leaves before the day window opens")
            elif prev_place is not None:
                travel = problem.leg(prev_place, place, prev_depart, last_event)
                if arrive < prev_depart + travel:
                    bad.append(
                        f"{where}: arrives {arrive - prev_depart} min after leaving the previous stop, "
                        f"travel needs {travel}"
                    )
                reported = (stop.get("travel") or {}).get("minutes")
                if reported != travel:
                    bad.append(f"{where}: reports {reported} travel minutes, the matrix gives {travel}")
                travel_total += travel
            kind = stop.get("type")
            if kind == "end" and arrive > day_hi:
                bad.append(f"{where}: back at the lodging after the day window closes")
            if kind == "visit":
                visits_today += 1
                poi = catalog.pois.get(stop.get("poi_id", ""))
                if poi is None:
                    continue
                if poi.id in seen_pois:
                    bad.append(f"{where}: {poi.id} visited twice")
                seen_pois[poi.id] = where
                visit_day[poi.id] = d
                held[("visit", poi.id)] = start
                if poi.id in req.avoid:
                    bad.append(f"{where}: {poi.id} is in avoid")
                length, _ = problem.visit_length(poi)
                if stop.get("shortened"):  # cut to leave time for a meal, as far as the spine may cut
                    length = min(length, shortest(pace_length(poi, req.pace)[0]))
                if end - start < length:
                    bad.append(f"{where}: visit of {end - start} min is shorter than {length}")
                if not _inside(problem.open_intervals(poi, d), start, end):
                    bad.append(f"{where}: visit {start}-{end} is not inside the opening hours")
                # a venue holding a match that day admits ticket holders only (its match is an event stop)
                if catalog.match_day(poi.id, problem.dates[d]):
                    bad.append(f"{where}: {poi.id} holds a match that day and is closed to sightseeing")
                tickets += _ticket(stop, poi.ticket_cny, bad, where)
                route_starts[poi.id] = start
            elif kind == "event":
                event = catalog.events.get(stop.get("event_id", ""))
                if event is None:
                    bad.append(f"{where}: unknown event")
                    continue
                venue = catalog.pois[event.venue_id]
                buffer = venue.entry_buffer + event.slack
                if start != problem.abs_time(event.start) or end != problem.abs_time(event.end):
                    bad.append(f"{where}: event times do not match the schedule")
                if arrive > start - buffer:
                    bad.append(f"{where}: arrives {start - arrive} min before the start, needs {buffer}")
                if event.id in seen_events:
                    bad.append(f"{where}: event attended twice")
                seen_events.add(event.id)
                held[("event", event.id)] = start
                if event.id in req.avoid_events:
                    bad.append(f"{where}: {event.id} is in avoid_events")
                tickets += _ticket(stop, event.ticket_cny, bad, where)
                last_event = event
            elif kind == "meal":
                meal = stop.get("meal")
                window = {"lunch": req.lunch, "dinner": req.dinner}.get(meal)
                if window is None:
                    bad.append(f"{where}: unknown meal {meal!r}")
                    continue
                meals[meal] = meals.get(meal, 0) + 1
                if stop.get("poi_id"):
                    held[("meal", d, meal, stop["poi_id"])] = start
                if stop.get("packed"):
                    _check_packed(problem, d, stops, k, start, end, minute, bad, where)
                elif start < d * DAY + window.start or end > d * DAY + window.end or end - start < window.minutes:
                    bad.append(f"{where}: {meal} {start}-{end} outside its window or too short")
                if stop.get("poi_id"):
                    poi = catalog.pois[stop["poi_id"]]
                    if not _inside(problem.open_intervals(poi, d), start, end):
                        bad.append(f"{where}: meal at {poi.id} outside its opening hours")
            prev_place, prev_depart = place, depart
        if any(n > 1 for n in meals.values()):
            bad.append(f"{where_day}: a meal appears twice")
        # Only a match or event stretches a day beyond the traveller's own hours.
        if not any(stop.get("type") == "event" for stop in stops):
            own_lo, own_hi = (d * DAY + m for m in req.window(d))
            if (
                minute(stops[0].get("depart"), where_day) < own_lo
                or minute(stops[-1].get("arrive"), where_day) > own_hi
            ):
                bad.append(f"{where_day}: outside the traveller's day window with no event to stretch it")
        if visits_today > PACE[req.pace][2]:
            bad.append(f"{where_day}: {visits_today} visits exceed the {req.pace} pace")
        visits_total += visits_today

    for poi_id in req.must_visit:
        if poi_id not in seen_pois:
            bad.append(f"must-visit {poi_id} is missing")
    for event_id in req.events:
        if event_id not in seen_events:
            bad.append(f"event {event_id} is missing")
    for poi_id, d in req.on_day:
        if visit_day.get(poi_id, d) != d:
            bad.append(f"{poi_id} must be visited on day {d}, not day {visit_day[poi_id]}")
        elif poi_id not in visit_day:
            bad.append(f"{poi_id} (to visit on day {d}) is missing")
    for lock in problem.locks if locks is None else locks:
        key = lock.key + (lock.item_id,) if lock.kind == "meal" else lock.key
        found = held.get(key)  # an absolute minute: the same start is also the same day
        if found is None:
            bad.append(f"locked {lock.kind} {lock.item_id} (day {lock.day}) is missing")
        elif found != lock.start:
            bad.append(f"locked {lock.kind} {lock.item_id} moved: day {lock.day} start {lock.start} -> start {found}")
    if req.budget_cny is not None and tickets > req.budget_cny + 1e-6:
        bad.append(f"tickets {tickets} exceed the budget {req.budget_cny}")
    bad += _hub_rules(problem, days, minute)
    bad += _access_rules(problem, days, minute)
    bad += _rail_rules(problem, days, minute)
    bad += _capacity_rules(problem, days, minute)
    bad += _weather_rules(problem, days, minute)
    if req.route and catalog.routes[req.route].ordered:
        times = [route_starts[p] for p in catalog.routes[req.route].stop_ids if p in route_starts]
        if times != sorted(times):
            bad.append("route stops are not visited in route order")
    totals = plan.get("totals", {})
    if totals.get("visits") != visits_total:
        bad.append(f"totals.visits {totals.get('visits')} != {visits_total}")
    if totals.get("travel_minutes") != travel_total:
        bad.append(f"totals.travel_minutes {totals.get('travel_minutes')} != {travel_total}")
    if abs((totals.get("ticket_cny") or 0) - tickets) > 1e-6:
        bad.append(f"totals.ticket_cny {totals.get('ticket_cny')} != {tickets}")
    return bad


def _place_of(
    problem: Problem, d: int, k: int, stop: dict[str, Any], prev_place: Optional[int], bad: list[str], where: str
) -> Optional[int]:
    kind = stop.get("type")
    if kind == "start":
        return start_place(problem, d)
    if kind == "end":
        return end_place(problem, d)
    if kind == "event":
        event = problem.catalog.events.get(stop.get("event_id", ""))
        if event is None:
            bad.append(f"{where}: unknown event")
            return None
        return problem.place_index.get(event.venue_id)
    if kind == "meal" and not stop.get("poi_id"):
        return prev_place  # a break where the traveller already is
    place = problem.place_index.get(stop.get("poi_id") or "")
    if place is None:
        bad.append(f"{where}: unknown place")
    return place


def _hub_rules(problem: Problem, days: list[Any], minute: Callable[[Optional[str], str], int]) -> list[str]:
    """Arriving and leaving: re-derived from the request, not from the day
    windows: the trip starts at the arrival point no sooner than the arrival
    plus its transfer, and ends there no later than the departure less its buffer."""
    req, out = problem.request, []
    for point, d, k, field in ((req.arrive, 0, 0, "arrive"), (req.depart, req.days - 1, -1, "depart")):
        if point is None or not days or not days[d].get("stops"):
            continue
        stop = days[d]["stops"][k]
        if abs(stop.get("lon", 0) - point.lon) > 1e-6 or abs(stop.get("lat", 0) - point.lat) > 1e-6:
            out.append(f"{field}: day {d} does not {'start' if k == 0 else 'end'} at {point.poi_id or 'the point'}")
        at = problem.abs_time(point.at)
        if field == "arrive":
            ready = at + ARRIVAL_TRANSFER[point.kind]
            if minute(stop.get("depart"), field) < ready:
                out.append(f"arrive: leaves the hub before {ready} (arrival + {ARRIVAL_TRANSFER[point.kind]} min)")
        else:
            back = at - DEPARTURE_BUFFER[point.kind]
            if minute(stop.get("arrive"), field) > back:
                out.append(f"depart: back at the hub after {back} (departure - {DEPARTURE_BUFFER[point.kind]} min)")
    return out


def _access_rules(problem: Problem, days: list[Any], minute: Callable[[Optional[str], str], int]) -> list[str]:
    """Step-free and slower trips (``access``), re-derived from the request and
    the catalog: every visited place and restaurant suits the trip, no leg is
    walked further than the limit, and each visit is followed by its rests."""
    access, catalog = problem.request.access, problem.catalog
    out: list[str] = []
    if access is None:
        return out
    for d, day in enumerate(days):
        for k, stop in enumerate(day.get("stops", [])):
            where = f"day {d} stop {k}"
            poi = catalog.pois.get(stop.get("poi_id") or "")
            if access.levels is not None and poi is not None and stop.get("type") in ("visit", "meal"):
                if poi.accessibility.level not in access.levels:
                    out.append(f"{where}: {poi.id} is {poi.accessibility.level}, the trip needs {access.levels}")
            travel = stop.get("travel") or {}
            if access.max_walk_m is not None and travel.get("mode") == "walk":
                if float(travel.get("km") or 0) * 1000 > access.max_walk_m + 10:  # km is rounded to 10 m
                    out.append(f"{where}: walks {travel.get('km')} km, over the {access.max_walk_m} m limit")
            if stop.get("type") == "visit" and access.rest_every_min and poi is not None:
                rest = access.rest_after(problem.visit_length(poi)[0])  # rests for the planned visit length
                if minute(stop.get("depart"), where) - minute(stop.get("end"), where) < rest:
                    out.append(f"{where}: leaves before its {rest} min of rest")
    return out


def _rail_rules(problem: Problem, days: list[Any], minute: Callable[[Optional[str], str], int]) -> list[str]:
    """Rail legs, re-derived from the line tables (not from the problem's
    matrix): only public-transport trips take them, the stated trains are
    the quickest trip's, the leg takes at least that trip's minutes, and
    every train is boarded between its line's first and last departure."""
    catalog, out = problem.catalog, []
    for d, day in enumerate(days):
        stops = day.get("stops", [])
        for k in range(1, len(stops)):
            travel = stops[k].get("travel") or {}
            if travel.get("mode") != "rail":
                continue
            where = f"day {d} stop {k}"
            if problem.request.mode != "transit":
                out.append(f"{where}: a rail leg on a {problem.request.mode} trip")
                continue
            prev, cur = stops[k - 1], stops[k]
            trip = best_trip(
                catalog, Point(prev.get("lon", 0), prev.get("lat", 0)), Point(cur.get("lon", 0), cur.get("lat", 0))
            )
            if trip is None:
                out.append(f"{where}: no rail trip connects these places")
                continue
            stated = [
                (r.get("line"), r.get("board"), r.get("alight")) for r in (travel.get("rail") or {}).get("rides", [])
            ]
            if stated != [(r.line, r.board, r.alight) for r in trip.rides]:
                out.append(f"{where}: states trains {stated}, the tables give another trip")
            if (travel.get("minutes") or 0) < trip.minutes:
                out.append(f"{where}: {travel.get('minutes')} min by rail, the tables need {trip.minutes}")
            depart = minute(prev.get("depart"), where)
            for line_id, earliest, latest in trip.boardings(depart):
                line = catalog.lines[line_id]
                if earliest % DAY < line.first or latest % DAY > line.last:
                    out.append(f"{where}: boards {line_id} outside its service ({earliest % DAY}-{latest % DAY})")
    return out


def _capacity_rules(problem: Problem, days: list[Any], minute: Callable[[Optional[str], str], int]) -> list[str]:
    """No visit in a slot with too few places left for the group (``crowding.full``)."""
    crowding, out = problem.request.crowding, list[str]()
    if crowding is None or not crowding.full:
        return out
    for d, day in enumerate(days):
        for k, stop in enumerate(day.get("stops", [])):
            if stop.get("type") != "visit" or not stop.get("poi_id"):
                continue
            full = crowding.hours("full", stop["poi_id"], d)
            start, end = minute(stop.get("start"), "start") - d * DAY, minute(stop.get("end"), "end") - d * DAY
            if WHOLE_DAY in full or any(h * 60 < end and start < h * 60 + 60 for h in full):
                out.append(f"day {d} stop {k}: {stop['poi_id']} is visited in a slot that is full")
    return out


def _weather_rules(problem: Problem, days: list[Any], minute: Callable[[Optional[str], str], int]) -> list[str]:
    """No outdoor visit overlaps a wet or hot spell of the request."""
    out: list[str] = []
    for d, day in enumerate(days):
        for k, stop in enumerate(day.get("stops", [])):
            poi = problem.catalog.pois.get(stop.get("poi_id") or "")
            if stop.get("type") != "visit" or poi is None or poi.setting != "outdoor":
                continue
            start = minute(stop.get("start"), f"day {d} stop {k}") - d * DAY
            end = minute(stop.get("end"), f"day {d} stop {k}") - d * DAY
            for spell in problem.request.weather:
                if spell.day == d and spell.start < end and start < spell.end:
                    out.append(f"day {d} stop {k}: outdoor {poi.id} during a {spell.kind} spell")
    return out


def _inside(intervals: list[tuple[int, int]], start: int, end: int) -> bool:
    return any(lo <= start and end <= hi for lo, hi in intervals)


def _check_packed(
    problem: Problem,
    d: int,
    stops: Sequence[dict[str, Any]],
    k: int,
    start: int,
    end: int,
    minute: Callable[[Optional[str], str], int],
    bad: list[str],
    where: str,
) -> None:
    """A packed lunch: picked up (``PICKUP_MINUTES``) at a takeaway shop before
    the lunch window closes, and eaten on a later visit of the day that is at
    least ``PACKED_MIN_VISIT`` long and holds the lunch's minutes of the window."""
    window = problem.request.lunch
    lo, hi = d * DAY + window.start, d * DAY + window.end
    poi = problem.catalog.pois.get(stops[k].get("poi_id") or "")
    if stops[k].get("meal") != "lunch" or poi is None or poi.food is None or not poi.food.takeaway:
        bad.append(f"{where}: a packed meal must be a lunch picked up at a takeaway food shop")
        return
    if end - start < PICKUP_MINUTES or end > hi:
        bad.append(f"{where}: pickup {start}-{end} too short or after the lunch window")
    for later in stops[k + 1 :]:
        if later.get("type") != "visit":
            continue
        v_start, v_end = minute(later.get("start"), where), minute(later.get("end"), where)
        if v_end - v_start >= PACKED_MIN_VISIT and min(v_end, hi) - max(v_start, lo) >= window.minutes:
            return
    bad.append(f"{where}: no later visit of the day is long enough to eat the packed lunch in the lunch window")


def _ticket(stop: dict[str, Any], expected: Optional[float], bad: list[str], where: str) -> float:
    if stop.get("ticket_cny") != expected:
        bad.append(f"{where}: ticket {stop.get('ticket_cny')} != catalog {expected}")
    return expected or 0.0
