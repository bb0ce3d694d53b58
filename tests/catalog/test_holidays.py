"""Public holidays (``poi_data/holidays.json``): sourced, validated, found by date."""

from datetime import date, timedelta

import pytest

from chalicelib.catalog import bundle
from chalicelib.catalog.holidays import Holiday, during

GOOD = {
    "id": "2026-national-day",
    "name": {"zh": "国庆节", "en": "National Day"},
    "start": "2026-10-01",
    "end": "2026-10-07",
    "confidence": "high",
    "sources": ["https://politics.gmw.cn/2025-11/04/content_38391083.htm"],
}


@pytest.mark.parametrize(
    "change, message",
    [
        ({"id": "Bad Id"}, "bad id"),
        ({"start": "2026-10-32"}, "ISO dates"),
        ({"end": "2026-09-30"}, "ends before it starts"),
        ({"sources": []}, "needs a source"),
        ({"sources": ["gmw.cn"]}, "needs a source"),
        ({"confidence": "sure"}, "confidence"),
    ],
)
def test_a_bad_holiday_is_refused(change, message):
    with pytest.raises(ValueError, match=message):
        Holiday.from_json({**GOOD, **change})


def test_the_catalog_holds_the_state_council_days_off():
    catalog = bundle.load()
    national = catalog.holidays["2026-national-day"]
    assert (national.start, national.end) == (date(2026, 10, 1), date(2026, 10, 7))
    assert catalog.holidays["2023-mid-autumn-national-day"].end == date(2023, 10, 6)  # the Asian Games' Golden Week
    assert all(h.sources and h.confidence == "high" for h in catalog.holidays.values())
    week = [date(2026, 9, 30) + timedelta(days=k) for k in range(3)]
    assert [(h.id, days) for h, days in during(catalog.holidays, week)] == [
        ("2026-national-day", [date(2026, 10, 1), date(2026, 10, 2)])
    ]
    assert during(catalog.holidays, [date(2026, 11, 7)]) == []
