"""Step-free and slower trips (无障碍): the request field ``access``.

``{"wheelchair": true, "stroller": false, "max_walk_m": 500, "rest_every_min": 60}``

* ``wheelchair``: only places whose ``accessibility`` is ``step_free`` (a
  source says so); ``stroller``: ``step_free`` or ``partial``. Every other
  place (``no``, ``partial`` for a wheelchair, and ``unknown``: most of the
  catalog today) is left out and named in ``unscheduled`` with its level.
  The lodging the traveller chose is kept (they know it).
* walking is slower: ``WALK_SLOWDOWN`` times the walking minutes with a
  wheelchair or a stroller (a planning assumption, not a measured speed);
* ``max_walk_m``: a leg that would be walked further (route metres) is a
  taxi leg instead; the checker proves no walked leg is longer;
* ``rest_every_min``: a ``REST_MINUTES`` rest after each visit for every
  full ``rest_every_min`` of it (a 90-min visit with 45 gives 20 min),
  shown as the gap between a visit's end and its departure.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Optional

from ..errors import invalid, reject_unknown

WALK_SLOWDOWN = 1.25  # walking minutes x this with a wheelchair or a stroller
REST_MINUTES = 10
MAX_WALK_M = (100, 5000)
REST_EVERY_MIN = (20, 240)
KEYS = ("wheelchair", "stroller", "max_walk_m", "rest_every_min")


@dataclass(frozen=True)
class Access:
    wheelchair: bool = False
    stroller: bool = False
    max_walk_m: Optional[int] = None
    rest_every_min: Optional[int] = None

    @property
    def levels(self) -> Optional[tuple[str, ...]]:
        """Accessibility levels a visited place may have (None: any)."""
        if self.wheelchair:
            return ("step_free",)
        if self.stroller:
            return ("step_free", "partial")
        return None

    @property
    def walk_factor(self) -> float:
        return WALK_SLOWDOWN if self.wheelchair or self.stroller else 1.0

    def rest_after(self, visit_minutes: int) -> int:
        if not self.rest_every_min:
            return 0
        return REST_MINUTES * (visit_minutes // self.rest_every_min)

    def to_json(self) -> dict[str, Any]:
        return {
            "wheelchair": self.wheelchair,
            "stroller": self.stroller,
            "max_walk_m": self.max_walk_m,
            "rest_every_min": self.rest_every_min,
        }


def parse_access(value: Any) -> Optional[Access]:
    if value is None:
        return None
    if not isinstance(value, Mapping):
        raise invalid("access", "access must be an object", "access 必须是对象")
    reject_unknown(value, KEYS, "access.", "access need", "出行需求")
    flags = {}
    for key in ("wheelchair", "stroller"):
        flag = value.get(key, False)
        if not isinstance(flag, bool):
            raise invalid(f"access.{key}", f"{key} must be true or false", f"{key} 必须是 true 或 false")
        flags[key] = flag
    numbers: dict[str, Optional[int]] = {}
    for key, (lo, hi) in (("max_walk_m", MAX_WALK_M), ("rest_every_min", REST_EVERY_MIN)):
        number = value.get(key)
        if number is not None and (isinstance(number, bool) or not isinstance(number, int) or not lo <= number <= hi):
            raise invalid(
                f"access.{key}", f"{key} must be an integer from {lo} to {hi}", f"{key} 必须是 {lo} 到 {hi} 之间的整数"
            )
        numbers[key] = number
    access = Access(flags["wheelchair"], flags["stroller"], numbers["max_walk_m"], numbers["rest_every_min"])
    return None if access == Access() else access
