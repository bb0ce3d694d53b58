"""Shaoxing catalog: POIs, venues, events and curated routes."""

from .catalog import Catalog
from .model import CATEGORIES, SPORTS, Event, Poi, Route

__all__ = ["Catalog", "CATEGORIES", "SPORTS", "Event", "Poi", "Route"]
