"""Opening hours (OpenStreetMap syntax) as per-date windows.

Parsing is left to the maintained opening-hours-py package; this module only
turns its intervals into minutes after local midnight, the unit the planner
uses.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import lru_cache

import opening_hours

from ..timeutil import SHANGHAI

# The package raises ParserError but its type stub does not declare it.
ParserError: type[Exception] = getattr(opening_hours, "ParserError")  # noqa: B009


@lru_cache(maxsize=512)
def _parsed(spec: str) -> opening_hours.OpeningHours:
    return opening_hours.OpeningHours(spec)


def validate(spec: str) -> None:
    """Raise ValueError if ``spec`` is not valid opening_hours syntax."""
    try:
        _parsed(spec)
    except ParserError as exc:
        raise ValueError(f"invalid opening_hours {spec!r}: {exc}") from None


@lru_cache(maxsize=8192)
def windows(spec: str, day: date) -> tuple[tuple[int, int], ...]:
    """Open intervals of ``day`` in minutes after midnight, end exclusive.

    >>> windows("Tu-Su 08:30-17:00; Mo off", date(2026, 11, 29))
    ((510, 1020),)
    >>> windows("Tu-Su 08:30-17:00; Mo off", date(2026, 11, 30))
    ()
    >>> windows("Mo-Su 10:30-14:00,16:30-21:00", date(2026, 11, 30))
    ((630, 840), (990, 1260))
    >>> windows("24/7", date(2026, 11, 30))
    ((0, 1440),)
    """
    start = datetime(day.year, day.month, day.day)
    end = start + timedelta(days=1)
    result: list[tuple[int, int]] = []
    for lo, hi, state, _comment in _parsed(spec).intervals(start, end):
        if state != opening_hours.State.OPEN:
            continue
        lo_min = max(0, int((lo - start).total_seconds() // 60))
        hi_min = 1440 if hi is None else min(1440, int((hi - start).total_seconds() // 60))
        if hi_min <= lo_min:
            continue
        if result and result[-1][1] == lo_min:
            result[-1] = (result[-1][0], hi_min)
        else:
            result.append((lo_min, hi_min))
    return tuple(result)


def is_open(spec: str, moment: datetime) -> bool:
    local = moment.astimezone(SHANGHAI)
    minute = local.hour * 60 + local.minute
    return any(lo <= minute < hi for lo, hi in windows(spec, local.date()))
