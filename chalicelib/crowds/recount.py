"""Recount the forecast and the reservations from the stored plans.

The counters move after each plan write; a process killed between the plan's
write and the counters' (or a bug) leaves them off. This reads every stored
plan (an operator job: a full read of the itinerary collection, never on a
request path) and sets the counters of every date the plans cover, plus any
``extra_dates``, to what the plans say.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

from ..store import Count, Store
from ..store.base import MAX_ATOMIC_COUNTS
from .capacity import PREFIX as CAPACITY_PREFIX
from .capacity import CapacityBook
from .cells import plan_cells
from .ledger import PLANS_KEY
from .ledger import PREFIX as CROWD_PREFIX


def _stored_plans(store: Store) -> Iterable[dict[str, Any]]:
    cursor = None
    while True:
        page = store.list("itinerary", limit=100, cursor=cursor)
        for item in page.items:
            yield item.data["plan"]
        cursor = page.next_cursor
        if cursor is None:
            return


def recount(store: Store, extra_dates: Iterable[str] = ()) -> dict[str, int]:
    """Set every counter of the covered dates to the plans' totals; how many changed."""
    want: Counter[tuple[str, str]] = Counter()
    book = CapacityBook(store)
    limits = book.limits()
    dates = set(extra_dates)
    for plan in _stored_plans(store):
        for day in {d["date"] for d in plan.get("days", [])}:
            want[(CROWD_PREFIX + day, PLANS_KEY)] += 1
            dates.add(day)
        for cell, n in plan_cells(plan).items():
            want[(CROWD_PREFIX + cell.date, f"{cell.poi_id}#{cell.hour:02d}")] += n
        for c in book.counts(plan, 1, limits):
            want[(c.collection, c.key)] += c.delta
    changed = {"crowd": 0, "capacity": 0}
    for day in sorted(dates):
        for prefix, kind in ((CROWD_PREFIX, "crowd"), (CAPACITY_PREFIX, "capacity")):
            collection = prefix + day
            have = store.read_counts(collection)
            keys = set(have) | {k for (c, k) in want if c == collection}
            fixes = [Count(collection, k, want[(collection, k)] - have.get(k, 0)) for k in sorted(keys)]
            fixes = [f for f in fixes if f.delta]
            for i in range(0, len(fixes), MAX_ATOMIC_COUNTS):
                store.add_counts(fixes[i : i + MAX_ATOMIC_COUNTS])
            changed[kind] += len(fixes)
    return changed
