"""Asia/Shanghai time: UTC+8 all year (China has no daylight saving time).

A fixed offset keeps Lambda free of a tzdata dependency.

>>> parse_datetime("2023-09-26T18:30:00+08:00", "start").isoformat()
'2023-09-26T18:30:00+08:00'
>>> parse_datetime("2023-09-26T10:30:00Z", "start").isoformat()
'2023-09-26T18:30:00+08:00'
>>> parse_datetime("2023-09-26 18:30", "start").isoformat()
'2023-09-26T18:30:00+08:00'
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

from .errors import invalid

SHANGHAI = timezone(timedelta(hours=8), "Asia/Shanghai")


def parse_datetime(value: str, field: str) -> datetime:
    """ISO 8601; a value without offset is read as Shanghai local time."""
    if not isinstance(value, str) or not value.strip():
        raise invalid(
            field,
            "expected an ISO 8601 date-time such as 2023-09-26T18:30:00+08:00",
            "应为 ISO 8601 日期时间，例如 2023-09-26T18:30:00+08:00",
        )
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        try:
            parsed = datetime.combine(date.fromisoformat(text), time(0, 0))
        except ValueError:
            raise invalid(
                field, f"{value!r} is not an ISO 8601 date-time", f"{value!r} 不是有效的 ISO 8601 日期时间"
            ) from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=SHANGHAI)
    try:
        # Also proves the instant has a Shanghai time and a day either side
        # (0001-01-01T00:00+14:00 has none: it is 0000-12-31 in UTC).
        local = parsed.astimezone(SHANGHAI)
        local + timedelta(days=1) - timedelta(days=2)
        return local
    except OverflowError:
        raise invalid(
            field, f"{value!r} is outside the supported range of dates", f"{value!r} 超出支持的日期范围"
        ) from None


def parse_date(value: str, field: str) -> date:
    try:
        if not isinstance(value, str) or len(value) != 10:
            raise ValueError
        return date.fromisoformat(value)
    except ValueError:
        raise invalid(
            field, f"{value!r} is not a date in YYYY-MM-DD form", f"{value!r} 不是 YYYY-MM-DD 格式的日期"
        ) from None


def parse_hhmm(value: str, field: str) -> int:
    """'08:30' -> 510 minutes after midnight; '24:00' allowed as end of day."""
    try:
        if not isinstance(value, str) or len(value) != 5 or value[2] != ":":
            raise ValueError
        hours, minutes = int(value[:2]), int(value[3:])
        if not (0 <= hours <= 24 and 0 <= minutes < 60) or (hours == 24 and minutes):
            raise ValueError
    except ValueError:
        raise invalid(field, f"{value!r} is not a time in HH:MM form", f"{value!r} 不是 HH:MM 格式的时间") from None
    return hours * 60 + minutes


def iso(moment: datetime) -> str:
    return moment.astimezone(SHANGHAI).isoformat(timespec="seconds")
