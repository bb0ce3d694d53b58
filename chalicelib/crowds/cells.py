"""The hours a plan puts people at each place: the unit of the forecast."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any, NamedTuple, Optional

from ..timeutil import SHANGHAI

COUNTED_STOPS = ("visit", "event", "meal")  # a start or end at the lodging is not a visit


class Cell(NamedTuple):
    date: str  # YYYY-MM-DD, Asia/Shanghai
    poi_id: str
    hour: int  # 0..23: the clock hour [hour:00, hour+1:00)


def group_of(plan: Optional[Mapping[str, Any]]) -> int:
    request = (plan or {}).get("request") or {}
    size = request.get("group_size", 1)
    return size if isinstance(size, int) and not isinstance(size, bool) and size > 0 else 1


def stop_hours(stop: Mapping[str, Any]) -> list[tuple[str, int]]:
    """(date, hour) of every clock hour a stop overlaps (a 09:30-11:00 visit: 9 and 10)."""
    start = datetime.fromisoformat(stop["start"]).astimezone(SHANGHAI)
    end = datetime.fromisoformat(stop["end"]).astimezone(SHANGHAI)
    out, t = [], start.replace(minute=0, second=0, microsecond=0)
    while t < end:
        out.append((t.date().isoformat(), t.hour))
        t += timedelta(hours=1)
    return out


def plan_cells(plan: Optional[Mapping[str, Any]]) -> Counter[Cell]:
    """People per (date, place, hour) for one stored plan: its group at
    every visit, match and restaurant meal, for each hour the stop overlaps."""
    cells: Counter[Cell] = Counter()
    if not plan:
        return cells
    group = group_of(plan)
    for day in plan.get("days", []):
        for stop in day.get("stops", []):
            if stop.get("type") not in COUNTED_STOPS or not stop.get("poi_id"):
                continue
            for date, hour in stop_hours(stop):
                cells[Cell(date, stop["poi_id"], hour)] += group
    return cells
