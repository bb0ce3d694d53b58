"""iCalendar feeds: time zones, bilingual titles, cancellations, strict errors."""

from __future__ import annotations

from chalicelib.feeds import STATE, event_id
from chalicelib.schedule.repository import COLLECTION as EVENTS

from .conftest import source

GOOD = """BEGIN:VCALENDAR\r
VERSION:2.0\r
PRODID:-//Shaoxing Baseball Centre//Schedule//ZH\r
BEGIN:VEVENT\r
UID:game-101@bb.example.org\r
DTSTAMP:20260901T000000Z\r
DTSTART;TZID=Asia/Shanghai:20261001T120000\r
DTEND;TZID=Asia/Shanghai:20261001T150000\r
SUMMARY;LANGUAGE=zh-CN:棒球 小组赛 中国 vs 日本\r
SUMMARY;LANGUAGE=en:Baseball group stage China vs Japan\r
X-YUEYOU-TICKET-CNY:120\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:game-102@bb.example.org\r
DTSTAMP:20260901T000000Z\r
DTSTART:20261001T103000Z\r
DURATION:PT3H\r
SUMMARY:垒球 半决赛 / Softball semi-final\r
X-YUEYOU-SPORT:softball\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:game-103@bb.example.org\r
DTSTAMP:20260901T000000Z\r
DTSTART:20261002T120000\r
DTEND:20261002T150000\r
SUMMARY:Baseball final\r
STATUS:CANCELLED\r
END:VEVENT\r
END:VCALENDAR\r
"""

BROKEN = """BEGIN:VCALENDAR\r
VERSION:2.0\r
PRODID:-//x//x//EN\r
BEGIN:VEVENT\r
UID:ok-1\r
DTSTART:20261001T120000Z\r
DTEND:20261001T150000Z\r
SUMMARY:Fine / still fine\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:bad-date\r
DTSTART:2026100X\r
DTEND:20261001T150000Z\r
SUMMARY:Broken start\r
END:VEVENT\r
BEGIN:VEVENT\r
DTSTART:20261001T120000Z\r
DTEND:20261001T150000Z\r
SUMMARY:No uid\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:weekly\r
DTSTART:20261001T120000Z\r
DTEND:20261001T150000Z\r
RRULE:FREQ=WEEKLY;COUNT=3\r
SUMMARY:Recurring\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:all-day\r
DTSTART;VALUE=DATE:20261001\r
DTEND;VALUE=DATE:20261002\r
SUMMARY:All day\r
STATUS:POSTPONED\r
END:VEVENT\r
END:VCALENDAR\r
"""


def test_good_ics(server, store, make_ingestor):
    url = server.serve("/bb.ics", GOOD, headers={"Content-Type": "text/calendar; charset=utf-8"})
    report = make_ingestor().ingest(source(url, fmt="ics"))
    assert report.ok and report.created == 3, report.to_json("en")
    first = store.get(EVENTS, event_id("bb", "game-101@bb.example.org")).data
    assert first["title"] == {"zh": "棒球 小组赛 中国 vs 日本", "en": "Baseball group stage China vs Japan"}
    assert (first["start"], first["end"]) == ("2026-10-01T12:00:00+08:00", "2026-10-01T15:00:00+08:00")
    assert first["ticket_cny"] == 120 and first["sport"] == "baseball"
    second = store.get(EVENTS, event_id("bb", "game-102@bb.example.org")).data
    assert second["title"] == {"zh": "垒球 半决赛", "en": "Softball semi-final"}
    assert (second["start"], second["end"]) == ("2026-10-01T18:30:00+08:00", "2026-10-01T21:30:00+08:00")
    assert second["sport"] == "softball"
    third = store.get(EVENTS, event_id("bb", "game-103@bb.example.org")).data
    assert third["status"] == "cancelled" and third["start"] == "2026-10-02T12:00:00+08:00"  # floating = +08:00
    assert third["title"] == {"zh": "Baseball final", "en": "Baseball final"}
    assert [n.where for n in report.notes] == ["VEVENT #3 (line 21) SUMMARY"]
    again = make_ingestor().ingest(source(url, fmt="ics"))
    assert again.ok and again.unchanged == 3
    assert [n.where for n in again.notes] == ["VEVENT #3 (line 21) SUMMARY"]


def test_malformed_ics_lists_every_problem_and_keeps_data(server, store, make_ingestor):
    ingest = make_ingestor()
    good = ingest.ingest(source(server.serve("/bb.ics", GOOD), fmt="ics"))
    report = ingest.ingest(source(server.serve("/bb.ics", BROKEN), fmt="ics"))
    assert not report.ok and report.error.code == "malformed_feed"
    wheres = [p.where for p in report.error.problems]
    assert any(w.startswith("VEVENT #2 (line 10) DTSTART") for w in wheres), wheres
    assert any(w == "VEVENT #3 (line 16) UID" for w in wheres), wheres
    assert any(w == "VEVENT #4 (line 21) RRULE" for w in wheres), wheres
    assert any(w == "VEVENT #5 (line 28) DTSTART" for w in wheres), wheres
    assert any(w == "VEVENT #5 (line 28) STATUS" for w in wheres), wheres
    assert not any(w.startswith("VEVENT #1") for w in wheres)
    assert store.get(STATE, "bb").data["content_hash"] == good.content_hash
    assert store.get(EVENTS, event_id("bb", "ok-1")) is None


def test_not_a_calendar(server, make_ingestor):
    for body in ("hello world", '{"sessions": []}', "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\n"):
        report = make_ingestor().ingest(source(server.serve("/bb.ics", body), fmt="ics"))
        assert report.error.code == "malformed_feed", body
        assert report.error.problems[0].message.zh and report.error.problems[0].message.en
