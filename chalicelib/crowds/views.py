"""What operators and the public see of the forecast (transport-neutral JSON)."""

from __future__ import annotations

from datetime import date
from typing import Any, Optional

from ..catalog.catalog import Catalog
from ..catalog.series import events_between
from .capacity import DAY_SLOT, PREFIX, CapacityBook
from .ledger import BUSY_AT, MATCH_ATTENDANCE, SUPPRESS_BELOW, CrowdLedger, is_busy, match_estimates

HINT_HOURS = range(7, 22)  # the public hint covers 07:00-21:59: when sights are open


def _level(expected: int, peak: int) -> str:
    return "busy" if is_busy(expected, peak) else "quiet"


def operator_view(ledger: CrowdLedger, catalog: Catalog, day: str, poi_id: Optional[str], lang: str) -> dict[str, Any]:
    """Expected people per place and hour on ``day``; a planned count below
    SUPPRESS_BELOW is withheld (``planned`` null, ``suppressed`` true), and
    totals add only the counts shown, so none can be recovered by subtraction."""
    expected = ledger.expected(day, catalog, poi_id)
    pois: list[dict[str, Any]] = []
    totals: dict[str, int] = {}
    for place in sorted(expected):
        poi = catalog.pois.get(place)
        hours, shown_total = [], 0
        peak = max(v["expected"] for v in expected[place].values())
        for hour in sorted(expected[place]):
            v = expected[place][hour]
            if not v["planned"] and not v["match"]:
                continue
            shown = v["planned"] >= SUPPRESS_BELOW
            shown_total += v["planned"] if shown else 0
            hours.append(
                {
                    "hour": hour,
                    "planned": v["planned"] if shown else None,
                    "suppressed": 0 < v["planned"] < SUPPRESS_BELOW,
                    "match_estimate": v["match"] or None,
                    "level": _level(v["expected"], peak),
                }
            )
        if hours:
            totals[place] = shown_total
            pois.append(
                {
                    "poi_id": place,
                    "name": poi.name.get(lang) if poi else place,
                    "category": poi.category if poi else None,
                    "lon": poi.lon if poi else None,
                    "lat": poi.lat if poi else None,
                    "planned_shown": shown_total,
                    "hours": hours,
                }
            )
    plans = ledger.plans_on(day)
    on_day = date.fromisoformat(day)
    estimates = match_estimates(day, events_between(catalog.events, on_day, on_day), catalog)
    matches = [
        {
            "event_id": e.id,
            "title": e.title.get(lang),
            "venue_id": e.venue_id,
            "start": e.start.isoformat(),
            "end": e.end.isoformat(),
            "status": e.status,
            "estimate": max(estimates.get(e.venue_id, {}).values(), default=None),
        }
        for e in events_between(catalog.events, on_day, on_day)
        if e.kind == "match"
    ]
    return {
        "date": day,
        "suppressed_below": SUPPRESS_BELOW,
        "busy_at": BUSY_AT,
        "match_attendance_share": MATCH_ATTENDANCE,
        "plans": plans if plans >= SUPPRESS_BELOW else None,
        "pois": pois,
        "top": [
            {"poi_id": p["poi_id"], "name": p["name"], "planned_shown": p["planned_shown"]}
            for p in sorted(pois, key=lambda p: (-totals[p["poi_id"]], p["poi_id"]))[:10]
            if totals[p["poi_id"]]
        ],
        "matches": matches,
    }


def public_view(ledger: CrowdLedger, catalog: Catalog, day: str, poi_id: Optional[str]) -> dict[str, Any]:
    """Only busy or quiet per place and hour: no counts at all."""
    busy = ledger.busy_hours(day, catalog)
    places = [poi_id] if poi_id else sorted(p.id for p in catalog.pois.values() if p.category not in ("lodging", "hub"))
    return {
        "date": day,
        "pois": [
            {"poi_id": p, "hours": {f"{h:02d}:00": "busy" if h in busy.get(p, ()) else "quiet" for h in HINT_HOURS}}
            for p in places
        ],
    }


def capacity_view(book: CapacityBook, day: str) -> dict[str, Any]:
    """Every limit, with the places taken and left on ``day``."""
    limits = book.limits()
    used = book.store.read_counts(PREFIX + day)
    out = []
    for poi_id, limit in sorted(limits.items()):
        slots = []
        if limit.daily is not None:
            taken = used.get(f"{poi_id}#{DAY_SLOT}", 0)
            slots.append({"slot": "day", "limit": limit.daily, "taken": taken, "left": max(0, limit.daily - taken)})
        if limit.hourly is not None:
            for key, taken in sorted(used.items()):
                place, _, slot = key.rpartition("#")
                if place == poi_id and slot != DAY_SLOT and taken:
                    slots.append(
                        {
                            "slot": f"{slot}:00",
                            "limit": limit.hourly,
                            "taken": taken,
                            "left": max(0, limit.hourly - taken),
                        }
                    )
        out.append(dict(limit.to_json(), slots=slots))
    return {"date": day, "limits": out}
