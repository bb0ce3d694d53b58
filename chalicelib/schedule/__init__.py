"""Event sessions at the venues, kept in the store so feeds can update them."""

from .repository import EventRepository

__all__ = ["EventRepository"]
