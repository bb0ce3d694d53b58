"""The traveller's pace: visit length, slack after each visit, visits per day."""

from __future__ import annotations

from ..catalog.model import Poi

PACE = {  # visit length factor, slack after each visit, max visits per day
    "relaxed": (1.2, 20, 4),
    "normal": (1.0, 10, 6),
    "packed": (0.85, 5, 8),
}


def visit_length(poi: Poi, pace: str) -> tuple[int, int]:
    """(visit minutes, slack minutes after it) of ``poi`` at ``pace``."""
    factor, slack, _ = PACE[pace]
    return (max(15, round(poi.visit_minutes * factor)) if poi.visit_minutes else 15), slack
