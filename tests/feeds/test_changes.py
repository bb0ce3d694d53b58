"""Plans that reference a moved or cancelled session get warnings and can be re-planned."""

from __future__ import annotations

import pytest

from chalicelib.feeds import event_id, plan_warnings
from chalicelib.planning import plan
from chalicelib.schedule import EventRepository

from .conftest import changed_feed, good_feed, source

S1, S2, S3 = (event_id("bb", uid) for uid in ("s1", "s2", "s3"))


@pytest.fixture
def events(store, catalog):
    return EventRepository(store, catalog)


def make_plan(events, event_ids):
    return plan(
        {"start_date": "2026-10-01", "days": 1, "events": event_ids, "meals": False, "time_limit_s": 1},
        events.planning_catalog(),
        lang="en",
    )


def test_moved_and_cancelled_sessions_are_flagged(server, events, make_ingestor):
    ingest = make_ingestor()
    ingest.ingest(source(server.serve("/bb.json", good_feed())))
    trip = make_plan(events, [S1, S2])
    assert plan_warnings(trip, events, "en") == []

    report = ingest.ingest(source(server.serve("/bb.json", changed_feed())))
    warnings = {w["event_id"]: w for w in plan_warnings(trip, events, "en")}
    assert set(warnings) == {S1, S2}
    moved, cancelled = warnings[S1], warnings[S2]
    assert moved["code"] == "event_moved" and moved["action"] == "replan"
    assert moved["planned"]["start"] == "2026-10-01T12:00:00+08:00"
    assert moved["current"]["start"] == "2026-10-01T14:00:00+08:00"
    assert moved["changed_at"] == report.fetched_at
    assert "2026-10-01 14:00" in moved["message"] and "re-plan" in moved["message"]
    assert cancelled["code"] == "event_cancelled" and cancelled["current"]["status"] == "cancelled"
    zh = {w["event_id"]: w["message"] for w in plan_warnings(trip, events, "zh")}
    assert "已取消" in zh[S2] and "重新规划" in zh[S1]

    # Re-planning sees the new time; the cancelled session is refused with a clear error.
    replanned = make_plan(events, [S1])
    assert plan_warnings(replanned, events, "en") == []
    stop = next(s for d in replanned["days"] for s in d["stops"] if s["type"] == "event")
    assert stop["start"] == "2026-10-01T14:00:00+08:00"
    with pytest.raises(Exception) as info:
        make_plan(events, [S2])
    assert "cancelled" in str(info.value)


def test_missing_event_and_catalog_events(events, catalog):
    some = next(iter(catalog.events.values()))
    trip = {
        "days": [
            {
                "stops": [
                    {
                        "type": "event",
                        "event_id": some.id,
                        "poi_id": some.venue_id,
                        "start": some.start.isoformat(),
                        "end": some.end.isoformat(),
                        "name": "x",
                    },
                    {
                        "type": "event",
                        "event_id": "feed-gone-x",
                        "poi_id": "v",
                        "start": "2026-10-01T12:00:00+08:00",
                        "end": "2026-10-01T15:00:00+08:00",
                        "name": "Gone",
                    },
                    {"type": "visit", "poi_id": "shen-garden", "event_id": None},
                ]
            }
        ]
    }
    warnings = plan_warnings(trip, events, "en")
    assert [(w["code"], w["event_id"]) for w in warnings] == [("event_missing", "feed-gone-x")]
    assert plan_warnings({"days": []}, events, "en") == [] and plan_warnings({}, events, "zh") == []


def test_feed_sessions_in_a_fresh_store_do_not_block_catalog_seeding(server, events, catalog, make_ingestor):
    make_ingestor().ingest(source(server.serve("/bb.json", good_feed())))
    ids = {e.id for e in events.all()}
    assert S1 in ids and set(catalog.events) <= ids
