"""Other travellers on the trip's dates (issue #17): quiet hours and full slots.

The service fills ``PlanRequest.crowding`` from the store before solving
(``crowds.ledger`` for the forecast, ``crowds.capacity`` for reservations);
the engine itself stays pure. Two rules, both applied to a sight's visitable
intervals (``Problem.visit_intervals``):

* **full** (hard): an hour, or a whole day, whose remaining capacity is
  below the group's size is never planned; a sight full on every day is
  named with reason ``capacity``.
* **busy** (``avoid_crowds``, the default): the forecast's busy hours of a
  sight are left out *when the rest of its day still holds the visit*, so
  the plan moves to a quiet hour of the same sight when one exists and
  keeps the busy hour otherwise: the saving never costs the sight itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

WHOLE_DAY = -1  # the hour of a full-day slot (a daily capacity)


@dataclass(frozen=True)
class Crowding:
    # (poi id, trip day, hour): the forecast expects it busy (``crowds.ledger.BUSY_AT``)
    busy: tuple[tuple[str, int, int], ...] = ()
    # (poi id, trip day, hour or WHOLE_DAY): no room left for the group
    full: tuple[tuple[str, int, int], ...] = ()

    def hours(self, which: str, poi_id: str, day: int) -> set[int]:
        return {h for p, d, h in getattr(self, which) if p == poi_id and d == day}


def without_hours(intervals: Sequence[tuple[int, int]], hours: set[int]) -> tuple[tuple[int, int], ...]:
    """``intervals`` (minutes of a day) less the clock hours in ``hours``."""
    out = list(intervals)
    for hour in sorted(hours):
        lo_cut, hi_cut = hour * 60, hour * 60 + 60
        cut: list[tuple[int, int]] = []
        for lo, hi in out:
            if hi_cut <= lo or lo_cut >= hi:
                cut.append((lo, hi))
                continue
            if lo < lo_cut:
                cut.append((lo, lo_cut))
            if hi_cut < hi:
                cut.append((hi_cut, hi))
        out = cut
    return tuple(out)


def crowd_intervals(
    crowding: Crowding | None,
    avoid: bool,
    poi_id: str,
    day: int,
    intervals: Sequence[tuple[int, int]],
    length: int,
    window: tuple[int, int] = (0, 24 * 60),
) -> tuple[tuple[int, int], ...]:
    """A sight's visitable intervals on ``day`` after the full and busy rules
    (``window``: the traveller's hours that day, minutes of the day: a quiet
    morning is no alternative to a day that starts at 14:00)."""
    allowed = tuple(intervals)
    if crowding is None:
        return allowed
    full = crowding.hours("full", poi_id, day)
    if WHOLE_DAY in full:
        return ()
    allowed = without_hours(allowed, full)
    if avoid:
        quiet = without_hours(allowed, crowding.hours("busy", poi_id, day))
        if any(min(hi, window[1]) - max(lo, window[0]) >= length for lo, hi in quiet):
            return quiet
    return allowed
