"""Rail and metro legs (issue #15: Hangzhou-lodged trips): the station
paths over a small made-up network, then the real catalog's lines."""

from __future__ import annotations

import pytest

from chalicelib.catalog.lines import Headway, Line
from chalicelib.i18n import Text
from chalicelib.planning.endpoints import ARRIVAL_TRANSFER, DEPARTURE_BUFFER
from chalicelib.planning.rail import METRO_INTERCHANGE, station_paths


def line(
    id_: str, kind: str, stations: list[tuple[str, int]], gap: int, first: str = "06:00", last: str = "22:30"
) -> Line:
    lo, hi = (int(first[:2]) * 60 + int(first[3:]), int(last[:2]) * 60 + int(last[3:]))
    return Line(
        id=id_,
        name=Text(id_, id_),
        kind=kind,
        stations=tuple(stations),
        first=lo,
        last=hi,
        headways=(Headway(lo, 9 * 60, gap // 2 or 1), Headway(9 * 60, hi, gap)),
        confidence="medium",
        sources=("https://example.org/made-up",),
    )


NETWORK = {
    "m5": line("m5", "metro", [("a", 0), ("b", 20), ("x", 45)], 8),
    "m1": line("m1", "metro", [("x", 0), ("c", 30), ("d", 50)], 10),
    "hsr": line("hsr", "hsr", [("b", 0), ("d", 25)], 30),
}


def test_a_line_refuses_bad_tables():
    with pytest.raises(ValueError, match="minutes must rise"):
        line("bad", "metro", [("a", 0), ("b", 0)], 5)
    with pytest.raises(ValueError, match="headways must cover"):
        Line("bad", Text("b", "b"), "metro", (("a", 0), ("b", 5)), 360, 1350, (Headway(480, 1350, 5),), "low", ("s",))
    with pytest.raises(ValueError, match="sources"):
        Line("bad", Text("b", "b"), "metro", (("a", 0), ("b", 5)), 360, 1350, (Headway(360, 1350, 5),), "low", ())


def test_one_line_costs_buffer_longest_gap_ride_and_exit():
    paths = station_paths(NETWORK)
    ab = paths[("a", "b")]
    assert [(r.line, r.board, r.alight, r.minutes) for r in ab.rides] == [("m5", "a", "b", 20)]
    assert ab.minutes == DEPARTURE_BUFFER["metro"] + 8 + 20 + ARRIVAL_TRANSFER["metro"]
    assert paths[("b", "a")].minutes == ab.minutes  # rides both ways


def test_a_metro_change_inside_a_station_needs_no_second_security_check():
    ac = station_paths(NETWORK)[("a", "c")]
    assert [(r.line, r.board, r.alight) for r in ac.rides] == [("m5", "a", "x"), ("m1", "x", "c")]
    expected = DEPARTURE_BUFFER["metro"] + 8 + 45 + METRO_INTERCHANGE + 10 + 30 + ARRIVAL_TRANSFER["metro"]
    assert ac.minutes == expected


def test_the_quickest_path_wins_and_a_train_change_pays_both_stations():
    paths = station_paths(NETWORK)
    # a -> d: metro all the way (10+8+45+5+10+50+5 = 133) against metro to b and the HSR
    # (10+8+20 + exit 5 + HSR buffer 30 + gap 30 + 25 + exit 15 = 143)
    ad = paths[("a", "d")]
    assert [r.line for r in ad.rides] == ["m5", "m1"]
    via_hsr = DEPARTURE_BUFFER["metro"] + 8 + 20 + ARRIVAL_TRANSFER["metro"] + DEPARTURE_BUFFER["hsr"] + 30 + 25
    via_hsr += ARRIVAL_TRANSFER["hsr"]
    assert ad.minutes < via_hsr
    bd = paths[("b", "d")]
    assert [r.line for r in bd.rides] == ["hsr"]
    assert bd.minutes == DEPARTURE_BUFFER["hsr"] + 30 + 25 + ARRIVAL_TRANSFER["hsr"]


# --- the real catalog: a trip lodged in Xiaoshan (Hangzhou) beside Guniangqiao ---

XIAOSHAN = {"lon": 120.3275, "lat": 30.1775}  # a point 150 m from Guniangqiao station (Hangzhou)
TRIP = {
    "start_date": "2026-05-15",
    "days": 1,
    "lang": "en",
    "mode": "transit",
    "lodging": XIAOSHAN,
    "must_visit": ["keqiao-ancient-town", "anchang-ancient-town"],  # a day in Keqiao's old towns
    "pace": "relaxed",
}


def rail_stops(result):
    return [s for d in result["days"] for s in d["stops"] if (s.get("travel") or {}).get("mode") == "rail"]


def test_a_hangzhou_lodged_trip_takes_the_metro_into_keqiao(real):
    from chalicelib.planning import plan

    result = plan(TRIP, real)
    legs = rail_stops(result)
    assert legs, "the Keqiao leg should be by metro"
    line = real.lines["shaoxing-metro-1-keqiao"]
    for stop in legs:
        ride = stop["travel"]["rail"]["rides"][0]
        assert ride["line"] == line.id and ride["ride_minutes"] == 26
        assert ride["wait_minutes"] == DEPARTURE_BUFFER["metro"] + line.longest_gap
        assert {ride["board"], ride["alight"]} == {"guniangqiao-metro-station", "china-textile-city-metro-station"}
        rail = stop["travel"]["rail"]
        assert (
            stop["travel"]["minutes"]
            == rail["access_minutes"] + ride["wait_minutes"] + 26 + ARRIVAL_TRANSFER["metro"] + rail["egress_minutes"]
        )
    # the metro joins the lodging by Guniangqiao and Keqiao Ancient Town by China Textile City
    stops = [s for d in result["days"] for s in d["stops"]]
    for k, stop in enumerate(stops):
        if (stop.get("travel") or {}).get("mode") == "rail":
            ends = {stops[k - 1]["type"], stop["type"], stops[k - 1].get("poi_id"), stop.get("poi_id")}
            assert "keqiao-ancient-town" in ends and ({"start", "end"} & ends)


def test_the_checker_rederives_rail_legs_from_the_tables(real):
    from chalicelib.planning import plan
    from chalicelib.planning.check import check

    from .conftest import build_problem

    result = plan(TRIP, real)
    problem = build_problem(TRIP, real)
    assert check(problem, result) == []
    d, k = next(
        (d, k)
        for d, day in enumerate(result["days"])
        for k, s in enumerate(day["stops"])
        if (s.get("travel") or {}).get("mode") == "rail"
    )
    tampered = dict(result, days=[dict(day, stops=[dict(s) for s in day["stops"]]) for day in result["days"]])
    stop = tampered["days"][d]["stops"][k]
    stop["travel"] = dict(stop["travel"], minutes=stop["travel"]["minutes"] - 10)
    assert any("the tables need" in v for v in check(problem, tampered))
    stop["travel"] = dict(
        stop["travel"], rail={**stop["travel"]["rail"], "rides": [{"line": "x", "board": "a", "alight": "b"}]}
    )
    assert any("the tables give another trip" in v for v in check(problem, tampered))
    driving = build_problem(dict(TRIP, mode="drive"), real)
    assert driving.rail_legs == {}
    assert any("a rail leg on a drive trip" in v for v in check(driving, result))


def test_an_early_start_waits_for_the_first_train(real):
    from datetime import datetime

    from chalicelib.planning import plan

    from .conftest import build_problem

    early = dict(TRIP, day_start="05:00")
    line = real.lines["shaoxing-metro-1-keqiao"]
    assert build_problem(early, real).day_windows[0][0] == line.first  # 06:00, not 05:00
    assert build_problem(dict(early, mode="drive"), real).day_windows[0][0] == 5 * 60  # no train, no clamp
    first = plan(early, real)["days"][0]["stops"][0]
    moment = datetime.fromisoformat(first["depart"])
    assert moment.hour * 60 + moment.minute >= line.first


def test_short_hops_and_far_places_keep_the_bus_estimate(real):
    from chalicelib.planning.rail import RAIL_MIN_KM, best_trip
    from chalicelib.planning.travel import Point, geodesic_km

    station = real.pois["guniangqiao-metro-station"]
    near = Point(station.lon + 0.01, station.lat)
    assert geodesic_km(Point(station.lon, station.lat), near) < RAIL_MIN_KM
    assert best_trip(real, Point(station.lon, station.lat), near) is None
    old_town = real.pois["lu-xun-native-place"]  # 20 km past the last station of the table
    assert best_trip(real, Point(XIAOSHAN["lon"], XIAOSHAN["lat"]), Point(old_town.lon, old_town.lat)) is None


def test_cards_name_the_trains_in_both_languages(real):
    from chalicelib.planning import plan
    from chalicelib.render.view import plan_view, travel_line

    view = plan_view(plan(TRIP, real), real)  # a plan written in English
    stop = next(s for d in view.days for s in d.stops if s.travel and s.travel.mode == "rail")
    assert "Shaoxing Metro Line 1 (Keqiao section)" in (travel_line(stop, "en") or "")
    zh = travel_line(stop, "zh") or ""
    assert "轨道交通" in zh and "绍兴地铁1号线（柯桥段）" in zh and "姑娘桥" in zh
