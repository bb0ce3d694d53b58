"""Ingestion: idempotent upserts, cancellation, history, last good data kept."""

from __future__ import annotations

import json

import pytest

from chalicelib.catalog import Event
from chalicelib.feeds import STATE, FetchPolicy, event_id
from chalicelib.schedule.repository import COLLECTION as EVENTS

from .conftest import VENUE, changed_feed, good_feed, session, source


def snapshot(store):
    """{key: (version, data)} of every feed-made event."""
    return {i.key: (i.version, i.data) for i in store.list(EVENTS, prefix="feed-", limit=1000).items}


def stored(store, uid, feed_id="bb"):
    return store.get(EVENTS, event_id(feed_id, uid))


def test_good_feed_then_same_again_is_a_no_op(server, store, make_ingestor):
    url = server.serve("/bb.json", good_feed())
    ingest = make_ingestor()
    first = ingest.ingest(source(url))
    assert first.ok and (first.created, first.updated, first.cancelled, first.unchanged) == (3, 0, 0, 0)
    assert first.error is None and len(first.content_hash) == 64
    item = stored(store, "s1")
    assert item.data["origin"] == "feed:bb" and item.data["venue_id"] == VENUE
    event = Event.from_json(item.data)
    assert event.start.isoformat() == "2026-10-01T12:00:00+08:00" and event.ticket_cny == 80
    assert stored(store, "s3").data["start"] == "2026-10-02T12:00:00+08:00"  # Z converted to +08:00
    state = store.get(STATE, "bb").data
    assert state["content_hash"] == first.content_hash and state["last_success_at"] == first.fetched_at
    assert state["last_error"] is None

    before = snapshot(store)
    second = ingest.ingest(source(url))
    assert second.ok and (second.created, second.updated, second.cancelled, second.unchanged) == (0, 0, 0, 3)
    assert snapshot(store) == before
    assert store.get(STATE, "bb").data["last_fetched_at"] == second.fetched_at


def test_same_content_reformatted_changes_no_event(server, store, make_ingestor):
    ingest = make_ingestor()
    ingest.ingest(source(server.serve("/bb.json", good_feed())))
    before = snapshot(store)
    report = ingest.ingest(source(server.serve("/bb.json", json.dumps(good_feed(), indent=4))))
    assert report.ok and report.unchanged == 3 and report.created == report.updated == 0
    assert snapshot(store) == before


def test_changed_feed_moves_cancels_and_keeps_history(server, store, make_ingestor):
    ingest = make_ingestor()
    ingest.ingest(source(server.serve("/bb.json", good_feed())))
    report = ingest.ingest(source(server.serve("/bb.json", changed_feed())))
    assert report.ok and (report.created, report.updated, report.cancelled, report.unchanged) == (1, 2, 1, 0)

    moved = stored(store, "s1").data
    assert moved["start"] == "2026-10-01T14:00:00+08:00" and moved["status"] == "scheduled"
    assert moved["previous"] == {
        "start": "2026-10-01T12:00:00+08:00",
        "end": "2026-10-01T15:00:00+08:00",
        "venue_id": VENUE,
        "status": "scheduled",
    }
    assert moved["changed_at"] == report.fetched_at

    removed = stored(store, "s2")
    assert removed is not None, "removed sessions are never deleted"
    assert removed.data["status"] == "cancelled" and removed.data["removed_from_feed"] is True
    assert removed.data["previous"]["status"] == "scheduled"

    retitled = stored(store, "s3").data
    assert retitled["title"]["en"] == "Softball final"
    assert "previous" not in retitled  # same time and place: nothing for plans to warn about
    assert stored(store, "s4").data["status"] == "scheduled"

    before = snapshot(store)
    again = ingest.ingest(source(server.serve("/bb.json", changed_feed())))
    assert again.ok and again.unchanged == 3 and snapshot(store) == before


def test_removed_session_that_returns_is_reinstated(server, store, make_ingestor):
    ingest = make_ingestor()
    ingest.ingest(source(server.serve("/bb.json", good_feed())))
    ingest.ingest(source(server.serve("/bb.json", changed_feed())))
    report = ingest.ingest(source(server.serve("/bb.json", good_feed())))
    assert report.ok and stored(store, "s2").data["status"] == "scheduled"
    assert stored(store, "s2").data["previous"]["status"] == "cancelled"
    assert "removed_from_feed" not in stored(store, "s2").data
    assert stored(store, "s4").data["status"] == "cancelled"


def test_feed_cancels_a_session_explicitly(server, store, make_ingestor):
    ingest = make_ingestor()
    ingest.ingest(source(server.serve("/bb.json", good_feed())))
    feed = good_feed()
    feed["sessions"][1]["status"] = "cancelled"
    report = ingest.ingest(source(server.serve("/bb.json", feed)))
    assert report.cancelled == 1 and report.unchanged == 2
    assert stored(store, "s2").data["status"] == "cancelled"


FAILURES = {
    "malformed-json": dict(body=b'{"sessions": [ {"id": "s1",, }'),
    "http-500": dict(body=b"oops", status=500),
    "huge": dict(body=b" " * (70 * 1024)),
    "slow": dict(body=b"{}", delay_s=1.2),
    "redirect-away": dict(status=302, headers={"Location": "https://evil.example.com/bb.json"}),
    "not-an-object": dict(body=b"[1, 2]"),
    "not-utf8": dict(body='{"sessions": []}'.encode("utf-16")),
}


@pytest.mark.parametrize("name", sorted(FAILURES))
def test_failures_keep_the_last_good_data(server, store, make_ingestor, name):
    ingest = make_ingestor()
    good = ingest.ingest(source(server.serve("/bb.json", good_feed())))
    before = snapshot(store)
    server.routes.clear()
    server.serve("/bb.json", **FAILURES[name])
    report = ingest.ingest(source(server.base + "/bb.json"))
    assert not report.ok and report.error is not None
    assert (report.created, report.updated, report.cancelled) == (0, 0, 0)
    assert snapshot(store) == before, "a failed feed must not change any event"
    state = store.get(STATE, "bb").data
    assert state["content_hash"] == good.content_hash and state["last_success_at"] == good.fetched_at
    assert state["last_error"]["code"] == report.error.code
    assert state["last_error"]["message"]["zh"] and state["last_error"]["message"]["en"]
    body = report.to_json("en")
    assert body["ok"] is False and body["error"]["code"] and body["error"]["message"]
    # The publisher fixes it: the same good body is recognised as unchanged.
    server.serve("/bb.json", good_feed())
    recovered = ingest.ingest(source(server.base + "/bb.json"))
    assert recovered.ok and recovered.unchanged == 3 and snapshot(store) == before
    assert store.get(STATE, "bb").data["last_error"] is None


def test_malformed_json_reports_line_and_column(server, make_ingestor):
    url = server.serve("/bb.json", '{\n  "sessions": [\n    {"id": "s1",, }\n  ]\n}')
    error = make_ingestor().ingest(source(url)).error
    assert error.code == "malformed_feed"
    assert error.problems[0].where == "line 3, column 17"


def test_strict_fields_all_reported(server, store, make_ingestor):
    feed = {
        "feed": "bb",
        "venue_id": VENUE,
        "extra": 1,
        "sessions": [
            session("ok", "2026-10-01T12:00:00+08:00", "2026-10-01T15:00:00+08:00"),
            session("naive", "2026-10-01T12:00:00", "2026-10-01T15:00:00+08:00"),
            session("backwards", "2026-10-01T15:00:00+08:00", "2026-10-01T12:00:00+08:00"),
            dict(session("en-only", "2026-10-01T12:00:00+08:00", "2026-10-01T15:00:00+08:00"), title={"en": "X"}),
            session("bad-sport", "2026-10-01T12:00:00+08:00", "2026-10-01T15:00:00+08:00", sport="basketball"),
            session("bad-status", "2026-10-01T12:00:00+08:00", "2026-10-01T15:00:00+08:00", status="postponed"),
            session("neg", "2026-10-01T12:00:00+08:00", "2026-10-01T15:00:00+08:00", ticket_cny=-1),
            session("ok", "2026-10-02T12:00:00+08:00", "2026-10-02T15:00:00+08:00"),
            session("typo", "2026-10-01T12:00:00+08:00", "2026-10-01T15:00:00+08:00", tiket_cny=1),
            "not a session",
        ],
    }
    report = make_ingestor().ingest(source(server.serve("/bb.json", feed)))
    assert not report.ok
    wheres = [p.where for p in report.error.problems]
    for expected in (
        "extra",
        "sessions[1].start",
        "sessions[2].end",
        "sessions[3].title",
        "sessions[5].status",
        "sessions[6].ticket_cny",
        "sessions[8].tiket_cny",
        "sessions[9]",
        "sessions[4]",
        "sessions[7]",
    ):
        assert any(w == expected for w in wheres), (expected, wheres)
    assert snapshot(store) == {}
    assert (
        report.to_json("zh")["error"]["problems"][0]["message"]
        != report.to_json("en")["error"]["problems"][0]["message"]
    )


def test_feed_for_another_venue_or_feed_is_refused(server, make_ingestor):
    feed = good_feed()
    feed["venue_id"] = "keqiao-yangshan-climbing-centre"
    feed["feed"] = "other"
    report = make_ingestor().ingest(source(server.serve("/bb.json", feed)))
    assert {p.where for p in report.error.problems} == {"feed", "venue_id"}


def test_empty_feed_does_not_cancel_everything(server, store, make_ingestor):
    ingest = make_ingestor()
    ingest.ingest(source(server.serve("/bb.json", good_feed())))
    before = snapshot(store)
    report = ingest.ingest(source(server.serve("/bb.json", {"feed": "bb", "sessions": []})))
    assert not report.ok and report.error.code == "empty_feed"
    assert snapshot(store) == before
    assert make_ingestor().ingest(source(server.serve("/new.json", {"sessions": []}), feed_id="new")).ok


def test_feeds_with_prefix_ids_do_not_touch_each_other(server, store, make_ingestor):
    ingest = make_ingestor()
    ingest.ingest(
        source(
            server.serve(
                "/a.json", {"sessions": [session("x", "2026-10-01T12:00:00+08:00", "2026-10-01T15:00:00+08:00")]}
            ),
            feed_id="a",
        )
    )
    ingest.ingest(
        source(
            server.serve(
                "/ab.json", {"sessions": [session("y", "2026-10-01T12:00:00+08:00", "2026-10-01T15:00:00+08:00")]}
            ),
            feed_id="a-b",
        )
    )
    report = ingest.ingest(
        source(
            server.serve(
                "/a.json", {"sessions": [session("z", "2026-10-01T12:00:00+08:00", "2026-10-01T15:00:00+08:00")]}
            ),
            feed_id="a",
        )
    )
    assert report.cancelled == 1  # a's x only
    assert stored(store, "y", "a-b").data["status"] == "scheduled"


def test_mapping_change_reapplies_an_unchanged_body(server, store, make_ingestor):
    ingest = make_ingestor()
    url = server.serve(
        "/bb.json", {"sessions": [session("s1", "2026-10-01T12:00:00+08:00", "2026-10-01T15:00:00+08:00")]}
    )
    ingest.ingest(source(url, sport="baseball"))
    report = ingest.ingest(source(url, sport="softball"))
    assert report.updated == 1 and stored(store, "s1").data["sport"] == "softball"


def test_one_bad_feed_does_not_stop_the_others(server, store, make_ingestor):
    reports = make_ingestor().run(
        [
            source(server.serve("/bad.json", b"nope"), feed_id="bad"),
            source(server.serve("/bb.json", good_feed())),
        ]
    )
    assert [r.ok for r in reports] == [False, True] and reports[1].created == 3


def test_host_not_on_allowlist(server, make_ingestor):
    policy = FetchPolicy(allowed_hosts=("feeds.example.org",), allow_loopback_http=True, timeout_s=0.5)
    report = make_ingestor(policy).ingest(source(server.serve("/bb.json", good_feed())))
    assert report.error.code == "host_not_allowed" and server.hits == []
