"""Step-free and slower trips (issue #15 part 3): ``access``."""

from __future__ import annotations

import dataclasses

import pytest

from chalicelib.catalog.catalog import Catalog
from chalicelib.catalog.model import Access as PlaceAccess
from chalicelib.errors import YueyouError
from chalicelib.planning import plan
from chalicelib.planning.check import check
from chalicelib.planning.mobility import REST_MINUTES, WALK_SLOWDOWN
from chalicelib.planning.problem import build
from chalicelib.planning.request import parse_request
from chalicelib.planning.travel import GeodesicTravel

SOURCE = ("https://example.org/test-only",)


@pytest.fixture(scope="module")
def step_free(catalog):
    """The real catalog with three old-town places marked (test-only) step-free / partial."""
    pois = dict(catalog.pois)
    for poi_id, level in (
        ("lu-xun-native-place", "step_free"),
        ("shen-garden", "step_free"),
        ("bazi-bridge", "partial"),
        ("xianheng-tavern", "step_free"),
    ):
        pois[poi_id] = dataclasses.replace(pois[poi_id], accessibility=PlaceAccess(level, SOURCE))
    return Catalog(catalog.districts, pois, catalog.events, catalog.routes)


def visits(result):
    return [
        s["poi_id"] for d in result["days"] for s in d["stops"] if s["type"] in ("visit", "meal") and s.get("poi_id")
    ]


def test_a_wheelchair_trip_uses_only_step_free_places(step_free, catalog):
    result = plan({"start_date": "2026-05-16", "days": 1, "lang": "en", "access": {"wheelchair": True}}, step_free)
    assert visits(result) and all(step_free.pois[p].accessibility.level == "step_free" for p in visits(result))
    reasons = {u["poi_id"]: u["reason_code"] for u in result["unscheduled"] if u.get("poi_id")}
    assert reasons.get("orchid-pavilion") == "access_unknown"
    assert "bazi-bridge" not in visits(result)
    # a stroller may use partly step-free places
    stroller = plan({"start_date": "2026-05-16", "days": 1, "access": {"stroller": True}}, step_free)
    assert set(visits(stroller)) <= {"lu-xun-native-place", "shen-garden", "bazi-bridge", "xianheng-tavern"}
    # with today's catalog (no place sourced as step-free) the plan is honest: nothing, each place named
    real = plan({"start_date": "2026-05-16", "days": 1, "lang": "en", "access": {"wheelchair": True}}, catalog)
    codes = {u["reason_code"] for u in real["unscheduled"]}
    assert visits(real) == [] and codes >= {"access_unknown", "meal_no_step_free"}


def test_walks_over_the_limit_become_taxis_and_walking_is_slower(catalog, step_free):
    base = {"start_date": "2026-05-16", "days": 1, "mode": "walk", "lang": "en"}
    limited = plan(dict(base, access={"max_walk_m": 600}), catalog)
    legs = [s["travel"] for d in limited["days"] for s in d["stops"] if s.get("travel") and s["travel"]["minutes"]]
    assert any(leg["mode"] == "taxi" for leg in legs)
    assert all(leg["km"] * 1000 <= 610 for leg in legs if leg["mode"] == "walk")
    assert not [f for f in limited["review"] if f["code"] == "short_motor_leg"]
    slow = build(parse_request(dict(base, access={"stroller": True}), step_free), step_free, GeodesicTravel())
    plain = build(parse_request(base, step_free), step_free, GeodesicTravel())

    def minutes(problem):
        return problem.base[problem.place_index["lu-xun-native-place"]][problem.place_index["shen-garden"]]

    assert minutes(slow) == pytest.approx(minutes(plain) * WALK_SLOWDOWN)


def test_rests_follow_the_visits(catalog):
    result = plan({"start_date": "2026-05-16", "days": 1, "access": {"rest_every_min": 45}}, catalog)
    from datetime import datetime

    for stop in (s for d in result["days"] for s in d["stops"] if s["type"] == "visit"):
        length = catalog.pois[stop["poi_id"]].visit_minutes
        gap = (datetime.fromisoformat(stop["depart"]) - datetime.fromisoformat(stop["end"])).total_seconds() / 60
        assert gap >= REST_MINUTES * (length // 45)


def test_the_checker_proves_the_access_rules(step_free):
    body = {
        "start_date": "2026-05-16",
        "days": 1,
        "mode": "walk",
        "access": {"wheelchair": True, "max_walk_m": 300, "rest_every_min": 30},
    }
    result = plan(body, step_free)
    problem = build(parse_request(body, step_free), step_free, GeodesicTravel())
    assert check(problem, result) == []
    stops = result["days"][0]["stops"]
    visit = next(k for k, s in enumerate(stops) if s["type"] == "visit")
    bad = {**result, "days": [{**result["days"][0], "stops": [dict(s) for s in stops]}]}
    bad["days"][0]["stops"][visit]["depart"] = bad["days"][0]["stops"][visit]["end"]
    assert any("rest" in v for v in check(problem, bad))
    walked = {**result, "days": [{**result["days"][0], "stops": [dict(s) for s in stops]}]}
    walked["days"][0]["stops"][visit]["travel"] = {"mode": "walk", "minutes": 30, "km": 1.5}
    assert any("over the 300 m limit" in v for v in check(problem, walked))


@pytest.mark.parametrize(
    "access,status,field",
    [
        ({"wheelchair": "yes"}, 400, "access.wheelchair"),
        ({"max_walk_m": 5}, 400, "access.max_walk_m"),
        ({"rest_every_min": 1000}, 400, "access.rest_every_min"),
        ({"crutches": True}, 400, "access.crutches"),
        ("wheelchair", 400, "access"),
    ],
)
def test_bad_access_is_a_400_naming_the_field(catalog, access, status, field):
    with pytest.raises(YueyouError) as refused:
        plan({"start_date": "2026-05-16", "access": access}, catalog)
    assert (refused.value.status, refused.value.field) == (status, field)


def test_a_must_visit_with_steps_is_refused_for_a_wheelchair(catalog):
    with pytest.raises(YueyouError) as refused:
        plan(
            {
                "start_date": "2026-05-16",
                "must_visit": ["kuaiji-mountain-xianglu-peak"],
                "access": {"wheelchair": True},
            },
            catalog,
        )
    assert (refused.value.status, refused.value.field) == (422, "must_visit[0]")


def test_cards_and_widgets_show_each_stops_access(catalog):
    from chalicelib.render.view import details, details_multi, plan_view

    result = plan({"start_date": "2026-05-16", "days": 1, "lang": "en"}, catalog)
    view = plan_view(result, catalog)
    visit = next(s for d in view.days for s in d.stops if s.type == "visit")
    level = catalog.pois[visit.poi_id].accessibility.level
    assert visit.access == level
    assert any(line.startswith("step-free access: ") for line in details(visit, "en"))
    assert any(line.startswith("无障碍: ") for line in details(visit, "zh"))
    assert any("无障碍 / step-free access" in line for line in details_multi(visit, ("zh", "en")))
