"""Capacity: places that take only so many people a day or an hour.

A limit is set by an operator (``PUT /v1/insights/capacity/{poi_id}``:
``daily`` and/or ``hourly``, with the source of the number, e.g. a scenic
area's real-name booking quota or an operator's own cap); no quota is
sourced in the catalog yet. Each stored plan reserves its group in the
counters ``capacity:<date>`` / ``<poi>#day`` and ``<poi>#<hour>`` for every
limited place it visits, with the limit as the condition of the same atomic
write (``Store.add_counts``): two racing batches cannot both take the last
places, on SQLite (one transaction) or DynamoDB (TransactWriteItems). The
loser's write changes nothing and raises :class:`SlotFull`; its caller plans
again with the slot marked full (``crowding.Crowding.full``), and the place
is then named in ``unscheduled`` with reason ``capacity``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Optional

from ..errors import YueyouError, invalid
from ..i18n import Text
from ..store import Count, CountLimitReached, Store
from .cells import group_of, plan_cells

LIMITS = "capacity-limit"  # documents: poi id -> {"daily", "hourly", "source", "updated_at"}
PREFIX = "capacity:"
DAY_SLOT = "day"
# A plan whose places a racing writer took first is planned again (around the
# now-full slot) at most this many times in all.
BOOKING_ATTEMPTS = 3


@dataclass(frozen=True)
class Limit:
    poi_id: str
    daily: Optional[int]
    hourly: Optional[int]
    source: str

    def to_json(self) -> dict[str, Any]:
        return {"poi_id": self.poi_id, "daily": self.daily, "hourly": self.hourly, "source": self.source}


class SlotFull(YueyouError):
    """A plan's reservation found no room left (nothing was reserved)."""

    def __init__(self, poi_id: str, day: str, hour: Optional[int], left: Optional[int]) -> None:
        when = f"{day} {hour:02d}:00" if hour is not None else day
        super().__init__(
            "capacity_full",
            Text(f"{poi_id} 在 {when} 已约满", f"{poi_id} is fully booked at {when}"),
            field="group_size",
            status=409,
            details={"poi_id": poi_id, "date": day, "hour": hour, "left": left},
        )
        self.poi_id, self.day, self.hour = poi_id, day, hour


def parse_limit(poi_id: str, body: Any) -> Limit:
    if not isinstance(body, Mapping):
        raise invalid("body", "the body must be a JSON object", "请求体必须是 JSON 对象")
    unknown = set(body) - {"daily", "hourly", "source"}
    if unknown:
        name = sorted(unknown)[0]
        raise invalid(name, f"unknown field {name}", f"未知字段 {name}")
    values = {}
    for name in ("daily", "hourly"):
        value = body.get(name)
        if value is not None and (isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 10**6):
            raise invalid(
                name,
                f"{name} must be an integer from 0 to 1000000, or null",
                f"{name} 必须是 0 到 1000000 的整数或 null",
            )
        values[name] = value
    if values["daily"] is None and values["hourly"] is None:
        raise invalid("daily", "give daily and/or hourly", "请给出 daily 和/或 hourly")
    source = body.get("source")
    if not isinstance(source, str) or not source.strip() or len(source) > 500:
        raise invalid(
            "source",
            "source must say where the number comes from (1-500 characters)",
            "source 必须说明名额来源（1-500 字）",
        )
    return Limit(poi_id, values["daily"], values["hourly"], source.strip())


class CapacityBook:
    def __init__(self, store: Store) -> None:
        self.store = store

    # -- limits ------------------------------------------------------------
    def limits(self) -> dict[str, Limit]:
        out, cursor = {}, None
        while True:
            page = self.store.list(LIMITS, limit=100, cursor=cursor)
            for item in page.items:
                d = item.data
                out[item.key] = Limit(item.key, d.get("daily"), d.get("hourly"), d.get("source", ""))
            cursor = page.next_cursor
            if not cursor:
                return out

    def set_limit(self, limit: Limit, updated_at: str) -> Limit:
        self.store.put(LIMITS, limit.poi_id, dict(limit.to_json(), updated_at=updated_at))
        return limit

    def remove_limit(self, poi_id: str) -> bool:
        return self.store.delete(LIMITS, poi_id)

    # -- reservations ------------------------------------------------------
    def counts(self, plan: Optional[Mapping[str, Any]], sign: int, limits: Mapping[str, Limit]) -> list[Count]:
        """The counter changes that reserve (sign 1) or release (-1) a plan's places."""
        if not plan:
            return []
        group, out = group_of(plan), []
        days: Counter[tuple[str, str]] = Counter()
        for cell in sorted(plan_cells(plan)):
            limit = limits.get(cell.poi_id)
            if limit is None:
                continue
            days[(cell.date, cell.poi_id)] = group
            if limit.hourly is not None:
                out.append(Count(PREFIX + cell.date, f"{cell.poi_id}#{cell.hour:02d}", sign * group, limit.hourly))
        for (day, poi_id), n in sorted(days.items()):
            daily = limits[poi_id].daily
            if daily is not None:
                out.append(Count(PREFIX + day, f"{poi_id}#{DAY_SLOT}", sign * n, daily))
        return out

    def swap(self, old: Optional[Mapping[str, Any]], new: Optional[Mapping[str, Any]]) -> None:
        """Reserve ``new``'s places and release ``old``'s in one atomic write;
        raises SlotFull (nothing changed) when a limit would be passed."""
        limits = self.limits()
        counts = self.counts(new, 1, limits) + self.counts(old, -1, limits)
        if not counts:
            return
        try:
            self.store.add_counts(counts)
        except CountLimitReached as full:
            poi_id, _, slot = full.count.key.rpartition("#")
            left = None if full.current is None or full.count.limit is None else full.count.limit - full.current
            day = full.count.collection[len(PREFIX) :]
            raise SlotFull(poi_id, day, None if slot == DAY_SLOT else int(slot), left) from None

    def full_slots(
        self, dates: Sequence[date], group: int, without: Optional[Mapping[str, Any]] = None
    ) -> tuple[tuple[str, int, int], ...]:
        """(poi id, trip day, hour or -1 for the whole day) with fewer places
        left than ``group``; ``without``: a plan whose own places count as free."""
        limits = self.limits()
        if not limits:
            return ()
        own = Counter({(c.collection, c.key): -c.delta for c in self.counts(without, -1, limits)})
        out = []
        for d, day in enumerate(dates):
            collection = PREFIX + day.isoformat()
            used = self.store.read_counts(collection)
            for poi_id, limit in sorted(limits.items()):
                for slot, cap in ((DAY_SLOT, limit.daily), *((f"{h:02d}", limit.hourly) for h in range(24))):
                    if cap is None:
                        continue
                    key = f"{poi_id}#{slot}"
                    left = cap - used.get(key, 0) + own.get((collection, key), 0)
                    if left < group:
                        out.append((poi_id, d, -1 if slot == DAY_SLOT else int(slot)))
        return tuple(out)
