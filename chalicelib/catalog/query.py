"""Searching the catalog's POIs (filters used by the API and widgets)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Optional

from geopy.distance import geodesic

from . import hours
from .catalog import Catalog
from .model import Poi


@dataclass(frozen=True)
class PoiQuery:
    categories: tuple[str, ...] = ()
    districts: tuple[str, ...] = ()
    text: str = ""
    near: Optional[tuple[float, float]] = None  # (lon, lat)
    radius_km: Optional[float] = None
    open_at: Optional[datetime] = None


def _matches_text(poi: Poi, catalog: Catalog, needle: str) -> bool:
    district = catalog.districts[poi.district].name
    haystack = " ".join(
        (
            poi.id,
            poi.name.zh,
            poi.name.en,
            poi.description.zh,
            poi.description.en,
            district.zh,
            district.en,
            " ".join(poi.tags),
        )
    )
    return all(word in haystack.casefold() for word in needle.casefold().split())


def search(catalog: Catalog, query: PoiQuery) -> list[tuple[Poi, Optional[float]]]:
    """Matching POIs with their distance in km from ``near`` (if given).

    Ordered by distance when ``near`` is set, else by id, so pages are stable.
    """
    found: list[tuple[Poi, Optional[float]]] = []
    for poi in catalog.pois.values():
        if query.categories and poi.category not in query.categories:
            continue
        if query.districts and poi.district not in query.districts:
            continue
        if query.text and not _matches_text(poi, catalog, query.text):
            continue
        if query.open_at is not None and not (poi.opening_hours and hours.is_open(poi.opening_hours, query.open_at)):
            continue
        distance = None
        if query.near is not None:
            distance = geodesic((query.near[1], query.near[0]), (poi.lat, poi.lon)).km
            if query.radius_km is not None and distance > query.radius_km:
                continue
        found.append((poi, distance))
    if query.near is not None:
        found.sort(key=lambda pair: (pair[1], pair[0].id))
    else:
        found.sort(key=lambda pair: pair[0].id)
    return found
