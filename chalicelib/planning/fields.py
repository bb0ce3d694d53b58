"""One definition of the itinerary request's scalar fields: limits, defaults,
choices and descriptions. ``request.parse_request`` validates with these
objects and ``api/openapi.py`` builds the document's schemas from the same
objects, so changing a limit here changes both (tests/planning/test_fields.py
proves it).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Optional

from ..errors import invalid
from ..i18n import LANGS
from ..timeutil import parse_hhmm
from .pace import PACE
from .travel import MODES

PACES = tuple(PACE)
HHMM_PATTERN = r"^(?:[01][0-9]|2[0-3]):[0-5][0-9]$|^24:00$"


@dataclass(frozen=True)
class IntField:
    name: str
    low: int
    high: int
    default: int
    description: str = ""

    def read(self, data: Mapping[str, Any]) -> int:
        value = data.get(self.name, self.default)
        if isinstance(value, bool) or not isinstance(value, int) or not self.low <= value <= self.high:
            raise invalid(
                self.name,
                f"{self.name} must be an integer from {self.low} to {self.high}",
                f"{self.name} 必须是 {self.low} 到 {self.high} 之间的整数",
            )
        return value

    def schema(self) -> dict[str, Any]:
        out: dict[str, Any] = {"type": "integer", "minimum": self.low, "maximum": self.high, "default": self.default}
        return dict(out, description=self.description) if self.description else out


@dataclass(frozen=True)
class ChoiceField:
    name: str
    options: tuple[str, ...]
    default: str
    description: str = ""

    def read(self, data: Mapping[str, Any]) -> str:
        value = data.get(self.name, self.default)
        if value not in self.options:
            raise invalid(
                self.name,
                f"{self.name} must be one of {', '.join(self.options)}",
                f"{self.name} 必须是以下之一：{'、'.join(self.options)}",
            )
        return str(value)

    def schema(self) -> dict[str, Any]:
        out: dict[str, Any] = {"enum": list(self.options), "default": self.default}
        return dict(out, description=self.description) if self.description else out


@dataclass(frozen=True)
class TimeField:
    """A local time of day, ``HH:MM`` (``24:00`` allowed), read as minutes after midnight."""

    name: str
    default: str
    description: str = ""

    def read(self, data: Mapping[str, Any]) -> int:
        return parse_hhmm(data.get(self.name, self.default), self.name)

    def schema(self) -> dict[str, Any]:
        out: dict[str, Any] = {"type": "string", "pattern": HHMM_PATTERN, "default": self.default}
        return dict(out, description=self.description) if self.description else out


@dataclass(frozen=True)
class BoolField:
    name: str
    default: bool
    description: str = ""

    def read(self, data: Mapping[str, Any]) -> bool:
        value = data.get(self.name, self.default)
        if not isinstance(value, bool):
            raise invalid(self.name, f"{self.name} must be true or false", f"{self.name} 必须是 true 或 false")
        return value

    def schema(self) -> dict[str, Any]:
        out: dict[str, Any] = {"type": "boolean", "default": self.default}
        return dict(out, description=self.description) if self.description else out


@dataclass(frozen=True)
class MoneyField:
    """A non-negative amount, or null (no limit)."""

    name: str
    description: str = ""

    def read(self, data: Mapping[str, Any]) -> Optional[float]:
        value = data.get(self.name)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value < 0:
            raise invalid(self.name, f"{self.name} must be a number >= 0", f"{self.name} 必须是不小于 0 的数字")
        return float(value)

    def schema(self) -> dict[str, Any]:
        out: dict[str, Any] = {"anyOf": [{"type": "number", "minimum": 0}, {"type": "null"}]}
        return dict(out, description=self.description) if self.description else out


@dataclass(frozen=True)
class SecondsField:
    """A positive number of seconds (a solve budget); the default and the cap
    come from the stage's settings, so they are arguments, not fields."""

    name: str
    description: str = ""

    def read(self, data: Mapping[str, Any], default: float, prefix: str = "") -> float:
        value = data.get(self.name, default)
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value <= 0:
            where = prefix + self.name
            raise invalid(where, f"{self.name} must be a positive number of seconds", f"{self.name} 必须是正数（秒）")
        return float(value)

    def schema(self, default: Optional[float] = None, cap: Optional[float] = None) -> dict[str, Any]:
        out: dict[str, Any] = {"type": "number", "exclusiveMinimum": 0}
        if default is not None:
            out["default"] = default
        text = self.description + (f", capped by the stage ({cap:g} s)" if cap is not None else "")
        return dict(out, description=text) if text else out


DAYS = IntField("days", 1, 14, 1, "Trip length in days")
LANG = ChoiceField("lang", LANGS, "zh", "Language of names and reasons in the plan")
DAY_START = TimeField("day_start", "08:30", "HH:MM: when each day starts at the lodging")
DAY_END = TimeField("day_end", "21:00", "HH:MM; at least two hours after day_start")
MODE = ChoiceField("mode", MODES, "transit", "How legs longer than a short walk are travelled")
PACE_FIELD = ChoiceField("pace", PACES, "normal", "Visit length, slack and visits per day")
MEALS = BoolField("meals", True, "Plan lunch and dinner at restaurants near the day's path")
BUDGET = MoneyField("budget_cny", "Ticket budget for the whole trip (CNY); null: no limit")
TIME_LIMIT = SecondsField("time_limit_s", "Solve budget in seconds")
SEED = IntField("seed", 0, 2**31 - 1, 0, "Seed for alternative plans of the same request")
GROUP_SIZE = IntField(
    "group_size",
    1,
    200,
    1,
    "People travelling together: capacity-limited sights are reserved for all of them, and the crowd forecast "
    "counts them",
)
AVOID_CROWDS = BoolField(
    "avoid_crowds",
    True,
    "Visit a sight in a quiet hour instead of a busy one (the forecast from stored plans) when its day allows",
)
MIN_DAY_MINUTES = 120  # day_end - day_start

REQUEST_FIELDS = {
    f.name: f for f in (DAYS, LANG, DAY_START, DAY_END, MODE, PACE_FIELD, MEALS, BUDGET, SEED, GROUP_SIZE, AVOID_CROWDS)
}
