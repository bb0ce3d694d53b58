"""Recurring events: festivals, ceremonies and shows with a date rule.

A series (``poi_data/event_series.json``) is one sourced rule ("the 3rd day
of the 3rd lunar month, at the Orchid Pavilion"); its dates are events like
any match, made on demand for the dates asked (``EventBook``), with ids
``<series>-<YYYY-MM-DD>`` that resolve again later (a stored plan, a card).
Each series lists the past dates its sources report (``past``); validation
proves the rule gives every one of them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any, Optional

from ..i18n import Text
from ..timeutil import SHANGHAI
from .model import EVENT_CONFIDENCE, EVENT_KINDS, Event, is_slug
from .recurrence import FIRST_YEAR, Rule

_DATED = re.compile(r"^(?P<series>[a-z0-9-]+)-(?P<date>\d{4}-\d{2}-\d{2})$")
_HHMM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


def _clock(value: Optional[str], what: str) -> Optional[time]:
    if value is None:
        return None
    if not isinstance(value, str) or not _HHMM.match(value):
        raise ValueError(f"{what} must be HH:MM")
    return time.fromisoformat(value)


@dataclass(frozen=True)
class EventSeries:
    id: str
    kind: str  # festival | ceremony | show (not match: sessions are dated one by one)
    title: Text
    poi_id: str
    rule: Rule
    confidence: str  # of each date's times: exact, start_sourced (end estimated) or time_tbc
    start: Optional[time] = None  # None: time to be confirmed (confidence time_tbc)
    end: Optional[time] = None
    days: int = 1  # how many days each occurrence lasts (time_tbc festivals)
    ticket_cny: Optional[float] = None
    note: Optional[Text] = None
    sources: tuple[str, ...] = ()
    past: tuple[date, ...] = ()  # dates reported by the sources: the rule must give each

    def __post_init__(self) -> None:
        def check(cond: bool, what: str) -> None:
            if not cond:
                raise ValueError(f"series {self.id}: {what}")

        check(is_slug(self.id) and not _DATED.match(self.id), "id must be a slug not ending in a date")
        check(self.kind in EVENT_KINDS and self.kind != "match", f"kind must be one of {EVENT_KINDS[1:]}")
        check(self.confidence in EVENT_CONFIDENCE, f"bad confidence {self.confidence!r}")
        check((self.start is None) == (self.confidence == "time_tbc"), "a start time iff the time is known")
        check(self.end is None or (self.start is not None and self.end > self.start), "end must follow start")
        check(self.start is None or self.end is not None, "a timed series needs an end (estimated if need be)")
        check(1 <= self.days <= 60, "days must be 1..60")
        check(self.ticket_cny is None or self.ticket_cny >= 0, "negative ticket")
        check(bool(self.sources), "sources are required")
        for day in self.past:
            check(self.rule.dates(day, day) == [day], f"the rule does not give the reported date {day}")

    def occurrence(self, day: date) -> Event:
        """The event of this series on ``day`` (a date the rule gives)."""
        if self.start is not None and self.end is not None:
            start = datetime.combine(day, self.start, tzinfo=SHANGHAI)
            end = datetime.combine(day, self.end, tzinfo=SHANGHAI)
        else:  # time to be confirmed: the whole day(s)
            start = datetime.combine(day, time.min, tzinfo=SHANGHAI)
            end = datetime.combine(day + timedelta(self.days), time.min, tzinfo=SHANGHAI)
        return Event(
            id=f"{self.id}-{day.isoformat()}",
            sport=None,
            title=self.title,
            venue_id=self.poi_id,
            start=start,
            end=end,
            confidence=self.confidence,
            ticket_cny=self.ticket_cny,
            note=self.note,
            sources=self.sources,
            kind=self.kind,
            series=self.id,
        )

    def between(self, lo: date, hi: date) -> list[Event]:
        """Occurrences overlapping ``lo``..``hi`` (inclusive)."""
        lo = max(lo, date(FIRST_YEAR, 1, 1))  # no date arithmetic near date.min
        return [self.occurrence(d) for d in self.rule.dates(lo - timedelta(self.days - 1), hi)]

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> EventSeries:
        sid = d.get("id", "?")
        try:
            return cls(
                id=d["id"],
                kind=d["kind"],
                title=Text.from_json(d["title"]),
                poi_id=d["poi_id"],
                rule=Rule.from_json(d["rule"]),
                confidence=d["confidence"],
                start=_clock(d.get("start"), f"series {sid}: start"),
                end=_clock(d.get("end"), f"series {sid}: end"),
                days=int(d.get("days", 1)),
                ticket_cny=None if d.get("ticket_cny") is None else float(d["ticket_cny"]),
                note=None if d.get("note") is None else Text.from_json(d["note"]),
                sources=tuple(d.get("sources", ())),
                past=tuple(date.fromisoformat(x) for x in d.get("past", ())),
            )
        except KeyError as exc:
            raise ValueError(f"series {sid}: missing field {exc}") from None
        except ValueError as exc:
            if str(exc).startswith("series "):
                raise
            raise ValueError(f"series {sid}: {exc}") from None


class EventBook(Mapping[str, Event]):
    """Dated events (matches, feed sessions) plus the dates of every series.

    Iterating gives the dated events only (a series has endless dates); a
    series date is found by its id, or listed by ``between``. A dated event
    with a series date's id (a feed moved or cancelled that date) wins.
    """

    def __init__(self, events: Mapping[str, Event], series: Mapping[str, EventSeries]) -> None:
        self.events = dict(events)
        self.series = dict(series)

    def __getitem__(self, event_id: str) -> Event:
        found = self.events.get(event_id)
        if found is not None:
            return found
        m = _DATED.match(event_id) if isinstance(event_id, str) else None
        series = self.series.get(m.group("series")) if m else None
        if m is None or series is None:
            raise KeyError(event_id)
        try:
            day = date.fromisoformat(m.group("date"))
        except ValueError:
            raise KeyError(event_id) from None
        if series.rule.dates(day, day) != [day]:
            raise KeyError(event_id)
        return series.occurrence(day)

    def __contains__(self, event_id: object) -> bool:
        try:
            self[event_id]  # type: ignore[index]
        except KeyError:
            return False
        return True

    def __iter__(self) -> Iterator[str]:
        return iter(self.events)

    def __len__(self) -> int:
        return len(self.events)

    def between(self, lo: date, hi: date) -> list[Event]:
        """Every event (dated and series dates) overlapping ``lo``..``hi``, by start."""
        found = {e.id: e for s in self.series.values() for e in s.between(lo, hi)}
        found.update(
            (e.id, e) for e in self.events.values() if e.start.date() <= hi and (e.end - timedelta(0, 1)).date() >= lo
        )
        return sorted(found.values(), key=lambda e: (e.start, e.id))


def events_between(events: Mapping[str, Event], lo: date, hi: date) -> list[Event]:
    """``EventBook.between`` for any mapping of events (a plain dict has no series)."""
    if isinstance(events, EventBook):
        return events.between(lo, hi)
    return sorted(
        (e for e in events.values() if e.start.date() <= hi and (e.end - timedelta(0, 1)).date() >= lo),
        key=lambda e: (e.start, e.id),
    )


def series_of(events: Mapping[str, Event]) -> Mapping[str, EventSeries]:
    return events.series if isinstance(events, EventBook) else {}
