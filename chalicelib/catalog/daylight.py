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

from astral import Observer
from astral.sun import dawn, dusk, sunrise

from ..timeutil import SHANGHAI

__all__ = ["daylight", "dawn", "sunrise"]


@lru_cache(maxsize=4096)
def daylight(day: date, lon: float, lat: float) -> tuple[int, int]:
    """(sunrise, civil dusk) in minutes after local (Asia/Shanghai) midnight."""
    observer = Observer(latitude=lat, longitude=lon)
    rise = sunrise(observer, day, tzinfo=SHANGHAI)
    end = dusk(observer, day, tzinfo=SHANGHAI)
    return rise.hour * 60 + rise.minute, end.hour * 60 + end.minute
