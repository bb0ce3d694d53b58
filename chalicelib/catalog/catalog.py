"""The catalog: every POI, event, route and district, cross-checked."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from math import asin, cos, radians, sin, sqrt
from typing import Any

from ..errors import not_found
from ..i18n import Text
from .holidays import Holiday
from .lines import Line
from .model import ROUTE_DAY_MINUTES, District, Event, Poi, Route
from .series import EventBook, EventSeries, series_of

# A part_of parent must be in the same district or, across a border, close by.
PART_OF_MAX_KM = 10.0


def _km(a: Poi, b: Poi) -> float:
    """Great-circle distance in km between two POIs."""
    dlat, dlon = radians(b.lat - a.lat), radians(b.lon - a.lon)
    h = sin(dlat / 2) ** 2 + cos(radians(a.lat)) * cos(radians(b.lat)) * sin(dlon / 2) ** 2
    return 2 * 6371.0 * asin(sqrt(h))


@dataclass(frozen=True)
class Catalog:
    districts: Mapping[str, District]
    pois: Mapping[str, Poi]
    events: Mapping[str, Event]
    routes: Mapping[str, Route]
    lines: Mapping[str, Line] = field(default_factory=dict)  # rail and metro between hubs (``lines.py``)
    holidays: Mapping[str, Holiday] = field(default_factory=dict)  # public days off (``holidays.py``)

    def __post_init__(self) -> None:
        problems = list(self._problems())
        if problems:
            raise ValueError("catalog is inconsistent:\n  " + "\n  ".join(problems))

    def _problems(self) -> Iterable[str]:
        for poi in self.pois.values():
            if poi.district not in self.districts:
                yield f"POI {poi.id}: unknown district {poi.district!r}"
            elif self.districts[poi.district].outside and poi.category not in ("hub", "lodging"):
                yield f"POI {poi.id}: only hubs and lodging may lie outside Shaoxing ({poi.district})"
            if poi.part_of is not None:
                parent = self.pois.get(poi.part_of)
                if parent is None:
                    yield f"POI {poi.id}: part_of names unknown POI {poi.part_of!r}"
                elif parent.part_of is not None:
                    yield f"POI {poi.id}: part_of {poi.part_of} is itself part of another place (one level only)"
                elif parent.district != poi.district and _km(poi, parent) > PART_OF_MAX_KM:
                    yield (
                        f"POI {poi.id}: part_of {poi.part_of} is in {parent.district} and "
                        f"{_km(poi, parent):.1f} km away (more than {PART_OF_MAX_KM:g} km across a border)"
                    )
                elif _km(poi, parent) > 3 * PART_OF_MAX_KM:
                    yield f"POI {poi.id}: part_of {poi.part_of} is {_km(poi, parent):.1f} km away"
        for event in self.events.values():
            venue = self.pois.get(event.venue_id)
            if venue is None:
                yield f"event {event.id}: unknown venue {event.venue_id!r}"
            elif event.kind == "match" and (venue.venue is None or event.sport not in venue.venue.sports):
                yield f"event {event.id}: {event.venue_id} is not a {event.sport} venue"
        for series in series_of(self.events).values():
            place = self.pois.get(series.poi_id)
            if place is None or place.category in ("food", "lodging", "hub"):
                yield f"event series {series.id}: {series.poi_id!r} is not a sight or venue"
        for route in self.routes.values():
            for stop in route.stop_ids:
                if stop not in self.pois:
                    yield f"route {route.id}: unknown stop {stop!r}"
            for lodge in route.lodging:
                if (
                    lodge not in self.pois
                    or self.pois[lodge].category != "lodging"
                    or self.pois[lodge].coord_confidence == "unknown"
                ):
                    yield f"route {route.id}: {lodge!r} is not a lodging POI"
            if len(set(route.stop_ids)) != len(route.stop_ids):
                yield f"route {route.id}: a stop is listed twice"
            visiting = sum(self.pois[s].visit_minutes for s in route.stop_ids if s in self.pois)
            if route.suggested_days * ROUTE_DAY_MINUTES < visiting:
                yield (
                    f"route {route.id}: {visiting} min of visits do not fit in {route.suggested_days} day(s) "
                    f"of {ROUTE_DAY_MINUTES} min; raise suggested_days"
                )

        for line in self.lines.values():
            for station, _ in line.stations:
                hub = self.pois.get(station)
                if hub is None or hub.category != "hub" or hub.coord_confidence == "unknown":
                    yield f"line {line.id}: station {station!r} is not a hub with known coordinates"

    def poi(self, poi_id: str, field: str = "id") -> Poi:
        try:
            return self.pois[poi_id]
        except KeyError:
            raise not_found("poi", poi_id, field) from None

    def event(self, event_id: str, field: str = "id") -> Event:
        try:
            return self.events[event_id]
        except KeyError:
            raise not_found("event", event_id, field) from None

    def route(self, route_id: str, field: str = "id") -> Route:
        try:
            return self.routes[route_id]
        except KeyError:
            raise not_found("route", route_id, field) from None

    @cached_property
    def _match_days(self) -> dict[str, frozenset[date]]:
        days: dict[str, set[date]] = {}
        for event in self.events.values():
            if event.kind == "match" and event.status == "scheduled":
                days.setdefault(event.venue_id, set()).add(event.start.date())
        return {venue: frozenset(ds) for venue, ds in days.items()}

    def match_day(self, poi_id: str, day: date) -> bool:
        """Whether the venue ``poi_id`` holds a scheduled match on ``day``. A
        competition venue is then closed to sightseeing: only ticket holders
        go in, for their session (the match is the way to see it)."""
        return day in self._match_days.get(poi_id, frozenset())

    def venues(self) -> list[Poi]:
        return [p for p in self.pois.values() if p.category == "venue"]

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Catalog:
        def index(items: Iterable[Any], kind: str) -> dict[str, Any]:
            out: dict[str, Any] = {}
            for item in items:
                if item.id in out:
                    raise ValueError(f"duplicate {kind} id {item.id!r}")
                out[item.id] = item
            return out

        return cls(
            districts=index(
                (District(d["id"], Text.from_json(d["name"]), bool(d.get("outside"))) for d in data["districts"]),
                "district",
            ),
            pois=index((Poi.from_json(p) for p in data["pois"]), "POI"),
            events=EventBook(
                index((Event.from_json(e) for e in data["events"]), "event"),
                index((EventSeries.from_json(e) for e in data.get("event_series", ())), "event series"),
            ),
            routes=index((Route.from_json(r) for r in data["routes"]), "route"),
            lines=index((Line.from_json(r) for r in data.get("lines", ())), "line"),
            holidays=index((Holiday.from_json(h) for h in data.get("holidays", ())), "holiday"),
        )
