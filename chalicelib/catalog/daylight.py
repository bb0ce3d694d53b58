"""Sunrise and dusk for a date and place (astral's NOAA solar equations).

Outdoor sights are planned between sunrise and civil dusk (the sun 6° below
the horizon: the end of usable daylight for a walk, e.g. about 17:24 in
Shaoxing on 10 December, 19:10 in mid-May). Computed per date and place,
never a fixed hour.

>>> from datetime import date
>>> daylight(date(2026, 12, 10), 120.58, 30.0)
(402, 1044)
>>> daylight(date(2026, 5, 15), 120.58, 30.0)
(304, 1150)
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from typing import TYPE_CHECKING

from astral import Observer
from astral.sun import dawn, dusk, sunrise

from ..timeutil import SHANGHAI
from . import hours

if TYPE_CHECKING:
    from .model import Poi

__all__ = ["daylight", "visitable", "dawn", "sunrise"]


@lru_cache(maxsize=4096)
def daylight(day: date, lon: float, lat: float) -> tuple[int, int]:
    """(sunrise, civil dusk) in minutes after local (Asia/Shanghai) midnight."""
    observer = Observer(latitude=lat, longitude=lon)
    rise = sunrise(observer, day, tzinfo=SHANGHAI)
    end = dusk(observer, day, tzinfo=SHANGHAI)
    return rise.hour * 60 + rise.minute, end.hour * 60 + end.minute


def visitable(poi: Poi, day: date) -> tuple[tuple[int, int], ...]:
    """When ``poi`` may be visited on ``day`` (minutes after midnight): while
    open and, for outdoor places, between sunrise and dusk or in its lit
    ``night`` hours."""
    opened = hours.windows(poi.opening_hours, day)
    if poi.setting != "outdoor":
        return opened
    rise, end = daylight(day, poi.lon, poi.lat)
    allowed = [(rise, end)] + (list(hours.windows(poi.night, day)) if poi.night else [])
    cut = sorted((max(lo, a), min(hi, b)) for lo, hi in opened for a, b in allowed if min(hi, b) > max(lo, a))
    merged: list[tuple[int, int]] = []
    for lo, hi in cut:
        if merged and lo <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(hi, merged[-1][1]))
        else:
            merged.append((lo, hi))
    return tuple(merged)
