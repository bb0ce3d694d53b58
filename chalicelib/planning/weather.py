"""Weather plan B (气象保障): wet and hot spells keep outdoor visits out.

The request field ``weather`` lists spells, given by the traveller or filled
in from a forecast (``chalicelib/forecast.py``):

    [{"date": "2026-07-20", "from": "12:00", "to": "16:00", "kind": "hot"}, …]

During a spell no ``outdoor`` place is visited (indoor and mixed ones are
unaffected: a museum in the rain is the plan B); the checker proves it, and
a place left out for it is named with reason ``weather``. How a forecast
becomes spells is documented in ``classify``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Optional

from ..errors import invalid
from ..timeutil import parse_date, parse_hhmm

KINDS = ("wet", "hot")
# Forecast rules (per hour): wet when rain is likely or falling, hot when the
# apparent temperature reaches the China Meteorological Administration's
# high-temperature threshold of 35 °C.
WET_PROBABILITY = 60  # % chance of precipitation in the hour
WET_MM = 0.5  # mm of precipitation in the hour
HOT_APPARENT_C = 35.0


@dataclass(frozen=True)
class Spell:
    day: int  # trip day index
    start: int  # minutes after midnight
    end: int
    kind: str  # wet | hot

    def to_json(self, first: date) -> dict[str, Any]:
        return {
            "date": (first + timedelta(days=self.day)).isoformat(),
            "from": f"{self.start // 60:02d}:{self.start % 60:02d}",
            "to": f"{self.end // 60:02d}:{self.end % 60:02d}",
            "kind": self.kind,
        }


def classify(
    precipitation_probability: Optional[float], precipitation_mm: Optional[float], apparent_c: Optional[float]
) -> str:
    """One forecast hour: ``wet``, ``hot`` or ``fine`` (missing values count as fine)."""
    if (precipitation_probability or 0) >= WET_PROBABILITY or (precipitation_mm or 0) >= WET_MM:
        return "wet"
    if apparent_c is not None and apparent_c >= HOT_APPARENT_C:
        return "hot"
    return "fine"


def spells_from_hours(hours: Iterable[tuple[date, int, str]], first: date, days: int) -> tuple[Spell, ...]:
    """Consecutive wet/hot hours ``(date, hour, kind)`` of the trip merged into spells."""
    out: list[Spell] = []
    for day, hour, kind in sorted(hours):
        d = (day - first).days
        if kind not in KINDS or not 0 <= d < days:
            continue
        if out and out[-1].day == d and out[-1].kind == kind and out[-1].end == hour * 60:
            out[-1] = Spell(d, out[-1].start, hour * 60 + 60, kind)
        else:
            out.append(Spell(d, hour * 60, hour * 60 + 60, kind))
    return tuple(out)


def parse_weather(value: Any, first: date, days: int) -> tuple[Spell, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise invalid("weather", "weather must be a list of spells", "weather 必须是天气时段列表")
    out = []
    for i, item in enumerate(value):
        where = f"weather[{i}]"
        if not isinstance(item, dict) or set(item) != {"date", "from", "to", "kind"}:
            raise invalid(
                where, 'a spell is {"date", "from", "to", "kind"}', '天气时段必须是 {"date", "from", "to", "kind"}'
            )
        day = parse_date(item["date"], f"{where}.date")
        d = (day - first).days
        if not 0 <= d < days:
            raise invalid(f"{where}.date", "the spell is outside the trip dates", "该天气时段不在行程日期内")
        start, end = parse_hhmm(item["from"], f"{where}.from"), parse_hhmm(item["to"], f"{where}.to")
        if end <= start:
            raise invalid(f"{where}.to", "to must be after from", "to 必须晚于 from")
        if item["kind"] not in KINDS:
            raise invalid(
                f"{where}.kind", f"kind must be one of {', '.join(KINDS)}", f"kind 必须是 {'、'.join(KINDS)} 之一"
            )
        out.append(Spell(d, start, end, item["kind"]))
    return tuple(sorted(out, key=lambda s: (s.day, s.start, s.end, s.kind)))


def without_spells(
    intervals: Sequence[tuple[int, int]], spells: Sequence[Spell], day: int
) -> tuple[tuple[int, int], ...]:
    """``intervals`` (minutes of ``day``) minus that day's spells."""
    out = list(intervals)
    for spell in (s for s in spells if s.day == day):
        cut: list[tuple[int, int]] = []
        for lo, hi in out:
            if spell.end <= lo or spell.start >= hi:
                cut.append((lo, hi))
                continue
            if lo < spell.start:
                cut.append((lo, spell.start))
            if spell.end < hi:
                cut.append((spell.end, hi))
        out = cut
    return tuple(out)
