"""Recurring events: rules give the right dates in any year; series dates resolve by id."""

from __future__ import annotations

from datetime import date

import pytest

from chalicelib.catalog.recurrence import Rule
from chalicelib.catalog.series import EventBook, EventSeries, events_between
from chalicelib.i18n import Text


def test_lunar_and_solar_term_rules_match_published_calendars():
    shangsi = Rule("lunar", month=3, day=3)
    # 3rd day of the 3rd lunar month: 2023 had a leap 2nd month (late), 2024 did not
    assert shangsi.dates(date(2023, 1, 1), date(2024, 12, 31)) == [date(2023, 4, 22), date(2024, 4, 11)]
    assert shangsi.dates(date(2027, 1, 1), date(2027, 12, 31)) == [date(2027, 4, 9)]
    # Grain Rain falls on 19 or 20 April; Start of Winter on 7 or 8 November
    assert Rule("solar_term", term="guyu").dates(date(2016, 1, 1), date(2017, 12, 31)) == [
        date(2016, 4, 19),
        date(2017, 4, 20),
    ]
    assert Rule("solar_term", term="lidong").dates(date(2023, 1, 1), date(2024, 12, 31)) == [
        date(2023, 11, 8),
        date(2024, 11, 7),
    ]


def test_the_twelfth_lunar_month_runs_into_the_next_gregorian_year():
    layue = Rule("lunar_month", month=12)
    days = layue.dates(date(2027, 1, 1), date(2027, 2, 28))
    assert (
        days[0] == date(2027, 1, 8) and days[-1] == date(2027, 2, 5) and len(days) == 29
    )  # Spring Festival 2027-02-06
    # a "30th" in a 29-day month is its last day
    assert Rule("lunar", month=12, day=30).dates(date(2027, 1, 1), date(2027, 2, 28)) == [date(2027, 2, 5)]


def test_weekly_daily_and_year_bounds():
    weekend = Rule("weekly", weekdays=("Sa", "Su"))
    assert weekend.dates(date(2027, 5, 1), date(2027, 5, 9)) == [
        date(2027, 5, 1),
        date(2027, 5, 2),
        date(2027, 5, 8),
        date(2027, 5, 9),
    ]
    assert len(Rule("daily").dates(date(2027, 1, 1), date(2027, 12, 31))) == 365
    assert Rule("solar_term", term="guyu", from_year=2010).dates(date(2006, 1, 1), date(2009, 12, 31)) == []
    assert Rule("lunar", month=3, day=3).dates(date(1, 1, 3), date(1800, 1, 1)) == []  # outside the tables
    with pytest.raises(ValueError):
        Rule("solar_term", term="midsummer")
    with pytest.raises(ValueError):
        Rule("weekly", weekdays=("Funday",))


def _series(**kw):
    fields = dict(
        id="test-festival",
        kind="festival",
        title=Text("测试", "Test"),
        poi_id="orchid-pavilion",
        rule=Rule("lunar", month=3, day=3),
        confidence="time_tbc",
        sources=("https://example.org/",),
    )
    return EventSeries(**{**fields, **kw})


def test_a_series_must_reproduce_every_reported_date():
    assert _series(past=(date(2024, 4, 11),)).past == (date(2024, 4, 11),)
    with pytest.raises(ValueError, match="does not give the reported date 2024-04-12"):
        _series(past=(date(2024, 4, 12),))
    with pytest.raises(ValueError, match="sources"):
        _series(sources=())
    with pytest.raises(ValueError, match="start time iff"):
        _series(confidence="exact")


def test_series_dates_resolve_by_id_and_are_listed_by_range(catalog):
    book = catalog.events
    assert isinstance(book, EventBook)
    ceremony = book["dayu-public-ceremony-2027-04-20"]
    assert (ceremony.kind, ceremony.series, ceremony.start.isoformat()) == (
        "ceremony",
        "dayu-public-ceremony",
        "2027-04-20T09:50:00+08:00",
    )
    assert "dayu-public-ceremony-2027-04-21" not in book  # not a Grain Rain day
    assert "dayu-public-ceremony-2009-04-20" not in book  # before the sourced rule
    assert "dayu-public-ceremony-2027-02-30" not in book
    assert all(not key.startswith("dayu-public-ceremony") for key in book)  # iteration: dated events only
    festival = book["lanting-calligraphy-festival-2027-04-09"]
    assert not festival.timed and festival.confidence == "time_tbc"
    april = events_between(book, date(2027, 4, 1), date(2027, 4, 30))
    series = {e.series for e in april}
    assert {"lanting-calligraphy-festival", "dayu-public-ceremony", "shen-garden-night"} <= series
    assert [e.start for e in april] == sorted(e.start for e in april)
    assert events_between({}, date(2027, 4, 1), date(2027, 4, 30)) == []
