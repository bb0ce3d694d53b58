"""Re-timing a day (chalicelib/planning/timing.py): waits become a later start
(a lie-in of at most ``LATER_START_MINUTES``) before they become a longer stay."""

from __future__ import annotations

import pytest

from chalicelib.planning.timing import LATER_START_MINUTES, linger, time_day

from .conftest import build_problem

WEEK = {"start_date": "2026-10-01", "days": 7, "mode": "drive", "pace": "relaxed", "lang": "en"}


def day_items(problem, day, plan):
    """Task indices for a day given as (kind, poi_id, meal) triples."""
    return [
        next(
            i
            for i, t in enumerate(problem.tasks)
            if t.kind == kind and t.poi and t.poi.id == poi_id and (kind != "meal" or (t.day, t.meal) == (day, meal))
        )
        for kind, poi_id, meal in plan
    ]


@pytest.fixture(scope="module")
def week(real, fast):
    return build_problem(WEEK, real, fast)


def test_a_wait_before_lunch_is_a_later_start_not_a_long_visit(week):
    # Qingteng Study (48 min at this pace) beside the hotel, then lunch at 11:00:
    # leaving at 08:30 would mean two hours "at" a small courtyard
    d = 3
    items = day_items(
        week,
        d,
        [
            ("visit", "qingteng-study", None),
            ("meal", "cangqiao-street-stinky-tofu", "lunch"),
            ("visit", "dayu-mausoleum", None),
            ("meal", "xunbaoji-zhuangyuanlou", "dinner"),
        ],
    )
    stops = time_day(week, d, items)
    assert stops is not None
    day_lo = week.day_windows[d][0]
    start, lunch = stops[0], stops[2]
    assert 30 <= start.depart - day_lo <= LATER_START_MINUTES + 5  # a lie-in, capped
    assert lunch.start - lunch.arrive <= 30  # no long wait for the meal window
    final = linger(week, d, stops)
    length = week.tasks[items[0]].duration
    # the small sight is not stretched to fill the morning
    assert final[1].end - final[1].start <= length + 15
    # the evening's wait (dinner opens at 17:00) is taken at the big sight instead
    assert final[3].end - final[3].start > week.tasks[items[2]].duration


def test_a_day_whose_first_stop_can_move_no_further_keeps_its_times(week):
    # the first stop is the lunch itself: the day simply leaves in time for it
    d = 3
    items = day_items(week, d, [("meal", "xianheng-tavern", "lunch")])
    stops = time_day(week, d, items)
    assert stops is not None and stops[1].start - stops[1].arrive == 0
