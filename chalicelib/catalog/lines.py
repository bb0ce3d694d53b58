"""Rail and metro lines between the catalog's hubs (杭绍同城).

A line is an ordered list of hub stations with the scheduled minutes from
its first station (so a ride is the difference of two stations' minutes),
the first and last departures, and the *longest* gap between trains in each
period of the day. Plans use that longest gap as the wait, so a traveller
who walks onto the platform at the worst moment is still on time; the
sources give the numbers and each line carries its confidence.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..i18n import Text
from .model import is_slug

LINE_KINDS = ("metro", "rail", "hsr")
LINE_CONFIDENCE = ("high", "medium", "low")


def _minute(value: Any, what: str) -> int:
    if not isinstance(value, str) or len(value) != 5 or value[2] != ":":
        raise ValueError(f"{what}: {value!r} is not HH:MM")
    hours, minutes = int(value[:2]), int(value[3:])
    if not (0 <= hours <= 24 and 0 <= minutes < 60):
        raise ValueError(f"{what}: {value!r} is not a time")
    return hours * 60 + minutes


@dataclass(frozen=True)
class Headway:
    start: int  # minutes after midnight, end exclusive
    end: int
    minutes: int  # the longest gap between two trains in this period


@dataclass(frozen=True)
class Line:
    id: str
    name: Text
    kind: str  # metro | rail | hsr
    stations: tuple[tuple[str, int], ...]  # (hub POI id, scheduled minutes from the first station)
    first: int  # first departure, minutes after midnight (the latest first train over all stations)
    last: int  # last departure (the earliest last train over all stations)
    headways: tuple[Headway, ...]  # together they cover first..last
    confidence: str
    sources: tuple[str, ...]
    note: Text | None = None

    def __post_init__(self) -> None:
        def check(cond: bool, what: str) -> None:
            if not cond:
                raise ValueError(f"line {self.id}: {what}")

        check(is_slug(self.id), "id must be a slug")
        check(self.kind in LINE_KINDS, f"kind must be one of {LINE_KINDS}")
        check(self.confidence in LINE_CONFIDENCE, f"confidence must be one of {LINE_CONFIDENCE}")
        check(bool(self.sources), "sources are required")
        check(len(self.stations) >= 2, "a line needs two stations")
        check(len({s for s, _ in self.stations}) == len(self.stations), "a station is listed twice")
        minutes = [m for _, m in self.stations]
        check(minutes[0] == 0 and all(a < b for a, b in zip(minutes, minutes[1:])), "minutes must rise from 0")
        check(0 <= self.first < self.last <= 24 * 60 + 120, "first must precede last")
        spans = sorted((h.start, h.end) for h in self.headways)
        check(bool(spans) and spans[0][0] <= self.first and spans[-1][1] >= self.last, "headways must cover service")
        check(all(a[1] >= b[0] for a, b in zip(spans, spans[1:])), "headways leave a gap")
        check(all(0 < h.minutes <= 120 for h in self.headways), "a headway must be 1..120 minutes")

    @property
    def longest_gap(self) -> int:
        """The wait a plan assumes: the longest gap between trains in service."""
        return max(h.minutes for h in self.headways if h.start < self.last and h.end > self.first)

    def minute_at(self, hub_id: str) -> int:
        return dict(self.stations)[hub_id]

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name.to_json(),
            "kind": self.kind,
            "stations": [{"hub": s, "minute": m} for s, m in self.stations],
            "first": f"{self.first // 60:02d}:{self.first % 60:02d}",
            "last": f"{self.last // 60:02d}:{self.last % 60:02d}",
            "longest_gap_minutes": self.longest_gap,
            "confidence": self.confidence,
            "sources": list(self.sources),
        }

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> Line:
        try:
            what = f"line {d.get('id', '?')}"
            return cls(
                id=d["id"],
                name=Text.from_json(d["name"]),
                kind=d["kind"],
                stations=tuple((s["hub"], int(s["minute"])) for s in d["stations"]),
                first=_minute(d["first"], f"{what} first"),
                last=_minute(d["last"], f"{what} last"),
                headways=tuple(
                    Headway(
                        _minute(h["from"], f"{what} headway"), _minute(h["to"], f"{what} headway"), int(h["minutes"])
                    )
                    for h in d["headways"]
                ),
                confidence=d["confidence"],
                sources=tuple(d["sources"]),
                note=None if d.get("note") is None else Text.from_json(d["note"]),
            )
        except KeyError as exc:
            raise ValueError(f"line {d.get('id', '?')}: missing field {exc}") from None
