"""The busy and full rules on a sight's visitable intervals (chalicelib/planning/crowding.py)."""

from __future__ import annotations

from chalicelib.planning.crowding import WHOLE_DAY, Crowding, crowd_intervals

OPEN = ((8 * 60, 17 * 60),)  # 08:00-17:00
BUSY_1314 = Crowding(busy=(("s", 0, 13), ("s", 0, 14)))


def test_busy_hours_are_left_out_when_the_rest_of_the_day_holds_the_visit():
    assert crowd_intervals(BUSY_1314, True, "s", 0, OPEN, 150) == ((480, 780), (900, 1020))
    assert crowd_intervals(BUSY_1314, False, "s", 0, OPEN, 150) == OPEN  # the traveller does not mind


def test_a_quiet_morning_is_no_alternative_for_a_day_that_starts_at_two():
    # from 14:00 only 15:00-17:00 is quiet: too short for 150 min, so the busy hour stays
    assert crowd_intervals(BUSY_1314, True, "s", 0, OPEN, 150, window=(14 * 60, 21 * 60)) == OPEN
    # a 90-minute visit fits the quiet 15:00-17:00
    assert crowd_intervals(BUSY_1314, True, "s", 0, OPEN, 90, window=(14 * 60, 21 * 60)) == ((480, 780), (900, 1020))


def test_full_hours_and_days_are_never_planned():
    full = Crowding(full=(("s", 0, 9),), busy=(("s", 0, 13),))
    assert crowd_intervals(full, False, "s", 0, OPEN, 60) == ((480, 540), (600, 1020))
    assert crowd_intervals(Crowding(full=(("s", 0, WHOLE_DAY),)), True, "s", 0, OPEN, 60) == ()
