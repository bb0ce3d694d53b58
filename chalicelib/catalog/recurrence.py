"""When a recurring event falls: Chinese lunar dates, solar terms, weekdays.

Shaoxing's festivals follow the traditional calendar: the Lanting
Calligraphy Festival opens on the 3rd day of the 3rd lunar month (上巳), the
public ceremony for Yu the Great on the Grain Rain solar term (谷雨), the
huangjiu festival on the Start of Winter (立冬). Hard-coding a year's dates
goes stale; these rules give the dates of any year. Lunar months and solar
terms come from ``lunar_python`` (6tail/lunar-python, MIT, pure Python, no
data files), whose tables are astronomical and cover the Gregorian years we
serve (``FIRST_YEAR``..``LAST_YEAR``); outside them a rule has no dates
rather than a wrong one.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from typing import Any, Optional

FIRST_YEAR, LAST_YEAR = 1901, 2099  # the years rules are expanded over

RULE_TYPES = ("lunar", "lunar_month", "solar_term", "weekly", "daily")
WEEKDAYS = ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")
# The 24 solar terms: our slug -> the name lunar_python uses.
SOLAR_TERMS = {
    "lichun": "立春",
    "yushui": "雨水",
    "jingzhe": "惊蛰",
    "chunfen": "春分",
    "qingming": "清明",
    "guyu": "谷雨",
    "lixia": "立夏",
    "xiaoman": "小满",
    "mangzhong": "芒种",
    "xiazhi": "夏至",
    "xiaoshu": "小暑",
    "dashu": "大暑",
    "liqiu": "立秋",
    "chushu": "处暑",
    "bailu": "白露",
    "qiufen": "秋分",
    "hanlu": "寒露",
    "shuangjiang": "霜降",
    "lidong": "立冬",
    "xiaoxue": "小雪",
    "daxue": "大雪",
    "dongzhi": "冬至",
    "xiaohan": "小寒",
    "dahan": "大寒",
}


@dataclass(frozen=True)
class Rule:
    """``lunar``: ``month``/``day`` of the lunar calendar (a day 30 in a
    29-day month falls on its last day); ``lunar_month``: every day of lunar
    ``month``; ``solar_term``: the day of ``term``; ``weekly``: ``weekdays``;
    ``daily``: every day. ``from_year``/``to_year`` bound the years the rule
    is known to hold (Gregorian, inclusive)."""

    type: str
    month: Optional[int] = None
    day: Optional[int] = None
    term: Optional[str] = None
    weekdays: tuple[str, ...] = ()
    from_year: int = FIRST_YEAR
    to_year: int = LAST_YEAR

    def __post_init__(self) -> None:
        if self.type not in RULE_TYPES:
            raise ValueError(f"rule type must be one of {RULE_TYPES}")
        if self.type in ("lunar", "lunar_month") and not (self.month and 1 <= self.month <= 12):
            raise ValueError("a lunar rule needs month 1..12")
        if self.type == "lunar" and not (self.day and 1 <= self.day <= 30):
            raise ValueError("a lunar rule needs day 1..30")
        if self.type == "solar_term" and self.term not in SOLAR_TERMS:
            raise ValueError(f"unknown solar term {self.term!r}")
        if self.type == "weekly" and (not self.weekdays or any(w not in WEEKDAYS for w in self.weekdays)):
            raise ValueError(f"a weekly rule needs weekdays from {WEEKDAYS}")
        if not FIRST_YEAR <= self.from_year <= self.to_year <= LAST_YEAR:
            raise ValueError(f"from_year/to_year must lie within {FIRST_YEAR}..{LAST_YEAR}")

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> Rule:
        return cls(
            type=d["type"],
            month=d.get("month"),
            day=d.get("day"),
            term=d.get("term"),
            weekdays=tuple(d.get("weekdays", ())),
            from_year=int(d.get("from_year", FIRST_YEAR)),
            to_year=int(d.get("to_year", LAST_YEAR)),
        )

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"type": self.type}
        for key in ("month", "day", "term"):
            if getattr(self, key) is not None:
                out[key] = getattr(self, key)
        if self.weekdays:
            out["weekdays"] = list(self.weekdays)
        if self.from_year != FIRST_YEAR:
            out["from_year"] = self.from_year
        if self.to_year != LAST_YEAR:
            out["to_year"] = self.to_year
        return out

    def dates(self, lo: date, hi: date) -> list[date]:
        """Every date of the rule within ``lo``..``hi`` (inclusive), in order."""
        lo = max(lo, date(self.from_year, 1, 1))
        hi = min(hi, date(self.to_year, 12, 31))
        if hi < lo:
            return []
        if self.type in ("weekly", "daily"):
            wanted = {WEEKDAYS.index(w) for w in self.weekdays} if self.type == "weekly" else set(range(7))
            return [lo + timedelta(n) for n in range((hi - lo).days + 1) if (lo + timedelta(n)).weekday() in wanted]
        found: list[date] = []
        # a lunar year's 12th month reaches into the next Gregorian year
        for year in range(lo.year - 1, hi.year + 1):
            found += [d for d in self._in_year(year) if lo <= d <= hi and self.from_year <= d.year <= self.to_year]
        return sorted(set(found))

    def _in_year(self, year: int) -> tuple[date, ...]:
        if not FIRST_YEAR <= year <= LAST_YEAR:
            return ()
        if self.type == "solar_term":
            return (_solar_terms(year)[SOLAR_TERMS[self.term or ""]],)
        assert self.month is not None
        if self.type == "lunar":
            assert self.day is not None
            return (_lunar(year, self.month, min(self.day, _lunar_month_days(year, self.month))),)
        first = _lunar(year, self.month, 1)
        return tuple(first + timedelta(n) for n in range(_lunar_month_days(year, self.month)))


@lru_cache(maxsize=512)
def _solar_terms(year: int) -> dict[str, date]:
    """The 24 solar terms of Gregorian ``year``."""
    from lunar_python import Solar

    out: dict[str, date] = {}
    for month in (2, 9):  # two lunar years' tables together cover the whole Gregorian year
        for name, solar in Solar.fromYmd(year, month, 15).getLunar().getJieQiTable().items():
            if solar.getYear() == year and name in SOLAR_TERMS.values():
                out[name] = date(solar.getYear(), solar.getMonth(), solar.getDay())
    return out


@lru_cache(maxsize=4096)
def _lunar(year: int, month: int, day: int) -> date:
    from lunar_python import Lunar

    solar = Lunar.fromYmd(year, month, day).getSolar()
    return date(solar.getYear(), solar.getMonth(), solar.getDay())


@lru_cache(maxsize=4096)
def _lunar_month_days(year: int, month: int) -> int:
    from lunar_python import LunarYear

    return int(LunarYear.fromYear(year).getMonth(month).getDayCount())
