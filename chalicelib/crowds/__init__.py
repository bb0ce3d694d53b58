"""Crowds (issue #17): the forecast of where planned travellers will be,
hour by hour, and capacity reservations, both kept as store counters that
every plan write updates (``itineraries.repository``)."""

from .capacity import BOOKING_ATTEMPTS, CapacityBook, SlotFull
from .cells import Cell, plan_cells
from .ledger import BUSY_AT, SUPPRESS_BELOW, CrowdLedger

__all__ = [
    "BOOKING_ATTEMPTS",
    "BUSY_AT",
    "SUPPRESS_BELOW",
    "CapacityBook",
    "Cell",
    "CrowdLedger",
    "SlotFull",
    "plan_cells",
]
