"""PlanRequest + Catalog + TravelTimes -> Problem (tasks, places, solver model).

The time axis is absolute: integer minutes from the trip's first local
midnight (day d spans d*1440 .. (d+1)*1440). Each day is a vehicle that
starts at the previous night's lodging and ends at that night's lodging.

A sight is ONE solver node whose start windows are the union of its open
intervals over all trip days (shrunk by the visit length, so a visit starts
*and finishes* while open); ``allowed_vehicles`` keeps it to the days it is
open. One node per POI also means "visited at most once" for free and lets
route order be a plain precedence on the absolute axis.

Travel: ``base`` holds free-flow minutes between places. The one travel
rule, ``Problem.leg``, multiplies by the time-of-day factor at departure
and by a venue's post-match surge factor. The solver gets a *conservative*
matrix (largest factor of the day, surge on every arc out of a match), so
re-timing the solver's sequence with the exact rule can only make arrivals
earlier: the re-timed plan stays feasible.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Optional

from ..catalog import hours
from ..catalog.catalog import Catalog
from ..catalog.daylight import visitable
from ..catalog.labels import MEAL_NAMES
from ..catalog.model import SIGHT_CATEGORIES, UNRATED, Event, Poi, Route
from ..catalog.series import events_between
from ..errors import Unprocessable, YueyouError, infeasible
from ..i18n import Text
from . import solver
from .crowding import crowd_intervals
from .pace import PACE, visit_length
from .rail import RailTrip, rail_legs, service_span
from .request import PlanRequest
from .spine import SpineStop, route_spine, shortened, shortest
from .travel import (
    PROFILES,
    WALK_BELOW_KM,
    Point,
    TravelTimes,
    ceil_minutes,
    geodesic_km,
    leg_mode,
    max_time_factor,
    mode_minutes,
    time_factor,
)
from .weather import without_spells

DAY = 1440
# Objective = travel minutes + PRIZE_SCALE x units of every sight left out.
# A sight's units are interest(category) x weight x fame, where fame =
# prominence / UNRATED (1 for an unrated place, 3.3 for a 5A scenic area), so
# an ordinary sight is worth about half an hour of extra travel and a famous
# one two to three hours: days stay compact, and the signature sights stay in.
# (Fame squared, and meals outranking every sight, were measured and rejected:
# 54 guide faults against 34, route stops dropped for lunch.)
PRIZE_SCALE = 150
MANDATORY_PENALTY = 10**9  # soft "must": dropped only if impossible, then explained
LOCK_PENALTY = 8 * MANDATORY_PENALTY  # a locked stop goes before any number of new must-visits
MEAL_UNITS = 2.5  # a meal at a restaurant near the day (route trips: near its
# stretch, ``_meal_options``) outranks an ordinary sight
ROUTE_UNITS = 4.0  # a route stop outranks any ordinary sight and a meal (times its fame)
SPORT_UNITS = 2.5  # an optional match from want_sports
# A sport the traveller named in want_sports: dropping *every* session of it
# costs this (one solver group per sport), so the trip holds one session of
# each wanted sport unless none fits. A 3-4 h match displaces about two
# famous sights (2 x 3.3 units), so it must outrank that; more sessions than
# one stay ordinary choices only through ``events`` (locks).
WISH_UNITS = 12.0
# A festival, ceremony or show of a kind the traveller asked for (want_events)
# is a rare date: it outranks an ordinary sight like a route stop does.
EVENT_UNITS = 4.0
# A sight with a festival or ceremony on some trip days (not a nightly show:
# every day) is worth this much more on such a day (about an ordinary sight:
# the festival is a sight of its own, even with its hour unknown); on other
# days it keeps its own prize, so it is not dropped for want of a free
# festival day. A guide sends you to Dongpu on the day of the Huangjiu
# festival, not six days later (half a unit was measured: not enough to
# move the week's Dongpu visit to the festival day).
FESTIVAL_DAY_UNITS = 1.0
# Route trips: sights off the route are offered only on days whose stretch of
# road (or lodging) lies within this straight-line distance.
NEAR_ROUTE_KM = 6.0
# A restaurant serves at most this many meals of a trip (variety).
MEALS_PER_RESTAURANT = 2
# Objective cost of a minute spent waiting for a place to open (as a travel minute).
WAIT_COST = 1
# A day is not mostly on the road: travel under 80 % of its sightseeing plus
# 45 min to get out and back (conservative minutes; the review flags 60 %).
TRAVEL_SHARE = 0.8
TRAVEL_ALLOWANCE = 45
# Above the review's 60 % (plus the day's unavoidable minutes) each minute
# costs this much as a travel minute (``solver.Model.soft_travel_share``).
SOFT_TRAVEL_SHARE = 0.6
SOFT_TRAVEL_COST = 2
# Each minute a day's sightseeing falls short of MIN_VISITING costs this (as
# a travel minute): the seventh day of a week in the old town was left empty,
# because each sight still out was worth less than its way there. 180 and 240
# minutes were measured and rejected (county stays then drove to the old town
# for a second sight: 31 -> 33 and 38 guide faults).
MIN_VISITING = 120
MIN_VISITING_COST = 1


@dataclass(frozen=True)
class Place:
    key: str
    poi_id: Optional[str]
    name: Text
    lon: float
    lat: float


@dataclass(frozen=True)
class Lock:
    """A stop held in place by a replan: same day, same start (absolute minute).

    ``kind`` is visit | event | meal; ``item_id`` the POI id (visit, meal at a
    restaurant) or event id; ``field`` names where the lock came from, for
    error messages (``edits.lock[0]``, ``locks[2]``...).
    """

    day: int
    kind: str
    item_id: str
    start: int
    meal: Optional[str] = None
    field: str = "locks"
    minutes: Optional[int] = None  # visits: the length in the plan it comes from

    @property
    def key(self) -> tuple:
        return ("meal", self.day, self.meal) if self.kind == "meal" else (self.kind, self.item_id)


@dataclass(frozen=True)
class Task:
    """One solver node. ``windows``: allowed start times (absolute)."""

    kind: str  # lodging | visit | event | meal
    place: int
    duration: int  # start -> end
    after: int  # end -> depart (pace slack)
    windows: tuple[tuple[int, int], ...]
    prize_units: float = 0.0
    ticket: Optional[float] = None
    mandatory: bool = False
    poi: Optional[Poi] = None
    event: Optional[Event] = None
    meal: Optional[str] = None  # lunch | dinner
    day: Optional[int] = None  # for lodging and meal nodes
    entry_buffer: int = 0  # events: arrive this long before the start
    days: Optional[tuple[int, ...]] = None  # visits: the only days allowed (route spine, near filler)
    packed: bool = False  # meals: a takeaway picked up here, eaten on the long visit after it

    @property
    def service(self) -> int:
        """Node occupancy in the solver: events start at arrival-by time."""
        return self.entry_buffer + self.duration + self.after

    @property
    def the_poi(self) -> Poi:
        """The place of a visit or meal task (they always have one)."""
        if self.poi is None:
            raise ValueError(f"a {self.kind} task without a POI")
        return self.poi

    @property
    def the_day(self) -> int:
        """The day of a lodging or meal task (they always have one)."""
        if self.day is None:
            raise ValueError(f"a {self.kind} task without a day")
        return self.day

    @property
    def the_event(self) -> Event:
        """The session of an event task (it always has one)."""
        if self.event is None:
            raise ValueError(f"a {self.kind} task without an event")
        return self.event


@dataclass
class Problem:
    request: PlanRequest
    catalog: Catalog
    dates: list[date]
    day_windows: list[tuple[int, int]]
    places: list[Place]
    base: list[list[float]]
    km: list[list[float]]
    tasks: list[Task] = field(default_factory=list)
    model: Optional[solver.Model] = None
    excluded: dict[str, str] = field(default_factory=dict)  # poi_id -> reason code
    # Every restaurant the trip could use; the solver is offered a few per
    # meal (``_meal_options``), the meal repair may add others (``meal_task``).
    foods: list[Poi] = field(default_factory=list)
    # Meal tasks at a restaurant inside a sight (``_inside_options``) -> the
    # sights it stands in: offered only on a day that visits one of them.
    inside_meals: dict[int, tuple[str, ...]] = field(default_factory=dict)
    place_index: dict[str, int] = field(default_factory=dict)
    lodging_places: list[int] = field(default_factory=list)  # per night
    day_vehicle_nodes: list[tuple[int, int]] = field(default_factory=list)
    locks: tuple[Lock, ...] = ()  # replan: stops that keep their day and start
    route_day: dict[str, int] = field(default_factory=dict)  # route trips: stop -> its day on the spine
    # Route trips: visits the spine shortened so their day holds its stretch
    # (``spine.fit``): poi id -> minutes. The checker holds visits to these.
    short_visits: dict[str, int] = field(default_factory=dict)
    # Visits the meal repair cut to fit a meal (``meals.shorten_for_meals``;
    # the stop says ``shortened``), and day -> the meals that made room (the
    # plan says so in its notes).
    meal_cut: set[str] = field(default_factory=set)
    meal_short_days: dict[int, list[str]] = field(default_factory=dict)
    # Arriving/leaving by train or plane: the first day starts and the last
    # ends at this place instead of the lodging (``endpoints.py``).
    first_place: Optional[int] = None
    last_place: Optional[int] = None
    # Step-free trips: legs that would be walked further than access.max_walk_m
    # are taken by taxi instead (``mobility.py``).
    taxi_legs: set[tuple[int, int]] = field(default_factory=set)
    # Public-transport trips: legs by rail or metro (``rail.py``);
    # their base minutes are the rail trip's, worst-case wait included.
    rail_legs: dict[tuple[int, int], RailTrip] = field(default_factory=dict)
    # Day windows before the stretch for optional matches (``want_sports``):
    # a day keeps to these unless it attends one (``_unstretched``; the engine
    # narrows each day to these plus the stretch of the match it attends).
    base_windows: list[tuple[int, int]] = field(default_factory=list)
    # event id -> the window its day needs to attend that optional event
    event_windows: dict[str, tuple[int, int]] = field(default_factory=dict)

    # --- the one travel rule -------------------------------------------
    def leg(self, a: int, b: int, depart: int, last_event: Optional[Event] = None) -> int:
        """Minutes from place a to b leaving at absolute minute ``depart``."""
        if a == b:
            return 0
        # Walked hops are not slowed by road traffic, nor are trains.
        mode = self.leg_mode(a, b)
        factor = 1.0 if mode in ("walk", "rail") else time_factor(mode, depart % DAY)
        if last_event is not None and self.places[a].poi_id == last_event.venue_id:
            venue = self.catalog.pois[last_event.venue_id].venue
            if venue is not None and depart < self.abs_time(last_event.end) + venue.egress_surge_minutes:
                factor *= venue.egress_surge_factor
        return ceil_minutes(self.base[a][b] * factor)

    def leg_mode(self, a: int, b: int) -> str:
        """How the traveller goes from a to b (short hops walked; a step-free
        trip's long walks by taxi; long public-transport legs by rail)."""
        if (a, b) in self.rail_legs:
            return "rail"
        if (a, b) in self.taxi_legs:
            return "taxi"
        return leg_mode(self.request.mode, self.km[a][b])

    def abs_time(self, moment: datetime) -> int:
        local = moment.astimezone(self.request_tz)
        return (local.date() - self.dates[0]).days * DAY + local.hour * 60 + local.minute

    @property
    def request_tz(self):
        from ..timeutil import SHANGHAI

        return SHANGHAI

    def open_intervals(self, poi: Poi, day: int) -> list[tuple[int, int]]:
        """Absolute open intervals of ``poi`` on trip day ``day``."""
        return [(day * DAY + lo, day * DAY + hi) for lo, hi in hours.windows(poi.opening_hours, self.dates[day])]

    def visit_intervals(self, poi: Poi, day: int) -> list[tuple[int, int]]:
        """Absolute intervals when ``poi`` may be visited on ``day``
        (``daylight.visitable``: open, and in daylight if outdoors; never a
        venue on a day it holds a match, ``Catalog.match_day``)."""
        if self.catalog.match_day(poi.id, self.dates[day]):
            return []
        allowed = visitable(poi, self.dates[day])
        if poi.setting == "outdoor" and self.request.weather:
            allowed = without_spells(allowed, self.request.weather, day)
        if self.request.crowding is not None:
            length = self.visit_length(poi)[0]
            window = (
                (self.day_windows[day][0] - day * DAY, self.day_windows[day][1] - day * DAY)
                if len(self.day_windows) > day
                else (0, DAY)
            )
            allowed = crowd_intervals(
                self.request.crowding, self.request.avoid_crowds, poi.id, day, allowed, length, window
            )
        return [(day * DAY + lo, day * DAY + hi) for lo, hi in allowed]

    def visit_length(self, poi: Poi) -> tuple[int, int]:
        """(visit minutes, slack after it: the pace's, plus rests of a slower trip)."""
        length, slack = visit_length(poi, self.request.pace)
        length = self.short_visits.get(poi.id, length)
        rest = self.request.access.rest_after(length) if self.request.access else 0
        return length, slack + rest


def build(request: PlanRequest, catalog: Catalog, travel: TravelTimes, locks: Sequence[Lock] = ()) -> Problem:
    """The problem for ``request``; ``locks`` (replans) hold stops at their day and start."""
    dates = request.dates
    places: list[Place] = []
    index: dict[str, int] = {}

    def add_place(key: str, poi: Optional[Poi], lon: float, lat: float, name: Text) -> int:
        if key not in index:
            index[key] = len(places)
            places.append(Place(key, poi.id if poi else None, name, lon, lat))
        return index[key]

    lodging_places = []
    for _night, lodge in enumerate(request.lodging):
        if lodge.poi_id:
            poi = catalog.pois[lodge.poi_id]
            lodging_places.append(add_place(poi.id, poi, poi.lon, poi.lat, poi.name))
        else:
            lodging_places.append(
                add_place(
                    f"lodging@{lodge.lon:.6f},{lodge.lat:.6f}",
                    None,
                    lodge.lon,
                    lodge.lat,
                    Text(zh="住处", en="Your lodging"),
                )
            )
    ends: list[Optional[int]] = []
    for point in (request.arrive, request.depart):
        if point is None:
            ends.append(None)
        elif point.poi_id:
            hub = catalog.pois[point.poi_id]
            ends.append(add_place(hub.id, hub, hub.lon, hub.lat, hub.name))
        else:
            key = f"point@{point.lon:.6f},{point.lat:.6f}"
            ends.append(
                add_place(key, None, point.lon, point.lat, Text(zh="到达/离开地点", en="Arrival/departure point"))
            )
    route = catalog.routes[request.route] if request.route else None
    route_ids = set(route.stop_ids) if route else set()
    candidates: list[Poi] = []
    locked_visits = {lk.item_id for lk in locks if lk.kind == "visit"}
    pinned = dict(request.on_day)
    for poi in sorted(catalog.pois.values(), key=lambda p: p.id):
        if poi.id in request.avoid or poi.category == "lodging":
            continue
        if not_accessible(request, poi) and poi.id not in locked_visits:
            continue  # named in unscheduled (excluded below)
        named = poi.id in request.must_visit or poi.id in route_ids or poi.id in pinned or poi.id in locked_visits
        if named or (poi.category in SIGHT_CATEGORIES + ("venue",) and request.interest(poi.category) * poi.weight > 0):
            candidates.append(poi)
    events = [catalog.events[e] for e in request.events]
    optional_events = _optional_events(request, catalog, dates)
    meal_locked = {lk.item_id for lk in locks if lk.kind == "meal"}
    foods = [
        p
        for p in sorted(catalog.pois.values(), key=lambda p: p.id)
        # unknown hours (""): listed in the catalog, never planned as a meal
        if p.category == "food"
        and p.opening_hours
        and p.id not in request.avoid
        and request.meals
        and not not_accessible(request, p)
        and within_meal_budget(request, p)
    ]
    foods += [catalog.pois[p] for p in sorted(meal_locked) if catalog.pois[p] not in foods]
    for poi in candidates + foods + [catalog.pois[e.venue_id] for e in events + optional_events]:
        add_place(poi.id, poi, poi.lon, poi.lat, poi.name)

    matrix = travel.matrix([Point(p.lon, p.lat) for p in places], request.mode)
    problem = Problem(
        request,
        catalog,
        dates,
        [],
        places,
        matrix.minutes,
        matrix.km,
        place_index=index,
        lodging_places=lodging_places,
        locks=tuple(locks),
        first_place=ends[0],
        last_place=ends[1],
    )
    _apply_mobility(problem)
    if request.mode == "transit":
        _apply_rail(problem)
    problem.excluded.update(
        (p.id, "access_unknown" if p.accessibility.level == "unknown" else "not_step_free")
        for p in catalog.pois.values()
        if not_accessible(request, p) and p.category not in ("lodging", "hub")
    )
    problem.day_windows = _day_windows(problem, events, optional_events)
    held = _held_lengths(problem)
    problem.short_visits = dict(held)
    _precheck(problem, events)
    if locks:
        _precheck_locks(problem, events)
    if route is not None and route.ordered:
        problem.route_day, cut = _spine(problem, route)
        problem.short_visits = {**cut, **{p: min(m, cut.get(p, m)) for p, m in held.items()}}
    problem.foods = foods
    _add_tasks(problem, candidates, events, optional_events, foods, route_ids)
    problem.model = _model(problem, route.stop_ids if route and route.ordered else ())
    return problem


def _spine(problem: Problem, route: Route) -> tuple[dict[str, int], dict[str, int]]:
    """(route stop -> the day of its stretch, route stop -> its shortened
    visit minutes) from ``spine.cut`` and ``spine.trim`` on the real matrix."""
    req, index = problem.request, problem.place_index
    keys = [problem.places[p].key for p in problem.lodging_places]
    peak = max(max_time_factor(req.mode, w) for w in problem.day_windows)  # as the solver's matrix
    ids, cut = route_spine(
        problem.catalog,
        route,
        problem.dates,
        [(lo - d * DAY, hi - d * DAY) for d, (lo, hi) in enumerate(problem.day_windows)],
        req.pace,
        (req.lunch.start, req.lunch.end, req.lunch.minutes if req.meals else 0),
        [[k] for k in keys],
        lambda a, b: problem.base[index[a]][index[b]] * peak,
        skip=[p for p in route.stop_ids if p in req.avoid or p not in index],
    )
    # Trimmed stops (-1) are not pinned: the days cannot hold them all.
    days = {pid: day for pid, day in zip(ids, cut.day_of) if day >= 0}
    short = {}
    for pid, factor in zip(ids, cut.factor):
        if pid in days and factor < 1.0:
            spine_stop = shortened(SpineStop(0, visit_length(problem.catalog.pois[pid], req.pace)[0], 0, ()), factor)
            short[pid] = spine_stop.length
    return days, short


def _near_days(problem: Problem, poi: Poi) -> tuple[int, ...]:
    """Route trips: the days whose stretch of road or lodging is near ``poi``."""
    here = Point(poi.lon, poi.lat)
    out = []
    for d in range(problem.request.days):
        anchors = [problem.places[start_place(problem, d)], problem.places[end_place(problem, d)]]
        anchors += [problem.places[problem.place_index[p]] for p, day in problem.route_day.items() if day == d]
        if any(geodesic_km(here, Point(a.lon, a.lat)) <= NEAR_ROUTE_KM for a in anchors):
            out.append(d)
    return tuple(out)


def prize_units(request: PlanRequest, poi: Poi, on_route: bool) -> float:
    """Interest x weight x fame (``PRIZE_SCALE``); route stops at least ROUTE_UNITS x fame."""
    fame = poi.prominence / UNRATED
    units = request.interest(poi.category) * poi.weight * fame
    return max(units, ROUTE_UNITS * fame) if on_route else units


def _held_lengths(problem: Problem) -> dict[str, int]:
    """Locked visits keep the length they had in the plan they come from
    when it was shorter than the pace's (the route spine or a meal cut
    them), down to ``spine.shortest``: a replan's spine may cut differently,
    and the full length no longer fits the locked start (``lock_all`` on a
    Tang Poetry Road plan: Dafo Temple "not open at its locked time")."""
    out: dict[str, int] = {}
    for lock in problem.locks:
        if lock.kind != "visit" or lock.minutes is None:
            continue
        full = visit_length(problem.catalog.pois[lock.item_id], problem.request.pace)[0]
        if lock.minutes < full:
            out[lock.item_id] = max(lock.minutes, shortest(full))
    return out


def covered_route_units(request: PlanRequest, catalog: Catalog, poi: Poi, route_ids: Collection[str]) -> float:
    """A route stop's share of the route stops inside it that are no more
    prominent than itself: visiting Keyan covers Luzhen (``part_of``), so on
    the Keqiao route Keyan is worth both and the solver no longer keeps the
    smaller one because it is shorter. A lesser container (the Calligraphy
    Sage's hometown quarter, around Cai Yuanpei's residence) is not worth
    its famous part: measured, it displaced Zhou Enlai's home on the old-town
    walk."""
    if poi.id not in route_ids:
        return 0.0
    return sum(
        prize_units(request, catalog.pois[p], True)
        for p in sorted(route_ids)
        if p in catalog.pois and catalog.pois[p].part_of == poi.id and catalog.pois[p].prominence <= poi.prominence
    )


def not_accessible(request: PlanRequest, poi: Poi) -> bool:
    """A step-free trip (``access.wheelchair``/``stroller``) and a place not known to suit it."""
    levels = request.access.levels if request.access else None
    return levels is not None and poi.accessibility.level not in levels


def _apply_mobility(problem: Problem) -> None:
    """Slower walking, and taxis for walks over ``access.max_walk_m`` (route metres)."""
    access = problem.request.access
    if access is None:
        return
    walk = PROFILES["walk"]
    # copies: a travel provider may hand the same matrix to other requests
    problem.base = [row[:] for row in problem.base]
    problem.km = [row[:] for row in problem.km]
    for a in range(len(problem.places)):
        for b in range(len(problem.places)):
            if a == b or leg_mode(problem.request.mode, problem.km[a][b]) != "walk":
                continue
            if access.max_walk_m is not None and problem.km[a][b] * 1000 > access.max_walk_m:
                minutes, km = mode_minutes("taxi", problem.km[a][b] / walk.circuity)
                problem.base[a][b], problem.km[a][b] = minutes, km
                problem.taxi_legs.add((a, b))
            else:
                problem.base[a][b] *= access.walk_factor


def _apply_rail(problem: Problem) -> None:
    """Legs by rail or metro (``rail.rail_legs``) take the rail trip's minutes and km."""
    points = [Point(p.lon, p.lat) for p in problem.places]
    problem.rail_legs = rail_legs(problem.catalog, points, problem.base)
    if problem.rail_legs:
        problem.base = [row[:] for row in problem.base]  # copies, as in _apply_mobility
        problem.km = [row[:] for row in problem.km]
        for (a, b), trip in problem.rail_legs.items():
            problem.base[a][b], problem.km[a][b] = float(trip.minutes), trip.km


def commute(problem: Problem, day: int) -> int:
    """Minutes from the day's start to the nearest sight open for a visit that
    day (on a route trip: the nearest of that day's route stops), plus from
    the nearest such sight to the day's end: travel no plan of the day can
    avoid (a hotel in Hangzhou, by the metro; an old-town hotel on the Tang
    road). Free-flow minutes of the problem's own travel rule; 0 before the
    tasks exist."""
    start, end = start_place(problem, day), end_place(problem, day)
    lo, hi = problem.day_windows[day]
    reachable = [t.place for t in problem.tasks if t.kind == "visit" and any(a < hi and b >= lo for a, b in t.windows)]
    # A route day must reach its own stretch of the road (``spine``): the
    # nearest of that day's route stops, not a sight beside the hotel.
    on_road = {problem.place_index[p] for p, d in problem.route_day.items() if d == day and p in problem.place_index}
    if on_road & set(reachable):
        reachable = [x for x in reachable if x in on_road]
    if not reachable:
        return 0
    return ceil_minutes(min(problem.base[start][x] for x in reachable) + min(problem.base[x][end] for x in reachable))


def start_place(problem: Problem, day: int) -> int:
    if day == 0 and problem.first_place is not None:
        return problem.first_place
    return problem.lodging_places[max(0, day - 1)]


def end_place(problem: Problem, day: int) -> int:
    if day == problem.request.days - 1 and problem.last_place is not None:
        return problem.last_place
    return problem.lodging_places[day]


def festival_days(problem: Problem) -> dict[str, set[int]]:
    """POI id -> trip days on which a scheduled festival, ceremony or show
    takes place there (``FESTIVAL_DAY_UNITS``), timed or not."""
    out: dict[str, set[int]] = {}
    for e in events_between(problem.catalog.events, problem.dates[0], problem.dates[-1]):
        day = e.start.date()
        if e.kind != "match" and e.status == "scheduled" and day in problem.dates:
            out.setdefault(e.venue_id, set()).add(problem.dates.index(day))
    return out


def _optional_events(request: PlanRequest, catalog: Catalog, dates: list[date]) -> list[Event]:
    """Matches of ``want_sports`` and timed festivals/ceremonies/shows of
    ``want_events`` on the trip's dates (series dates included)."""
    if not request.want_sports and not request.want_events:
        return []
    return [
        e
        for e in events_between(catalog.events, dates[0], dates[-1])
        if (e.sport in request.want_sports if e.kind == "match" else e.kind in request.want_events)
        and e.timed
        and e.status == "scheduled"
        and e.id not in request.events
        and e.id not in request.avoid_events
        and dates[0] <= e.start.date() <= dates[-1]
    ]


def _conservative(problem: Problem, a: int, b: int, day: int, surge: float = 1.0) -> int:
    factor = max_time_factor(problem.request.mode, problem.day_windows[day]) if problem.day_windows else 1.0
    return ceil_minutes(problem.base[a][b] * factor * surge)


def _day_windows(problem: Problem, events: list[Event], optional: Sequence[Event] = ()) -> list[tuple[int, int]]:
    """The day window, stretched on match days so that the match fits.

    Required events stretch their day outright. Optional ones (an evening
    match of ``want_sports``) stretch it too, but only as far as the day may
    go *if* it attends one: ``problem.base_windows`` keeps the windows before
    that, and the solver holds a day without the match to them.
    """
    req = problem.request
    windows = [(d * DAY + req.window(d)[0], d * DAY + req.window(d)[1]) for d in range(req.days)]
    span = service_span(problem.catalog, problem.rail_legs)
    if span is not None:
        # every train boarded between the first and the last (``rail.service_span``)
        windows = [(max(lo, d * DAY + span[0]), min(hi, d * DAY + span[1])) for d, (lo, hi) in enumerate(windows)]
    problem.day_windows = windows
    _stretch(problem, windows, events)
    problem.base_windows = list(windows)
    # Each optional event on its own: attending it allows its own stretch only.
    # Only the evening end moves: an optional session is never a reason to
    # leave before the traveller's day_start (the 18:30 baseball, ending 21:30,
    # is; a 09:00 softball game an hour away is not, when 11:30 and 15:30
    # sessions fit the day as asked).
    for event in optional:
        d = (event.start.date() - problem.dates[0]).days
        trial = list(problem.base_windows)
        problem.day_windows = trial  # ``_conservative`` reads the day's window
        _stretch(problem, trial, [event])
        problem.event_windows[event.id] = (lo, hi) = (problem.base_windows[d][0], trial[d][1])
        windows[d] = (windows[d][0], max(windows[d][1], hi))
    problem.day_windows = windows
    return windows


def _stretch(problem: Problem, windows: list[tuple[int, int]], events: Sequence[Event]) -> None:
    """Widen (in place) the windows of the events' days so that each event fits."""
    for event in events:
        d = (event.start.date() - problem.dates[0]).days
        venue = problem.catalog.pois[event.venue_id]
        v = problem.place_index[venue.id]
        buffer = venue.entry_buffer + event.slack
        surge = venue.venue.egress_surge_factor if venue.venue else 1.0
        lo, hi = windows[d]
        for _ in range(3):
            # Stretching can pull a rush hour into the window and so raise the
            # conservative factor: repeat until the window fits its own factor.
            go = _conservative(problem, start_place(problem, d), v, d)
            back = _conservative(problem, v, end_place(problem, d), d, surge)
            stretched = (
                min(lo, problem.abs_time(event.start) - buffer - go),
                max(hi, problem.abs_time(event.end) + event.slack + back),
            )
            if stretched == windows[d]:
                break
            windows[d] = stretched


def _precheck(problem: Problem, events: list[Event]) -> None:
    """Catch the common impossible requests before solving, naming the items."""
    req, catalog = problem.request, problem.catalog
    ordered = sorted(events, key=lambda e: e.start)
    for a, b in zip(ordered, ordered[1:]):
        va, vb = catalog.pois[a.venue_id], catalog.pois[b.venue_id]
        buffer = vb.entry_buffer + b.slack
        surge = va.venue.egress_surge_factor if va.venue else 1.0
        move = ceil_minutes(problem.base[problem.place_index[va.id]][problem.place_index[vb.id]] * surge)
        if problem.abs_time(a.end) + a.slack + move > problem.abs_time(b.start) - buffer:
            raise infeasible(
                f"赛事场次 {a.id} 与 {b.id} 时间冲突（含入场提前量和交通时间）",
                f"Events {a.id} and {b.id} overlap once the entry buffer and travel are counted",
                [a.id, b.id],
                "events",
            )
    for i, poi_id in enumerate(req.must_visit):
        poi = catalog.pois[poi_id]
        length, _ = problem.visit_length(poi)
        fits = any(
            min(hi, problem.day_windows[d][1]) - max(lo, problem.day_windows[d][0]) >= length
            for d in range(req.days)
            for lo, hi in problem.visit_intervals(poi, d)
        )
        if not fits and _why_not(problem, poi, length) == "capacity":
            raise YueyouError(
                "capacity_full",
                Text(
                    f"必去地点 {poi.name.zh} 在行程期间已约满（剩余名额不够 {req.group_size} 人）",
                    f"Must-visit {poi.name.en} is fully booked on the trip days (fewer than {req.group_size} places left)",
                ),
                field=f"must_visit[{i}]",
                status=409,
                details={"conflicts": [poi_id]},
            )
        if not fits and _why_not(problem, poi, length) == "match_days":
            raise infeasible(
                f"必去地点 {poi.name.zh} 在行程的每一天都有比赛，比赛日只凭票入场：请改选它的一场比赛（events）",
                f"Must-visit {poi.name.en} holds matches on every day of the trip and only ticket holders go in: "
                "ask for one of its matches (events) instead",
                [poi_id],
                f"must_visit[{i}]",
            )
        if not fits:
            raise infeasible(
                f"必去地点 {poi.name.zh} 在行程的每一天都不开放（或开放时间不足以游览）",
                f"Must-visit {poi.name.en} is not open long enough on any day of the trip",
                [poi_id],
                f"must_visit[{i}]",
            )
    for poi_id, d in req.on_day:
        poi = catalog.pois[poi_id]
        length, _ = problem.visit_length(poi)
        if not any(
            min(hi, problem.day_windows[d][1]) - max(lo, problem.day_windows[d][0]) >= length
            for lo, hi in problem.visit_intervals(poi, d)
        ):
            raise infeasible(
                f"{poi.name.zh} 在 {problem.dates[d]} 不开放（或开放时间不足以游览）",
                f"{poi.name.en} is not open long enough on {problem.dates[d]}",
                [poi_id],
                f"on_day.{poi_id}",
            )
    if req.budget_cny is not None:
        required = list(
            dict.fromkeys(
                list(req.must_visit)
                + [p for p, _ in req.on_day]
                + [lk.item_id for lk in problem.locks if lk.kind == "visit"]
            )
        )
        named = [(e.id, e.ticket_cny or 0.0) for e in events] + [
            (p, catalog.pois[p].ticket_cny or 0.0) for p in required
        ]
        total = sum(t for _, t in named)
        if total > req.budget_cny + 1e-9:
            raise infeasible(
                f"预算 {req.budget_cny:g} 元低于必需门票合计 {total:g} 元",
                f"The budget of {req.budget_cny:g} CNY is below the {total:g} CNY of required tickets",
                [i for i, t in named if t > 0],
                "budget_cny",
            )


def _fixed_stops(
    problem: Problem, events: list[Event]
) -> list[list[tuple[int, int, int, Optional[Event], Lock | Event]]]:
    """Per day: (arrive by, depart, place, event, source) of every stop whose time is fixed."""
    catalog, req = problem.catalog, problem.request
    out: list[list] = [[] for _ in range(req.days)]
    event_locks = {lk.item_id: lk for lk in problem.locks if lk.kind == "event"}
    for event in events:
        venue = catalog.pois[event.venue_id]
        buffer = venue.entry_buffer + event.slack
        d = (event.start.date() - problem.dates[0]).days
        out[d].append(
            (
                problem.abs_time(event.start) - buffer,
                problem.abs_time(event.end) + event.slack,
                problem.place_index[venue.id],
                event,
                event_locks.get(event.id, event),
            )
        )
    for lock in problem.locks:
        if lock.kind == "event":
            continue  # an event lock is its (mandatory) event, above
        poi = catalog.pois[lock.item_id]
        if lock.kind == "meal":
            window = req.meal_window(lock.meal)
            length, after = window.minutes, 0
        else:
            length, after = problem.visit_length(poi)
        out[lock.day].append((lock.start, lock.start + length + after, problem.place_index[poi.id], None, lock))
    for day in out:
        day.sort(key=lambda s: (s[0], s[1]))
    return out


def _lock_name(problem: Problem, source: Lock | Event) -> tuple[str, Text]:
    if isinstance(source, Lock):
        if source.kind == "event":
            return source.item_id, problem.catalog.events[source.item_id].title
        name = problem.catalog.pois[source.item_id].name
        if source.kind == "meal":
            meal = MEAL_NAMES[source.meal or "lunch"]
            name = Text(zh=f"{name.zh}（{meal.zh}）", en=f"{name.en} ({meal.en})")
        return source.item_id, name
    return source.id, source.title


def _precheck_locks(problem: Problem, events: list[Event]) -> None:
    """A locked stop the edits made impossible is a 422 naming the lock.

    Checks, with the exact travel rule, each day's chain of fixed stops
    (locks and matches): opening hours still hold, the first is reachable
    from the morning lodging inside the day window, each is reachable from
    the previous one, and the evening lodging is reachable in time.
    """
    catalog = problem.catalog
    by_day = _fixed_stops(problem, events)

    def fail(zh: str, en: str, sources: list) -> Unprocessable:
        """Names every item involved; the field is the (first) lock's."""
        ids = list(dict.fromkeys(_lock_name(problem, s)[0] for s in sources))
        locks = [s for s in sources if isinstance(s, Lock)]
        return infeasible(zh, en, ids, locks[0].field if locks else "events")

    for lock in problem.locks:
        if lock.kind == "event":
            continue
        poi = catalog.pois[lock.item_id]
        if lock.kind == "visit":
            length, _ = problem.visit_length(poi)
        else:
            window = problem.request.meal_window(lock.meal)
            length = window.minutes
            if not (lock.day * DAY + window.start <= lock.start <= lock.day * DAY + window.end - length):
                _, name = _lock_name(problem, lock)
                raise fail(
                    f"锁定的{name.zh}不在用餐时间段内", f"The locked {name.en} is outside the meal window", [lock]
                )
        if not any(lo <= lock.start and lock.start + length <= hi for lo, hi in problem.open_intervals(poi, lock.day)):
            _, name = _lock_name(problem, lock)
            raise fail(
                f"锁定的{name.zh}在原定时间不开放", f"The locked {name.en} is not open at its locked time", [lock]
            )
    for d, stops in enumerate(by_day):
        if not any(isinstance(s[4], Lock) for s in stops):
            continue
        day_lo, day_hi = problem.day_windows[d]
        place, depart, last_event, prev = start_place(problem, d), day_lo, None, None
        for arrive_by, leave, at, event, source in stops:
            arrive = depart + problem.leg(place, at, depart, last_event)
            if arrive > arrive_by and (isinstance(source, Lock) or isinstance(prev, Lock)):
                _, name = _lock_name(problem, source)
                if prev is None:
                    raise fail(
                        f"{problem.dates[d]} 从住处出发（时间段 {_hm(day_lo)} 起）无法按时到达锁定的{name.zh}",
                        f"On {problem.dates[d]}, leaving the lodging at {_hm(day_lo)} (the day window) "
                        f"cannot reach the locked {name.en} in time",
                        [source],
                    )
                _, prev_name = _lock_name(problem, prev)
                raise fail(
                    f"{problem.dates[d]} 的{prev_name.zh}之后无法按时到达锁定的{name.zh}",
                    f"On {problem.dates[d]}, the locked {name.en} cannot be reached in time after {prev_name.en}",
                    [source, prev],
                )
            place, depart, prev = at, max(depart, leave), source
            last_event = event or last_event
        back = depart + problem.leg(place, end_place(problem, d), depart, last_event)
        if back > day_hi and isinstance(prev, Lock):
            _, name = _lock_name(problem, prev)
            raise fail(
                f"{problem.dates[d]} 在锁定的{name.zh}之后无法在时间段结束（{_hm(day_hi)}）前回到住处",
                f"On {problem.dates[d]}, after the locked {name.en} the lodging cannot be reached "
                f"before the day window ends ({_hm(day_hi)})",
                [prev],
            )


def _hm(minute: int) -> str:
    return f"{minute % DAY // 60:02d}:{minute % 60:02d}"


def _add_tasks(
    problem: Problem,
    candidates: list[Poi],
    events: list[Event],
    optional_events: list[Event],
    foods: list[Poi],
    route_ids: set[str],
) -> None:
    req, tasks = problem.request, problem.tasks
    visit_locks = {lk.item_id: lk for lk in problem.locks if lk.kind == "visit"}
    meal_locks = {(lk.day, lk.meal): lk for lk in problem.locks if lk.kind == "meal"}
    for d in range(req.days):  # depots first: node 2d = start of day d, 2d+1 = end
        tasks.append(Task("lodging", start_place(problem, d), 0, 0, (), day=d))
        tasks.append(Task("lodging", end_place(problem, d), 0, 0, (), day=d))
        problem.day_vehicle_nodes.append((2 * d, 2 * d + 1))
    for event in events + optional_events:
        venue = problem.catalog.pois[event.venue_id]
        buffer = venue.entry_buffer + event.slack
        arrive_by = problem.abs_time(event.start) - buffer
        mandatory = event.id in req.events
        tasks.append(
            Task(
                "event",
                problem.place_index[venue.id],
                problem.abs_time(event.end) - problem.abs_time(event.start),
                event.slack,  # an estimated time: leave later too
                ((arrive_by, arrive_by),),
                prize_units=0.0
                if mandatory
                else max(SPORT_UNITS, req.interest("venue"))
                if event.kind == "match"
                else EVENT_UNITS,
                ticket=event.ticket_cny,
                mandatory=mandatory,
                event=event,
                entry_buffer=buffer,
                day=(event.start.date() - problem.dates[0]).days,
            )
        )
    for poi in candidates:
        length, slack = problem.visit_length(poi)
        lock, pin = visit_locks.get(poi.id), req.pinned_day(poi.id)
        day = lock.day if lock else pin
        if lock:
            windows = [(lock.start, lock.start)]
        else:
            windows = _visit_windows(problem, poi, length)
            if pin is not None:
                windows = [(lo, hi) for lo, hi in windows if pin * DAY <= lo < (pin + 1) * DAY]
        if not windows:
            problem.excluded[poi.id] = _why_not(problem, poi, length)
            continue
        days = None
        if problem.route_day and lock is None and pin is None and poi.id not in req.must_visit:
            days = _route_days(problem, poi, windows)
            if not days:
                problem.excluded[poi.id] = "off_route"
                continue
        tasks.append(
            Task(
                "visit",
                problem.place_index[poi.id],
                length,
                slack,
                tuple(windows),
                prize_units=prize_units(req, poi, poi.id in route_ids)
                + covered_route_units(req, problem.catalog, poi, route_ids),
                ticket=poi.ticket_cny,
                mandatory=poi.id in req.must_visit or lock is not None or pin is not None,
                poi=poi,
                day=day,
                days=days,
            )
        )
    if req.meals:
        # the days each sight can be visited on (its hours, its route days)
        visit_days = {
            t.the_poi.id: {lo // DAY for lo, _ in t.windows} & set(t.days if t.days is not None else range(req.days))
            for t in tasks
            if t.kind == "visit"
        }
        inside_all = _inside_options(foods, candidates)
        for d in range(req.days):
            offered = _meal_options(problem, foods, d)
            offered_ids = {f.id for f in offered}
            inside = {
                f: sights
                for f, sights in inside_all.items()
                if f.id not in offered_ids and any(d in visit_days.get(p, ()) for p in sights)  # its sight that day
            }
            for meal, window in (("lunch", req.lunch), ("dinner", req.dinner)):
                held = meal_locks.get((d, meal))
                if held is not None:  # only the locked restaurant, at the locked time
                    tasks.append(
                        Task(
                            "meal",
                            problem.place_index[held.item_id],
                            window.minutes,
                            0,
                            ((held.start, held.start),),
                            ticket=None,
                            mandatory=True,
                            poi=problem.catalog.pois[held.item_id],
                            meal=meal,
                            day=d,
                        )
                    )
                    continue
                for poi in offered + sorted(inside, key=lambda f: f.id):
                    windows = _meal_windows(problem, poi, d, window.start, window.end, window.minutes)
                    if windows:
                        if poi in inside:
                            problem.inside_meals[len(tasks)] = inside[poi]
                        tasks.append(
                            Task(
                                "meal",
                                problem.place_index[poi.id],
                                window.minutes,
                                0,
                                tuple(windows),
                                ticket=None,
                                poi=poi,
                                meal=meal,
                                day=d,
                            )
                        )


def _route_days(problem: Problem, poi: Poi, windows: list[tuple[int, int]]) -> tuple[int, ...]:
    """Route trips: a stop keeps to its stretch's day (or a neighbour when it
    is closed that day); other sights to the days whose stretch is near."""
    open_days = {lo // DAY for lo, _ in windows}
    own = problem.route_day.get(poi.id)
    if own is None:
        route = problem.catalog.routes.get(problem.request.route or "")
        if route is not None and poi.id in route.stop_ids:
            # A stop the spine trimmed (the days cannot hold the whole route):
            # any day may still take it, route order places it.
            return tuple(sorted(open_days))
        return tuple(d for d in _near_days(problem, poi) if d in open_days)
    for choice in ((own,), (own - 1, own + 1), (own - 2, own + 2)):
        days = tuple(d for d in choice if d in open_days)
        if days:
            return days
    return tuple(sorted(open_days))


MEAL_OPTIONS = 6  # restaurants offered to the solver per meal: nearest to the day's lodgings


# A traveller with a ticket budget eats where a meal costs at most the day's
# share of that budget, and never less than this (a bowl of noodles): the
# 30 CNY walker was sent to Xianheng Tavern (60-120 CNY a head) twice.
CHEAP_MEAL_CNY = 30


def within_meal_budget(request: PlanRequest, poi: Poi) -> bool:
    """Whether a food place fits a budget traveller: its cheapest price per
    person (``food.price_per_person_cny``, low end) is at most the day's
    share of ``budget_cny`` or ``CHEAP_MEAL_CNY``, whichever is more;
    unknown prices and trips without a budget pass."""
    price = poi.food.price_per_person_cny if poi.food is not None else None
    if request.budget_cny is None or price is None:
        return True
    return price[0] <= max(CHEAP_MEAL_CNY, request.budget_cny / request.days)


def meal_task(problem: Problem, poi: Poi, d: int, meal: str) -> Optional[int]:
    """The task index of a meal at ``poi`` on day ``d`` (appended after the
    solve when the solver was not offered it: the repair's wider choice, never
    a solver node), or None when its hours miss the meal window."""
    for i, t in enumerate(problem.tasks):
        if (
            t.kind == "meal"
            and t.day == d
            and t.meal == meal
            and t.poi is not None
            and t.poi.id == poi.id
            and not t.packed
        ):
            return i
    window = problem.request.meal_window(meal)
    windows = _meal_windows(problem, poi, d, window.start, window.end, window.minutes)
    if not windows:
        return None
    problem.tasks.append(
        Task("meal", problem.place_index[poi.id], window.minutes, 0, tuple(windows), poi=poi, meal=meal, day=d)
    )
    return len(problem.tasks) - 1


def visit_task(problem: Problem, item: int, length: int) -> Optional[int]:
    """The task index of visit ``item`` at ``length`` minutes (appended after
    the solve, with start windows for that length: a longer visit must still
    end inside the hours and daylight), or None when no window holds it."""
    task = problem.tasks[item]
    for i, t in enumerate(problem.tasks):
        if t.kind == "visit" and t.poi is task.poi and t.duration == length and t.days == task.days:
            return i
    windows = _visit_windows(problem, task.the_poi, length)
    if not windows:
        return None
    problem.tasks.append(replace(task, duration=length, windows=tuple(windows)))
    return len(problem.tasks) - 1


def _meal_options(problem: Problem, foods: list[Poi], d: int) -> list[Poi]:
    """The few restaurants worth offering for a day's meals.

    Every extra optional node slows the local search; restaurants far from
    both of the day's lodgings are rarely the right lunch. Must-visit and
    route stops pull their nearest restaurant in too. (Also offering the
    restaurant beside each sight away from the lodgings, such as Lufu in
    Luzhen, was measured and rejected: the meal prizes lured days out, 31 ->
    35 guide faults. A restaurant inside a sight is offered on its own
    terms: ``_inside_options``.)
    """
    homes = (start_place(problem, d), end_place(problem, d))
    if problem.route_day:
        # Route trips: only restaurants near the day's stretch of road or its lodgings,
        # so lunch is where the day is (none near: the meal is reported, not a detour).
        anchors = list(homes) + [problem.place_index[p] for p, day in problem.route_day.items() if day == d]
        foods = [
            f
            for f in foods
            if any(
                geodesic_km(Point(f.lon, f.lat), Point(problem.places[a].lon, problem.places[a].lat)) <= NEAR_ROUTE_KM
                for a in anchors
            )
        ]
    ranked = sorted(foods, key=lambda f: (min(problem.base[h][problem.place_index[f.id]] for h in homes), f.id))
    chosen = {f.id: f for f in ranked[:MEAL_OPTIONS]}
    named = list(problem.request.must_visit) + (
        list(problem.catalog.routes[problem.request.route].stop_ids) if problem.request.route else []
    )
    for poi_id in named:
        p = problem.place_index.get(poi_id)
        if problem.route_day and problem.route_day.get(poi_id, d) != d:
            continue
        if p is not None and foods:
            near = min(foods, key=lambda f: (problem.base[p][problem.place_index[f.id]], f.id))
            chosen.setdefault(near.id, near)
    return sorted(chosen.values(), key=lambda f: f.id)


def _inside_options(foods: list[Poi], candidates: list[Poi]) -> dict[Poi, tuple[str, ...]]:
    """Restaurants inside a sight (``part_of``: Lufu in Luzhen, the tea room
    at the Orchid Pavilion, Guyue Street at Xi Shi's hometown) -> the
    candidate sights within a short walk (``WALK_BELOW_KM``) of them: the
    container and its other parts. A day offers those ``_meal_options``
    did not.

    The model offers such a meal only on a day that visits one of those
    sights (``Model.requires``), so it never lures a day out by itself (as
    offering every restaurant beside a sight did: 31 -> 35 guide faults);
    it lets a week from one old-town hotel, whose six restaurants near it
    hold 12 meals at two each, lunch in Luzhen on its Luzhen day."""
    out: dict[Poi, tuple[str, ...]] = {}
    for f in foods:
        if not f.part_of:
            continue
        here = Point(f.lon, f.lat)
        near = tuple(
            sorted(
                c.id
                for c in candidates
                if c.id != f.id
                and (c.id == f.part_of or c.part_of == f.part_of)
                and geodesic_km(here, Point(c.lon, c.lat)) <= WALK_BELOW_KM
            )
        )
        if near:
            out[f] = near
    return out


def _visit_windows(problem: Problem, poi: Poi, length: int) -> list[tuple[int, int]]:
    """Start windows over all days, also trimmed so the day's lodging is reachable."""
    place = problem.place_index[poi.id]
    out = []
    for d in range(problem.request.days):
        day_lo, day_hi = problem.day_windows[d]
        earliest = day_lo + _conservative(problem, start_place(problem, d), place, d)
        latest_end = day_hi - _conservative(problem, place, end_place(problem, d), d)
        for lo, hi in problem.visit_intervals(poi, d):
            s_lo, s_hi = max(lo, earliest), min(hi, latest_end) - length
            if s_lo <= s_hi:
                out.append((s_lo, s_hi))
    return out


def _meal_windows(problem: Problem, poi: Poi, d: int, start: int, end: int, minutes: int) -> list[tuple[int, int]]:
    place = problem.place_index[poi.id]
    day_lo, day_hi = problem.day_windows[d]
    earliest = max(day_lo + _conservative(problem, start_place(problem, d), place, d), d * DAY + start)
    latest_end = min(day_hi - _conservative(problem, place, end_place(problem, d), d), d * DAY + end)
    out = []
    for lo, hi in problem.open_intervals(poi, d):
        s_lo, s_hi = max(lo, earliest), min(hi, latest_end) - minutes
        if s_lo <= s_hi:
            out.append((s_lo, s_hi))
    return out


def _why_not(problem: Problem, poi: Poi, length: int) -> str:
    if all(problem.catalog.match_day(poi.id, day) for day in problem.dates):
        return "match_days"
    for d in range(problem.request.days):
        lo_day, hi_day = problem.day_windows[d]
        if any(min(hi, hi_day) - max(lo, lo_day) >= length for lo, hi in problem.visit_intervals(poi, d)):
            return "too_far"
    crowding = problem.request.crowding
    if crowding is not None and any(p == poi.id for p, _, _ in crowding.full):
        return "capacity"  # checked first: a full sight is full whatever the weather or the hour
    if (
        poi.setting == "outdoor"
        and problem.request.weather
        and any(
            min(hi, hi_day) - max(lo, lo_day) >= length
            for d in range(problem.request.days)
            for lo_day, hi_day in [problem.day_windows[d]]
            for lo, hi in ((d * DAY + a, d * DAY + b) for a, b in visitable(poi, problem.dates[d]))
        )
    ):
        return "weather"
    if poi.setting == "outdoor" and any(
        min(hi, hi_day) - max(lo, lo_day) >= length
        for d in range(problem.request.days)
        for lo_day, hi_day in [problem.day_windows[d]]
        for lo, hi in problem.open_intervals(poi, d)
    ):
        return "dark"
    return "closed"


def _locked_tasks(problem: Problem) -> set[int]:
    keys = {lk.key for lk in problem.locks}
    out = set()
    for i, t in enumerate(problem.tasks):
        key = (
            ("event", t.event.id)
            if t.kind == "event" and t.event
            else ("visit", t.poi.id)
            if t.kind == "visit" and t.poi
            else ("meal", t.day, t.meal)
            if t.kind == "meal" and t.mandatory
            else None
        )
        if key in keys:
            out.add(i)
    return out


def _exact_rows(problem: Problem, matrices: list[list[list[int]]]) -> None:
    """With locks, departures from locked stops are known exactly: their rows
    use the exact time-of-day factor instead of the day's peak, and so do the
    morning lodgings (the re-timing leaves at the window start). Still sound:
    the re-timed plan never arrives later than the solver's. Without this a
    tightly packed locked sequence, exact in the previous plan, would not fit
    the conservative matrix."""
    req, tasks = problem.request, problem.tasks
    venues_surge = {}
    for t in tasks:
        if t.kind == "event":
            venue = problem.catalog.pois[t.event.venue_id].venue  # type: ignore[union-attr]
            venues_surge[t.place] = venue.egress_surge_factor if venue else 1.0
    fixed: dict[int, int] = {}
    for i, t in enumerate(tasks):
        if t.kind == "lodging" and i % 2 == 0:
            fixed[i] = problem.day_windows[t.day][0]  # type: ignore[index]
        elif t.kind in ("visit", "meal") and len(t.windows) == 1 and t.windows[0][0] == t.windows[0][1]:
            fixed[i] = t.windows[0][0] + t.duration + t.after  # one possible start: a fixed departure
        elif t.kind == "event":
            fixed[i] = t.windows[0][0] + t.service
    for i, depart in fixed.items():
        t_from = tasks[i]
        if t_from.kind == "lodging":
            surge = 1.0
        else:
            surge = venues_surge.get(t_from.place, 1.0)
        factor = time_factor(req.mode, depart % DAY) * surge
        base_row = problem.base[t_from.place]
        row = [ceil_minutes(base_row[t_to.place] * factor) for t_to in tasks]
        for matrix in matrices:
            matrix[i] = [min(old, new) for old, new in zip(matrix[i], row)]


def _unstretched(problem: Problem, day_matrix: list[list[list[int]]], i: int) -> tuple[tuple[int, int], ...]:
    """Task ``i``'s start windows, held inside the traveller's own hours on
    days stretched only for an optional match (``Problem.base_windows``);
    ``day_matrix[d]``: day d's solver matrix.

    Everything but the match must fit the unstretched day, the way there and
    home included (with the day's conservative matrix): so a day that does
    not attend the match keeps its hours, and only the match may run late.
    """
    task, out = problem.tasks[i], []
    for lo, hi in task.windows:
        d = lo // DAY
        if 0 <= d < len(problem.base_windows) and problem.base_windows[d] != problem.day_windows[d]:
            base_lo, base_hi = problem.base_windows[d]
            matrix = day_matrix[d]
            home, away = problem.day_vehicle_nodes[d]
            lo = max(lo, base_lo + matrix[home][i])
            hi = min(hi, base_hi - task.service - matrix[i][away])
            if lo > hi:
                continue
        out.append((lo, hi))
    return tuple(out)


def _model(problem: Problem, route_order: tuple[str, ...]) -> solver.Model:
    req, tasks = problem.request, problem.tasks
    _, _, max_visits = PACE[req.pace]
    n = len(tasks)
    # One conservative matrix per distinct peak factor (usually one or two).
    factors = sorted({max_time_factor(req.mode, w) for w in problem.day_windows})
    matrices = []
    for factor in factors:
        rows = []
        for t_from in tasks:
            surge = 1.0
            if t_from.kind == "event":
                venue = problem.catalog.pois[t_from.the_event.venue_id].venue
                surge = venue.egress_surge_factor if venue else 1.0
            base_row = problem.base[t_from.place]
            rows.append([ceil_minutes(base_row[t_to.place] * factor * surge) for t_to in tasks])
        matrices.append(rows)
    if problem.locks:
        _exact_rows(problem, matrices)
    locked = _locked_tasks(problem)
    festive = festival_days(problem)
    # each day's (conservative) matrix, as its vehicle gets it below
    day_matrix = [matrices[factors.index(max_time_factor(req.mode, w))] for w in problem.day_windows]
    nodes = []
    for i, task in enumerate(tasks):
        if task.kind == "lodging":
            nodes.append(solver.Node())
            continue
        windows = task.windows if task.kind == "event" or i in locked else _unstretched(problem, day_matrix, i)
        allowed: Optional[tuple[int, ...]] = None
        if task.day is not None:
            allowed = (task.day,)
        else:
            allowed = tuple(
                d
                for d in range(req.days)
                if any(problem.day_windows[d][0] <= lo <= problem.day_windows[d][1] for lo, _ in windows)
                and (task.days is None or d in task.days)
            )
        if task.windows and not windows:
            allowed = ()  # it fits no day's own hours: never visited
        prize = (
            LOCK_PENALTY
            if i in locked
            else MANDATORY_PENALTY
            if task.mandatory
            else int(round(task.prize_units * PRIZE_SCALE))
        )
        vehicle_cost: tuple[int, ...] = ()
        feast = festive.get(task.the_poi.id, set()) if task.kind == "visit" else set()
        if feast and len(feast) < req.days and task.days is None and i not in locked and not task.mandatory:
            bonus = int(round(FESTIVAL_DAY_UNITS * PRIZE_SCALE))
            prize += bonus  # earned on a festival day; any other day pays it back
            vehicle_cost = tuple(0 if d in feast else bonus for d in range(req.days))
        nodes.append(
            solver.Node(
                service=task.service,
                windows=windows,
                prize=prize,
                demand=int(-(-(task.ticket or 0) // 1)) if req.budget_cny is not None else 0,
                count=1 if task.kind == "visit" else 0,
                allowed_vehicles=allowed,
                visiting=task.duration if task.kind in ("visit", "event") else 0,
                vehicle_cost=vehicle_cost,
            )
        )
    groups = []
    for d in range(req.days):
        for meal in ("lunch", "dinner"):
            members = tuple(
                i for i, t in enumerate(tasks) if t.kind == "meal" and t.day == d and t.meal == meal and not t.mandatory
            )
            if members:
                groups.append(solver.Group(members, int(MEAL_UNITS * PRIZE_SCALE)))
    # One session of each sport the traveller asked for (``WISH_UNITS``).
    sports: dict[str, list[int]] = {}
    for i, t in enumerate(tasks):
        if t.kind == "event" and t.event and not t.mandatory and t.event.kind == "match":
            sports.setdefault(t.event.sport or "", []).append(i)
    groups += [
        solver.Group(tuple(members), int(WISH_UNITS * PRIZE_SCALE), essential=True) for members in sports.values()
    ]
    vehicles = [
        solver.Vehicle(
            start=2 * d,
            end=2 * d + 1,
            window=problem.day_windows[d],
            matrix=factors.index(max_time_factor(req.mode, problem.day_windows[d])),
            max_stops=max_visits,
            unavoidable=commute(problem, d),
        )
        for d in range(req.days)
    ]
    by_poi = {t.the_poi.id: i for i, t in enumerate(tasks) if t.kind == "visit"}
    present = [by_poi[p] for p in route_order if p in by_poi]
    precedences = [(a, b) for k, a in enumerate(present) for b in present[k + 1 :]]
    capacity = int(req.budget_cny // 1) if req.budget_cny is not None else None
    if capacity is not None and capacity >= sum(node.demand for node in nodes):
        # A budget above every ticket together cannot bind (and 1e307 CNY
        # would overflow the solver's 64-bit dimension).
        capacity = None
    # Not the same restaurant for lunch and dinner on one day.
    meal_nodes: dict[tuple[int, str], list[int]] = {}
    for i, t in enumerate(tasks):
        if t.kind == "meal":
            meal_nodes.setdefault((t.the_day, t.the_poi.id), []).append(i)
    exclusive = [(a, b) for pair in meal_nodes.values() for k, a in enumerate(pair) for b in pair[k + 1 :]]
    # A place and the place it is part of are one visit (Luzhen inside Keyan).
    visit_of = {t.poi.id: i for i, t in enumerate(tasks) if t.kind == "visit" and t.poi}
    exclusive += [
        (i, visit_of[t.poi.part_of])
        for i, t in enumerate(tasks)
        if t.kind == "visit" and t.poi and t.poi.part_of in visit_of
    ]
    # A meal at a place that is also a sight (Xianheng Tavern) is the visit:
    # no extra hour of "visiting" the tavern after lunch there.
    exclusive += [
        (visit_of[t.poi.id], i) for i, t in enumerate(tasks) if t.kind == "meal" and t.poi and t.poi.id in visit_of
    ]
    # Watching a match at a venue is the visit: no separate tour of the venue
    # on another day (optional matches only; a required one is always there).
    exclusive += [
        (visit_of[t.event.venue_id], i)
        for i, t in enumerate(tasks)
        if t.kind == "event" and t.event and not t.mandatory and t.event.venue_id in visit_of
    ]
    # Parts of one scenic area (the Kuaiji area) on one day.
    areas: dict[str, list[int]] = {}
    for i, t in enumerate(tasks):
        if t.kind == "visit" and t.poi and t.poi.area:
            areas.setdefault(t.poi.area, []).append(i)
    same_vehicle = [(a, b) for group in areas.values() for k, a in enumerate(group) for b in group[k + 1 :]]
    # Variety: a restaurant serves at most MEALS_PER_RESTAURANT meals of the trip
    # (locked meals are the traveller's choice and do not count).
    by_restaurant: dict[str, list[int]] = {}
    for i, t in enumerate(tasks):
        if t.kind == "meal" and not t.mandatory:
            by_restaurant.setdefault(t.poi.id, []).append(i)  # type: ignore[union-attr]
    at_most = [
        (tuple(nodes), MEALS_PER_RESTAURANT)
        for nodes in by_restaurant.values()
        if len({tasks[i].day for i in nodes}) > MEALS_PER_RESTAURANT // 2 + 1 or len(nodes) > MEALS_PER_RESTAURANT
    ]
    # A restaurant inside a sight only on a day that visits it (``_inside_options``).
    requires = [
        (i, tasks[i].the_day, tuple(visit_of[p] for p in sights if p in visit_of))
        for i, sights in sorted(problem.inside_meals.items())
    ]
    del n
    return solver.Model(
        requires=requires,
        nodes=nodes,
        vehicles=vehicles,
        matrices=matrices,
        groups=groups,
        precedences=precedences,
        capacity=capacity,
        exclusive=exclusive,
        at_most=at_most,
        same_vehicle=same_vehicle,
        wait_cost_weight=WAIT_COST,
        # Route trips move along the road by design (the spine balances them).
        travel_share=None if problem.route_day or problem.locks else (TRAVEL_SHARE, TRAVEL_ALLOWANCE),
        soft_travel_share=None if problem.route_day or problem.locks else (SOFT_TRAVEL_SHARE, SOFT_TRAVEL_COST),
        min_visiting=(MIN_VISITING, MIN_VISITING_COST),
    )
