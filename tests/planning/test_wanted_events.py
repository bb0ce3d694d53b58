"""want_events: festivals, ceremonies and shows on the trip's dates (series dates)."""

from __future__ import annotations

import pytest

from chalicelib.errors import YueyouError
from chalicelib.planning import plan


def stops(result, kind):
    return [s for d in result["days"] for s in d["stops"] if s["type"] == kind]


def test_a_wished_ceremony_is_planned_with_its_gate_time(catalog):
    result = plan({"start_date": "2027-04-20", "days": 1, "mode": "drive", "want_events": ["ceremony"]}, catalog)
    (event,) = stops(result, "event")
    assert event["event_id"] == "dayu-public-ceremony-2027-04-20" and event["event_kind"] == "ceremony"
    assert event["start"] == "2027-04-20T09:50:00+08:00" and "sport" not in event
    assert event["arrive"] <= "2027-04-20T09:30:00+08:00"  # 20 min before, at a sight
    assert not [f for f in result["review"] if f["code"] == "wait"]


def test_without_the_wish_no_event_is_added(catalog):
    result = plan({"start_date": "2027-04-20", "days": 1, "mode": "drive"}, catalog)
    assert stops(result, "event") == []


def test_a_festival_without_a_time_is_a_note_not_a_stop(catalog):
    result = plan({"start_date": "2027-04-09", "days": 1, "want_events": True, "lang": "en"}, catalog)
    assert not any(s.get("event_kind") == "festival" for s in stops(result, "event"))
    assert any("Lanting Calligraphy Festival" in n and "time to be confirmed" in n for n in result["notes"])
    zh = plan({"start_date": "2027-04-09", "days": 1, "must_visit": ["orchid-pavilion"], "lang": "zh"}, catalog)
    assert any("兰亭书法节" in n and "时间待定" in n for n in zh["notes"])  # visiting the place: told too


def test_bad_wishes_and_untimed_events_are_4xx_naming_the_field(catalog):
    with pytest.raises(YueyouError) as bad:
        plan({"start_date": "2027-04-20", "days": 1, "want_events": ["party"]}, catalog)
    assert (bad.value.status, bad.value.field) == (400, "want_events[0]")
    with pytest.raises(YueyouError) as untimed:
        plan({"start_date": "2027-04-09", "days": 1, "events": ["lanting-calligraphy-festival-2027-04-09"]}, catalog)
    assert (untimed.value.status, untimed.value.field) == (422, "events[0]")
    with pytest.raises(YueyouError) as wrong_day:
        plan({"start_date": "2027-04-20", "days": 1, "events": ["dayu-public-ceremony-2027-04-21"]}, catalog)
    assert (wrong_day.value.status, wrong_day.value.field) == (404, "events[0]")


def test_an_estimated_session_time_is_marked_and_planned_with_slack(catalog):
    from datetime import datetime, timedelta

    from chalicelib.render.view import details, plan_view

    estimated = catalog.events["ag2023-volleyball-2023-09-19-1400"]
    assert estimated.estimated and estimated.slack == 30
    result = plan({"start_date": "2023-09-19", "days": 1, "events": [estimated.id], "lang": "en"}, catalog)
    (stop,) = stops(result, "event")
    assert stop["time_estimated"] is True
    gate = catalog.pois[estimated.venue_id].entry_buffer
    arrive, start = datetime.fromisoformat(stop["arrive"]), datetime.fromisoformat(stop["start"])
    assert start - arrive >= timedelta(minutes=gate + 30)  # the gate buffer plus the slack
    day = result["days"][0]["stops"]
    after = day[day.index(stop) + 1]
    assert datetime.fromisoformat(after["arrive"]) >= datetime.fromisoformat(stop["end"]) + timedelta(minutes=30)
    view = plan_view(result, catalog)
    event_stop = next(s for d in view.days for s in d.stops if s.type == "event")
    assert any("time to be confirmed" in line for line in details(event_stop, "en"))
    assert any("时间待确认" in line for line in details(event_stop, "zh"))
    published = catalog.events["ag2023-baseball-2023-10-02-1200-field1"]
    assert not published.estimated and published.slack == 0


def test_replans_check_added_events_like_plans_do(catalog):
    from chalicelib.planning.replan import replan

    first = plan({"start_date": "2027-04-09", "days": 1}, catalog)
    with pytest.raises(YueyouError) as untimed:
        replan(first, {"add_events": ["lanting-calligraphy-festival-2027-04-09"]}, catalog)
    assert (untimed.value.status, untimed.value.field) == (422, "edits.add_events[0]")
    with pytest.raises(YueyouError) as elsewhere:
        replan(first, {"add_events": ["dayu-public-ceremony-2027-04-20"]}, catalog)
    assert (elsewhere.value.status, elsewhere.value.field) == (422, "edits.add_events[0]")
