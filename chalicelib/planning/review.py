"""The guide review: quality faults of a finished plan, as a Shaoxing guide sees them.

``check.py`` proves a plan *valid* (hours, travel times, windows, budget). This
module asks a different question: would a local guide hand the plan out? It
reads the plan *response* (ISO times, ids, coordinates), the request and the
catalog, and never the solver's model or the engine's internals, so that it
stays an independent judge of whatever the engine produces. A plan can pass
the checker and fail the review, and the other way round.

Distances are the problem's route-km matrix (``Problem.km``) between the
places of the stops (found by their coordinates), or the geodesic distance
times the mode's circuity for a point that is not a place of the problem;
"as the crow flies" comparisons (route projection) use the WGS84 geodesic.

Fault codes and their thresholds (``THRESHOLDS``; all can be overridden per
call with ``review(problem, plan, thresholds={...})``):

``order_waste``
    Per day, the km of the day's legs (start -> stops -> end) against the
    best order of the same stops between the same lodgings: exact dynamic
    programming up to ``order_exact_max_stops`` stops, otherwise a
    relocate/or-opt local search from the plan's own order (an upper bound on
    the best, so the fault stays sound). Matches keep their relative order;
    on an ordered route the route stops keep route order; restaurant meals
    move freely; breaks "where you are" are no place of their own and are
    left out. Fault when actual > best x ``order_waste_ratio`` (1.25) AND
    actual - best > ``order_waste_km`` (2 km), and (days of up to
    ``order_timed_max_stops`` (9) such stops) when a better order also fits
    the day: each stop keeps its length, visits and restaurant meals start
    inside the place's opening hours, meals inside their meal window,
    matches keep their times with the gate buffer, from the traveller's day
    start back by its end, on the problem's free-flow minutes. A shorter
    order that would reach Qiu Jin's residence after it closes, or dinner at
    09:00, is no better order.
``backtrack``
    Trips on an ordered route: every visited non-lodging stop (visits,
    matches, restaurant meals) is projected to the index of its nearest route
    stop (geodesic). Once the plan has reached route index F, a stop projected
    to an index below F - ``backtrack_stops`` (1) whose geodesic distance from
    the stop that reached F is more than ``backtrack_km`` (10 km) is a
    backward jump; one fault per jump (the following stops that stay behind
    belong to the same jump). Start/end stops (lodgings) are excluded, so a day
    trip back to the hotel is fine, and so is any stop that is the day's first
    or last and lies within ``home_meal_km`` (3 km) of that morning's or
    evening's lodging (dinner near the hotel on the way home, a sight beside
    a fixed old-town hotel before the day trip; a lunch or sight back in town
    in the middle of the day is still a backtrack). Nor is a stop on the way
    on: when going from the stop that reached F through it to the day's next
    stop back at F - ``backtrack_stops`` or beyond (else the evening's
    lodging) is at most ``backtrack_onward_km`` (5 km, geodesic) longer than
    going straight (Lanting -> Bazi Bridge -> a Shangyu hotel: 2.2 km; Cao E
    Temple -> Bazi Bridge -> Dongshan: 44.9 km, a backtrack).
``route_stop_missing``
    ``request.route`` set and a route stop that is not avoided, not eaten at
    (lunch at Xianheng Tavern is its visit), not part of a place the plan
    visits (Luzhen inside Keyan), is open for
    its visit length within the day window on some trip day, and is not
    visited, when either the trip has the days the route needs at its pace
    (the most of ``suggested_days``, the stops' visit and slack minutes at
    the pace / ``ROUTE_DAY_MINUTES`` (420), and the stop count / the pace's
    visits a day), or a route stop of lower ``prominence`` was visited
    instead (a route that cannot fit keeps its most important stops). One
    fault per stop.
``short_motor_leg``
    A leg reported as transit, drive or taxi whose km < ``short_motor_leg_km``
    (1.0), or under the request's ``access.max_walk_m`` when that is shorter:
    nobody takes a car or a bus for a hop a local walks.
``meal_wait``
    A meal whose start - arrive > ``meal_wait_min`` (30 min).
``wait``
    A visit whose start - arrive > ``wait_min`` (45 min); a match where
    (start - the venue's entry buffer) - arrive > ``wait_min``.
``meal_repeat``
    The same restaurant used more than ``meal_repeat_trip`` (2) times in the
    trip (one fault per restaurant), or more than ``meal_repeat_day`` (1)
    times on one day (one fault per day and restaurant).
``meal_no_food``
    A meal break (meal without ``poi_id``) that is not at a match venue, a
    restaurant/food street or the lodging: a "lunch break" at a temple.
``meal_missing``
    Meals requested, and a day that is out (left its lodging by the start of
    the meal window and not back before its end, with a visit or match) has
    no stop for that meal, and the traveller is not at a match venue during
    the window (from arriving at its gate to the match's end: eat there). One fault per day and meal: a guide never hands out a day
    without lunch, whatever ``unscheduled`` says. A packed lunch (a takeaway
    picked up on the way, ``packed``) counts only when a later visit of the
    day, at least ``packed_visit_min`` (120) minutes long, spends the lunch's
    minutes inside the lunch window: it is eaten on the hike.
``meal_detour``
    A restaurant meal with km(prev -> meal) + km(meal -> next) -
    km(prev -> next) > ``meal_detour_km`` (8 km).
``dark_outdoor``
    A visit to an ``outdoor`` POI that ends after civil dusk or starts before
    sunrise (``chalicelib.catalog.daylight`` for that date and place) by more
    than ``dark_margin_min`` (0 min), unless the whole visit lies within the
    POI's ``night`` hours. The value is the minutes spent in the dark.
``travel_share``
    A day whose travel minutes > ``travel_share`` (0.6) x its visiting minutes
    (visit and match durations, end - start) + the travel no order of the day
    can avoid: the larger of the move between the morning's and the evening's
    lodging (the mode's direct trip between them; 0 when both are the same)
    and the way from the morning's lodging to the nearest sight open that day
    plus from the nearest one to the evening's lodging (a hotel in Hangzhou),
    and on a route trip the road itself: the mode's direct minutes from the
    morning's lodging through the route stops the day visits (in route order
    on an ordered route) to the evening's; the route is what was asked for,
    the sights and meals around it are what is judged. A day with travel and no visit
    or match at all is a fault too (value = travel minutes, limit = 0).
``nested_visit``
    A POI and its ``part_of`` parent both visited (fault on the later one).
``split_area``
    POIs of one scenic ``area`` visited on different days (a fault on each
    visit that is not on the area's first day).
``signature_missing``
    A district's signature sight (the sight with the highest ``prominence``;
    ties: higher ``weight``, then id) is not visited although some day has at
    least ``signature_min_visits`` (3) visits in that district and on that day
    the sight is open for its visit length within the day window, is not
    avoided and its category is wanted (interest > 0); on a route trip, also
    within ``signature_route_km`` (6 km, the engine's own reach for filler)
    of a route stop the day visits or of the day's lodgings. One fault per district.
``silent_wish``
    ``want_sports`` asked, no match in the plan, and nothing says why: no
    ``unscheduled`` entry with an ``event_id`` or reason code ``no_sessions``
    and no note carrying ``code: no_sessions``. Also a (not avoided) route
    stop that is neither visited nor listed in ``unscheduled``.
``wish_unmet``
    A sport named in ``want_sports`` has a scheduled session on a trip day,
    clear of every event the plan attends, yet no session of that sport is
    in the plan (one fault per sport). A fan who asked for softball is not
    handed three days of sights and a "no time" line.

``festival_missed``
    A sight visited on a trip day other than the day(s) of its festival,
    ceremony or show (one not held on every trip day, not avoided, not
    attended by the plan itself) while it is open for its visit on such a
    day. A guide sends you to Dongpu on the day of the Huangjiu festival,
    not six days later.
``empty_day``
    A trip day with no visit and no match although a wanted sight (interest
    > 0, not avoided, meeting the request's access needs, neither it nor a
    place it is part of, or a part of it, visited) is open that day for its visit length plus the mode's direct
    way there and back from the day's lodgings, within the day window. The
    value is the number of such sights; the message names the most
    prominent. A week in the old town does not end on a blank day while
    sights are still out with "no time at this pace".

Catalog attributes that an older catalog may lack are read with defaults
(``setting`` "mixed", ``part_of``/``area``/``night`` None, ``prominence``
0.3), so the review also runs against older engines (the guide benchmark's
baseline).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Optional

from ..catalog import hours
from ..catalog.labels import MEAL_NAMES, SPORT_NAMES
from ..catalog.model import ROUTE_DAY_MINUTES, SIGHT_CATEGORIES, Event
from ..catalog.series import events_between
from ..i18n import Text
from ..timeutil import parse_datetime
from .pace import PACE
from .problem import DAY, Problem, commute, not_accessible
from .travel import Point, geodesic_km, mode_minutes

_daylight: Optional[Callable[[date, float, float], tuple[int, int]]]
try:  # absent from catalogs older than the daylight model
    from ..catalog.daylight import daylight as _daylight
except ImportError:  # pragma: no cover - only on old checkouts (benchmark baseline)
    _daylight = None

THRESHOLDS: dict[str, float] = {
    "order_waste_ratio": 1.25,
    "order_waste_km": 2.0,
    "order_exact_max_stops": 10,
    "order_timed_max_stops": 9,
    "backtrack_stops": 1,
    "backtrack_km": 10.0,
    "backtrack_onward_km": 5.0,
    "home_meal_km": 3.0,
    "short_motor_leg_km": 1.0,
    "meal_wait_min": 30,
    "wait_min": 45,
    "meal_repeat_trip": 2,
    "meal_repeat_day": 1,
    "meal_detour_km": 8.0,
    "packed_visit_min": 120,
    "dark_margin_min": 0,
    "travel_share": 0.6,
    "signature_min_visits": 3,
    "signature_route_km": 6.0,
}

CODES = (
    "order_waste",
    "backtrack",
    "route_stop_missing",
    "short_motor_leg",
    "meal_wait",
    "wait",
    "meal_repeat",
    "meal_no_food",
    "meal_missing",
    "meal_detour",
    "dark_outdoor",
    "travel_share",
    "nested_visit",
    "split_area",
    "signature_missing",
    "silent_wish",
    "wish_unmet",
    "festival_missed",
    "empty_day",
)

MOTOR_MODES = ("transit", "drive", "taxi")


@dataclass(frozen=True)
class Fault:
    code: str
    day: Optional[int]
    stop: Optional[int]
    poi_id: Optional[str]
    value: float
    limit: float
    message: Text

    def to_json(self, lang: str) -> dict[str, Any]:
        return {
            "code": self.code,
            "day": self.day,
            "stop": self.stop,
            "poi_id": self.poi_id,
            "value": round(self.value, 2),
            "limit": round(self.limit, 2),
            "message": self.message.get(lang),
        }


@dataclass(frozen=True)
class _Loc:
    """Where a stop happens: a place index of the problem, or just a point."""

    index: Optional[int]
    lon: float
    lat: float


@dataclass
class _Stop:
    day: int
    k: int
    kind: str
    poi_id: Optional[str]
    event_id: Optional[str]
    meal: Optional[str]
    loc: _Loc
    arrive: int
    start: int
    end: int
    depart: int
    travel: Optional[Mapping[str, Any]]
    packed: bool = False  # a takeaway lunch picked up here


# --- small helpers ------------------------------------------------------------


def _attr(obj: Any, name: str, default: Any) -> Any:
    value = getattr(obj, name, default)
    return default if value is None and default is not None else value


def _prominence(poi: Any) -> float:
    return float(getattr(poi, "prominence", 0.3))


def _hm(minute: int) -> str:
    minute %= DAY
    return f"{minute // 60:02d}:{minute % 60:02d}"


def _num(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".") if not float(value).is_integer() else f"{int(value)}"


def _days(n: int) -> str:
    return f"{n} day" if n == 1 else f"{n} days"


def _day_text(d: Optional[int]) -> Text:
    return Text(zh=f"第{d + 1}天", en=f"Day {d + 1}") if d is not None else Text(zh="全程", en="Trip")


class _Review:
    def __init__(self, problem: Problem, plan: Mapping[str, Any], thresholds: Mapping[str, float]) -> None:
        self.problem, self.plan, self.t = problem, plan, thresholds
        self.req, self.catalog = problem.request, problem.catalog
        self.faults: list[Fault] = []
        self.coords = {(round(p.lon, 6), round(p.lat, 6)): i for i, p in enumerate(problem.places)}
        self.days: list[list[_Stop]] = [self._stops(d, day) for d, day in enumerate(plan.get("days", []))]
        route = self.catalog.routes.get(self.req.route) if self.req.route else None
        self.route = route
        self.route_order = list(route.stop_ids) if route is not None and route.ordered else []

    # --- reading the plan ------------------------------------------------------
    def _minute(self, value: Any, where: str) -> int:
        return self.problem.abs_time(parse_datetime(value, where))

    def _loc(self, stop: Mapping[str, Any], prev: Optional[_Loc]) -> _Loc:
        lon, lat = stop.get("lon"), stop.get("lat")
        if lon is None or lat is None:
            if prev is not None:
                return prev
            poi = self.catalog.pois.get(stop.get("poi_id") or "")
            lon, lat = (poi.lon, poi.lat) if poi else (0.0, 0.0)
        return _Loc(self.coords.get((round(lon, 6), round(lat, 6))), float(lon), float(lat))

    def _stops(self, d: int, day: Mapping[str, Any]) -> list[_Stop]:
        out: list[_Stop] = []
        prev: Optional[_Loc] = None
        for k, s in enumerate(day.get("stops", [])):
            where = f"days[{d}].stops[{k}]"
            loc = prev if s.get("type") == "meal" and not s.get("poi_id") and prev is not None else self._loc(s, prev)
            out.append(
                _Stop(
                    d,
                    k,
                    s.get("type", ""),
                    s.get("poi_id"),
                    s.get("event_id"),
                    s.get("meal"),
                    loc,
                    self._minute(s.get("arrive"), where),
                    self._minute(s.get("start"), where),
                    self._minute(s.get("end"), where),
                    self._minute(s.get("depart"), where),
                    s.get("travel"),
                    bool(s.get("packed")),
                )
            )
            prev = loc
        return out

    def km(self, a: _Loc, b: _Loc) -> float:
        if a.index is not None and b.index is not None:
            return self.problem.km[a.index][b.index]
        straight = geodesic_km(Point(a.lon, a.lat), Point(b.lon, b.lat))
        return mode_minutes(self.req.mode, straight)[1] if straight > 0 else 0.0

    def direct_minutes(self, a: Any, b: Any) -> float:
        """The request's mode from ``a`` to ``b`` (anything with lon/lat), as
        the crow flies through the mode's profile: travel no plan can shorten."""
        return mode_minutes(self.req.mode, geodesic_km(Point(a.lon, a.lat), Point(b.lon, b.lat)))[0]

    def name(self, stop: _Stop) -> Text:
        event = self.catalog.events.get(stop.event_id or "")
        if stop.kind == "event" and event is not None:
            return event.title
        poi = self.catalog.pois.get(stop.poi_id or "")
        if poi is not None:
            return poi.name
        if stop.kind == "meal":
            return Text(
                zh=f"{MEAL_NAMES.get(stop.meal or '', MEAL_NAMES['lunch']).zh}（就地休息）",
                en=f"{MEAL_NAMES.get(stop.meal or '', MEAL_NAMES['lunch']).en} break",
            )
        if stop.kind in ("start", "end"):
            return Text(zh="住处", en="the lodging")
        return Text(zh=stop.poi_id or "?", en=stop.poi_id or "?")

    def poi_name(self, poi_id: str) -> Text:
        poi = self.catalog.pois.get(poi_id)
        return poi.name if poi is not None else Text(zh=poi_id, en=poi_id)

    def add(
        self,
        code: str,
        day: Optional[int],
        stop: Optional[int],
        poi_id: Optional[str],
        value: float,
        limit: float,
        zh: str,
        en: str,
    ) -> None:
        head = _day_text(day)
        self.faults.append(
            Fault(
                code, day, stop, poi_id, float(value), float(limit), Text(zh=f"{head.zh}：{zh}", en=f"{head.en}: {en}")
            )
        )

    def visits(self) -> Iterable[_Stop]:
        return (s for day in self.days for s in day if s.kind == "visit" and s.poi_id)

    # --- the checks --------------------------------------------------------------
    def run(self) -> list[Fault]:
        for check in (
            self.order_waste,
            self.backtrack,
            self.route_stop_missing,
            self.short_motor_leg,
            self.waits,
            self.meal_repeat,
            self.meal_no_food,
            self.meal_missing,
            self.meal_detour,
            self.dark_outdoor,
            self.travel_share,
            self.nested_visit,
            self.split_area,
            self.signature_missing,
            self.silent_wish,
            self.wish_unmet,
            self.festival_missed,
            self.empty_day,
        ):
            check()
        order = {c: i for i, c in enumerate(CODES)}
        return sorted(
            self.faults,
            key=lambda f: (
                order.get(f.code, 99),
                -1 if f.day is None else f.day,
                -1 if f.stop is None else f.stop,
                f.poi_id or "",
            ),
        )

    def order_waste(self) -> None:
        for d, stops in enumerate(self.days):
            if len(stops) < 2:
                continue
            movable = [s for s in stops[1:-1] if not (s.kind == "meal" and not s.poi_id)]
            if len(movable) < 2:
                continue
            first, last = stops[0].loc, stops[-1].loc
            seq = [first] + [s.loc for s in movable] + [last]
            actual = sum(self.km(a, b) for a, b in zip(seq, seq[1:]))
            best = _best_order_km(self, movable, first, last, int(self.t["order_exact_max_stops"]))
            if self._wasteful(actual, best) and len(movable) <= self.t["order_timed_max_stops"]:
                # Only an order the day's hours allow is a better one: the
                # Qiu Jin residence closes before an afternoon match ends.
                best = self._best_timed_order_km(d, stops, movable, actual)
            if self._wasteful(actual, best):
                self.add(
                    "order_waste",
                    d,
                    None,
                    None,
                    actual,
                    best * self.t["order_waste_ratio"],
                    f"游览顺序绕路：全天 {actual:.1f} 公里，同样的地点换个顺序只需 {best:.1f} 公里"
                    f"（上限为 {self.t['order_waste_ratio']:g} 倍且多出不超过 {self.t['order_waste_km']:g} 公里）",
                    f"the order of the day zigzags: {actual:.1f} km where the same stops in a better order "
                    f"take {best:.1f} km (limit x{self.t['order_waste_ratio']:g} and "
                    f"+{self.t['order_waste_km']:g} km)",
                )

    def _wasteful(self, actual: float, best: float) -> bool:
        return actual > best * self.t["order_waste_ratio"] and actual - best > self.t["order_waste_km"]

    def _best_timed_order_km(self, d: int, stops: Sequence[_Stop], movable: Sequence[_Stop], actual: float) -> float:
        """The shortest order of ``movable`` that keeps every stop's length
        and fits the day: visits and restaurant meals inside the place's
        opening hours (meals also inside their meal window, packed lunches
        before its end), matches at their times with the gate buffer, from
        the traveller's day start (or the plan's, if earlier) back by the
        day's end (or the plan's, if later). Travel is the problem's free-flow
        minutes (an optimistic clock: a stricter judge). Depth-first with the
        km bound; ``actual`` when no order beats the plan's."""
        lo_own, hi_own = (d * DAY + m for m in self.req.window(d))
        first, last = stops[0], stops[-1]
        t0, t_end = min(first.depart, lo_own), max(last.arrive, hi_own)
        n = len(movable)
        rank = {p: i for i, p in enumerate(self.route_order)}
        events = [i for i, s in enumerate(movable) if s.kind == "event"]
        routed = sorted(
            (i for i, s in enumerate(movable) if s.kind == "visit" and s.poi_id in rank),
            key=lambda i: rank[movable[i].poi_id or ""],
        )
        before = [0] * n
        for chain in (events, routed):
            for k, b in enumerate(chain):
                for a in chain[:k]:
                    before[b] |= 1 << a
        slots, tails = zip(*(self._slots(d, s) for s in movable))
        locs = [first.loc] + [s.loc for s in movable] + [last.loc]
        km = [[self.km(a, b) for b in locs] for a in locs]
        minutes = [[self._minutes(a, b) for b in locs] for a in locs]
        best = [actual]

        def visit(mask: int, at: int, t: int, dist: float) -> None:
            if dist >= best[0]:
                return
            if mask == (1 << n) - 1:
                home = dist + km[at][n + 1]
                if home < best[0] and t + minutes[at][n + 1] <= t_end:
                    best[0] = home
                return
            for j in range(n):
                if mask >> j & 1 or before[j] & ~mask:
                    continue
                start = _first_start(slots[j], t + minutes[at][j + 1])
                if start is not None:
                    visit(mask | 1 << j, j + 1, start + tails[j], dist + km[at][j + 1])

        visit(0, 0, t0, 0.0)
        return best[0]

    def _minutes(self, a: _Loc, b: _Loc) -> int:
        if a.index is not None and b.index is not None:
            return int(self.problem.base[a.index][b.index])
        return int(self.direct_minutes(a, b))

    def _gate(self, s: _Stop) -> tuple[Any, int]:
        """A match stop's venue and how long before the start one is at its gate."""
        event = self.catalog.events.get(s.event_id or "")
        venue = self.catalog.pois.get(event.venue_id) if event else None
        info = getattr(venue, "venue", None)
        buffer = (
            getattr(venue, "entry_buffer", None) or (info.entry_buffer_minutes if info is not None else 45)
        ) + getattr(event, "slack", 0)
        return venue, buffer

    def _slots(self, d: int, s: _Stop) -> tuple[list[tuple[int, int]], int]:
        """Intervals a stop of the plan may be reached in, and the minutes from
        then to leaving it: its own length, or for a match the gate buffer and
        the match (be at the gate by then)."""
        length = s.end - s.start
        if s.kind == "event":
            _, buffer = self._gate(s)
            return [(s.start - buffer, s.start - buffer)], buffer + length
        poi = self.catalog.pois.get(s.poi_id or "")
        open_ = (
            self.problem.open_intervals(poi, d) if poi is not None and poi.opening_hours else [(d * DAY, d * DAY + DAY)]
        )
        if s.kind == "meal" and s.meal in ("lunch", "dinner"):
            window = self.req.meal_window(s.meal)
            lo, hi = d * DAY + window.start, d * DAY + window.end
            cut = (d * DAY, hi) if s.packed else (lo, hi)
            open_ = [(max(a, cut[0]), min(b, cut[1])) for a, b in open_]
        elif poi is not None and _daylight is not None and _attr(poi, "setting", "mixed") == "outdoor":
            # an order that moves an outdoor visit into the dark is no better
            # order: the same daylight (and lit night hours) as ``dark_outdoor``
            day: date = self.problem.dates[d]
            rise, dusk = _daylight(day, poi.lon, poi.lat)
            lit = [(rise, dusk + int(self.t["dark_margin_min"]))]
            night = _attr(poi, "night", None)
            lit += list(hours.windows(night, day)) if night else []
            open_ = [
                (max(a, d * DAY + x), min(b, d * DAY + y))
                for a, b in open_
                for x, y in lit
                if min(b, d * DAY + y) > max(a, d * DAY + x)
            ]
        return [(a, b - length) for a, b in open_ if b - length >= a], length

    def backtrack(self) -> None:
        if not self.route_order:
            return
        anchors = [self.catalog.pois[p] for p in self.route_order if p in self.catalog.pois]
        if not anchors:
            return

        def project(stop: _Stop) -> int:
            here = Point(stop.loc.lon, stop.loc.lat)
            return min(range(len(anchors)), key=lambda i: (geodesic_km(here, Point(anchors[i].lon, anchors[i].lat)), i))

        front, front_stop, behind = -1, None, False
        for stops in self.days:
            moving = [s for s in stops if s.kind not in ("start", "end") and not (s.kind == "meal" and not s.poi_id)]
            for n, s in enumerate(moving):
                # A day's first or last stop next to its lodging (a meal, or a sight
                # beside a fixed old-town hotel before the day trip) is the way out
                # or home, not a return along the road.
                homes = ([stops[0]] if n == 0 else []) + ([stops[-1]] if n == len(moving) - 1 else [])
                if any(
                    geodesic_km(Point(s.loc.lon, s.loc.lat), Point(h.loc.lon, h.loc.lat)) <= self.t["home_meal_km"]
                    for h in homes
                ):
                    continue
                here = Point(s.loc.lon, s.loc.lat)
                idx = project(s)
                if idx >= front - self.t["backtrack_stops"]:
                    behind = False
                    if idx > front:
                        front, front_stop = idx, s
                    continue
                ahead_at = Point(front_stop.loc.lon, front_stop.loc.lat)  # type: ignore[union-attr]
                jump = geodesic_km(ahead_at, here)
                # The way on: the day's next stop back up the road, else its lodging.
                nxt = next((m for m in moving[n + 1 :] if project(m) >= front - self.t["backtrack_stops"]), stops[-1])
                onward = Point(nxt.loc.lon, nxt.loc.lat)
                passing = geodesic_km(ahead_at, here) + geodesic_km(here, onward) - geodesic_km(ahead_at, onward)
                if passing <= self.t["backtrack_onward_km"]:
                    continue  # on the way to the next stretch (the old town between Lanting and Shangyu)
                if jump > self.t["backtrack_km"] and not behind:
                    behind = True
                    back = anchors[idx].name
                    ahead = anchors[front].name
                    name = self.name(s)
                    self.add(
                        "backtrack",
                        s.day,
                        s.k,
                        s.poi_id,
                        jump,
                        self.t["backtrack_km"],
                        f"{name.zh}在线路上退回到{back.zh}一带（此前已到{ahead.zh}），往回 {jump:.1f} 公里"
                        f"（上限 {self.t['backtrack_km']:g} 公里）",
                        f"{name.en} goes back along the route to {back.en} after reaching {ahead.en}: "
                        f"{jump:.1f} km back (limit {self.t['backtrack_km']:g})",
                    )

    def _fits(self, poi: Any, d: int) -> bool:
        """Open for its visit length within the day window of trip day ``d``
        (a venue holding a match that day is not: ticket holders only)."""
        if self.catalog.match_day(poi.id, self.problem.dates[d]):
            return False
        length, _ = self.problem.visit_length(poi)
        lo_day, hi_day = self.problem.day_windows[d]
        return any(min(hi, hi_day) - max(lo, lo_day) >= length for lo, hi in self.problem.open_intervals(poi, d))

    def route_days_needed(self) -> int:
        """Days the route needs at this trip's pace: its ``suggested_days``, or
        more when slower visits or the pace's daily visit limit do not fit."""
        assert self.route is not None
        pois = [self.catalog.pois[p] for p in self.route.stop_ids if p in self.catalog.pois]
        minutes = sum(sum(self.problem.visit_length(poi)) for poi in pois)
        # matches the traveller asked for take their hours out of the route's days
        minutes += sum(s.end - s.start for day in self.days for s in day if s.kind == "event")
        per_day = PACE[self.req.pace][2]
        return max(self.route.suggested_days, math.ceil(minutes / ROUTE_DAY_MINUTES), math.ceil(len(pois) / per_day))

    def attended(self) -> list[Event]:
        """The events the plan attends (known to the catalog)."""
        found = (self.catalog.events.get(s.event_id or "") for day in self.days for s in day if s.kind == "event")
        return [e for e in found if e is not None]

    def visited_places(self) -> set[Optional[str]]:
        """POIs visited, counting a venue where the plan watches a match."""
        return {s.poi_id for s in self.visits()} | {e.venue_id for e in self.attended()}

    def seen_places(self) -> set[Optional[str]]:
        """``visited_places``, places eaten at (lunch at Xianheng Tavern, a route
        stop, is its visit) and the parts of visited places (Luzhen in Keyan)."""
        visited = self.visited_places()
        meals = {s.poi_id for stops in self.days for s in stops if s.kind == "meal" and s.poi_id}
        parts = {p.id for p in self.catalog.pois.values() if _attr(p, "part_of", None) in visited}
        return visited | meals | parts

    def route_stop_missing(self) -> None:
        if self.route is None:
            return
        visited, seen = self.visited_places(), self.seen_places()
        days_suffice = self.route_days_needed() <= self.req.days
        # When the days do not suffice, the route must keep its most important
        # stops: a stop left out is a fault only if a less prominent one was kept.
        kept = [
            _prominence(self.catalog.pois[p]) for p in self.route.stop_ids if p in visited and p in self.catalog.pois
        ]
        least_kept = min(kept, default=math.inf)
        for i, poi_id in enumerate(self.route.stop_ids):
            poi = self.catalog.pois.get(poi_id)
            if poi is None or poi_id in seen or poi_id in self.req.avoid:
                continue
            if not days_suffice and _prominence(poi) <= least_kept:
                continue
            if any(self._fits(poi, d) for d in range(len(self.problem.dates))):
                why = (
                    Text(
                        zh=f"线路建议 {self.route.suggested_days} 天，行程 {self.req.days} 天",
                        en=f"the route suggests {_days(self.route.suggested_days)}, the trip has "
                        f"{_days(self.req.days)}",
                    )
                    if days_suffice
                    else Text(
                        zh="行程天数不够走完全程，但保留了不如它重要的站点",
                        en="the days do not hold the whole route, yet less prominent stops were kept",
                    )
                )
                self.add(
                    "route_stop_missing",
                    None,
                    None,
                    poi_id,
                    1,
                    0,
                    f"线路“{self.route.name.zh}”的第 {i + 1} 站{poi.name.zh}没有安排，而它在行程中有开放日（{why.zh}）",
                    f"stop {i + 1} of the {self.route.name.en} route, {poi.name.en}, is left out although it "
                    f"is open during the trip ({why.en})",
                )

    def short_motor_leg(self) -> None:
        limit = self.t["short_motor_leg_km"]
        access = getattr(self.req, "access", None)
        if access is not None and access.max_walk_m is not None:
            limit = min(limit, access.max_walk_m / 1000)  # the traveller walks no further than this
        for stops in self.days:
            for s in stops:
                travel = s.travel or {}
                mode, km = travel.get("mode"), travel.get("km")
                if mode in MOTOR_MODES and km is not None and km < limit:
                    name = self.name(s)
                    self.add(
                        "short_motor_leg",
                        s.day,
                        s.k,
                        s.poi_id,
                        km,
                        limit,
                        f"去{name.zh}只有 {km:.2f} 公里却安排了{_MODE_ZH.get(mode, mode)}（少于 {limit:g} 公里应步行）",
                        f"{mode} for a {km:.2f} km hop to {name.en} (walk anything under {limit:g} km)",
                    )

    def waits(self) -> None:
        for stops in self.days:
            for s in stops:
                if s.kind == "meal":
                    wait, limit = s.start - s.arrive, self.t["meal_wait_min"]
                    if wait > limit:
                        name, meal = self.name(s), MEAL_NAMES.get(s.meal or "", MEAL_NAMES["lunch"])
                        self.add(
                            "meal_wait",
                            s.day,
                            s.k,
                            s.poi_id,
                            wait,
                            limit,
                            f"在{name.zh}等 {wait} 分钟才开始{meal.zh}（{_hm(s.arrive)} 到，{_hm(s.start)} 开始；上限 {limit:g} 分钟）",
                            f"{wait} min wait before {meal.en} at {name.en} (arrive {_hm(s.arrive)}, "
                            f"start {_hm(s.start)}; limit {limit:g})",
                        )
                elif s.kind == "visit":
                    wait, limit = s.start - s.arrive, self.t["wait_min"]
                    if wait > limit:
                        name = self.name(s)
                        self.add(
                            "wait",
                            s.day,
                            s.k,
                            s.poi_id,
                            wait,
                            limit,
                            f"在{name.zh}门口等 {wait} 分钟（{_hm(s.arrive)} 到，{_hm(s.start)} 开始；上限 {limit:g} 分钟）",
                            f"{wait} min wait at {name.en} (arrive {_hm(s.arrive)}, start {_hm(s.start)}; "
                            f"limit {limit:g})",
                        )
                elif s.kind == "event":
                    venue, buffer = self._gate(s)
                    wait, limit = s.start - buffer - s.arrive, self.t["wait_min"]
                    if wait > limit:
                        name = self.name(s)
                        self.add(
                            "wait",
                            s.day,
                            s.k,
                            venue.id if venue else s.poi_id,
                            wait,
                            limit,
                            f"{name.zh}：入场前（提前 {buffer} 分钟）还要在场馆外等 {wait} 分钟（上限 {limit:g} 分钟）",
                            f"{wait} min wait outside the venue before {name.en}, on top of the {buffer} min "
                            f"entry buffer (limit {limit:g})",
                        )

    def meal_repeat(self) -> None:
        uses: dict[str, list[_Stop]] = {}
        for stops in self.days:
            for s in stops:
                if s.kind == "meal" and s.poi_id:
                    uses.setdefault(s.poi_id, []).append(s)
        trip_limit, day_limit = self.t["meal_repeat_trip"], self.t["meal_repeat_day"]
        for poi_id, meals in sorted(uses.items()):
            name = self.poi_name(poi_id)
            if len(meals) > trip_limit:
                days = "、".join(str(m.day + 1) for m in meals)
                self.add(
                    "meal_repeat",
                    None,
                    None,
                    poi_id,
                    len(meals),
                    trip_limit,
                    f"{name.zh}吃了 {len(meals)} 顿（第 {days} 天；上限 {trip_limit:g} 顿）",
                    f"{len(meals)} meals at {name.en} (days {', '.join(str(m.day + 1) for m in meals)}; "
                    f"limit {trip_limit:g})",
                )
            per_day: dict[int, list[_Stop]] = {}
            for m in meals:
                per_day.setdefault(m.day, []).append(m)
            for d, same in sorted(per_day.items()):
                if len(same) > day_limit:
                    self.add(
                        "meal_repeat",
                        d,
                        same[-1].k,
                        poi_id,
                        len(same),
                        day_limit,
                        f"同一天在{name.zh}吃了 {len(same)} 顿（上限 {day_limit:g} 顿）",
                        f"{len(same)} meals at {name.en} on the same day (limit {day_limit:g})",
                    )

    def meal_no_food(self) -> None:
        for stops in self.days:
            for k, s in enumerate(stops):
                if s.kind != "meal" or s.poi_id:
                    continue
                prev = next((p for p in reversed(stops[:k]) if not (p.kind == "meal" and not p.poi_id)), None)
                if prev is None or prev.kind in ("start", "event"):
                    continue
                poi = self.catalog.pois.get(prev.poi_id or "")
                if poi is not None and poi.category in ("food", "venue", "lodging"):
                    continue
                meal = MEAL_NAMES.get(s.meal or "", MEAL_NAMES["lunch"])
                where = self.name(prev)
                self.add(
                    "meal_no_food",
                    s.day,
                    s.k,
                    prev.poi_id,
                    1,
                    0,
                    f"{meal.zh}安排为在{where.zh}“就地休息”，那里没有吃饭的地方（{_hm(s.start)}）",
                    f"the {meal.en} break at {_hm(s.start)} is at {where.en}, where there is nowhere to eat",
                )

    def meal_missing(self) -> None:
        if not self.req.meals:
            return
        for d, stops in enumerate(self.days):
            if len(stops) < 2 or not any(s.kind in ("visit", "event") for s in stops):
                continue
            for meal, window in (("lunch", self.req.lunch), ("dinner", self.req.dinner)):
                lo, hi = d * DAY + window.start, d * DAY + window.end
                out = stops[0].depart <= lo and stops[-1].arrive >= hi
                taken = any(
                    s.kind == "meal" and s.meal == meal and (not s.packed or self._eaten_on_a_visit(stops, s, lo, hi))
                    for s in stops
                )
                # at the venue (from its gate time) during the window: eat there
                at_match = any(s.kind == "event" and s.arrive < hi and s.end > lo for s in stops)
                if out and not taken and not at_match:
                    name = MEAL_NAMES[meal]
                    self.add(
                        "meal_missing",
                        d,
                        None,
                        None,
                        1,
                        0,
                        f"整个{name.zh}时段（{_hm(lo)}–{_hm(hi)}）都在外游览，却没有安排{name.zh}",
                        f"out all through {name.en} time ({_hm(lo)}-{_hm(hi)}) with no {name.en} planned",
                    )

    def _eaten_on_a_visit(self, stops: Sequence[_Stop], pickup: _Stop, lo: int, hi: int) -> bool:
        """A packed lunch counts when a later visit (``packed_visit_min`` long or
        more) spends the lunch's minutes inside the window [lo, hi]."""
        need = self.req.lunch.minutes
        return any(
            s.kind == "visit"
            and s.end - s.start >= self.t["packed_visit_min"]
            and min(s.end, hi) - max(s.start, lo) >= need
            for s in stops[pickup.k + 1 :]
        )

    def meal_detour(self) -> None:
        limit = self.t["meal_detour_km"]
        for stops in self.days:
            for k, s in enumerate(stops):
                if s.kind != "meal" or not s.poi_id or k == 0 or k == len(stops) - 1:
                    continue
                prev, nxt = stops[k - 1].loc, stops[k + 1].loc
                extra = self.km(prev, s.loc) + self.km(s.loc, nxt) - self.km(prev, nxt)
                if extra > limit:
                    name, meal = self.name(s), MEAL_NAMES.get(s.meal or "", MEAL_NAMES["lunch"])
                    self.add(
                        "meal_detour",
                        s.day,
                        s.k,
                        s.poi_id,
                        extra,
                        limit,
                        f"为了在{name.zh}吃{meal.zh}多绕 {extra:.1f} 公里（上限 {limit:g} 公里）",
                        f"{meal.en} at {name.en} is a {extra:.1f} km detour (limit {limit:g})",
                    )

    def dark_outdoor(self) -> None:
        if _daylight is None:
            return
        margin = self.t["dark_margin_min"]
        for s in self.visits():
            poi = self.catalog.pois.get(s.poi_id or "")
            if poi is None or _attr(poi, "setting", "mixed") != "outdoor":
                continue
            day: date = self.problem.dates[s.day]
            rise, dusk = _daylight(day, poi.lon, poi.lat)
            start, end = s.start - s.day * DAY, s.end - s.day * DAY
            dark = max(0, end - dusk) + max(0, rise - start)
            if dark <= margin:
                continue
            night = _attr(poi, "night", None)
            if night and any(lo <= start and end <= hi for lo, hi in hours.windows(night, day)):
                continue
            self.add(
                "dark_outdoor",
                s.day,
                s.k,
                poi.id,
                dark,
                margin,
                f"户外景点{poi.name.zh}的游览 {_hm(start)}–{_hm(end)} 有 {dark} 分钟在天黑后或日出前"
                f"（日出 {_hm(rise)}，天黑 {_hm(dusk)}）",
                f"the outdoor visit to {poi.name.en} at {_hm(start)}-{_hm(end)} spends {dark} min in the dark "
                f"(sunrise {_hm(rise)}, dusk {_hm(dusk)})",
            )

    def travel_share(self) -> None:
        share = self.t["travel_share"]
        for d, stops in enumerate(self.days):
            travel = sum(int((s.travel or {}).get("minutes") or 0) for s in stops)
            visiting = sum(s.end - s.start for s in stops if s.kind in ("visit", "event"))
            # Moving on to the next night's lodging is travel no order of the
            # day can avoid (a route trip's transfer day): it is not held
            # against the day. Estimated as the mode's direct trip.
            move = 0
            if len(stops) >= 2 and stops[0].kind == "start" and stops[-1].kind == "end":
                a, b = stops[0].loc, stops[-1].loc
                move = int(self.direct_minutes(a, b))
                # Likewise the way out to the nearest sight the day could
                # visit and back: a lodging far from every sight (a hotel in
                # Hangzhou, by the metro) commutes whatever the plan does.
                move = max(move, commute(self.problem, d))
                # A route trip's day drives its own stretch of the road: from
                # the morning's lodging through the route stops it visits, in
                # the route's order, to the evening's. The route is what was
                # asked for; only the sights and meals around it are judged.
                move = max(move, self.road_minutes(stops))
            limit = share * visiting + move
            if travel > limit and travel > 0:
                if visiting:
                    extra = (
                        (
                            f"，另加无法避免的 {move} 分钟（换住处，或往返最近的景点）",
                            f" plus {move} min no plan can avoid (moving lodging, or out to the nearest sight and back)",
                        )
                        if move
                        else ("", "")
                    )
                    self.add(
                        "travel_share",
                        d,
                        None,
                        None,
                        travel,
                        limit,
                        f"在路上 {travel} 分钟，游览只有 {visiting} 分钟（交通上限为游览时间的 {share:.0%}{extra[0]}，"
                        f"即 {limit:.0f} 分钟）",
                        f"{travel} min on the road for {visiting} min of sightseeing (limit {share:.0%} "
                        f"of it{extra[1]}, {limit:.0f} min)",
                    )
                else:
                    self.add(
                        "travel_share",
                        d,
                        None,
                        None,
                        travel,
                        0,
                        f"在路上 {travel} 分钟，却没有任何游览",
                        f"{travel} min on the road and nothing to see",
                    )

    def road_minutes(self, stops: Sequence[_Stop]) -> int:
        """The mode's direct minutes from the day's start through its route
        stops (route order when the route is ordered, else the plan's) to its
        end; 0 off a route."""
        if self.route is None:
            return 0
        rank = {p: i for i, p in enumerate(self.route.stop_ids)}
        on_road = [s for s in stops[1:-1] if s.kind == "visit" and s.poi_id in rank]
        if not on_road:
            return 0
        if self.route.ordered:
            on_road.sort(key=lambda s: rank[s.poi_id or ""])
        seq = [stops[0].loc] + [s.loc for s in on_road] + [stops[-1].loc]
        return sum(int(self.direct_minutes(a, b)) for a, b in zip(seq, seq[1:]))

    def nested_visit(self) -> None:
        seen: dict[str, _Stop] = {}
        for s in self.visits():
            seen.setdefault(s.poi_id or "", s)
        for s in self.visits():
            poi = self.catalog.pois.get(s.poi_id or "")
            parent_id = _attr(poi, "part_of", None) if poi else None
            if poi is not None and parent_id and parent_id in seen:
                parent = seen[parent_id]
                later = s if (s.day, s.k) > (parent.day, parent.k) else parent
                pname = self.poi_name(parent_id)
                self.add(
                    "nested_visit",
                    later.day,
                    later.k,
                    later.poi_id,
                    2,
                    1,
                    f"{poi.name.zh}在{pname.zh}景区之内，却又单独游览了一次（第{parent.day + 1}天、第{s.day + 1}天）",
                    f"{poi.name.en} lies inside {pname.en}, yet both are visited (days {parent.day + 1} "
                    f"and {s.day + 1})",
                )

    def split_area(self) -> None:
        by_area: dict[str, list[_Stop]] = {}
        for s in self.visits():
            area = _attr(self.catalog.pois.get(s.poi_id or ""), "area", None)
            if area:
                by_area.setdefault(area, []).append(s)
        for area, stops in sorted(by_area.items()):
            days = sorted({s.day for s in stops})
            if len(days) < 2:
                continue
            first = min(stops, key=lambda s: (s.day, s.k)).day
            for s in stops:
                if s.day != first:
                    name = self.poi_name(s.poi_id or "")
                    others = "、".join(self.poi_name(o.poi_id or "").zh for o in stops if o.day == first)
                    others_en = ", ".join(self.poi_name(o.poi_id or "").en for o in stops if o.day == first)
                    self.add(
                        "split_area",
                        s.day,
                        s.k,
                        s.poi_id,
                        len(days),
                        1,
                        f"{name.zh}与{others}同属一个景区（{area}），却分在第{first + 1}天和第{s.day + 1}天",
                        f"{name.en} shares the {area} scenic area with {others_en} (day {first + 1}) but is "
                        f"visited on another day",
                    )

    def signature_missing(self) -> None:
        visited = {s.poi_id for s in self.visits()}
        signature: dict[str, Any] = {}
        for poi in self.catalog.pois.values():
            if poi.category not in SIGHT_CATEGORIES:
                continue
            best = signature.get(poi.district)
            if best is None or (-_prominence(poi), -poi.weight, poi.id) < (-_prominence(best), -best.weight, best.id):
                signature[poi.district] = poi
        limit = self.t["signature_min_visits"]
        for district, sig in sorted(signature.items()):
            if sig.id in visited or sig.id in self.req.avoid or self.req.interest(sig.category) <= 0:
                continue
            for d, stops in enumerate(self.days):
                count = len(
                    [
                        s
                        for s in stops
                        if s.kind == "visit"
                        and (here := self.catalog.pois.get(s.poi_id or "")) is not None
                        and here.district == district
                    ]
                )
                if count >= limit and self._fits(sig, d) and self._on_the_way(sig, stops):
                    dist = self.catalog.districts.get(district)
                    dname = dist.name if dist is not None else Text(zh=district, en=district)
                    self.add(
                        "signature_missing",
                        d,
                        None,
                        sig.id,
                        count,
                        limit,
                        f"在{dname.zh}游览了 {count} 处，却漏了当地最有名的{sig.name.zh}（当天开放）",
                        f"{count} visits in {dname.en} but not its signature sight {sig.name.en}, open that day",
                    )
                    break

    def _on_the_way(self, poi: Any, stops: Sequence[_Stop]) -> bool:
        """Off a route, always. On a route trip, a sight within
        ``signature_route_km`` of a route stop the day visits or of its
        lodgings: a water-towns day is not faulted for not driving 20 km to
        the district's other end (Keqiao's Orchid Pavilion)."""
        if self.route is None:
            return True
        on_road = set(self.route.stop_ids)
        anchors = [s.loc for s in stops if s.kind in ("start", "end") or (s.kind == "visit" and s.poi_id in on_road)]
        here = Point(poi.lon, poi.lat)
        return any(geodesic_km(here, Point(a.lon, a.lat)) <= self.t["signature_route_km"] for a in anchors)

    def silent_wish(self) -> None:
        unscheduled = list(self.plan.get("unscheduled") or [])
        if self.req.want_sports:
            attended = any(s.kind == "event" for stops in self.days for s in stops)
            explained = any(u.get("event_id") or u.get("reason_code") == "no_sessions" for u in unscheduled) or any(
                isinstance(n, Mapping) and n.get("code") == "no_sessions" for n in self.plan.get("notes") or []
            )
            if not attended and not explained:
                sports = ", ".join(self.req.want_sports)
                self.add(
                    "silent_wish",
                    None,
                    None,
                    None,
                    len(self.req.want_sports),
                    0,
                    f"想看比赛（{sports}），行程里却没有比赛，也没有说明原因",
                    f"matches were asked for ({sports}) but the plan has none and does not say why",
                )
        if self.route is not None:
            visited = self.seen_places()
            listed = {u.get("poi_id") for u in unscheduled}
            for poi_id in self.route.stop_ids:
                if poi_id in visited or poi_id in listed or poi_id in self.req.avoid:
                    continue
                name = self.poi_name(poi_id)
                self.add(
                    "silent_wish",
                    None,
                    None,
                    poi_id,
                    1,
                    0,
                    f"线路站点{name.zh}既没有安排，也没有说明原因",
                    f"route stop {name.en} is neither in the plan nor explained",
                )

    def empty_day(self) -> None:
        visited = {s.poi_id for s in self.visits()}
        # a place counts as seen when it, its parent or a part of it was visited
        seen = visited | {_attr(self.catalog.pois.get(p or ""), "part_of", None) for p in visited}
        for d, stops in enumerate(self.days):
            if len(stops) < 2 or any(s.kind in ("visit", "event") for s in stops):
                continue
            home, back = stops[0].loc, stops[-1].loc
            lo_day, hi_day = self.problem.day_windows[d]
            open_sights = []
            for poi in self.catalog.pois.values():
                if (
                    poi.category not in SIGHT_CATEGORIES
                    or poi.id in seen
                    or _attr(poi, "part_of", None) in visited
                    or poi.id in self.req.avoid
                    or self.req.interest(poi.category) <= 0
                    or not_accessible(self.req, poi)
                ):
                    continue
                way = self.direct_minutes(home, poi) + self.direct_minutes(poi, back)
                length, _ = self.problem.visit_length(poi)
                if way + length <= hi_day - lo_day and self._fits(poi, d):
                    open_sights.append(poi)
            if open_sights:
                best = max(open_sights, key=lambda p: (_prominence(p), p.weight, p.id))
                self.add(
                    "empty_day",
                    d,
                    None,
                    best.id,
                    len(open_sights),
                    0,
                    f"这一天没有安排任何游览，而{best.name.zh}等 {len(open_sights)} 处想去的景点当天开放、来得及往返",
                    f"nothing to see all day, although {best.name.en} and {len(open_sights) - 1} more wanted "
                    f"sights are open that day and within reach",
                )

    def wish_unmet(self) -> None:
        if not self.req.want_sports:
            return
        attended = self.attended()
        seen = {e.sport for e in attended}
        dates = set(self.problem.dates)
        for sport in self.req.want_sports:
            if sport in seen:
                continue
            sessions = [
                e
                for e in events_between(self.catalog.events, min(dates), max(dates))
                if e.kind == "match"
                and e.sport == sport
                and e.timed
                and e.status == "scheduled"
                and e.start.date() in dates
                and e.id not in self.req.avoid_events
                and not any(e.start < a.end and a.start < e.end for a in attended)
            ]
            if sessions:
                name = SPORT_NAMES.get(sport, Text(zh=sport, en=sport))
                self.add(
                    "wish_unmet",
                    None,
                    None,
                    sessions[0].venue_id,
                    len(sessions),
                    0,
                    f"想看{name.zh}，行程日期内有 {len(sessions)} 场可看，却一场也没有安排",
                    f"{name.en} was asked for and {len(sessions)} sessions fall on the trip's days, "
                    "but the plan attends none",
                )

    def festival_missed(self) -> None:
        dates = list(self.problem.dates)
        attended = {e.id for e in self.attended()}
        feasts: dict[str, list[Event]] = {}
        for e in events_between(self.catalog.events, dates[0], dates[-1]):
            if (
                e.kind != "match"
                and e.status == "scheduled"
                and e.start.date() in dates
                and e.id not in self.req.avoid_events
            ):
                feasts.setdefault(e.venue_id, []).append(e)
        for s in self.visits():
            events = feasts.get(s.poi_id or "", [])
            days = {dates.index(e.start.date()) for e in events}
            poi = self.catalog.pois.get(s.poi_id or "")
            if poi is None or not days or s.day in days or len(days) == len(dates):
                continue
            if any(e.id in attended for e in events):
                continue
            open_days = [d for d in sorted(days) if self._fits(poi, d)]
            if not open_days:
                continue
            feast = next(e for e in events if e.start.date() == dates[open_days[0]])
            on = dates[open_days[0]].isoformat()
            self.add(
                "festival_missed",
                s.day,
                s.k,
                poi.id,
                len(open_days),
                0,
                f"游览{poi.name.zh}，而它的“{feast.title.zh}”在 {on}，也在行程内",
                f"visits {poi.name.en}, but its {feast.title.en} is on {on}, also a trip day",
            )


_MODE_ZH = {"transit": "公交", "drive": "自驾", "taxi": "打车"}


def _best_order_km(rv: _Review, movable: Sequence[_Stop], first: _Loc, last: _Loc, exact_max: int) -> float:
    """Shortest start -> all ``movable`` -> end, keeping matches (and ordered route stops) in order."""
    n = len(movable)
    locs = [s.loc for s in movable]
    dist = [[rv.km(a, b) for b in locs] for a in locs]
    from_start = [rv.km(first, b) for b in locs]
    to_end = [rv.km(a, last) for a in locs]
    before = [0] * n  # bit mask of the stops that must come earlier
    events = [i for i, s in enumerate(movable) if s.kind == "event"]
    for a, b in zip(events, events[1:]):
        before[b] |= before[a] | (1 << a)
    rank = {p: i for i, p in enumerate(rv.route_order)}
    routed = sorted(
        (i for i, s in enumerate(movable) if s.kind == "visit" and s.poi_id in rank),
        key=lambda i: rank[movable[i].poi_id or ""],
    )
    for k, b in enumerate(routed):
        for a in routed[:k]:
            before[b] |= 1 << a
    if n <= exact_max:
        return _held_karp(n, dist, from_start, to_end, before)
    return _relocate_search(n, dist, from_start, to_end, before)


def _first_start(slots: Sequence[tuple[int, int]], arrive: int) -> Optional[int]:
    """The earliest start at or after ``arrive`` in ``slots``."""
    for lo, hi in sorted(slots):
        if arrive <= hi:
            return max(arrive, lo)
    return None


def _held_karp(
    n: int, dist: list[list[float]], from_start: list[float], to_end: list[float], before: list[int]
) -> float:
    full = (1 << n) - 1
    inf = math.inf
    dp = [[inf] * n for _ in range(1 << n)]
    for j in range(n):
        if before[j] == 0:
            dp[1 << j][j] = from_start[j]
    for mask in range(1, full + 1):
        row = dp[mask]
        for j in range(n):
            cost = row[j]
            if cost == inf:
                continue
            dj = dist[j]
            for k in range(n):
                bit = 1 << k
                if mask & bit or before[k] & ~mask:
                    continue
                nxt = mask | bit
                c = cost + dj[k]
                if c < dp[nxt][k]:
                    dp[nxt][k] = c
    return min(dp[full][j] + to_end[j] for j in range(n))


def _relocate_search(
    n: int, dist: list[list[float]], from_start: list[float], to_end: list[float], before: list[int]
) -> float:
    """Or-opt from the given order (segments of 1-3 moved anywhere): an upper bound on the best."""

    def length(order: list[int]) -> float:
        return from_start[order[0]] + sum(dist[a][b] for a, b in zip(order, order[1:])) + to_end[order[-1]]

    def valid(order: list[int]) -> bool:
        seen = 0
        for i in order:
            if before[i] & ~seen:
                return False
            seen |= 1 << i
        return True

    order = list(range(n))
    best = length(order)
    improved = True
    while improved:
        improved = False
        for size in (1, 2, 3):
            for i in range(n - size + 1):
                seg, rest = order[i : i + size], order[:i] + order[i + size :]
                for j in range(len(rest) + 1):
                    trial = rest[:j] + seg + rest[j:]
                    if trial == order or not valid(trial):
                        continue
                    cost = length(trial)
                    if cost < best - 1e-9:
                        order, best, improved = trial, cost, True
                        break
                if improved:
                    break
            if improved:
                break
    return best


def review(problem: Problem, plan: Mapping[str, Any], thresholds: Optional[Mapping[str, float]] = None) -> list[Fault]:
    """Every guide-quality fault of ``plan`` (the engine's response dict) for ``problem``."""
    merged = {**THRESHOLDS, **(thresholds or {})}
    return _Review(problem, plan, merged).run()


def count_by_code(faults: Iterable[Fault]) -> dict[str, int]:
    out = {c: 0 for c in CODES}
    for f in faults:
        out[f.code] = out.get(f.code, 0) + 1
    return out


__all__ = ["Fault", "THRESHOLDS", "CODES", "review", "count_by_code"]
