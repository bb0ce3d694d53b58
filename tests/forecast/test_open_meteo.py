"""The forecast (Open-Meteo's API shape) from a fake server on 127.0.0.1: a
rainy forecast swaps outdoor for indoor visits, answers are cached in the
store, and a failing forecast never fails a plan."""

from __future__ import annotations

import http.server
import json
from datetime import datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from chalicelib.timeutil import SHANGHAI
from tests.support.browser import serve_handler
from tests.support.server import local_server

pytestmark = pytest.mark.integration


class FakeOpenMeteo(http.server.BaseHTTPRequestHandler):
    calls: list[dict] = []
    status = 200
    rain = True

    def do_GET(self):
        query = {k: v[0] for k, v in parse_qs(urlsplit(self.path).query).items()}
        FakeOpenMeteo.calls.append(query)
        if FakeOpenMeteo.status != 200:
            self.send_response(FakeOpenMeteo.status)
            self.end_headers()
            return
        first = datetime.fromisoformat(query["start_date"])
        last = datetime.fromisoformat(query["end_date"])
        times = [first + timedelta(hours=h) for h in range(int((last - first).days + 1) * 24)]
        body = {
            "hourly": {
                "time": [t.strftime("%Y-%m-%dT%H:%M") for t in times],
                "precipitation_probability": [90 if FakeOpenMeteo.rain else 0 for _ in times],
                "precipitation": [2.0 if FakeOpenMeteo.rain else 0.0 for _ in times],
                "apparent_temperature": [22.0 for _ in times],
            }
        }
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    with serve_handler(FakeOpenMeteo) as fake:
        env = {
            "YUEYOU_SQLITE_PATH": str(tmp_path_factory.mktemp("forecast") / "yueyou.db"),
            "YUEYOU_WEATHER_URL": fake + "/v1/forecast",
        }
        with local_server(env) as base:
            yield base


def soon(days: int = 3) -> str:
    return (datetime.now(SHANGHAI).date() + timedelta(days=days)).isoformat()


def test_a_rainy_forecast_swaps_outdoor_for_indoor_visits(site, catalog):
    FakeOpenMeteo.calls.clear()
    start = soon()
    r = requests.post(site + "/v1/itineraries", json={"start_date": start, "lang": "en", "time_limit_s": 1}, timeout=60)
    assert r.status_code == 201, r.text
    plan = r.json()
    visits = [s["poi_id"] for d in plan["days"] for s in d["stops"] if s["type"] == "visit"]
    assert visits and all(catalog.pois[p].setting != "outdoor" for p in visits)
    assert plan["request"]["weather"] == [{"date": start, "from": "00:00", "to": "24:00", "kind": "wet"}]
    assert any(u["reason_code"] == "weather" for u in plan["unscheduled"])
    (call,) = FakeOpenMeteo.calls
    assert call["hourly"] == "precipitation_probability,precipitation,apparent_temperature"
    assert call["timezone"] == "Asia/Shanghai" and call["start_date"] == call["end_date"] == start
    # the same place and day again: from the store, no second call
    again = requests.post(site + "/v1/itineraries", json={"start_date": start, "time_limit_s": 1}, timeout=60)
    assert again.status_code == 201 and len(FakeOpenMeteo.calls) == 1


def test_no_forecast_call_beyond_the_horizon_or_when_weather_is_given(site):
    FakeOpenMeteo.calls.clear()
    far = requests.post(site + "/v1/itineraries", json={"start_date": soon(40), "time_limit_s": 1}, timeout=60)
    given = requests.post(
        site + "/v1/itineraries",
        json={
            "start_date": soon(5),
            "time_limit_s": 1,
            "weather": [{"date": soon(5), "from": "09:00", "to": "12:00", "kind": "hot"}],
        },
        timeout=60,
    )
    assert far.status_code == given.status_code == 201
    assert "weather" not in far.json()["request"]
    assert FakeOpenMeteo.calls == []


def test_a_failing_forecast_never_fails_the_plan(site):
    FakeOpenMeteo.calls.clear()
    FakeOpenMeteo.status = 500
    try:
        r = requests.post(site + "/v1/itineraries", json={"start_date": soon(7), "time_limit_s": 1}, timeout=60)
    finally:
        FakeOpenMeteo.status = 200
    assert r.status_code == 201 and "weather" not in r.json()["request"]
    assert len(FakeOpenMeteo.calls) == 1


@pytest.fixture(scope="module")
def uncached(tmp_path_factory):
    """The same fake forecast, read afresh on every request (YUEYOU_WEATHER_CACHE_S=0)."""
    with serve_handler(FakeOpenMeteo) as fake:
        env = {
            "YUEYOU_SQLITE_PATH": str(tmp_path_factory.mktemp("forecast-fresh") / "yueyou.db"),
            "YUEYOU_WEATHER_URL": fake + "/v1/forecast",
            "YUEYOU_WEATHER_CACHE_S": "0",
        }
        with local_server(env) as base:
            yield base


def test_a_stored_plan_warns_when_the_forecast_turns_wet(uncached, catalog):
    FakeOpenMeteo.rain = False
    try:
        made = requests.post(
            uncached + "/v1/itineraries", json={"start_date": soon(1), "lang": "en", "time_limit_s": 1}, timeout=60
        )
        assert made.status_code == 201, made.text
        plan = made.json()
        outdoor = [
            s
            for d in plan["days"]
            for s in d["stops"]
            if s["type"] == "visit" and catalog.pois[s["poi_id"]].setting == "outdoor"
        ]
        assert outdoor and made.json()["warnings"] == []
        read = requests.get(uncached + plan["links"]["self"], timeout=30)
        assert read.json()["warnings"] == []  # still dry
        FakeOpenMeteo.rain = True
        read = requests.get(uncached + plan["links"]["self"] + "?lang=en", timeout=30)
        warnings = [w for w in read.json()["warnings"] if w["code"] == "weather_changed"]
        assert {w["poi_id"] for w in warnings} == {s["poi_id"] for s in outdoor}
        assert all(
            w["action"] == "replan" and w["current"]["kind"] == "wet" and "wet" in w["message"] for w in warnings
        )
        # beyond the 3-day re-check window: no call, no warning
        later = requests.post(
            uncached + "/v1/itineraries", json={"start_date": soon(30), "time_limit_s": 1}, timeout=60
        )
        assert requests.get(uncached + later.json()["links"]["self"], timeout=30).json()["warnings"] == []
    finally:
        FakeOpenMeteo.rain = True
