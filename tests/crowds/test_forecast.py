"""The crowd forecast from stored plans (issue #17): 200 plans by four
agencies for one day, recounted independently; suppression; avoid_crowds."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta

import pytest

from chalicelib.crowds import BUSY_AT, SUPPRESS_BELOW
from chalicelib.crowds.ledger import PEAK_SHARE
from chalicelib.crowds.views import operator_view, public_view
from chalicelib.errors import Unprocessable
from chalicelib.planning import parse_request, plan
from chalicelib.planning.request import INTEREST_CATEGORIES
from chalicelib.store.sqlite import SqliteStore

from .conftest import make_services

DAY = "2026-05-16"
AGENCIES = ("agency-a", "agency-b", "agency-c", "agency-d")


def requests_of(agency: int) -> list[dict]:
    """50 one-day trips: seeds, paces and group sizes vary; these agencies
    do not opt in to avoiding crowds, so the day's hot spots build up."""
    paces = ("relaxed", "normal", "packed")
    trips = [
        {
            "start_date": DAY,
            "lang": "en",
            "seed": agency * 100 + i,
            "pace": paces[i % 3],
            "group_size": 1 + (i % 4),
            "time_limit_s": 0.3,
            "avoid_crowds": False,
        }
        for i in range(50)
    ]
    if agency == 3:  # two couples off the beaten track: their places' counts stay small
        trips[-2:] = [dict(t, must_visit=["yangshan-stone-buddha"], group_size=2) for t in trips[-2:]]
    return trips


def recount(plans: list[dict]) -> Counter:
    """People per (place, hour) counted straight from the stops' times (not with crowds.cells)."""
    out: Counter = Counter()
    for p in plans:
        group = p["request"].get("group_size", 1)
        for day in p["days"]:
            for stop in day["stops"]:
                if stop["type"] in ("start", "end") or not stop.get("poi_id"):
                    continue
                start, end = datetime.fromisoformat(stop["start"]), datetime.fromisoformat(stop["end"])
                hour = start.replace(minute=0)
                while hour < end:
                    out[(stop["poi_id"], hour.hour)] += group
                    hour += timedelta(hours=1)
    return out


@pytest.fixture(scope="module")
def day_of_plans(tmp_path_factory, catalog):
    svc = make_services(SqliteStore(tmp_path_factory.mktemp("crowds") / "c.db"), catalog)
    for a, agency in enumerate(AGENCIES):
        batch = svc.batches.create(agency, {"requests": requests_of(a)})
        assert svc.batches.status(batch, agency, "en")["counts"]["done"] == 50
    return svc


def stored_plans(svc) -> list[dict]:
    plans, cursor = [], None
    while True:
        page = svc.store.list("itinerary", limit=100, cursor=cursor)
        plans += [item.data["plan"] for item in page.items]
        cursor = page.next_cursor
        if cursor is None:
            return plans


def test_the_forecast_is_the_sum_of_the_plans(day_of_plans):
    svc = day_of_plans
    plans = stored_plans(svc)
    assert len(plans) == 200 and {p["request"].get("group_size", 1) for p in plans} == {1, 2, 3, 4}
    planned = svc.crowds.planned(DAY)
    assert {(p, h): n for p, hours in planned.items() for h, n in hours.items()} == dict(recount(plans))
    assert svc.crowds.plans_on(DAY) == 200


def test_small_cells_are_suppressed_and_totals_leak_nothing(day_of_plans, catalog):
    svc = day_of_plans
    counts = recount(stored_plans(svc))
    view = operator_view(svc.crowds, catalog, DAY, None, "en")
    seen_small = seen_large = 0
    for poi in view["pois"]:
        shown = 0
        for cell in poi["hours"]:
            n = counts.get((poi["poi_id"], cell["hour"]), 0)
            if 0 < n < SUPPRESS_BELOW:
                assert cell["planned"] is None and cell["suppressed"] is True
                seen_small += 1
            else:
                assert cell["planned"] == n and cell["suppressed"] is False
                shown += n
                seen_large += n >= SUPPRESS_BELOW
        assert poi["planned_shown"] == shown  # the sum of what is shown, never of what is hidden
    assert seen_small and seen_large  # both kinds occur, so the test can fail either way
    assert view["plans"] == 200
    public = public_view(svc.crowds, catalog, DAY, None)
    assert all(set(p["hours"].values()) <= {"busy", "quiet"} for p in public["pois"])
    busy = {(p["poi_id"], int(h[:2])) for p in public["pois"] for h, v in p["hours"].items() if v == "busy"}
    peaks = Counter()
    for (poi_id, _), n in counts.items():
        peaks[poi_id] = max(peaks[poi_id], n)
    expected = {k for k, n in counts.items() if n >= BUSY_AT and n >= PEAK_SHARE * peaks[k[0]] and 7 <= k[1] < 22}
    assert busy == expected and expected  # a place's worst hours, not every hour with a crowd


def test_a_new_plan_moves_away_from_the_busiest_slot(day_of_plans, catalog):
    svc = day_of_plans
    counts = recount(stored_plans(svc))
    sights = {p.id for p in catalog.pois.values() if p.category not in ("food", "lodging", "hub", "venue")}
    # An equal alternative exists: the sight alone, from the hotel and back, is the
    # same trip at any open hour (avoiding may not cost more than a little travel).
    nothing_else = {category: 0 for category in INTEREST_CATEGORIES}

    def visit_hours(poi_id: str, hour: int, avoid: bool) -> set[int]:
        # the day starts at the busy hour: a traveller who does not mind goes then
        body = {
            "start_date": DAY,
            "lang": "en",
            "must_visit": [poi_id],
            "interests": nothing_else,
            "meals": False,
            "day_start": f"{hour:02d}:00",
        }
        request = svc.with_crowds(parse_request(dict(body, avoid_crowds=avoid), catalog, svc.plan_settings))
        result = plan(request, catalog, settings=svc.plan_settings)
        stop = next(s for d in result["days"] for s in d["stops"] if s.get("poi_id") == poi_id)
        start, end = datetime.fromisoformat(stop["start"]), datetime.fromisoformat(stop["end"])
        assert stop["crowd"] == ("busy" if any(h in busy for h in range(start.hour, end.hour + 1)) else "quiet")
        return {
            h for h in range(24) if h * 60 < end.hour * 60 + end.minute and start.hour * 60 + start.minute < h * 60 + 60
        }

    ranked = sorted(((k, n) for k, n in counts.items() if k[0] in sights), key=lambda kv: (-kv[1], kv[0]))
    assert ranked and ranked[0][1] >= BUSY_AT
    moved = []
    for (poi_id, hour), n in ranked[:6]:
        busy = svc.crowds.busy_hours(DAY, catalog).get(poi_id, set())
        assert n < BUSY_AT or hour in busy
        try:
            plain = visit_hours(poi_id, hour, False)
        except Unprocessable:  # too little of the day left from that hour for this visit
            continue
        avoiding = visit_hours(poi_id, hour, True)
        assert hour in plain  # goes when everyone goes
        assert avoiding & busy <= plain & busy  # avoiding never makes the visit busier
        if not avoiding & busy:
            moved.append(poi_id)
    # where the sight's hours leave room, the default finds the quiet hours of the same sight
    assert moved


def test_avoiding_crowds_never_costs_much(day_of_plans, catalog):
    """A full day: either no visit sits in a busy hour, or avoiding them would
    have cost more than a little travel, and the plan says so."""
    from chalicelib.planning.engine import AVOID_NOTE

    svc = day_of_plans
    busy = svc.crowds.busy_hours(DAY, catalog)
    result = plan(svc.with_crowds(parse_request({"start_date": DAY, "lang": "en"}, catalog)), catalog)
    crowded = [s for d in result["days"] for s in d["stops"] if s.get("crowd") == "busy"]
    assert all(s["poi_id"] in busy for s in crowded)
    assert not crowded or AVOID_NOTE["en"] in result["notes"]
