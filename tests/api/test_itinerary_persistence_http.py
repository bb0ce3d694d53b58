"""Stored itineraries over real HTTP, on both stores (SQLite and DynamoDB/moto)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from tests.support.stores import service_on

pytestmark = pytest.mark.integration

BODY = {"start_date": "2026-12-01", "days": 1, "lang": "en", "time_limit_s": 1}


@pytest.fixture(scope="module", params=["sqlite", "dynamodb"])
def base(request, tmp_path_factory):
    kwargs = {}
    if request.param == "dynamodb":
        kwargs = {
            "moto_endpoint": request.getfixturevalue("moto_endpoint"),
            "dynamo_client": request.getfixturevalue("dynamo_client"),
        }
    with service_on(request.param, tmp_path_factory.mktemp(request.param), **kwargs) as url:
        yield url


def create(base, body=BODY, **headers):
    return requests.post(base + "/v1/itineraries", json=body, headers=headers, timeout=60)


def test_create_read_delete(base):
    r = create(base)
    assert r.status_code == 201, r.text
    plan = r.json()
    assert r.headers["Location"] == f"/v1/itineraries/{plan['id']}"
    assert r.headers["ETag"] == '"1"' and plan["version"] == 1
    got = requests.get(base + r.headers["Location"], timeout=10)
    assert got.status_code == 200 and got.json()["days"] == plan["days"]
    assert got.json()["warnings"] == []
    assert requests.get(base + r.headers["Location"], headers={"If-None-Match": '"1"'}, timeout=10).status_code == 304
    listed = requests.get(base + "/v1/itineraries", timeout=10).json()["itineraries"]
    assert plan["id"] in {i["id"] for i in listed}
    stale = requests.delete(base + r.headers["Location"], headers={"If-Match": '"7"'}, timeout=10)
    assert stale.status_code == 412 and stale.json()["error"]["field"] == "If-Match"
    assert requests.get(base + r.headers["Location"], timeout=10).status_code == 200  # nothing lost
    assert requests.delete(base + r.headers["Location"], headers={"If-Match": '"1"'}, timeout=10).status_code == 204
    assert requests.get(base + r.headers["Location"], timeout=10).status_code == 404


def test_share_link_reads_without_being_the_owner(base):
    plan = create(base).json()
    share = plan["links"]["share"]
    assert "?share=" in share
    assert requests.get(base + share, timeout=10).status_code == 200
    # Non-owners are covered in tests/auth/test_keys_http.py (two agency keys).


def test_idempotency_key_retries_create_one_plan(base):
    key = "retry-" + str(id(base))
    first = create(base, **{"Idempotency-Key": key})
    assert first.status_code == 201
    retries = [create(base, **{"Idempotency-Key": key}) for _ in range(3)]
    assert {r.json()["id"] for r in retries} == {first.json()["id"]}
    assert all(r.status_code == 200 and r.headers["Idempotent-Replayed"] == "true" for r in retries)
    other = create(base, dict(BODY, days=2), **{"Idempotency-Key": key})
    assert other.status_code == 422 and other.json()["error"]["field"] == "Idempotency-Key"


def test_concurrent_retries_with_one_key_never_duplicate(base):
    key = "race-" + str(id(base))
    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda _: create(base, **{"Idempotency-Key": key}), range(4)))
    created = [r for r in results if r.status_code == 201]
    assert len(created) == 1
    ids = {r.json()["id"] for r in results if r.status_code in (200, 201)}
    assert ids == {created[0].json()["id"]}
    assert all(r.status_code in (200, 201, 409) for r in results)


def test_unknown_itinerary_is_404_json(base):
    r = requests.get(base + "/v1/itineraries/it-00000000000000000000", timeout=10)
    assert r.status_code == 404 and r.json()["error"]["field"] == "id"


def test_replan_keeps_locks_and_returns_a_diff(base):
    created = create(base, dict(BODY, days=2)).json()
    url = base + f"/v1/itineraries/{created['id']}/replan"
    first_visit = next(s for s in created["days"][0]["stops"] if s["type"] == "visit")
    dropped = next(s for s in created["days"][1]["stops"] if s["type"] == "visit")
    r = requests.post(
        url,
        json={"lock": [{"day": 0, "poi_id": first_visit["poi_id"]}], "remove": [dropped["poi_id"]]},
        headers={"If-Match": '"1"'},
        timeout=60,
    )
    assert r.status_code == 200, r.text
    new = r.json()
    assert new["version"] == 2 and r.headers["ETag"] == '"2"'
    kept = next(s for s in new["days"][0]["stops"] if s.get("poi_id") == first_visit["poi_id"])
    assert kept["start"] == first_visit["start"]
    assert dropped["poi_id"] not in {s.get("poi_id") for d in new["days"] for s in d["stops"]}
    assert dropped["poi_id"] in new["diff"]["removed"] or any(
        x.get("poi_id") == dropped["poi_id"] for x in new["diff"]["removed"]
    )
    stale = requests.post(url, json={"lock_all": True}, headers={"If-Match": '"1"'}, timeout=60)
    assert stale.status_code == 412
    assert requests.get(base + f"/v1/itineraries/{created['id']}", timeout=10).json()["version"] == 2


def test_racing_writers_never_lose_an_update(base):
    created = create(base, dict(BODY, days=1)).json()
    url = base + f"/v1/itineraries/{created['id']}/replan"
    visits = [s["poi_id"] for s in created["days"][0]["stops"] if s["type"] == "visit"]
    assert len(visits) >= 2

    def edit(poi_id):
        return requests.post(url, json={"remove": [poi_id]}, headers={"If-Match": '"1"'}, timeout=60)

    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(edit, visits[:2]))
    codes = sorted(r.status_code for r in results)
    assert codes == [200, 412], [r.text for r in results]
    winner = next(r for r in results if r.status_code == 200).json()
    final = requests.get(base + f"/v1/itineraries/{created['id']}", timeout=10).json()
    # The stored plan is exactly the winner's write; the loser was told and changed nothing.
    assert final["version"] == 2 and final["days"] == winner["days"]
