"""The shipped catalog is complete enough to plan Shaoxing trips."""

from __future__ import annotations

from collections import Counter

import pytest

from chalicelib.catalog import hours
from chalicelib.catalog.model import in_shaoxing

DISTRICTS = {"yuecheng", "keqiao", "shangyu", "zhuji", "shengzhou", "xinchang"}


def test_size_and_spread(catalog):
    assert len(catalog.pois) >= 60
    by_category = Counter(p.category for p in catalog.pois.values())
    assert by_category["lodging"] >= 8
    assert by_category["food"] >= 10
    assert by_category["venue"] >= 4
    assert {p.district for p in catalog.pois.values() if not catalog.districts[p.district].outside} == DISTRICTS
    lodging_districts = {p.district for p in catalog.pois.values() if p.category == "lodging"}
    assert {"yuecheng", "keqiao", "shengzhou", "xinchang"} <= lodging_districts


def test_every_asian_games_sport_has_a_venue_and_sessions(catalog):
    sports = {"baseball", "softball", "basketball", "volleyball", "sport-climbing"}
    venue_sports = {s for v in catalog.venues() for s in v.venue.sports}
    assert venue_sports == sports
    assert {e.sport for e in catalog.events.values()} == sports
    for event in catalog.events.values():
        assert event.start.utcoffset().total_seconds() == 8 * 3600
        assert event.start.date().isoformat() >= "2023-09-19"
        assert event.end.date().isoformat() <= "2023-10-08"


def test_uncertain_sessions_say_so(catalog):
    basketball = [e for e in catalog.events.values() if e.sport == "basketball"]
    assert basketball and all(e.confidence in ("date_only", "estimated") for e in basketball)
    softball_finals = [
        e for e in catalog.events.values() if e.sport == "softball" and e.start.date().isoformat() == "2023-10-02"
    ]
    assert sorted(e.start.strftime("%H:%M") for e in softball_finals) == ["15:00", "18:00"]


def test_coordinates_and_hours(catalog):
    for poi in catalog.pois.values():
        assert in_shaoxing(poi.lon, poi.lat), poi.id
        # hours unknown ("") only where no source gives them: hubs and some food places
        assert poi.opening_hours or poi.category in ("hub", "food"), poi.id
        if poi.opening_hours:
            hours.validate(poi.opening_hours)
        assert (poi.hours_confidence == "unknown") == (poi.opening_hours == ""), poi.id
        assert poi.name.zh != poi.name.en or poi.name.zh.isascii() is False


def test_tang_poetry_road_geometry_passes_through_its_stops(catalog):
    route = catalog.routes["tang-poetry-road"]
    assert route.ordered and len(route.stops) >= 8
    positions = [tuple(c) for c in route.coordinates]
    indexes = []
    for poi_id in route.stop_ids:
        poi = catalog.pois[poi_id]
        matches = [
            i for i, (lon, lat) in enumerate(positions) if abs(lon - poi.lon) < 1e-6 and abs(lat - poi.lat) < 1e-6
        ]
        assert matches, f"LineString misses stop {poi_id}"
        indexes.append(matches[0])
    assert indexes == sorted(indexes), "LineString visits the stops out of order"
    # The road runs north-west (Keqiao canal) to south-east (Xinchang).
    first, last = catalog.pois[route.stop_ids[0]], catalog.pois[route.stop_ids[-1]]
    assert first.lat > last.lat


def test_city_lines_exist(catalog):
    kinds = Counter(r.kind for r in catalog.routes.values())
    assert kinds["sports"] >= 1 and kinds["city-line"] >= 1


def test_arrival_hubs(catalog):
    # where visitors arrive (issue 13): HSR, conventional rail with the intercity line, the airport
    hubs = {p.id: p for p in catalog.pois.values() if p.category == "hub"}
    assert {
        "shaoxing-north-station",
        "shaoxing-station",
        "shangyu-station",
        "shengzhou-xinchang-station",
        "hangzhou-xiaoshan-airport",
    } <= set(hubs)
    assert {h.hub.kind for h in hubs.values()} == {"hsr", "rail", "metro", "airport"}
    assert all(h.sources and h.coord_confidence == "sourced" for h in hubs.values())
    outside = [p for p in catalog.pois.values() if catalog.districts[p.district].outside]
    assert outside and all(p.category in ("hub", "lodging") for p in outside)


def test_unknown_hours_and_places_are_listed_but_never_planned(catalog):
    from chalicelib.planning import plan
    from chalicelib.planning.request import default_lodging
    from chalicelib.planning.settings import PlanSettings

    unknown_hours = {p.id for p in catalog.pois.values() if p.category == "food" and not p.opening_hours}
    unknown_place = {p.id for p in catalog.pois.values() if p.coord_confidence == "unknown"}
    assert unknown_hours and unknown_place
    result = plan(
        {"start_date": "2026-10-17", "days": 2, "mode": "transit", "lodging": {"poi_id": "radisson-shangyu"}}, catalog
    )
    meals = {s["poi_id"] for day in result["days"] for s in day["stops"] if s["type"] == "meal"}
    assert not meals & unknown_hours
    assert default_lodging(catalog, PlanSettings(default_lodging_id=None)).poi_id not in unknown_place
    assert not unknown_place & {lodge for route in catalog.routes.values() for lodge in route.lodging}


def test_a_lodging_known_only_by_its_town_is_refused_by_name(catalog):
    from chalicelib.errors import YueyouError
    from chalicelib.planning import plan

    vague = next(p for p in catalog.pois.values() if p.category == "lodging" and p.coord_confidence == "unknown")
    with pytest.raises(YueyouError) as refused:
        plan({"start_date": "2026-10-17", "days": 1, "lodging": {"poi_id": vague.id}}, catalog)
    assert (refused.value.status, refused.value.field) == (400, "lodging.poi_id")


def test_every_poi_states_its_access_and_every_sight_its_booking_rule(catalog):
    from chalicelib.catalog.model import ACCESS_LEVELS, SIGHT_CATEGORIES

    for poi in catalog.pois.values():
        assert poi.accessibility.level in ACCESS_LEVELS
        assert poi.accessibility.level == "unknown" or poi.accessibility.sources, poi.id
        if poi.category in SIGHT_CATEGORIES + ("venue",):
            assert poi.reservation is not None, poi.id
            assert poi.reservation.required is None or (poi.reservation.sources and poi.reservation.how), poi.id
    # what the sources say, and nothing more: stairs-only mountains, Lu Xun Native Place's booking
    assert catalog.pois["kuaiji-mountain-xianglu-peak"].accessibility.level == "no"
    assert catalog.pois["lu-xun-native-place"].reservation.required is True
    assert catalog.pois["lu-xun-native-place"].reservation.as_of == 2025


def test_a_poi_without_the_attributes_is_refused():
    import json
    from pathlib import Path

    from chalicelib.catalog.model import Poi

    row = json.loads((Path(__file__).resolve().parents[2] / "poi_data" / "sights.json").read_text())[0]
    Poi.from_json(row)
    for field in ("accessibility", "reservation", "hours_confidence"):
        with pytest.raises(ValueError, match=field):
            Poi.from_json({k: v for k, v in row.items() if k != field})
    with pytest.raises(ValueError, match="hours_confidence must be one of"):
        Poi.from_json({**row, "hours_confidence": "approx"})
    with pytest.raises(ValueError, match="exactly when opening_hours is empty"):
        Poi.from_json({**row, "hours_confidence": "unknown"})
    with pytest.raises(ValueError, match="needs its sources"):
        Poi.from_json({**row, "accessibility": {"level": "step_free", "sources": []}})
    with pytest.raises(ValueError, match="needs its sources"):
        Poi.from_json({**row, "reservation": {"required": True, "sources": []}})


def test_hours_confidence_follows_the_reference_sheet(catalog):
    """Hours the reference sheet cites a page for are ``sourced`` (Shen
    Garden: 08:00-17:00, last entry 16:40); those it marks general knowledge,
    or that were filled in without a page (Jinting, the venues, lodging), are
    ``general``; most of the catalog's hours are general knowledge."""
    pois = catalog.pois
    assert pois["shen-garden"].hours_confidence == "sourced"
    assert pois["mount-tianmu"].hours_confidence == "sourced"
    for general in ("lu-xun-native-place", "jinting-wang-xizhi-residence", "xianheng-tavern", "lufu-jiayan-luzhen"):
        assert pois[general].hours_confidence == "general", general
    assert pois["shaoxing-north-station"].hours_confidence == "unknown"
    counts = {k: sum(p.hours_confidence == k for p in pois.values()) for k in ("sourced", "general", "unknown")}
    assert counts["sourced"] == 10 and counts["general"] > counts["sourced"]


def test_metro_stations_where_hangzhou_and_shaoxing_lines_meet(catalog):
    hubs = {p.id: p for p in catalog.pois.values() if p.category == "hub"}
    gate = hubs["guniangqiao-metro-station"]
    assert gate.hub.kind == "metro" and {"Hangzhou Metro Line 5", "Shaoxing Metro Line 1"} <= set(gate.hub.lines)
    assert catalog.districts[gate.district].outside
    assert {h.hub.kind for h in hubs.values()} >= {"hsr", "rail", "metro", "airport"}
