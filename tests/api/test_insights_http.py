"""Crowd insights and capacity over real HTTP (issue #17): operator scope,
the public hint, capacity limits; errors name their field."""

from __future__ import annotations

import pytest
import requests

from tests.support.admin import new_key
from tests.support.server import local_server

pytestmark = pytest.mark.integration
DAY = "2026-05-16"


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    return {"YUEYOU_SQLITE_PATH": str(tmp_path_factory.mktemp("insights") / "yueyou.db")}


@pytest.fixture(scope="module")
def base(env):
    with local_server(env) as url:
        yield url


def key(env, owner, *extra):
    return new_key(env, owner, 50, *extra)


def test_operators_see_counts_the_public_sees_busy_or_quiet(base, env):
    agency, operator = key(env, "Agency"), key(env, "City operator", "--scope", "operator")
    body = {"start_date": DAY, "lang": "en", "time_limit_s": 0.5, "avoid_crowds": False, "group_size": 4}
    for seed in range(6):
        r = requests.post(
            base + "/v1/itineraries", json=dict(body, seed=seed), headers={"x-api-key": agency}, timeout=60
        )
        assert r.status_code == 201, r.text
    url = base + "/v1/insights/crowds"
    for who in ({"x-api-key": agency}, {}):
        denied = requests.get(url, params={"date": DAY}, headers=who, timeout=10)
        assert denied.status_code == 403 and denied.json()["error"]["field"] == "x-api-key"
    seen = requests.get(url, params={"date": DAY, "lang": "en"}, headers={"x-api-key": operator}, timeout=10)
    assert seen.status_code == 200, seen.text
    view = seen.json()
    assert view["plans"] == 6 and view["pois"] and view["top"][0]["planned_shown"] >= 24
    assert all(c["planned"] is None or c["planned"] >= 5 for p in view["pois"] for c in p["hours"])
    public = requests.get(base + "/v1/crowds", params={"date": DAY}, timeout=10).json()
    assert {v for p in public["pois"] for v in p["hours"].values()} == {"busy", "quiet"}  # 24 people: busy
    assert "planned" not in str(public)
    bad = requests.get(url, params={"date": "2026-13-01"}, headers={"x-api-key": operator}, timeout=10)
    assert bad.status_code == 400 and bad.json()["error"]["field"] == "date"
    missing = requests.get(url, params={"date": DAY, "poi": "nope"}, headers={"x-api-key": operator}, timeout=10)
    assert missing.status_code == 404 and missing.json()["error"]["field"] == "poi"


def test_capacity_limits_by_operators_only(base, env):
    operator = key(env, "Operator two", "--scope", "operator")
    url = base + "/v1/insights/capacity/lu-xun-native-place"
    limit = {"daily": 8, "source": "scenic area's real-name booking quota for groups (test)"}
    assert requests.put(url, json=limit, timeout=10).status_code == 403
    r = requests.put(url, json=limit, headers={"x-api-key": operator}, timeout=10)
    assert r.status_code == 200 and r.json()["daily"] == 8
    bad = requests.put(url, json={"daily": "eight", "source": "x"}, headers={"x-api-key": operator}, timeout=10)
    assert bad.status_code == 400 and bad.json()["error"]["field"] == "daily"
    body = {
        "start_date": DAY,
        "lang": "en",
        "must_visit": ["lu-xun-native-place"],
        "group_size": 6,
        "time_limit_s": 0.5,
    }
    assert requests.post(base + "/v1/itineraries", json=body, timeout=60).status_code == 201
    full = requests.post(base + "/v1/itineraries", json=body, timeout=60)
    assert full.status_code == 409 and full.json()["error"]["field"] == "must_visit[0]"
    listing = requests.get(
        base + "/v1/insights/capacity", params={"date": DAY}, headers={"x-api-key": operator}, timeout=10
    )
    slots = listing.json()["limits"][0]["slots"]
    assert slots == [{"slot": "day", "limit": 8, "taken": 6, "left": 2}]
    gone = requests.delete(url, headers={"x-api-key": operator}, timeout=10)
    assert gone.status_code == 204
