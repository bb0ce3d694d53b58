from __future__ import annotations

import pytest

from chalicelib.batches import BatchService, InlineRunner
from chalicelib.errors import InvalidInput
from chalicelib.itineraries import ItineraryRepository
from chalicelib.planning import PlanSettings, parse_request, plan
from chalicelib.store.sqlite import SqliteStore

REQ = {"start_date": "2026-12-01", "days": 1, "time_limit_s": 0.5}


@pytest.fixture()
def service(tmp_path, catalog):
    store = SqliteStore(tmp_path / "b.db")
    settings = PlanSettings()
    svc = BatchService(
        store,
        ItineraryRepository(store),
        planner=lambda r: plan(r, catalog, settings=settings),
        validate=lambda r: parse_request(r, catalog, settings),
    )
    svc.runner = InlineRunner(svc.process)
    return svc


def test_items_are_planned_and_stored(service):
    batch_id = service.create("agency-a", {"requests": [REQ, dict(REQ, lang="en")], "name": "two groups"})
    status = service.status(batch_id, "agency-a", "en")
    assert status["state"] == "done" and status["counts"]["done"] == 2 and status["progress"] == 1.0
    for item in status["items"]:
        record = service.itineraries.get(item["itinerary_id"])
        assert record.owner == "agency-a" and record.plan["days"]


def test_infeasible_item_fails_alone(service, catalog):
    same_time = {}
    for event in catalog.events.values():
        same_time.setdefault(event.start, []).append(event.id)
    pair = next(ids for ids in same_time.values() if len(ids) >= 2)[:2]
    bad = {"start_date": catalog.events[pair[0]].start.date().isoformat(), "events": pair}
    batch_id = service.create("agency-a", {"requests": [REQ, bad]})
    items = service.status(batch_id, "agency-a", "zh")["items"]
    assert [i["status"] for i in items] == ["done", "failed"]
    assert items[1]["error"]["code"] == "infeasible" and items[1]["error"]["status"] == 422


def test_bad_item_is_rejected_up_front_naming_it(service):
    with pytest.raises(InvalidInput) as info:
        service.create("agency-a", {"requests": [REQ, dict(REQ, days=99)]})
    assert info.value.field == "requests[1].days"
    with pytest.raises(InvalidInput) as info:
        service.create("agency-a", {"requests": [REQ] * 101})
    assert info.value.field == "requests"


def test_other_owners_cannot_see_a_batch(service):
    batch_id = service.create("agency-a", {"requests": [REQ]})
    with pytest.raises(Exception) as info:
        service.status(batch_id, "agency-b", "en")
    assert getattr(info.value, "status", None) == 404


def test_processing_twice_is_harmless(service):
    batch_id = service.create("agency-a", {"requests": [REQ]})
    first = service.status(batch_id, "agency-a", "en")["items"][0]["itinerary_id"]
    service.process(batch_id, 0)  # an SQS redelivery
    assert service.status(batch_id, "agency-a", "en")["items"][0]["itinerary_id"] == first
