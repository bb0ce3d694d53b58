"""Idempotency-Key claims left pending by a dead process, on both stores.

A crash is simulated by ``Killed``, a BaseException: like SIGKILL it skips
every ``except Exception`` clean-up, so the claim stays exactly as a killed
process leaves it.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from chalicelib.errors import YueyouError
from chalicelib.i18n import Text
from chalicelib.itineraries import ItineraryRepository
from chalicelib.itineraries.repository import IDEMPOTENCY, IDEMPOTENCY_TTL_S
from tests.support.crash import Clock, Killed, Proxy

BODY = {"start_date": "2026-12-01", "days": 1}
DEADLINE_S = 30.0


class Planner:
    def __init__(self) -> None:
        self.calls = 0

    def __call__(self) -> dict:
        self.calls += 1
        return {"status": "ok", "days": [{"date": "2026-12-01", "stops": []}]}


def dies() -> dict:
    raise Killed


@pytest.fixture()
def clock():
    return Clock()


def repo_on(store, clock):
    return ItineraryRepository(store, clock=clock, claim_deadline_s=DEADLINE_S)


def itineraries(store):
    return [i.key for i in store.list("itinerary").items]


def test_pending_claim_is_taken_over_after_the_deadline_and_not_before(store, clock):
    repo = repo_on(store, clock)
    with pytest.raises(Killed):
        repo.create_idempotent("agency", "k1", BODY, dies)
    claim = store.get(IDEMPOTENCY, "agency#k1")
    assert claim.data["state"] == "pending"

    planner = Planner()
    clock.advance(DEADLINE_S - 1)
    with pytest.raises(YueyouError) as info:
        repo.create_idempotent("agency", "k1", BODY, planner)
    assert info.value.status == 409 and info.value.code == "idempotency_in_progress"
    assert planner.calls == 0 and store.get(IDEMPOTENCY, "agency#k1").version == claim.version

    clock.advance(2)
    record, created = repo.create_idempotent("agency", "k1", BODY, planner)
    assert created and planner.calls == 1
    assert record.id == claim.data["itinerary_id"]  # the id the dead attempt reserved
    done = store.get(IDEMPOTENCY, "agency#k1").data
    assert done["state"] == "done" and done["attempt"] == 2

    again, created = repo.create_idempotent("agency", "k1", BODY, planner)
    assert not created and again.id == record.id and planner.calls == 1
    assert itineraries(store) == [record.id]
    assert [r.id for r in repo.list_owned("agency")[0]] == [record.id]


def test_attempt_that_died_after_saving_the_plan_is_not_planned_twice(store, clock):
    def crash_on_done(collection, key, data):
        if collection == IDEMPOTENCY and data.get("state") == "done":
            raise Killed

    planner = Planner()
    with pytest.raises(Killed):
        repo_on(Proxy(store, on_put=crash_on_done), clock).create_idempotent("agency", "k2", BODY, planner)
    (saved,) = itineraries(store)

    clock.advance(DEADLINE_S + 1)
    record, created = repo_on(store, clock).create_idempotent("agency", "k2", BODY, planner)
    assert record.id == saved and created and planner.calls == 1
    assert itineraries(store) == [saved]
    assert store.get(IDEMPOTENCY, "agency#k2").data["state"] == "done"


def test_racing_takeovers_have_exactly_one_winner(store, clock):
    with pytest.raises(Killed):
        repo_on(store, clock).create_idempotent("agency", "k3", BODY, dies)
    clock.advance(DEADLINE_S + 1)

    # Both retries read the stale claim before either writes: a true race.
    barrier = threading.Barrier(2, timeout=20)
    first_read = threading.local()

    def meet(collection, key):
        if collection == IDEMPOTENCY and not getattr(first_read, "done", False):
            first_read.done = True
            barrier.wait()

    repo = repo_on(Proxy(store, on_get=meet), clock)
    planner = Planner()

    def retry(_):
        try:
            return repo.create_idempotent("agency", "k3", BODY, planner)
        except YueyouError as exc:
            return exc

    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(retry, range(2)))
    winners = [r for r in results if isinstance(r, tuple)]
    losers = [r for r in results if isinstance(r, YueyouError)]
    assert len(winners) == 1 and winners[0][1] is True
    assert len(losers) == 1 and losers[0].status == 409 and losers[0].code == "idempotency_in_progress"
    assert planner.calls == 1 and itineraries(store) == [winners[0][0].id]


def test_slow_original_and_its_takeover_make_one_plan(store, clock):
    """The first attempt was slow, not dead: it finishes after a retry took over."""
    repo = repo_on(store, clock)
    retry_result = {}

    def slow_plan():
        clock.advance(DEADLINE_S + 1)
        retry_result["value"] = repo.create_idempotent("agency", "k4", BODY, Planner())
        return Planner()()

    record, created = repo.create_idempotent("agency", "k4", BODY, slow_plan)
    taken_over, retry_created = retry_result["value"]
    assert record.id == taken_over.id and created and retry_created
    assert itineraries(store) == [record.id]
    assert store.get(IDEMPOTENCY, "agency#k4").data["state"] == "done"


def test_failed_plan_releases_only_its_own_claim(store, clock):
    repo = repo_on(store, clock)

    def infeasible():
        raise YueyouError("infeasible", Text("无法安排", "infeasible"), status=422)

    with pytest.raises(YueyouError):
        repo.create_idempotent("agency", "k5", BODY, infeasible)
    assert store.get(IDEMPOTENCY, "agency#k5") is None  # the retry may try again at once
    record, created = repo.create_idempotent("agency", "k5", BODY, Planner())
    assert created and itineraries(store) == [record.id]


def test_key_is_free_again_once_its_claim_expired(store, clock):
    repo = repo_on(store, clock)
    first, _ = repo.create_idempotent("agency", "k6", BODY, Planner())
    clock.advance(IDEMPOTENCY_TTL_S - 5)
    with pytest.raises(YueyouError) as info:
        repo.create_idempotent("agency", "k6", dict(BODY, days=2), Planner())
    assert info.value.status == 422
    clock.advance(10)
    second, created = repo.create_idempotent("agency", "k6", dict(BODY, days=2), Planner())
    assert created and second.id != first.id


def test_claim_expiry_is_the_store_ttl(store, clock):
    repo = repo_on(store, clock)
    repo.create_idempotent("agency", "k7", BODY, Planner())
    data = store.get(IDEMPOTENCY, "agency#k7").data
    assert data["expires_at"] == int(clock().timestamp()) + IDEMPOTENCY_TTL_S
    if hasattr(store, "table_name"):
        raw = store._client.get_item(
            TableName=store.table_name, ConsistentRead=True, Key={"pk": {"S": IDEMPOTENCY}, "sk": {"S": "agency#k7"}}
        )["Item"]
        assert raw["expires_at"] == {"N": str(data["expires_at"])}
