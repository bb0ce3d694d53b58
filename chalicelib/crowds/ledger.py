"""The crowd forecast: planned people per place and hour, kept on write.

Every stored plan adds its group to the counters of the hours it spends at
each place (``cells.plan_cells``); a replan adds the difference, a delete
takes it away (``itineraries.repository``). The counters of one date are
one key range of their own (``crowd:<date>``), so reading a day is a single
range read on either store (SQLite: the primary key; DynamoDB: a Query on
the partition), never a scan, whatever the number of stored plans.

Matches add a documented estimate of the walk-up crowd: ``MATCH_ATTENDANCE``
of the venue's seats for each hour from the gates opening to the end; an
hour's expectation at a venue is the larger of that and the planned count
(planned spectators are part of the crowd, not extra to it).

Privacy: operators see counts only from ``SUPPRESS_BELOW`` people up (a
smaller count could single out one party); the public sees only ``busy`` /
``quiet`` per hour, busy meaning at least ``BUSY_AT`` expected people and
near the place's own peak that day (``is_busy``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from datetime import date, datetime, timedelta
from typing import Any, Optional

from ..catalog.catalog import Catalog
from ..catalog.series import events_between
from ..store import Count, Store
from ..store.base import MAX_ATOMIC_COUNTS
from ..timeutil import SHANGHAI
from .cells import Cell, plan_cells

PREFIX = "crowd:"
SUPPRESS_BELOW = 5  # operator view: fewer planned people than this in a cell are not shown
BUSY_AT = 20  # expected people in an hour from which the public hint may say "busy"
PEAK_SHARE = 0.8  # ... if the hour also has at least this share of the place's busiest hour (``is_busy``)
# Share of a venue's seats assumed at a match (a planning estimate, not a
# sourced figure: the Asian Games sessions were mostly well attended; league
# and friendly matches less). Only venues with a sourced seat count get one.
MATCH_ATTENDANCE = 0.6


def _collection(day: str) -> str:
    return PREFIX + day


def _key(poi_id: str, hour: int) -> str:
    return f"{poi_id}#{hour:02d}"


PLANS_KEY = "_plans"  # per date: how many stored plans have a day on it (sorts apart from POI ids)


def _dates(plan: Optional[Mapping[str, Any]]) -> set[str]:
    return {day["date"] for day in (plan or {}).get("days", []) if isinstance(day.get("date"), str)}


class CrowdLedger:
    def __init__(self, store: Store) -> None:
        self.store = store

    # -- writes ------------------------------------------------------------
    def apply(self, old: Optional[Mapping[str, Any]], new: Optional[Mapping[str, Any]]) -> int:
        """Move the counters from ``old`` (None: a new plan) to ``new`` (None:
        a deleted one); how many counters changed. Each date's changes are
        atomic in batches of MAX_ATOMIC_COUNTS."""
        delta: Counter[Cell] = Counter(plan_cells(new))
        delta.subtract(plan_cells(old))
        by_date: dict[str, list[Count]] = {}
        old_dates, new_dates = _dates(old), _dates(new)
        for day in sorted(old_dates ^ new_dates):
            by_date.setdefault(day, []).append(Count(_collection(day), PLANS_KEY, 1 if day in new_dates else -1))
        for cell, n in sorted(delta.items()):
            if n:
                by_date.setdefault(cell.date, []).append(Count(_collection(cell.date), _key(cell.poi_id, cell.hour), n))
        changed = 0
        for counts in by_date.values():
            for i in range(0, len(counts), MAX_ATOMIC_COUNTS):
                self.store.add_counts(counts[i : i + MAX_ATOMIC_COUNTS])
            changed += len(counts)
        return changed

    # -- reads -------------------------------------------------------------
    def planned(self, day: date | str, poi_id: Optional[str] = None) -> dict[str, dict[int, int]]:
        """place -> hour -> planned people on ``day`` (one range read)."""
        day = day if isinstance(day, str) else day.isoformat()
        out: dict[str, dict[int, int]] = {}
        for key, n in self.store.read_counts(_collection(day), prefix=f"{poi_id}#" if poi_id else "").items():
            place, _, hour = key.rpartition("#")
            if n > 0 and key != PLANS_KEY:
                out.setdefault(place, {})[int(hour)] = n
        return out

    def plans_on(self, day: date | str) -> int:
        """How many stored plans have a day on ``day``."""
        day = day if isinstance(day, str) else day.isoformat()
        return self.store.read_counts(_collection(day), prefix=PLANS_KEY).get(PLANS_KEY, 0)

    def expected(
        self,
        day: date | str,
        catalog: Catalog,
        poi_id: Optional[str] = None,
        without: Optional[Mapping[str, Any]] = None,
    ) -> dict[str, dict[int, dict[str, int]]]:
        """place -> hour -> {"planned", "match", "expected"}; ``without``: a
        plan whose own people are not counted (a replan does not avoid itself)."""
        day = day if isinstance(day, str) else day.isoformat()
        planned = self.planned(day, poi_id)
        for cell, n in plan_cells(without).items():
            if cell.date == day and cell.poi_id in planned and cell.hour in planned[cell.poi_id]:
                planned[cell.poi_id][cell.hour] = max(0, planned[cell.poi_id][cell.hour] - n)
        on_day = date.fromisoformat(day)
        match = match_estimates(day, events_between(catalog.events, on_day, on_day), catalog)
        out: dict[str, dict[int, dict[str, int]]] = {}
        for place in set(planned) | set(match):
            if poi_id and place != poi_id:
                continue
            hours = set(planned.get(place, {})) | set(match.get(place, {}))
            for hour in hours:
                p, m = planned.get(place, {}).get(hour, 0), match.get(place, {}).get(hour, 0)
                out.setdefault(place, {})[hour] = {"planned": p, "match": m, "expected": max(p, m)}
        return out

    def busy_hours(
        self, day: date | str, catalog: Catalog, without: Optional[Mapping[str, Any]] = None
    ) -> dict[str, set[int]]:
        """place -> the hours of ``day`` the public hint calls busy."""
        out = {}
        for place, hours in self.expected(day, catalog, without=without).items():
            peak = max(v["expected"] for v in hours.values())
            out[place] = {h for h, v in hours.items() if is_busy(v["expected"], peak)}
        return out


def is_busy(expected: int, peak: int) -> bool:
    """An hour is busy when it has at least BUSY_AT people *and* is near the
    place's own peak of the day (PEAK_SHARE of it): a sight crowded all day
    long has only its worst hours marked, so there is a quieter hour to go."""
    return expected >= BUSY_AT and expected >= PEAK_SHARE * peak


def match_estimates(day: str, events: Iterable[Any], catalog: Catalog) -> dict[str, dict[int, int]]:
    """venue -> hour -> estimated spectators for the scheduled matches of ``day``."""
    out: dict[str, dict[int, int]] = {}
    for event in events:
        if event.kind != "match" or event.status == "cancelled":
            continue
        start: datetime = event.start.astimezone(SHANGHAI)
        if start.date().isoformat() != day:
            continue
        venue = catalog.pois.get(event.venue_id)
        if venue is None or venue.venue is None or not venue.venue.capacity:
            continue
        people = round(venue.venue.capacity * MATCH_ATTENDANCE)
        t = (start - timedelta(minutes=venue.entry_buffer)).replace(minute=0, second=0, microsecond=0)
        end = event.end.astimezone(SHANGHAI)
        while t < end:
            if t.date().isoformat() == day:
                hours = out.setdefault(venue.id, {})
                hours[t.hour] = max(hours.get(t.hour, 0), people)
            t += timedelta(hours=1)
    return out
