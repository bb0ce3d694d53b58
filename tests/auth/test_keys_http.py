"""Keys, quotas and ownership enforced over real HTTP (chalice local)."""

from __future__ import annotations

import pytest
import requests

from tests.support.admin import admin, new_key
from tests.support.server import local_server

pytestmark = pytest.mark.integration

BODY = {"start_date": "2026-12-01", "days": 1, "time_limit_s": 0.5}


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    db = tmp_path_factory.mktemp("keys") / "yueyou.db"
    return {
        "YUEYOU_SQLITE_PATH": str(db),
        "YUEYOU_ANONYMOUS_DAILY_PLANS": "2",
        "YUEYOU_ANONYMOUS_RATE_PER_MINUTE": "1000",
    }


@pytest.fixture(scope="module")
def base(env):
    with local_server(env) as url:
        yield url


def post(base, key=None, body=BODY):
    headers = {"x-api-key": key} if key else {}
    return requests.post(base + "/v1/itineraries", json=body, headers=headers, timeout=60)


def test_key_quota_headers_and_429(base, env):
    key = new_key(env, "Agency Quota", 2)
    first, second, third = post(base, key), post(base, key), post(base, key)
    assert first.status_code == second.status_code == 201
    assert first.headers["X-RateLimit-Limit"] == "2"
    assert [first.headers["X-RateLimit-Remaining"], second.headers["X-RateLimit-Remaining"]] == ["1", "0"]
    assert 0 < int(first.headers["X-RateLimit-Reset"]) <= 86400
    assert third.status_code == 429
    assert third.json()["error"]["code"] == "quota_exceeded"
    assert int(third.headers["Retry-After"]) > 0 and third.headers["X-RateLimit-Remaining"] == "0"


def test_missing_wrong_and_revoked_keys(base, env):
    wrong = post(base, "yy_0000000000000000_" + "0" * 48)
    assert wrong.status_code == 401 and wrong.json()["error"]["field"] == "x-api-key"
    assert post(base, "garbage").status_code == 401
    key = new_key(env, "Agency Revoked", 5)
    assert post(base, key).status_code == 201
    key_id = key.split("_")[1]
    admin(env, "keys", "revoke", key_id)
    assert post(base, key).status_code == 401
    listing = admin(env, "keys", "list")
    assert key not in listing and key.split("_")[2] not in listing


def test_agencies_see_and_manage_only_their_own_plans(base, env):
    a, b = new_key(env, "Agency A", 10), new_key(env, "Agency B", 10)
    created = post(base, a).json()
    url = base + f"/v1/itineraries/{created['id']}"
    assert requests.get(url, headers={"x-api-key": a}, timeout=10).status_code == 200
    assert requests.get(url, headers={"x-api-key": b}, timeout=10).status_code == 404
    assert requests.get(url, timeout=10).status_code == 404  # anonymous, no share token
    assert requests.delete(url, headers={"x-api-key": b}, timeout=10).status_code == 404
    mine = requests.get(base + "/v1/itineraries", headers={"x-api-key": b}, timeout=10).json()
    assert created["id"] not in {i["id"] for i in mine["itineraries"]}
    theirs = requests.get(base + "/v1/itineraries", headers={"x-api-key": a}, timeout=10).json()
    assert created["id"] in {i["id"] for i in theirs["itineraries"]}
    # The share link (printed QR code) opens the plan for anyone.
    assert requests.get(base + created["links"]["share"], timeout=10).status_code == 200
    assert requests.delete(url, headers={"x-api-key": a}, timeout=10).status_code == 204


def test_anonymous_callers_get_a_small_quota(base):
    codes = [post(base).status_code for _ in range(3)]
    assert codes == [201, 201, 429]


def test_public_reads_need_no_key(base):
    assert requests.get(base + "/v1/pois?limit=1", timeout=10).status_code == 200
    assert requests.get(base + "/v1/routes", timeout=10).status_code == 200


def test_only_plannable_new_requests_cost_a_plan(base, env):
    # quota 2: a refused body, refused edits and idempotent replays take nothing from it
    key = new_key(env, "Agency Careful", 2)
    bad = post(base, key, dict(BODY, days=99))
    assert bad.status_code == 400 and bad.json()["error"]["field"] == "days"
    keyed = {"x-api-key": key, "Idempotency-Key": "trip-1"}
    first = requests.post(base + "/v1/itineraries", json=BODY, headers=keyed, timeout=60)
    assert first.status_code == 201 and first.headers["X-RateLimit-Remaining"] == "1"
    for _ in range(3):
        again = requests.post(base + "/v1/itineraries", json=BODY, headers=keyed, timeout=60)
        assert again.status_code == 200 and again.headers["Idempotent-Replayed"] == "true"
    plan_id = first.json()["id"]
    edits = requests.post(
        f"{base}/v1/itineraries/{plan_id}/replan",
        json={"remove": ["no-such-poi"]},
        headers={"x-api-key": key},
        timeout=60,
    )
    assert edits.status_code in (400, 404) and edits.json()["error"]["field"].startswith("edits"), edits.text
    replanned = requests.post(
        f"{base}/v1/itineraries/{plan_id}/replan", json={"time_limit_s": 0.5}, headers={"x-api-key": key}, timeout=60
    )
    assert replanned.status_code == 200 and replanned.headers["X-RateLimit-Remaining"] == "0"
    assert post(base, key).status_code == 429  # the two plans made are all that was charged


@pytest.mark.parametrize("suffix", ["", "/card.html", "/itinerary.ics"])
def test_missing_and_foreign_plan_ids_answer_alike(base, env, suffix):
    # no existence oracle: a wrong key is 401 whether or not the id exists; a good key
    # that does not own the plan gets the same 404 as for a missing id
    owner_key, other_key = new_key(env, f"Agency Owner {suffix}", 5), new_key(env, f"Agency Other {suffix}", 5)
    existing = post(base, owner_key).json()["id"]
    missing = "it-" + "0" * 20
    wrong = {"x-api-key": "yy_0000000000000000_" + "0" * 48}
    answers = [
        requests.get(f"{base}/v1/itineraries/{pid}{suffix}", headers=wrong, timeout=30) for pid in (existing, missing)
    ]
    assert [a.status_code for a in answers] == [401, 401]
    assert answers[0].json()["error"]["code"] == answers[1].json()["error"]["code"]
    other = [
        requests.get(f"{base}/v1/itineraries/{pid}{suffix}", headers={"x-api-key": other_key}, timeout=30)
        for pid in (existing, missing)
    ]
    assert [a.status_code for a in other] == [404, 404]
    assert other[0].json()["error"] == dict(other[1].json()["error"], message=other[0].json()["error"]["message"])


def test_an_owner_name_that_extends_another_sees_only_its_own_plans(base, env):
    parent, branch = new_key(env, "Agency Prefix", 5), new_key(env, "Agency Prefix#Branch", 5)
    mine = post(base, branch).json()["id"]
    listed = requests.get(base + "/v1/itineraries", headers={"x-api-key": parent}, timeout=30).json()
    assert mine not in [p["id"] for p in listed["itineraries"]]
    own = requests.get(base + "/v1/itineraries", headers={"x-api-key": branch}, timeout=30).json()
    assert [p["id"] for p in own["itineraries"]] == [mine]
