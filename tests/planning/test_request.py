"""parse_request: defaults, and every error names its field in zh and en."""

from __future__ import annotations

from datetime import date

import pytest

from chalicelib.errors import InvalidInput, NotFound, Unprocessable
from chalicelib.planning.request import parse_request
from chalicelib.planning.settings import PlanSettings

BASE = {"start_date": "2024-05-04"}


def parse(mini, **fields):
    return parse_request({**BASE, **fields}, mini, PlanSettings(time_limit_cap_s=3.0))


def test_defaults(mini):
    req = parse(mini)
    assert req.start_date == date(2024, 5, 4) and req.days == 1 and req.lang == "zh"
    assert (req.day_start, req.day_end) == (510, 1260)
    assert req.mode == "transit" and req.pace == "normal" and req.meals is True
    assert (req.lunch.start, req.lunch.end, req.lunch.minutes) == (660, 810, 60)
    assert (req.dinner.start, req.dinner.end, req.dinner.minutes) == (1020, 1170, 60)
    assert req.time_limit_s == 2.0
    # default lodging: the hotel nearest the old-town centre
    assert req.lodging[0].poi_id == "hotel-one"


def test_lodging_list_one_per_night_and_route_default(mini):
    req = parse(mini, days=2, lodging=[{"poi_id": "hotel-one"}, {"lon": 120.6, "lat": 30.01}])
    assert [l.poi_id for l in req.lodging] == ["hotel-one", None]
    # The route's suggested hotels follow its stretches (planning.spine): the
    # whole mini route lies next to hotel-one, so there is no reason to move.
    req = parse(mini, days=2, route="mini-route")
    assert [l.poi_id for l in req.lodging] == ["hotel-one", "hotel-one"]


def test_time_limit_is_capped(mini):
    assert parse(mini, time_limit_s=30).time_limit_s == 3.0


@pytest.mark.parametrize(
    "fields, field",
    [
        ({"days": 0}, "days"),
        ({"days": 15}, "days"),
        ({"days": True}, "days"),
        ({"start_date": "2024-5-4"}, "start_date"),
        ({"lang": "fr"}, "lang"),
        ({"day_start": "8:30"}, "day_start"),
        ({"day_start": "20:00", "day_end": "21:00"}, "day_end"),
        ({"mode": "boat"}, "mode"),
        ({"pace": "fast"}, "pace"),
        ({"interests": {"history": 2}}, "interests.history"),
        ({"interests": {"karaoke": 0.5}}, "interests.karaoke"),
        ({"interests": []}, "interests"),
        ({"must_visit": "alpha-garden"}, "must_visit"),
        ({"must_visit": ["alpha-garden", "alpha-garden"]}, "must_visit[1]"),
        ({"must_visit": ["hotel-one"]}, "must_visit[0]"),
        ({"must_visit": ["alpha-garden"], "avoid": ["alpha-garden"]}, "must_visit[0]"),
        ({"want_sports": ["chess"]}, "want_sports[0]"),
        ({"want_sports": "yes"}, "want_sports"),
        ({"budget_cny": -1}, "budget_cny"),
        ({"budget_cny": "100"}, "budget_cny"),
        ({"meals": "yes"}, "meals"),
        ({"lunch": {"start": "11:00", "end": "11:30", "minutes": 60}}, "lunch.end"),
        ({"lunch": {"start": "11:00", "end": "14:00", "minutes": 5}}, "lunch.minutes"),
        ({"time_limit_s": 0}, "time_limit_s"),
        ({"seed": -1}, "seed"),
        ({"days": 2, "lodging": [{"poi_id": "hotel-one"}, {"lon": 121.9, "lat": 30.0}]}, "lodging[1]"),
        ({"days": 2, "lodging": [{"poi_id": "hotel-one"}, {"poi_id": 3}]}, "lodging[1].poi_id"),
        ({"days": 3, "lodging": [{"poi_id": "hotel-one"}, {"poi_id": "hotel-two"}]}, "lodging"),
        ({"lodging": {"lon": "120.5", "lat": 30.0}}, "lodging.lon"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_invalid_fields_are_named(mini, fields, field):
    with pytest.raises(InvalidInput) as err:
        parse(mini, **fields)
    assert err.value.field == field
    assert err.value.message.zh and err.value.message.en and err.value.status == 400


def test_missing_start_date(mini):
    with pytest.raises(InvalidInput) as err:
        parse_request({}, mini)
    assert err.value.field == "start_date"


@pytest.mark.parametrize(
    "fields, field",
    [
        ({"must_visit": ["nowhere"]}, "must_visit[0]"),
        ({"avoid": ["alpha-garden", "nowhere"]}, "avoid[1]"),
        ({"events": ["no-such-match"]}, "events[0]"),
        ({"route": "no-such-route"}, "route"),
        ({"days": 2, "lodging": [{"poi_id": "hotel-one"}, {"poi_id": "nope"}]}, "lodging[1].poi_id"),
    ],
)
def test_unknown_ids_are_404(mini, fields, field):
    with pytest.raises(NotFound) as err:
        parse(mini, **fields)
    assert err.value.field == field and err.value.status == 404


def test_event_outside_trip_or_cancelled_is_422(mini):
    with pytest.raises(Unprocessable) as err:
        parse(mini, events=["ev-later"])
    assert err.value.details == {"conflicts": ["ev-later"]} and err.value.field == "events[0]"
    with pytest.raises(Unprocessable) as err:
        parse(mini, days=2, events=["ev-cancelled"])
    assert err.value.details == {"conflicts": ["ev-cancelled"]}


def test_a_station_is_not_a_place_to_visit():
    from chalicelib.catalog import bundle
    from chalicelib.errors import InvalidInput
    from chalicelib.planning.request import parse_request

    with pytest.raises(InvalidInput) as refused:
        parse_request({"start_date": "2026-05-01", "must_visit": ["shaoxing-north-station"]}, bundle.load())
    assert refused.value.field == "must_visit[0]"
