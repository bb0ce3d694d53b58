"""Tell a saved plan's owner that a match in it moved or was cancelled.

A plan copies each event's venue and start/end into its stops when it is
made; comparing those with the stored event now (which feeds keep up to
date) needs no extra bookkeeping and also catches changes made by any
other writer. Warnings are advisory: the plan stays as it was until the
client re-plans.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import datetime
from typing import Any, Optional

from ..i18n import Text
from ..schedule import EventRepository
from ..timeutil import SHANGHAI, iso


def _event_stops(plan: Mapping[str, Any]) -> Iterator[dict[str, Any]]:
    for day in plan.get("days") or []:
        for stop in day.get("stops") or []:
            if stop.get("type") == "event" and stop.get("event_id"):
                yield stop


def _same_moment(a: Optional[str], b: Optional[str]) -> bool:
    if a == b:
        return True
    try:
        return datetime.fromisoformat(a).astimezone(SHANGHAI) == datetime.fromisoformat(b).astimezone(SHANGHAI)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False


def _when(value: Optional[str]) -> str:
    try:
        return iso(datetime.fromisoformat(value))[:16].replace("T", " ")  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return str(value)


def plan_warnings(plan: Mapping[str, Any], events: EventRepository, lang: str) -> list[dict[str, Any]]:
    """One warning per planned event that is cancelled, moved or gone.

    Each warning: ``code`` (event_cancelled | event_moved | event_missing),
    ``event_id``, ``message`` in ``lang``, ``planned`` (what the plan
    assumed), ``current`` (the stored event, if any), ``changed_at`` and
    ``action: "replan"``.
    """
    stops = list(_event_stops(plan))
    stored = events.records(s["event_id"] for s in stops)
    warnings: list[dict[str, Any]] = []
    reported: set[str] = set()
    for stop in stops:
        event_id = stop["event_id"]
        if event_id in reported:
            continue
        planned = {"start": stop.get("start"), "end": stop.get("end"), "venue_id": stop.get("poi_id")}
        current = stored.get(event_id)
        name = stop.get("name") or event_id
        if current is None:
            text = Text(
                zh=f"行程中的赛事场次 {name} 已不存在，请重新规划",
                en=f"The session {name} in this plan no longer exists; please re-plan",
            )
            code, now = "event_missing", None
        else:
            now = {
                "start": current.get("start"),
                "end": current.get("end"),
                "venue_id": current.get("venue_id"),
                "status": current.get("status"),
            }
            if current.get("status") == "cancelled":
                code = "event_cancelled"
                text = Text(
                    zh=f"赛事场次 {name} 已取消，请重新规划行程", en=f"The session {name} was cancelled; please re-plan"
                )
            elif not (
                _same_moment(planned["start"], now["start"])
                and _same_moment(planned["end"], now["end"])
                and (planned["venue_id"] is None or planned["venue_id"] == now["venue_id"])
            ):
                code = "event_moved"
                text = Text(
                    zh=f"赛事场次 {name} 已改为 {_when(now['start'])}–{_when(now['end'])[11:]}"
                    f"（场馆 {now['venue_id']}），请重新规划行程",
                    en=f"The session {name} moved to {_when(now['start'])}–{_when(now['end'])[11:]} "
                    f"(venue {now['venue_id']}); please re-plan",
                )
            else:
                continue
        reported.add(event_id)
        warnings.append(
            {
                "code": code,
                "event_id": event_id,
                "message": text.get(lang),
                "planned": planned,
                "current": now,
                "changed_at": None if current is None else current.get("changed_at"),
                "action": "replan",
            }
        )
    return warnings
