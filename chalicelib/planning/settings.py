"""Engine settings, read once at the edge (app.py / CLI) and passed in."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any, Optional


@dataclass(frozen=True)
class PlanSettings:
    time_limit_cap_s: float = 5.0  # no request may ask for more
    default_time_limit_s: float = 2.0
    default_lodging_id: Optional[str] = None  # None: the lodging nearest the old-town centre
    osrm_url: Optional[str] = None  # None: geodesic travel times
    solution_limit: Optional[int] = None  # deterministic search bound; None = by size
    explain_top_n: int = 5  # unscheduled top candidates listed besides named ones

    def __post_init__(self) -> None:
        if not 0 < self.time_limit_cap_s <= 60:
            raise ValueError("time_limit_cap_s must be within (0, 60]")
        if not 0 < self.default_time_limit_s:
            raise ValueError("default_time_limit_s must be positive")

    @classmethod
    def from_mapping(cls, data: Optional[Mapping[str, Any]]) -> PlanSettings:
        """Build from a dict; unknown keys are an error (typos would be silent)."""
        if data is None:
            return cls()
        if isinstance(data, PlanSettings):
            return data
        known = {f.name for f in fields(cls)}
        unknown = set(data) - known
        if unknown:
            raise ValueError(f"unknown planning settings: {sorted(unknown)}")
        return cls(**dict(data))
