"""POST /v1/itineraries over real HTTP (chalice local on 127.0.0.1)."""

from __future__ import annotations

import pytest
import requests

pytestmark = pytest.mark.integration


def post(base, body, **params):
    return requests.post(base + "/v1/itineraries", json=body, params=params, timeout=60)


def test_one_day_old_town_walk_in_english(base, catalog):
    r = post(
        base,
        {
            "start_date": "2026-12-01",
            "days": 1,
            "mode": "walk",
            "lang": "en",
            "interests": {"history": 1, "culture": 0.8},
            "time_limit_s": 1,
        },
    )
    assert r.status_code == 201, r.text
    plan = r.json()
    assert plan["status"] in ("ok", "partial")
    stops = plan["days"][0]["stops"]
    assert stops[0]["type"] == "start" and stops[-1]["type"] == "end"
    visits = [s for s in stops if s["type"] == "visit"]
    assert visits
    for stop in visits:
        assert stop["name"] == catalog.pois[stop["poi_id"]].name.en
    times = [(s["arrive"], s["start"], s["end"], s["depart"]) for s in stops]
    flat = [t for quad in times for t in quad]
    assert flat == sorted(flat), "times must never go backwards"
    assert all(t.endswith("+08:00") for t in flat)


def test_same_request_same_plan_in_chinese(base):
    body = {"start_date": "2026-12-01", "days": 1, "time_limit_s": 1}
    first, second = post(base, body).json(), post(base, body).json()
    assert first["id"] != second["id"]  # two plans: no Idempotency-Key was sent
    assert [s["poi_id"] for s in first["days"][0]["stops"]] == [s["poi_id"] for s in second["days"][0]["stops"]]
    assert first["lang"] == "zh"


def test_overlapping_matches_are_422_naming_both(base, catalog):
    same_time = {}
    for event in catalog.events.values():
        same_time.setdefault(event.start, []).append(event.id)
    pair = next(ids for ids in same_time.values() if len(ids) >= 2)[:2]
    start = catalog.events[pair[0]].start.date().isoformat()
    r = post(base, {"start_date": start, "days": 1, "events": pair}, lang="en")
    assert r.status_code == 422, r.text
    error = r.json()["error"]
    assert error["code"] == "infeasible"
    assert set(pair) <= set(error["details"]["conflicts"])


@pytest.mark.parametrize(
    "body,field",
    [
        ({"start_date": "2026-02-30"}, "start_date"),
        ({"start_date": "2026-12-01", "days": 0}, "days"),
        ({"start_date": "2026-12-01", "days": 15}, "days"),
        ({"start_date": "2026-12-01", "pace": "sprint"}, "pace"),
        ({"start_date": "2026-12-01", "mode": "teleport"}, "mode"),
        ({"start_date": "2026-12-01", "interests": {"history": 2}}, "interests.history"),
        ({"start_date": "2026-12-01", "must_visit": ["nowhere"]}, "must_visit[0]"),
        ({"start_date": "2026-12-01", "budget_cny": -5}, "budget_cny"),
        ({"start_date": "2026-12-01", "day_start": "25:00"}, "day_start"),
        ({"start_date": "2026-12-01", "surprise": True}, "surprise"),
    ],
)
def test_bad_requests_name_the_field(base, body, field):
    r = post(base, body)
    assert 400 <= r.status_code < 500, r.text
    assert r.json()["error"]["field"] == field


def test_not_json_is_400(base):
    r = requests.post(base + "/v1/itineraries", data=b"{nope", timeout=10, headers={"Content-Type": "application/json"})
    assert r.status_code == 400 and r.json()["error"]["field"] == "body"


def test_browsers_may_send_conditional_and_idempotent_requests(base):
    r = requests.options(
        base + "/v1/itineraries",
        timeout=10,
        headers={
            "Origin": "https://app.example",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "idempotency-key,if-match,x-api-key",
        },
    )
    assert r.status_code == 200
    allowed = r.headers["Access-Control-Allow-Headers"].lower()
    assert {"idempotency-key", "if-match", "x-api-key"} <= set(h.strip() for h in allowed.split(","))
    created = post(base, {"start_date": "2026-12-01", "time_limit_s": 0.5})
    exposed = created.headers["Access-Control-Expose-Headers"].lower()
    assert "etag" in exposed and "location" in exposed and "x-ratelimit-remaining" in exposed


def test_arriving_and_leaving_by_rail(base, catalog):
    body = {
        "start_date": "2026-05-15",
        "days": 3,
        "lang": "en",
        "time_limit_s": 1,
        "arrive": {"hub": "shaoxing-north-station", "at": "2026-05-15T09:40:00+08:00"},
        "depart": {"hub": "shaoxing-north-station", "at": "2026-05-17T18:30:00+08:00"},
    }
    r = post(base, body)
    assert r.status_code == 201, r.text
    plan = r.json()
    first, last = plan["days"][0]["stops"][0], plan["days"][-1]["stops"][-1]
    station = catalog.pois["shaoxing-north-station"]
    assert [first["lon"], first["lat"]] == [last["lon"], last["lat"]] == [station.lon, station.lat]
    assert first["depart"] >= "2026-05-15T09:55:00+08:00"  # 15 min to get out of the station
    assert last["arrive"] <= "2026-05-17T18:00:00+08:00"  # 30 min before the train
    assert plan["review"] == []
    bad = post(base, dict(body, depart={"hub": "shaoxing-north-station", "at": "2026-05-15T08:00:00+08:00"}))
    assert bad.status_code == 400 and bad.json()["error"]["field"] == "depart.at"


def test_a_wheelchair_trip_over_http(base, catalog):
    body = {
        "start_date": "2026-05-16",
        "lang": "en",
        "mode": "walk",
        "time_limit_s": 1,
        "access": {"wheelchair": True, "max_walk_m": 400, "rest_every_min": 60},
    }
    r = post(base, body)
    assert r.status_code == 201, r.text
    plan = r.json()
    places = [
        s["poi_id"] for d in plan["days"] for s in d["stops"] if s["type"] in ("visit", "meal") and s.get("poi_id")
    ]
    assert all(catalog.pois[p].accessibility.level == "step_free" for p in places)
    assert plan["review"] == []
    legs = [s["travel"] for d in plan["days"] for s in d["stops"] if s.get("travel")]
    assert all(leg["km"] * 1000 <= 410 for leg in legs if leg["mode"] == "walk")
    assert plan["request"]["access"] == {"wheelchair": True, "stroller": False, "max_walk_m": 400, "rest_every_min": 60}
    # today no place has a sourced step-free statement: each is named instead of silently dropped
    assert {u["reason_code"] for u in plan["unscheduled"]} >= {"access_unknown"}
    bad = post(base, dict(body, access={"wheelchair": 1}))
    assert bad.status_code == 400 and bad.json()["error"]["field"] == "access.wheelchair"


def test_a_hangzhou_lodged_trip_rides_the_metro_over_http(base, catalog):
    body = {
        "start_date": "2026-05-15",
        "lang": "en",
        "mode": "transit",
        "time_limit_s": 1,
        "pace": "relaxed",
        "lodging": {"lon": 120.3275, "lat": 30.1775},  # Xiaoshan, Hangzhou: beside Guniangqiao station
        "must_visit": ["keqiao-ancient-town", "anchang-ancient-town"],  # a day in Keqiao's old towns
    }
    r = post(base, body)
    assert r.status_code == 201, r.text
    assert r.json()["review"] == []  # the guide review finds nothing to circle
    legs = [s["travel"] for d in r.json()["days"] for s in d["stops"] if (s.get("travel") or {}).get("mode") == "rail"]
    assert legs, "the leg into Keqiao is by metro"
    rides = [ride for leg in legs for ride in leg["rail"]["rides"]]
    assert {ride["line"] for ride in rides} == {"shaoxing-metro-1-keqiao"}
    assert all(ride["ride_minutes"] == 26 for ride in rides)  # the table's minutes, not a straight-line speed
    spec = requests.get(base + "/v1/openapi.json", timeout=10).json()
    assert "rail" in spec["components"]["schemas"]["Travel"]["properties"]
