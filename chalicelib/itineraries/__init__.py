"""Stored itineraries: versioned, owned, idempotently created."""

from .repository import ItineraryRecord, ItineraryRepository

__all__ = ["ItineraryRecord", "ItineraryRepository"]
