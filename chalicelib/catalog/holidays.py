"""Public holidays (法定节假日): the days off the State Council publishes
each year (``poi_data/holidays.json``, with the notice as the source).

On these days the main sights are at their busiest and booking slots run
out (a guide warns a Golden Week traveller before the trip); the engine
names the holidays a trip overlaps in its notes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from ..i18n import Text
from .model import is_slug

HOLIDAY_CONFIDENCE = ("high", "medium", "low")


@dataclass(frozen=True)
class Holiday:
    id: str
    name: Text
    start: date
    end: date  # inclusive
    confidence: str
    sources: tuple[str, ...]

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> Holiday:
        hid = d.get("id")
        if not isinstance(hid, str) or not is_slug(hid):
            raise ValueError(f"holiday: bad id {hid!r}")
        try:
            start, end = date.fromisoformat(d["start"]), date.fromisoformat(d["end"])
        except (KeyError, TypeError, ValueError) as exc:
            raise ValueError(f"{hid}: start and end must be ISO dates") from exc
        if end < start:
            raise ValueError(f"{hid}: ends before it starts")
        sources = tuple(d.get("sources") or ())
        if not sources or not all(isinstance(s, str) and s.startswith("http") for s in sources):
            raise ValueError(f"{hid}: a holiday needs a source")
        if d.get("confidence") not in HOLIDAY_CONFIDENCE:
            raise ValueError(f"{hid}: confidence must be one of {HOLIDAY_CONFIDENCE}")
        return cls(hid, Text.from_json(d["name"]), start, end, d["confidence"], sources)


def during(holidays: Mapping[str, Holiday], dates: Sequence[date]) -> list[tuple[Holiday, list[date]]]:
    """The holidays that fall on some of ``dates``, in date order, each with those dates."""
    out = []
    for holiday in sorted(holidays.values(), key=lambda h: (h.start, h.id)):
        days = [d for d in dates if holiday.start <= d <= holiday.end]
        if days:
            out.append((holiday, days))
    return out
