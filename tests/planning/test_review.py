"""The guide review (chalicelib/planning/review.py) on real engine plans, tampered.

Each test builds a *control* and a *tampered* copy of a real plan that differ
only in the one thing under test, and asserts that the review finds exactly
one new kind of fault: the one under test. Comparing against a control (not
against "no faults at all") keeps the tests meaningful while the engine, and
so the faults of its untampered plans, changes.
"""

from __future__ import annotations

import copy
import dataclasses
from collections import Counter
from datetime import datetime, timedelta

import pytest

from chalicelib.catalog.catalog import Catalog
from chalicelib.catalog.daylight import daylight
from chalicelib.catalog.model import SIGHT_CATEGORIES, Rating
from chalicelib.planning import plan
from chalicelib.planning.check import check
from chalicelib.planning.problem import commute
from chalicelib.planning.review import CODES, THRESHOLDS, Fault, review
from chalicelib.planning.travel import Point, geodesic_km, mode_minutes
from chalicelib.timeutil import iso

from .conftest import build_problem

TOWN = {"start_date": "2026-05-16", "days": 2, "lang": "en", "time_limit_s": 1}
ROUTE = {
    "start_date": "2026-05-16",
    "days": 4,
    "lang": "en",
    "route": "tang-poetry-road",
    "mode": "drive",
    "time_limit_s": 1,
}
MATCH = {
    "start_date": "2023-10-02",
    "days": 1,
    "lang": "en",
    "events": ["ag2023-baseball-2023-10-02-1200-field1"],
    "time_limit_s": 1,
}
NO_SESSIONS = {"start_date": "2026-05-16", "days": 1, "lang": "en", "want_sports": ["baseball"], "time_limit_s": 1}


class Built:
    def __init__(self, data, catalog, settings):
        self.result = plan(data, catalog, settings=settings)
        self.problem = build_problem(data, catalog, settings)
        assert check(self.problem, self.result) == []
        self.catalog = catalog

    def copy(self):
        return copy.deepcopy(self.result)


@pytest.fixture(scope="module")
def plans(real, fast):
    """The four real plans the tests tamper with, built once."""
    return {
        name: Built(data, real, fast)
        for name, data in (("town", TOWN), ("route", ROUTE), ("match", MATCH), ("no_sessions", NO_SESSIONS))
    }


@pytest.fixture
def town(plans):
    return plans["town"]


@pytest.fixture
def route(plans):
    return plans["route"]


@pytest.fixture
def match(plans):
    return plans["match"]


@pytest.fixture
def no_sessions(plans):
    return plans["no_sessions"]


# --- helpers -----------------------------------------------------------------------


def added(control: list[Fault], tampered: list[Fault]) -> set[str]:
    """Codes that have more faults in ``tampered`` than in ``control``."""
    return set(Counter(f.code for f in tampered) - Counter(f.code for f in control))


def shift(value: str, minutes: int) -> str:
    return iso(datetime.fromisoformat(value) + timedelta(minutes=minutes))


# Days 2-4 of the Tang Poetry Road in route order (the route tests vary day 1).
TANG_LATER_DAYS = [
    ["dongshan", "shan-creek"],
    ["jinting-wang-xizhi-residence", "dafo-temple"],
    ["wozhou-lake", "mount-tianmu", "banzhu-ancient-village"],
]


def test_passing_back_through_town_on_the_way_on_is_no_backtrack(route):
    """Lanting -> Bazi Bridge (old town) -> Cao E Temple goes back three route
    stops and 10.6 km, but the old town lies on the way from Lanting to
    Shangyu (a few km longer than straight): passing through, not going back."""
    days = [
        ["ancient-canal-towpath", "jian-lake", "orchid-pavilion", "bazi-bridge", "cao-e-temple"],
    ] + TANG_LATER_DAYS
    faults = review(route.problem, synthetic_days(route, days, "drive"))
    assert "backtrack" not in {f.code for f in faults}
    strict = review(route.problem, synthetic_days(route, days, "drive"), {**THRESHOLDS, "backtrack_onward_km": 0})
    fault = next(f for f in strict if f.code == "backtrack")
    assert (fault.day, fault.poi_id) == (0, "bazi-bridge") and fault.value > 10


def at(date: str, minute: int) -> str:
    return f"{date}T{minute // 60:02d}:{minute % 60:02d}:00+08:00"


def where(result, kind, pred=lambda d, k, s, stops: True):
    return [
        (d, k)
        for d, day in enumerate(result["days"])
        for k, s in enumerate(day["stops"])
        if s["type"] == kind and pred(d, k, s, day["stops"])
    ]


def restaurant_meals(result):
    return where(result, "meal", lambda d, k, s, stops: s["poi_id"] is not None)


def with_catalog(problem, catalog: Catalog):
    other = copy.copy(problem)
    other.catalog = catalog
    return other


def patched(catalog: Catalog, **changes) -> Catalog:
    pois = dict(catalog.pois)
    for poi_id, fields in changes.items():
        pois[poi_id] = dataclasses.replace(pois[poi_id], **fields)
    return Catalog(catalog.districts, pois, catalog.events, catalog.routes)


def synthetic_days(built: Built, days: list[list[str]], mode: str) -> dict:
    """The plan with every day's stops replaced by visits to ``days`` (same lodgings), evenly timed:
    60 min visits, 10 min legs of 5 km, no waits, no meals."""
    result = built.copy()
    for d, poi_ids in enumerate(days):
        day = result["days"][d]
        start, end = copy.deepcopy(day["stops"][0]), copy.deepcopy(day["stops"][-1])
        t = 9 * 60
        start.update(
            arrive=at(day["date"], t), start=at(day["date"], t), end=at(day["date"], t), depart=at(day["date"], t)
        )
        stops = [start]
        for poi_id in poi_ids:
            poi = built.catalog.pois[poi_id]
            t += 10
            stops.append(
                {
                    "type": "visit",
                    "poi_id": poi_id,
                    "event_id": None,
                    "name": poi.name.en,
                    "lon": poi.lon,
                    "lat": poi.lat,
                    "arrive": at(day["date"], t),
                    "start": at(day["date"], t),
                    "end": at(day["date"], t + 60),
                    "depart": at(day["date"], t + 60),
                    "travel": {"mode": mode, "minutes": 10, "km": 5.0},
                    "ticket_cny": poi.ticket_cny,
                    "category": poi.category,
                }
            )
            t += 60
        t += 10
        end.update(
            arrive=at(day["date"], t),
            start=at(day["date"], t),
            end=at(day["date"], t),
            depart=at(day["date"], t),
            travel={"mode": mode, "minutes": 10, "km": 5.0},
        )
        day["stops"] = stops + [end]
    return result


# --- the module's contract ----------------------------------------------------------


def test_thresholds_are_documented_and_faults_serialise(town):
    import chalicelib.planning.review as module

    for key in THRESHOLDS:
        assert f"``{key}``" in module.__doc__, key
    for code in CODES:
        assert f"``{code}``" in module.__doc__, code
    faults = review(town.problem, town.result)
    for fault in faults:
        out = fault.to_json("en")
        assert set(out) == {"code", "day", "stop", "poi_id", "value", "limit", "message"}
        assert out["code"] in CODES and fault.message.zh and fault.message.en


# --- one test per fault code --------------------------------------------------------


def test_order_waste(town):
    good = synthetic_days(town, [["keyan-scenic-area", "keqiao-ancient-town", "cao-e-temple", "caoe-river"]], "transit")
    zigzag = synthetic_days(
        town, [["keyan-scenic-area", "cao-e-temple", "keqiao-ancient-town", "caoe-river"]], "transit"
    )
    control, tampered = review(town.problem, good), review(town.problem, zigzag)
    assert "order_waste" not in {f.code for f in control}
    assert added(control, tampered) == {"order_waste"}
    fault = next(f for f in tampered if f.code == "order_waste")
    assert fault.day == 0 and fault.value > fault.limit and "km" in fault.message.en


def test_order_waste_only_against_an_order_the_hours_allow(town):
    """The same zigzag is no waste when the shorter order would reach Cao E
    Temple after it closes: Cao E open 10:00-11:30 only, Keqiao Ancient Town
    11:30-12:30 only, so Keqiao cannot come before Cao E."""
    zigzag = synthetic_days(
        town, [["keyan-scenic-area", "cao-e-temple", "keqiao-ancient-town", "caoe-river"]], "transit"
    )
    assert "order_waste" in {f.code for f in review(town.problem, zigzag)}
    hours = patched(
        town.catalog,
        **{
            "cao-e-temple": {"opening_hours": "Mo-Su 10:00-11:30"},
            "keqiao-ancient-town": {"opening_hours": "Mo-Su 11:30-12:30"},
        },
    )
    assert "order_waste" not in {f.code for f in review(with_catalog(town.problem, hours), zigzag)}


def test_order_waste_moves_no_outdoor_visit_into_the_dark(town):
    """The better orders the check compares with keep outdoor visits in the
    daylight ``dark_outdoor`` asks for: Keqiao Ancient Town (outdoor, open
    24/7) may be reached only between sunrise and dusk (plus the margin),
    Cao E Temple (mixed) whenever it is open."""
    from chalicelib.planning.review import DAY, _Review

    day = synthetic_days(town, [["keyan-scenic-area", "cao-e-temple", "keqiao-ancient-town", "caoe-river"]], "walk")
    rv = _Review(town.problem, day, THRESHOLDS)
    stops = {s.poi_id: s for s in rv.days[0] if s.kind == "visit"}
    poi = town.catalog.pois["keqiao-ancient-town"]
    rise, dusk = daylight(town.problem.dates[0], poi.lon, poi.lat)
    slots, length = rv._slots(0, stops["keqiao-ancient-town"])
    assert (
        slots
        and min(a for a, _ in slots) >= rise
        and max(b for _, b in slots) + length <= dusk + THRESHOLDS["dark_margin_min"]
    )
    temple, _ = rv._slots(0, stops["cao-e-temple"])
    assert temple == [(lo, hi - 60) for lo, hi in town.problem.open_intervals(town.catalog.pois["cao-e-temple"], 0)]
    assert all(0 <= a < DAY for a, _ in slots)


def test_order_waste_keeps_matches_and_route_order(route):
    """On an ordered route the best order keeps route order: a day in route order is never 'waste'."""
    days = [
        ["ancient-canal-towpath", "lu-xun-native-place", "jian-lake", "orchid-pavilion", "cao-e-temple"],
    ] + TANG_LATER_DAYS
    faults = review(route.problem, synthetic_days(route, days, "drive"))
    assert "order_waste" not in {f.code for f in faults}


def test_backtrack(route):
    good = [
        ["ancient-canal-towpath", "lu-xun-native-place", "jian-lake", "orchid-pavilion", "cao-e-temple"],
    ] + TANG_LATER_DAYS
    back = [
        ["ancient-canal-towpath", "jian-lake", "orchid-pavilion", "cao-e-temple"],
        ["dongshan", "lu-xun-native-place", "shan-creek"],
        ["jinting-wang-xizhi-residence", "dafo-temple"],
        ["wozhou-lake", "mount-tianmu", "banzhu-ancient-village"],
    ]
    control = review(route.problem, synthetic_days(route, good, "drive"))
    tampered = review(route.problem, synthetic_days(route, back, "drive"))
    assert "backtrack" not in {f.code for f in control}
    assert "backtrack" in added(control, tampered)  # (the detour also wastes the day's order)
    fault = next(f for f in tampered if f.code == "backtrack")
    assert (fault.day, fault.stop, fault.poi_id) == (1, 2, "lu-xun-native-place") and fault.value > 10
    # the same sight as the day's first stop, beside the hotel the traveller slept in, is the way out
    first = [
        ["ancient-canal-towpath", "jian-lake", "orchid-pavilion", "cao-e-temple"],
        ["lu-xun-native-place", "dongshan", "shan-creek"],
        ["jinting-wang-xizhi-residence", "dafo-temple"],
        ["wozhou-lake", "mount-tianmu", "banzhu-ancient-village"],
    ]
    start = synthetic_days(route, first, "drive")
    home = start["days"][1]["stops"][0]
    beside = [s for s in start["days"][1]["stops"] if s.get("poi_id") == "lu-xun-native-place"][0]
    near = (
        geodesic_km(Point(home["lon"], home["lat"]), Point(beside["lon"], beside["lat"])) <= THRESHOLDS["home_meal_km"]
    )
    assert ("backtrack" in {f.code for f in review(route.problem, start)}) != near


def test_backtrack_spares_the_dinner_next_to_the_hotel(route):
    """Dinner next to the evening's hotel is the way home; the same place at lunch, mid-day, is a return."""
    days = [
        ["ancient-canal-towpath", "lu-xun-native-place", "jian-lake", "orchid-pavilion", "cao-e-temple"],
        ["dongshan", "shan-creek"],
        ["jinting-wang-xizhi-residence", "dafo-temple"],
        ["wozhou-lake", "mount-tianmu", "banzhu-ancient-village", "xie-gong-ancient-road"],
    ]
    assert route.problem.catalog.pois[route.result["days"][3]["lodging"]["poi_id"]].district == "xinchang"

    def with_meal(position: int, meal: str) -> dict:
        result = synthetic_days(route, days, "drive")
        stops = result["days"][3]["stops"]
        hall = route.catalog.pois["xinchang-snack-hall"]
        stops.insert(
            position,
            {
                **copy.deepcopy(stops[1]),
                "type": "meal",
                "meal": meal,
                "poi_id": hall.id,
                "lon": hall.lon,
                "lat": hall.lat,
            },
        )
        return result

    dinner = review(route.problem, with_meal(5, "dinner"))  # last stop before the hotel
    lunch = review(route.problem, with_meal(4, "lunch"))  # between Banzhu and Xie Gong road
    assert "backtrack" not in {f.code for f in dinner}
    assert "backtrack" in added(dinner, lunch)


def test_route_stop_missing(route, real):
    visited = [route.result["days"][d]["stops"][k]["poi_id"] for d, k in where(route.result, "visit")]
    # the least prominent stop: with too few days, leaving it out is what a guide does
    on_route = [p for p in real.routes["tang-poetry-road"].stop_ids if p in visited]
    stop = min(on_route, key=lambda p: (real.pois[p].prominence, p))
    result = route.copy()
    for day in result["days"]:
        day["stops"] = [s for s in day["stops"] if s["poi_id"] != stop or s["type"] != "visit"]
    result["unscheduled"].append({"poi_id": stop, "reason_code": "no_time", "reason": "-"})
    routes = dict(real.routes)
    routes["tang-poetry-road"] = dataclasses.replace(routes["tang-poetry-road"], suggested_days=5)
    longer = Catalog(real.districts, real.pois, real.events, routes)  # suggests more days than the trip has
    control, tampered = review(with_catalog(route.problem, longer), result), review(route.problem, result)
    assert added(control, tampered) == {"route_stop_missing"}
    assert stop in {f.poi_id for f in tampered if f.code == "route_stop_missing"}


def test_route_stop_inside_a_visited_place_is_not_missing(route, real):
    """A route stop that lies inside a place the plan visits (Luzhen inside
    Keyan on the Keqiao route) is seen with it, not missing."""
    visited = [route.result["days"][d]["stops"][k]["poi_id"] for d, k in where(route.result, "visit")]
    on_route = [p for p in real.routes["tang-poetry-road"].stop_ids if p in visited]
    stop = on_route[-1]
    # the nearest other visited stop (the catalog keeps a part within reach of its whole)
    here = Point(real.pois[stop].lon, real.pois[stop].lat)
    whole = min(on_route[:-1], key=lambda p: geodesic_km(here, Point(real.pois[p].lon, real.pois[p].lat)))
    result = route.copy()
    for day in result["days"]:
        day["stops"] = [s for s in day["stops"] if s["poi_id"] != stop or s["type"] != "visit"]
    result["unscheduled"].append({"poi_id": stop, "reason_code": "part_visited", "reason": "-"})
    missing = [f.poi_id for f in review(route.problem, result) if f.code == "route_stop_missing"]
    assert stop in missing
    inside = with_catalog(route.problem, patched(real, **{stop: {"part_of": whole}}))
    assert stop not in [f.poi_id for f in review(inside, result) if f.code == "route_stop_missing"]


def test_short_motor_leg(town):
    d, k = next((d, k) for d, day in enumerate(town.result["days"]) for k, s in enumerate(day["stops"]) if k > 0)
    walked, driven = town.copy(), town.copy()
    walked["days"][d]["stops"][k]["travel"].update(mode="walk", km=0.3)
    driven["days"][d]["stops"][k]["travel"].update(mode="drive", km=0.3)
    control, tampered = review(town.problem, walked), review(town.problem, driven)
    assert added(control, tampered) == {"short_motor_leg"}
    fault = next(f for f in tampered if f.code == "short_motor_leg")
    assert (fault.day, fault.stop, fault.value, fault.limit) == (d, k, 0.3, 1.0)


def test_meal_wait(town):
    meals = restaurant_meals(town.result)
    assert meals
    d, k = meals[0]
    on_time, early = town.copy(), town.copy()
    stop = on_time["days"][d]["stops"][k]
    stop["arrive"] = stop["start"]
    early["days"][d]["stops"][k]["arrive"] = shift(stop["start"], -40)
    control, tampered = review(town.problem, on_time), review(town.problem, early)
    assert added(control, tampered) == {"meal_wait"}
    fault = next(f for f in tampered if f.code == "meal_wait")
    assert (fault.day, fault.stop, fault.value, fault.limit) == (d, k, 40, 30)
    assert "40 min wait before" in fault.message.en and "limit 30" in fault.message.en


def test_wait_at_a_sight(town):
    d, k = where(town.result, "visit")[0]
    on_time, early = town.copy(), town.copy()
    stop = on_time["days"][d]["stops"][k]
    stop["arrive"] = stop["start"]
    early["days"][d]["stops"][k]["arrive"] = shift(stop["start"], -50)
    control, tampered = review(town.problem, on_time), review(town.problem, early)
    assert added(control, tampered) == {"wait"}


def test_wait_at_a_match_counts_after_the_entry_buffer(match, real):
    ((d, k),) = where(match.result, "event")
    event = real.events[match.result["days"][d]["stops"][k]["event_id"]]
    buffer = real.pois[event.venue_id].venue.entry_buffer_minutes
    on_time, early = match.copy(), match.copy()
    stop = on_time["days"][d]["stops"][k]
    stop["arrive"] = shift(stop["start"], -buffer)
    early["days"][d]["stops"][k]["arrive"] = shift(stop["start"], -buffer - 50)
    control, tampered = review(match.problem, on_time), review(match.problem, early)
    assert "wait" not in {f.code for f in control if f.stop == k}
    assert added(control, tampered) == {"wait"}


def test_meal_repeat(town, real):
    meals = restaurant_meals(town.result)
    assert len(meals) >= 3
    foods = sorted(p.id for p in real.pois.values() if p.category == "food")
    varied, same = town.copy(), town.copy()
    for i, (d, k) in enumerate(meals):  # only the id changes: the places stay where they are
        varied["days"][d]["stops"][k]["poi_id"] = foods[i]
        same["days"][d]["stops"][k]["poi_id"] = "xianheng-tavern"
    control, tampered = review(town.problem, varied), review(town.problem, same)
    assert added(control, tampered) == {"meal_repeat"}
    repeats = [f for f in tampered if f.code == "meal_repeat"]
    assert any(f.day is None and f.value == len(meals) for f in repeats)  # more than twice in the trip
    days_with_two = {d for d in {d for d, _ in meals} if sum(1 for dd, _ in meals if dd == d) > 1}
    assert {f.day for f in repeats if f.day is not None} == days_with_two  # twice on one day


def test_meal_no_food(town, real):
    def after_sight(d, k, s, stops):
        prev = stops[k - 1]
        return (
            s["poi_id"] is not None
            and prev["type"] == "visit"
            and real.pois[prev["poi_id"]].category in SIGHT_CATEGORIES
        )

    candidates = where(town.result, "meal", after_sight)
    assert candidates
    d, k = candidates[0]
    at_sight, brk = town.copy(), town.copy()
    for result in (at_sight, brk):  # both at the sight: only the restaurant id differs
        stop, prev = result["days"][d]["stops"][k], result["days"][d]["stops"][k - 1]
        stop.update(lon=prev["lon"], lat=prev["lat"])
    brk["days"][d]["stops"][k]["poi_id"] = None
    control, tampered = review(town.problem, at_sight), review(town.problem, brk)
    assert added(control, tampered) == {"meal_no_food"}
    fault = next(f for f in tampered if f.code == "meal_no_food")
    assert fault.poi_id == town.result["days"][d]["stops"][k - 1]["poi_id"]


def test_meal_break_at_a_match_venue_is_fine(match):
    result = match.copy()
    ((d, k),) = where(result, "event")
    stops = result["days"][d]["stops"]
    ev = stops[k]
    stops.insert(
        k + 1,
        {
            "type": "meal",
            "meal": "dinner",
            "poi_id": None,
            "event_id": None,
            "lon": ev["lon"],
            "lat": ev["lat"],
            "arrive": ev["depart"],
            "start": ev["depart"],
            "end": ev["depart"],
            "depart": ev["depart"],
            "travel": {"mode": "none", "minutes": 0, "km": 0.0},
        },
    )
    assert "meal_no_food" not in {f.code for f in review(match.problem, result)}


def test_meal_detour(town, real):
    meals = [(d, k) for d, k in restaurant_meals(town.result) if 0 < k < len(town.result["days"][d]["stops"]) - 1]
    d, k = meals[0]
    far = real.pois["guyue-street-zhuji"]
    moved = town.copy()
    moved["days"][d]["stops"][k].update(lon=far.lon, lat=far.lat)
    control, tampered = review(town.problem, town.result), review(town.problem, moved)
    assert added(control, tampered) == {"meal_detour"}
    fault = next(f for f in tampered if f.code == "meal_detour")
    assert fault.value > 50 and (fault.day, fault.stop) == (d, k)


def test_dark_outdoor(town, real):
    d, k = where(town.result, "visit")[-1]
    stop = town.result["days"][d]["stops"][k]
    poi = real.pois[stop["poi_id"]]
    _, dusk = daylight(town.problem.dates[d], poi.lon, poi.lat)
    late = town.copy()
    end = datetime.fromisoformat(stop["end"])
    delta = dusk + 40 - (end.hour * 60 + end.minute)
    for key in ("arrive", "start", "end", "depart"):
        late["days"][d]["stops"][k][key] = shift(stop[key], delta)
    indoor = patched(real, **{poi.id: {"setting": "indoor", "night": None}})
    outdoor = patched(real, **{poi.id: {"setting": "outdoor", "night": None}})
    lit = patched(real, **{poi.id: {"setting": "outdoor", "night": "Mo-Su 17:00-23:00"}})
    control = review(with_catalog(town.problem, indoor), late)
    tampered = review(with_catalog(town.problem, outdoor), late)
    assert added(control, tampered) == {"dark_outdoor"}
    fault = next(f for f in tampered if f.code == "dark_outdoor")
    assert (fault.day, fault.stop, fault.poi_id, fault.value) == (d, k, poi.id, 40)
    assert "dark_outdoor" not in {f.code for f in review(with_catalog(town.problem, lit), late)}
    # in daylight the outdoor setting is fine
    assert not [
        f
        for f in review(with_catalog(town.problem, outdoor), town.result)
        if f.code == "dark_outdoor" and f.poi_id == poi.id
    ]


def test_dark_outdoor_uses_the_date():
    """Civil dusk in December is more than 1.5 h earlier than in June (astral, per date)."""
    from datetime import date

    assert daylight(date(2026, 6, 20), 120.58, 30.0)[1] - daylight(date(2026, 12, 10), 120.58, 30.0)[1] > 90


def test_travel_share(town):
    d = 0
    visiting = sum(
        (datetime.fromisoformat(s["end"]) - datetime.fromisoformat(s["start"])).seconds // 60
        for s in town.result["days"][d]["stops"]
        if s["type"] in ("visit", "event")
    )
    light, heavy = town.copy(), town.copy()
    for result, minutes in ((light, 0), (heavy, visiting)):
        for _k, s in enumerate(result["days"][d]["stops"]):
            if s["travel"] is not None:
                s["travel"]["minutes"] = 0
        result["days"][d]["stops"][1]["travel"]["minutes"] = minutes
    control, tampered = review(town.problem, light), review(town.problem, heavy)
    assert added(control, tampered) == {"travel_share"}
    fault = next(f for f in tampered if f.code == "travel_share")
    # the limit: 60 % of the sightseeing, plus the way out to the nearest sight and back (old-town hotel: minutes)
    unavoidable = commute(town.problem, 0)
    assert 0 < unavoidable < 15
    assert fault.value == visiting and fault.limit == pytest.approx(0.6 * visiting + unavoidable)


def test_travel_share_route_day(route):
    """A route day is not held to 60 % for driving its own stretch of the road
    (lodging -> that day's route stops in route order -> lodging); the sights
    and meals around the road are: travel past that is a fault."""
    problem, catalog = route.problem, route.catalog
    order = {p: i for i, p in enumerate(catalog.routes["tang-poetry-road"].stop_ids)}
    mode = problem.request.mode
    d = next(k for k, day in enumerate(route.result["days"]) if any(s["poi_id"] in order for s in day["stops"]))
    stops = route.result["days"][d]["stops"]
    on_road = sorted(
        (s for s in stops if s["type"] == "visit" and s["poi_id"] in order), key=lambda s: order[s["poi_id"]]
    )
    visiting = sum(
        (datetime.fromisoformat(s["end"]) - datetime.fromisoformat(s["start"])).seconds // 60
        for s in stops
        if s["type"] in ("visit", "event")
    )
    points = [Point(s["lon"], s["lat"]) for s in [stops[0], *on_road, stops[-1]]]
    road = sum(int(mode_minutes(mode, geodesic_km(a, b))[0]) for a, b in zip(points, points[1:]))
    move = int(mode_minutes(mode, geodesic_km(points[0], points[-1]))[0])
    limit = 0.6 * visiting + max(road, move, commute(problem, d))
    assert road > commute(problem, d)  # the road, not the commute, is what the day may drive

    def with_travel(total):
        result = route.copy()
        legs = [s for s in result["days"][d]["stops"] if s["travel"] is not None]
        for s in legs:
            s["travel"]["minutes"] = 0
        legs[0]["travel"]["minutes"] = total
        return review(problem, result)

    control, tampered = with_travel(int(limit) - 1), with_travel(int(limit) + 30)
    assert not [f for f in control if f.code == "travel_share" and f.day == d]
    assert added(control, tampered) == {"travel_share"}
    fault = next(f for f in tampered if f.code == "travel_share" and f.day == d)
    assert fault.limit == pytest.approx(limit)


def test_travel_with_nothing_to_see(town):
    result = town.copy()
    day = result["days"][0]
    day["stops"] = [day["stops"][0], day["stops"][-1]]
    day["stops"][-1]["travel"] = {"mode": "transit", "minutes": 25, "km": 8.0}
    assert [f.value for f in review(town.problem, result) if f.code == "travel_share" and f.day == 0] == [25]


def test_empty_day(town, real):
    """A day with nothing but the lodging, while wanted sights are open and in
    reach; a day whose every sight is visited already, or avoided, is no fault."""
    result = town.copy()
    day = result["days"][1]
    day["stops"] = [day["stops"][0], day["stops"][-1]]
    day["stops"][-1]["travel"] = {"mode": "walk", "minutes": 0, "km": 0.0}
    control = review(town.problem, town.result)
    tampered = review(town.problem, result)
    # (dropping day 2's sights may also leave the district's signature sight out)
    assert added(control, tampered) - {"signature_missing"} == {"empty_day"}
    fault = next(f for f in tampered if f.code == "empty_day")
    assert fault.day == 1 and fault.value >= 1 and real.pois[fault.poi_id].category in SIGHT_CATEGORIES
    # nothing left that is wanted: no fault
    avoid = tuple(p.id for p in real.pois.values() if p.category in SIGHT_CATEGORIES)
    problem = copy.copy(town.problem)
    problem.request = dataclasses.replace(town.problem.request, avoid=avoid)
    assert "empty_day" not in {f.code for f in review(problem, result)}


def test_nested_visit(town, real):
    first = {town.result["days"][d]["stops"][k]["poi_id"] for d, k in where(town.result, "visit") if d == 0}
    second = {town.result["days"][d]["stops"][k]["poi_id"] for d, k in where(town.result, "visit") if d == 1}
    child, parent = sorted(first - second)[0], sorted(second - first)[0]
    none = {p.id: {"part_of": None} for p in real.pois.values()}
    flat = patched(real, **none)
    nested = patched(real, **{**none, child: {"part_of": parent}})
    control = review(with_catalog(town.problem, flat), town.result)
    tampered = review(with_catalog(town.problem, nested), town.result)
    assert added(control, tampered) == {"nested_visit"}
    fault = next(f for f in tampered if f.code == "nested_visit")
    assert fault.poi_id == parent and fault.day == 1  # the later of the two visits


def test_split_area(town, real):
    first = [town.result["days"][0]["stops"][k]["poi_id"] for d, k in where(town.result, "visit") if d == 0]
    second = [town.result["days"][1]["stops"][k]["poi_id"] for d, k in where(town.result, "visit") if d == 1]
    a, b = first[0], second[0]
    none = {p.id: {"area": None} for p in real.pois.values()}
    apart = patched(real, **none)
    shared = patched(real, **{**none, a: {"area": "test-area"}, b: {"area": "test-area"}})
    control = review(with_catalog(town.problem, apart), town.result)
    tampered = review(with_catalog(town.problem, shared), town.result)
    assert added(control, tampered) == {"split_area"}
    fault = next(f for f in tampered if f.code == "split_area")
    assert (fault.day, fault.poi_id) == (1, b)


def test_signature_on_a_route_day_is_looked_for_along_the_road(route, real):
    """On a route trip the district's signature sight is expected only near
    the day's route stops or lodgings (``signature_route_km``)."""
    on_road = set(real.routes["tang-poetry-road"].stop_ids)
    limit = THRESHOLDS["signature_route_km"]
    busiest = []
    for d, day_ in enumerate(route.result["days"]):
        districts = Counter(real.pois[s["poi_id"]].district for s in day_["stops"] if s["type"] == "visit")
        if districts:
            district, n = max(districts.items(), key=lambda kv: (kv[1], kv[0]))
            busiest.append((n, -d, district))
    n, minus_d, district = max(busiest)
    assert n >= THRESHOLDS["signature_min_visits"], "no route day with enough visits in one district"
    d = -minus_d
    day = route.result["days"][d]
    anchors = [
        Point(s["lon"], s["lat"])
        for s in day["stops"]
        if s["type"] in ("start", "end") or (s["type"] == "visit" and s["poi_id"] in on_road)
    ]
    seen = {s["poi_id"] for day_ in route.result["days"] for s in day_["stops"]}
    candidates = [
        p
        for p in real.pois.values()
        if p.district == district
        and p.category in SIGHT_CATEGORIES
        and p.id not in seen
        and route.problem.open_intervals(p, d)
    ]

    def reach(p):
        return min(geodesic_km(Point(p.lon, p.lat), a) for a in anchors)

    near = min(candidates, key=lambda p: (reach(p), p.id))
    far = max(candidates, key=lambda p: (reach(p), p.id))
    assert reach(near) <= limit < reach(far)
    unrated = {p.id: {"rating": None} for p in real.pois.values() if p.district == district}
    for sig, expected in ((near, True), (far, False)):
        top = patched(real, **{**unrated, sig.id: {"rating": Rating(a_level="5A", sources=("test",))}})
        faults = [f for f in review(with_catalog(route.problem, top), route.result) if f.code == "signature_missing"]
        assert (sig.id in {f.poi_id for f in faults}) is expected, sig.id


def test_signature_missing(town, real):
    visits = [town.result["days"][d]["stops"][k]["poi_id"] for d, k in where(town.result, "visit")]
    per_day = Counter(
        d
        for d, k in where(town.result, "visit")
        if real.pois[town.result["days"][d]["stops"][k]["poi_id"]].district == "yuecheng"
    )
    assert max(per_day.values()) >= 3
    day = max(per_day, key=per_day.get)
    sights = [p for p in real.pois.values() if p.district == "yuecheng" and p.category in SIGHT_CATEGORIES]
    missing = sorted(
        (p for p in sights if p.id not in visits and town.problem.open_intervals(p, day)),
        key=lambda p: (p.id != "dayu-mausoleum", p.id),
    )
    sig = missing[0]
    unrated = {p.id: {"rating": None} for p in sights}
    flat = patched(real, **unrated)
    top = patched(real, **{**unrated, sig.id: {"rating": Rating(a_level="5A", sources=("test",))}})
    control = review(with_catalog(town.problem, flat), town.result)
    tampered = review(with_catalog(town.problem, top), town.result)
    assert sig.id not in {f.poi_id for f in control if f.code == "signature_missing"}
    found = [f for f in tampered if f.code == "signature_missing" and f.poi_id == sig.id]
    assert len(found) == 1 and found[0].value >= 3
    # not wanted: no fault
    uninterested = with_catalog(town.problem, top)
    uninterested.request = dataclasses.replace(
        town.problem.request,
        interests=tuple((c, 0.0 if c == sig.category else w) for c, w in town.problem.request.interests),
    )
    assert sig.id not in {f.poi_id for f in review(uninterested, town.result) if f.code == "signature_missing"}


def test_silent_wish_no_matches(no_sessions):
    assert not where(no_sessions.result, "event")
    silent, told = no_sessions.copy(), no_sessions.copy()
    silent["unscheduled"] = [
        u for u in silent["unscheduled"] if not u.get("event_id") and u.get("reason_code") != "no_sessions"
    ]
    silent["notes"] = [n for n in silent["notes"] if not isinstance(n, dict)]
    told["unscheduled"] = silent["unscheduled"] + [
        {"poi_id": None, "reason_code": "no_sessions", "reason": "No baseball sessions on these dates"}
    ]
    control, tampered = review(no_sessions.problem, told), review(no_sessions.problem, silent)
    assert added(control, tampered) == {"silent_wish"}


def test_silent_wish_route_stop(route, real):
    visited = [route.result["days"][d]["stops"][k]["poi_id"] for d, k in where(route.result, "visit")]
    stop = next(p for p in real.routes["tang-poetry-road"].stop_ids if p in visited)
    told, silent = route.copy(), route.copy()
    for result in (told, silent):
        for day in result["days"]:
            day["stops"] = [s for s in day["stops"] if s["poi_id"] != stop or s["type"] != "visit"]
        result["unscheduled"] = [u for u in result["unscheduled"] if u.get("poi_id") != stop]
    told["unscheduled"].append({"poi_id": stop, "reason_code": "no_time", "reason": "-"})
    control, tampered = review(route.problem, told), review(route.problem, silent)
    assert added(control, tampered) == {"silent_wish"}
    assert [f.poi_id for f in tampered if f.code == "silent_wish"] == [stop]


# --- the checker and the review are independent --------------------------------------


def test_checker_and_review_are_independent(town):
    # valid but not guide-worthy: a 300 m hop by car (the checker proves minutes, not modes)
    d, k = 0, 1
    driven = town.copy()
    driven["days"][d]["stops"][k]["travel"].update(mode="drive", km=0.3)
    assert check(town.problem, driven) == []
    assert "short_motor_leg" in {f.code for f in review(town.problem, driven)}
    # guide-worthy as before but invalid: the totals lie (the review does not read them)
    lying = town.copy()
    lying["totals"]["visits"] += 1
    assert check(town.problem, lying) != []
    assert review(town.problem, lying) == review(town.problem, town.result)


def test_route_stop_missing_when_days_are_short_keeps_the_famous(route, real):
    # the route needs more days than the trip has: leaving out a minor stop is fine,
    # leaving out a stop more prominent than one that was kept is a fault
    routes = dict(real.routes)
    routes["tang-poetry-road"] = dataclasses.replace(routes["tang-poetry-road"], suggested_days=9)
    longer = with_catalog(route.problem, Catalog(real.districts, real.pois, real.events, routes))
    visited = [route.result["days"][d]["stops"][k]["poi_id"] for d, k in where(route.result, "visit")]
    on_route = [p for p in real.routes["tang-poetry-road"].stop_ids if p in visited]
    by_fame = sorted(on_route, key=lambda p: real.pois[p].prominence)
    least, most = by_fame[0], by_fame[-1]
    assert real.pois[most].prominence > real.pois[least].prominence

    def without(poi_id):
        result = route.copy()
        for day in result["days"]:
            day["stops"] = [s for s in day["stops"] if s["poi_id"] != poi_id or s["type"] != "visit"]
        result["unscheduled"].append({"poi_id": poi_id, "reason_code": "no_time", "reason": "-"})
        return result

    def missing(result):
        return {f.poi_id for f in review(longer, result) if f.code == "route_stop_missing"}

    assert missing(route.result) == missing(without(least)) == set()
    assert missing(without(most)) == {most}


def test_meal_missing(town):
    lunches = where(town.result, "meal", lambda d, k, s, stops: s["meal"] == "lunch")
    assert lunches
    d, k = lunches[0]
    no_lunch = town.copy()
    del no_lunch["days"][d]["stops"][k]
    control, tampered = review(town.problem, town.result), review(town.problem, no_lunch)
    assert not [f for f in control if f.code == "meal_missing"]
    assert [(f.day, f.value) for f in tampered if f.code == "meal_missing"] == [(d, 1)]
    # a traveller who plans their own meals is not told off
    own_meals = copy.copy(town.problem)
    own_meals.request = dataclasses.replace(town.problem.request, meals=False)
    assert not [f for f in review(own_meals, no_lunch) if f.code == "meal_missing"]


def test_meal_missing_spares_a_traveller_at_the_match_venue(match):
    # at the venue from the gate time: stadium food. A match starting at 13:30 (lunch ends) with
    # the traveller at its gate from 12:30 is lunch at the venue; arriving at 13:30 is not.
    ev = where(match.result, "event")
    assert ev
    d, k = ev[0]
    base = match.copy()
    stops = base["days"][d]["stops"]
    base["days"][d]["stops"] = [s for s in stops if not (s["type"] == "meal" and s.get("meal") == "lunch")]
    k = next(i for i, s in enumerate(base["days"][d]["stops"]) if s["type"] == "event")
    at_gate, late = copy.deepcopy(base), copy.deepcopy(base)
    for doc, arrive in ((at_gate, "12:30"), (late, "13:30")):
        stop = doc["days"][d]["stops"][k]
        stop["arrive"] = f"{doc['days'][d]['date']}T{arrive}:00+08:00"
        stop["start"] = f"{doc['days'][d]['date']}T13:30:00+08:00"
    lunch = [f for f in review(match.problem, at_gate) if f.code == "meal_missing" and "lunch" in f.message.en]
    assert lunch == []
    assert [f for f in review(match.problem, late) if f.code == "meal_missing" and "lunch" in f.message.en]


def test_festival_missed(real):
    """Dongpu holds the Huangjiu festival on 2026-11-07, day 1 of this week:
    the plan visits it that day (no fault); the same visit moved to another
    day, the festival day still free, is a ``festival_missed`` fault."""
    data = {"start_date": "2026-11-07", "days": 7, "mode": "transit", "lang": "en"}
    result = plan(data, real)
    problem = build_problem(data, real)
    control = review(problem, result)
    assert "festival_missed" not in {f.code for f in control}
    where = {s["poi_id"]: (d, k) for d, day in enumerate(result["days"]) for k, s in enumerate(day["stops"])}
    d0, k0 = where["dongpu-huangjiu-town"]
    assert d0 == 0
    moved = copy.deepcopy(result)
    other = next((d, k) for d, k in where.values() if d > 0 and moved["days"][d]["stops"][k]["type"] == "visit")
    a, b = moved["days"][d0]["stops"][k0], moved["days"][other[0]]["stops"][other[1]]
    for key in ("poi_id", "name", "lon", "lat", "category", "ticket_cny"):
        a[key], b[key] = b[key], a[key]
    tampered = review(problem, moved)
    assert added(control, tampered) >= {"festival_missed"}
    fault = next(f for f in tampered if f.code == "festival_missed")
    assert fault.day == other[0] and fault.poi_id == "dongpu-huangjiu-town" and "2026-11-07" in fault.message.en
