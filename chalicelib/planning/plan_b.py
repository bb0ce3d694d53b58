"""Each day's plan B for rain (雨天备选): an indoor sight for every outdoor visit.

For every outdoor visit of a day, the nearest sight (within ``PLAN_B_KM``)
that is indoor or mixed, wanted (interest > 0), not avoided, suits the trip's
access needs, is not in the plan, and is open for its own visit length from
the outdoor visit's start that day. A guide hands this out with the plan;
cards print it. It is a suggestion, not a re-solved plan: a rainy forecast
known in advance is planned around by ``weather`` instead.
"""

from __future__ import annotations

from typing import Any

from ..catalog.model import SIGHT_CATEGORIES
from ..timeutil import parse_datetime
from .problem import Problem, not_accessible
from .travel import Point, geodesic_km

PLAN_B_KM = 6.0


def plan_b(problem: Problem, days: list[dict[str, Any]], lang: str) -> list[list[dict[str, Any]]]:
    req, catalog = problem.request, problem.catalog
    planned = {s.get("poi_id") for day in days for s in day["stops"] if s.get("poi_id")}
    out: list[list[dict[str, Any]]] = []
    for d, day in enumerate(days):
        chosen: list[dict[str, Any]] = []
        for stop in day["stops"]:
            outdoor = catalog.pois.get(stop.get("poi_id") or "")
            if stop["type"] != "visit" or outdoor is None or outdoor.setting != "outdoor":
                continue
            start = problem.abs_time(parse_datetime(stop["start"], "start"))
            here = Point(outdoor.lon, outdoor.lat)
            best = None
            for poi in catalog.pois.values():
                if (
                    poi.category not in SIGHT_CATEGORIES
                    or poi.setting == "outdoor"
                    or poi.id in planned
                    or poi.id in req.avoid
                    or req.interest(poi.category) * poi.weight <= 0
                    or not_accessible(req, poi)
                    or any(c["poi_id"] == poi.id for c in chosen)
                ):
                    continue
                length, _ = problem.visit_length(poi)
                if not any(lo <= start and start + length <= hi for lo, hi in problem.open_intervals(poi, d)):
                    continue
                km = geodesic_km(here, Point(poi.lon, poi.lat))
                if km <= PLAN_B_KM and (best is None or (km, poi.id) < best[:2]):
                    best = (km, poi.id, poi)
            if best is not None:
                km, _, poi = best
                chosen.append(
                    {"instead_of": outdoor.id, "poi_id": poi.id, "name": poi.name.get(lang), "km": round(km, 1)}
                )
        out.append(chosen)
    return out
