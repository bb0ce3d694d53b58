"""Arriving and leaving by train or plane (issue #15 part 1): the first day starts
at the hub after the transfer, the last ends there before the buffer, and the
checker re-derives both from the request."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from chalicelib.errors import YueyouError
from chalicelib.planning import plan
from chalicelib.planning.endpoints import ARRIVAL_TRANSFER, DEPARTURE_BUFFER

NORTH = "shaoxing-north-station"
TRIP = {
    "start_date": "2026-05-15",
    "days": 3,
    "lang": "en",
    "arrive": {"hub": NORTH, "at": "2026-05-15T09:40:00+08:00"},
    "depart": {"hub": NORTH, "at": "2026-05-17T18:30:00+08:00"},
}


def at(value: str) -> datetime:
    return datetime.fromisoformat(value)


def test_a_rail_trip_starts_and_ends_at_the_station_with_its_buffers(catalog):
    result = plan(TRIP, catalog)
    first, last = result["days"][0]["stops"][0], result["days"][-1]["stops"][-1]
    station = catalog.pois[NORTH]
    assert (first["type"], first["lon"], first["lat"]) == ("start", station.lon, station.lat)
    assert (last["type"], last["lon"], last["lat"]) == ("end", station.lon, station.lat)
    assert at(first["depart"]) >= at("2026-05-15T09:40:00+08:00") + timedelta(minutes=ARRIVAL_TRANSFER["hsr"])
    assert at(last["arrive"]) <= at("2026-05-17T18:30:00+08:00") - timedelta(minutes=DEPARTURE_BUFFER["hsr"])
    # the nights in between are at the lodging, and the request keeps the hubs (replans, ids)
    assert result["days"][0]["stops"][-1]["name"] == result["days"][0]["lodging"]["name"]
    assert result["request"]["arrive"] == {"hub": NORTH, "at": "2026-05-15T09:40:00+08:00"}
    assert [f["code"] for f in result["review"] if f["code"] not in ("travel_share",)] == []


def test_the_checker_rederives_the_hub_rules(catalog):
    from chalicelib.planning.check import check
    from chalicelib.planning.problem import build
    from chalicelib.planning.request import parse_request
    from chalicelib.planning.travel import GeodesicTravel

    result = plan(TRIP, catalog)
    problem = build(parse_request(TRIP, catalog), catalog, GeodesicTravel())
    assert check(problem, result) == []
    early = dict(result, days=[dict(d, stops=[dict(s) for s in d["stops"]]) for d in result["days"]])
    early["days"][0]["stops"][0]["depart"] = "2026-05-15T09:45:00+08:00"  # before the 15-min transfer
    assert any(v.startswith("arrive: leaves the hub before") for v in check(problem, early))
    late = dict(result, days=[dict(d, stops=[dict(s) for s in d["stops"]]) for d in result["days"]])
    late["days"][-1]["stops"][-1]["arrive"] = "2026-05-17T18:10:00+08:00"  # inside the 30-min buffer
    assert any(v.startswith("depart: back at the hub after") for v in check(problem, late))


def test_the_airport_needs_longer(catalog):
    result = plan(
        {
            "start_date": "2026-05-15",
            "days": 1,
            "arrive": {"hub": "hangzhou-xiaoshan-airport", "at": "2026-05-15T08:00:00+08:00"},
            "depart": {"hub": "hangzhou-xiaoshan-airport", "at": "2026-05-15T21:00:00+08:00"},
        },
        catalog,
    )
    stops = result["days"][0]["stops"]
    assert at(stops[0]["depart"]) >= at("2026-05-15T08:45:00+08:00")
    assert at(stops[-1]["arrive"]) <= at("2026-05-15T19:00:00+08:00")


@pytest.mark.parametrize(
    "change,status,field",
    [
        (
            {
                "depart": {"hub": NORTH, "at": "2026-05-17T08:00:00+08:00"},
                "days": 1,
                "start_date": "2026-05-17",
                "arrive": {"hub": NORTH, "at": "2026-05-17T09:00:00+08:00"},
            },
            400,
            "depart.at",
        ),
        ({"arrive": {"hub": "no-such-station", "at": "2026-05-15T09:40:00+08:00"}}, 404, "arrive.hub"),
        ({"arrive": {"hub": "shen-garden", "at": "2026-05-15T09:40:00+08:00"}}, 400, "arrive.hub"),
        ({"arrive": {"hub": NORTH, "at": "2026-05-16T09:40:00+08:00"}}, 400, "arrive.at"),
        ({"arrive": {"hub": NORTH, "at": "tomorrow"}}, 400, "arrive.at"),
        ({"arrive": {"hub": NORTH}}, 400, "arrive"),
        ({"arrive": {"hub": NORTH, "lon": 120.5, "lat": 30.0, "at": "2026-05-15T09:40:00+08:00"}}, 400, "arrive"),
        ({"arrive": {"hub": NORTH, "at": "2026-05-15T22:40:00+08:00"}, "days": 1, "depart": None}, 422, "arrive.at"),
    ],
)
def test_bad_arrivals_are_4xx_naming_the_field(catalog, change, status, field):
    body = {k: v for k, v in {**TRIP, **change}.items() if v is not None}
    with pytest.raises(YueyouError) as refused:
        plan(body, catalog)
    assert (refused.value.status, refused.value.field) == (status, field)
