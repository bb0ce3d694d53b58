"""Catalog objects as JSON and GeoJSON (RFC 7946: positions are [lon, lat])."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Optional

from geopy.distance import geodesic

from ..catalog import Catalog, Event, Poi, Route, hours
from ..catalog.labels import CATEGORY_NAMES, CONFIDENCE_NAMES, EVENT_KIND_NAMES, ROUTE_KIND_NAMES, SPORT_NAMES
from ..timeutil import SHANGHAI, iso


def hours_on(poi: Poi, day: date) -> Optional[list[str]]:
    """The POI's opening hours on ``day`` as ["HH:MM-HH:MM", …] ([] closed; None unknown)."""
    if not poi.opening_hours:
        return None
    return [
        f"{lo // 60:02d}:{lo % 60:02d}-{hi // 60:02d}:{hi % 60:02d}" for lo, hi in hours.windows(poi.opening_hours, day)
    ]


def poi_properties(poi: Poi, catalog: Catalog, lang: str, today: Optional[date] = None) -> dict[str, Any]:
    today = today or datetime.now(SHANGHAI).date()
    props: dict[str, Any] = {
        "id": poi.id,
        "name": poi.name.get(lang),
        "names": poi.name.to_json(),
        "description": poi.description.get(lang),
        "category": poi.category,
        "category_name": CATEGORY_NAMES[poi.category].get(lang),
        "district": poi.district,
        "district_name": catalog.districts[poi.district].name.get(lang),
        "visit_minutes": poi.visit_minutes,
        "opening_hours": poi.opening_hours,
        "hours_confidence": poi.hours_confidence,
        "hours_today": hours_on(poi, today),
        "ticket_cny": money(poi.ticket_cny),
        "tags": list(poi.tags),
        "coord_confidence": poi.coord_confidence,
        "sources": list(poi.sources),
        "setting": poi.setting,
        "part_of": poi.part_of,
        "area": poi.area,
        "night": poi.night,
        "prominence": poi.prominence,
        "rating": None
        if poi.rating is None
        else {"a_level": poi.rating.a_level, "heritage": poi.rating.heritage, "sources": list(poi.rating.sources)},
        "accessibility": {
            "level": poi.accessibility.level,
            "note": poi.accessibility.note.get(lang) if poi.accessibility.note else None,
            "sources": list(poi.accessibility.sources),
        },
        "reservation": None
        if poi.reservation is None
        else {
            "required": poi.reservation.required,
            "how": poi.reservation.how.get(lang) if poi.reservation.how else None,
            "as_of": poi.reservation.as_of,
            "sources": list(poi.reservation.sources),
        },
    }
    if poi.hub is not None:
        props["hub"] = {"kind": poi.hub.kind, "lines": list(poi.hub.lines)}
    if poi.venue is not None:
        props["venue"] = {
            "sports": list(poi.venue.sports),
            "sport_names": [SPORT_NAMES[s].get(lang) for s in poi.venue.sports],
            "capacity": poi.venue.capacity,
            "entry_buffer_minutes": poi.venue.entry_buffer_minutes,
        }
    if poi.food is not None:
        props["food"] = {
            "kind": poi.food.kind,
            "price_per_person_cny": _pair(poi.food.price_per_person_cny),
            "takeaway": poi.food.takeaway,
        }
    if poi.lodging is not None:
        props["lodging"] = {"type": poi.lodging.type, "price_band_cny": _pair(poi.lodging.price_band_cny)}
    return props


def poi_feature(poi: Poi, catalog: Catalog, lang: str, **extra: Any) -> dict[str, Any]:
    props = poi_properties(poi, catalog, lang)
    props.update(extra)
    return {
        "type": "Feature",
        "id": poi.id,
        "geometry": {"type": "Point", "coordinates": [poi.lon, poi.lat]},
        "properties": props,
    }


def feature_collection(features: list[dict[str, Any]], **members: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {"type": "FeatureCollection", "features": features}
    doc.update(members)
    return doc


def event_json(event: Event, catalog: Catalog, lang: str) -> dict[str, Any]:
    venue = catalog.pois.get(event.venue_id)
    return {
        "id": event.id,
        "kind": event.kind,
        "kind_name": EVENT_KIND_NAMES[event.kind].get(lang),
        "series": event.series,
        "sport": event.sport,
        "sport_name": SPORT_NAMES[event.sport].get(lang) if event.sport else None,
        "title": event.title.get(lang),
        "titles": event.title.to_json(),
        "venue_id": event.venue_id,
        "venue_name": venue.name.get(lang) if venue else None,
        "venue_coordinates": [venue.lon, venue.lat] if venue else None,
        "start": iso(event.start),
        "end": iso(event.end),
        "confidence": event.confidence,
        "confidence_note": CONFIDENCE_NAMES[event.confidence].get(lang),
        "status": event.status,
        "ticket_cny": money(event.ticket_cny),
        "note": event.note.get(lang) if event.note else None,
        "sources": list(event.sources),
    }


def route_length_km(route: Route) -> float:
    pts = route.coordinates
    return round(sum(geodesic((a[1], a[0]), (b[1], b[0])).km for a, b in zip(pts, pts[1:])), 1)


def route_summary(route: Route, lang: str) -> dict[str, Any]:
    return {
        "id": route.id,
        "name": route.name.get(lang),
        "names": route.name.to_json(),
        "description": route.description.get(lang),
        "kind": route.kind,
        "kind_name": ROUTE_KIND_NAMES[route.kind].get(lang),
        "ordered": route.ordered,
        "suggested_days": route.suggested_days,
        "stop_count": len(route.stops),
        "length_km": route_length_km(route),
    }


def route_collection(route: Route, catalog: Catalog, lang: str) -> dict[str, Any]:
    line = {
        "type": "Feature",
        "id": route.id,
        "geometry": {"type": "LineString", "coordinates": [list(c) for c in route.coordinates]},
        "properties": dict(
            route_summary(route, lang), role="route", lodging=list(route.lodging), sources=list(route.sources)
        ),
    }
    stops = []
    for order, stop in enumerate(route.stops, start=1):
        poi = catalog.pois[stop.poi_id]
        stops.append(
            poi_feature(poi, catalog, lang, role="stop", order=order, note=stop.note.get(lang) if stop.note else None)
        )
    return feature_collection([line] + stops, route=route.id)


def money(value: Optional[float]) -> Optional[float | int]:
    """CNY amounts as integers when whole (40, not 40.0)."""
    if value is None:
        return None
    return int(value) if float(value).is_integer() else round(value, 2)


def _pair(value: Optional[tuple[float, float]]) -> Optional[list[Optional[float | int]]]:
    return None if value is None else [money(value[0]), money(value[1])]
