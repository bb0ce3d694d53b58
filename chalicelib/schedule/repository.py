"""Events live in the store: the catalog seeds them, feeds update them.

Seeding is idempotent: an event already in the store is left alone unless
the catalog's copy differs and the stored copy came from the catalog, so a
feed's newer data is never overwritten by a redeploy.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any, Optional

from ..catalog import Catalog, Event
from ..catalog.series import EventBook, series_of
from ..errors import Conflict, not_found
from ..store import MUST_NOT_EXIST, Store

COLLECTION = "event"
# A listing shows the dates of recurring series over at most this many days.
SERIES_WINDOW_DAYS = 400


def event_to_json(event: Event) -> dict[str, Any]:
    return {
        "id": event.id,
        "sport": event.sport,
        "title": event.title.to_json(),
        "venue_id": event.venue_id,
        "start": event.start.isoformat(),
        "end": event.end.isoformat(),
        "confidence": event.confidence,
        "ticket_cny": event.ticket_cny,
        "status": event.status,
        "note": None if event.note is None else event.note.to_json(),
        "sources": list(event.sources),
        "kind": event.kind,
        "series": event.series,
    }


class EventRepository:
    def __init__(self, store: Store, catalog: Catalog) -> None:
        self.store = store
        self.catalog = catalog

    def seed(self) -> dict[str, int]:
        """Copy catalog events into the store; returns counts."""
        counts = {"created": 0, "updated": 0, "unchanged": 0, "kept": 0}
        for event in self.catalog.events.values():
            data = dict(event_to_json(event), origin="catalog")
            item = self.store.get(COLLECTION, event.id)
            try:
                if item is None:
                    self.store.put(COLLECTION, event.id, data, MUST_NOT_EXIST)
                    counts["created"] += 1
                elif item.data == data:
                    counts["unchanged"] += 1
                elif item.data.get("origin") == "catalog":
                    self.store.put(COLLECTION, event.id, data, item.version)
                    counts["updated"] += 1
                else:
                    counts["kept"] += 1
            except Conflict:
                # Another seeder got there first; its copy is the same data.
                counts["unchanged"] += 1
        return counts

    def ensure_seeded(self) -> None:
        """Seed unless a catalog event is already there. (Probing for *any*
        event would be fooled by feed sessions ingested into a fresh store.)"""
        if not self.catalog.events:
            return
        if self.store.get(COLLECTION, min(self.catalog.events)) is None:
            self.seed()

    def all(self) -> list[Event]:
        self.ensure_seeded()
        events: list[Event] = []
        cursor: Optional[str] = None
        while True:
            page = self.store.list(COLLECTION, limit=500, cursor=cursor)
            events.extend(Event.from_json(item.data) for item in page.items)
            cursor = page.next_cursor
            if cursor is None:
                break
        events.sort(key=lambda e: (e.start, e.id))
        return events

    def get(self, event_id: str) -> Event:
        """A stored event, or a date of a recurring series."""
        self.ensure_seeded()
        item = self.store.get(COLLECTION, event_id)
        if item is not None:
            return Event.from_json(item.data)
        series_date = EventBook({}, series_of(self.catalog.events)).get(event_id)
        if series_date is None:
            raise not_found("event", event_id)
        return series_date

    def between(self, lo: Optional[date], hi: Optional[date], today: date) -> list[Event]:
        """Stored events overlapping ``lo``..``hi`` (either open) and the series
        dates from ``lo`` (default ``today``) to ``hi`` (at most
        ``SERIES_WINDOW_DAYS``), in start order; a stored event replaces the
        series date with its id (a feed moved or cancelled it)."""
        first = lo or today
        last = min(hi or date.max, first + timedelta(SERIES_WINDOW_DAYS - 1))
        found = (
            {e.id: e for e in EventBook({}, series_of(self.catalog.events)).between(first, last)}
            if first <= last
            else {}
        )
        for e in self.all():
            if (lo is None or (e.end - timedelta(0, 1)).date() >= lo) and (hi is None or e.start.date() <= hi):
                found[e.id] = e
        return sorted(found.values(), key=lambda e: (e.start, e.id))

    def records(self, event_ids: Iterable[str]) -> dict[str, dict[str, Any]]:
        """Stored documents (with ``origin``, ``previous``, ``changed_at``) by id;
        ids not in the store are absent from the result."""
        self.ensure_seeded()
        found: dict[str, dict[str, Any]] = {}
        for event_id in dict.fromkeys(event_ids):
            item = self.store.get(COLLECTION, event_id)
            if item is not None:
                found[event_id] = item.data
        return found

    def planning_catalog(self) -> Catalog:
        """The catalog with its events replaced by the stored ones, so the planner
        sees feed sessions, new times and cancellations (re-planning)."""
        return dataclasses.replace(
            self.catalog, events=EventBook({e.id: e for e in self.all()}, series_of(self.catalog.events))
        )
