"""iCalendar (RFC 5545) feeds, read with the ``icalendar`` package.

Mapping (see README.md): UID -> session id; DTSTART/DTEND (or DURATION)
with TZID, UTC or floating (floating = Asia/Shanghai) -> +08:00; SUMMARY
with LANGUAGE=zh*/en* parameters, else X-YUEYOU-TITLE-ZH/-EN, else a
"中文 / English" split, else one language used for both (noted in the
report); STATUS:CANCELLED -> cancelled; X-YUEYOU-SPORT, X-YUEYOU-TICKET-CNY,
X-YUEYOU-VENUE. Recurring events are refused: sessions are single games.
"""

from __future__ import annotations

import math
import re
from datetime import date, datetime, timedelta
from typing import Any, Optional

import icalendar

from ..catalog.model import SPORTS
from ..i18n import Text
from ..timeutil import SHANGHAI
from .config import FeedSource
from .report import Problem
from .session import UID_MAX, ParsedFeed, Session, malformed, problem

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_STATUS = {"CONFIRMED": "scheduled", "TENTATIVE": "scheduled", "CANCELLED": "cancelled"}


def parse_ics(body: bytes, source: FeedSource) -> ParsedFeed:
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise malformed(
            source, [problem(f"byte {exc.start}", "the body is not UTF-8", "内容不是 UTF-8 编码")]
        ) from None
    try:
        calendar = icalendar.Calendar.from_ical(text)
    except (ValueError, IndexError, KeyError) as exc:
        raise malformed(
            source, [problem(_locate(text, str(exc)), f"not iCalendar: {exc}", f"不是合法的 iCalendar：{exc}")]
        ) from None
    if calendar.name != "VCALENDAR":
        raise malformed(source, [problem("line 1", "the body must be one VCALENDAR", "内容必须是一个 VCALENDAR")])
    lines = [n + 1 for n, line in enumerate(text.splitlines()) if line.strip().upper() == "BEGIN:VEVENT"]
    problems: list[Problem] = []
    notes: list[Problem] = []
    sessions: list[Session] = []
    for i, component in enumerate(calendar.walk("VEVENT")):
        where = f"VEVENT #{i + 1}" + (f" (line {lines[i]})" if i < len(lines) else "")
        session = _session(component, where, source, problems, notes)
        if session is not None:
            sessions.append(session)
    return ParsedFeed(sessions, notes, problems)


def _locate(text: str, message: str) -> str:
    """Line of the offending content line, when the library quotes it."""
    match = re.search(r"'([^']{3,})'", message)
    if match:
        for n, line in enumerate(text.splitlines()):
            if match.group(1) in line:
                return f"line {n + 1}"
    return "calendar"


def _session(
    ev: Any, where: str, source: FeedSource, problems: list[Problem], notes: list[Problem]
) -> Optional[Session]:
    before = len(problems)
    for name, message in getattr(ev, "errors", []) or []:
        problems.append(problem(f"{where} {name}", f"cannot parse {name}: {message}", f"无法解析 {name}：{message}"))
    for name in ("RRULE", "RDATE", "RECURRENCE-ID"):
        if name in ev:
            problems.append(
                problem(
                    f"{where} {name}",
                    f"{name}: recurring events are not supported; list each session as its own VEVENT",
                    f"{name}：不支持重复事件，请将每个场次写成单独的 VEVENT",
                )
            )
    uid = str(ev.get("UID", "")).strip()
    if not uid or len(uid) > UID_MAX:
        problems.append(
            problem(
                f"{where} UID",
                f"UID is required (at most {UID_MAX} characters)",
                f"UID 为必填项（最多 {UID_MAX} 个字符）",
            )
        )
    if len(problems) > before:
        return None
    start = _moment(ev, "DTSTART", where, problems)
    end = _moment(ev, "DTEND", where, problems) if "DTEND" in ev else None
    if end is None and "DTEND" not in ev and start is not None:
        duration = ev.get("DURATION")
        if duration is not None and isinstance(getattr(duration, "dt", None), timedelta):
            end = start + duration.dt
        else:
            problems.append(problem(f"{where} DTEND", "DTEND or DURATION is required", "必须提供 DTEND 或 DURATION"))
    if start and end and end <= start:
        problems.append(problem(f"{where} DTEND", "DTEND must be after DTSTART", "DTEND 必须晚于 DTSTART"))
    raw_status = str(ev.get("STATUS", "CONFIRMED")).strip().upper()
    if raw_status not in _STATUS:
        problems.append(
            problem(
                f"{where} STATUS",
                f"STATUS {raw_status!r} is not CONFIRMED, TENTATIVE or CANCELLED",
                f"STATUS {raw_status!r} 不是 CONFIRMED、TENTATIVE 或 CANCELLED",
            )
        )
    sport = str(ev.get("X-YUEYOU-SPORT", "")).strip().lower() or source.sport
    if sport not in SPORTS:
        problems.append(
            problem(
                f"{where} X-YUEYOU-SPORT",
                "X-YUEYOU-SPORT (or the feed's default sport) must be one of: " + ", ".join(SPORTS),
                "X-YUEYOU-SPORT（或订阅源默认项目）必须是：" + "、".join(SPORTS),
            )
        )
    ticket = _ticket(ev, where, problems)
    title = _title(ev, where, problems, notes)
    venue = str(ev.get("X-YUEYOU-VENUE", "")).strip() or None
    # Each field that failed added a problem; the None checks only say so to the type checker.
    if len(problems) > before or sport is None or title is None or start is None or end is None:
        return None
    return Session(
        uid=uid,
        sport=sport,
        title=title,
        start=start,
        end=end,
        status=_STATUS[raw_status],
        ticket_cny=ticket,
        venue_id=venue,
        where=where,
    )


def _moment(ev: Any, name: str, where: str, problems: list[Problem]) -> Optional[datetime]:
    prop = ev.get(name)
    value = getattr(prop, "dt", None) if prop is not None else None
    if not isinstance(value, datetime):
        kind = "a date without a time" if isinstance(value, date) else "missing"
        problems.append(
            problem(
                f"{where} {name}",
                f"{name} must be a date-time ({kind})",
                f"{name} 必须是日期时间（{'仅有日期' if isinstance(value, date) else '缺失'}）",
            )
        )
        return None
    if value.tzinfo is None:  # floating time: read as Shanghai local time
        return value.replace(tzinfo=SHANGHAI)
    return value.astimezone(SHANGHAI)


def _ticket(ev: Any, where: str, problems: list[Problem]) -> Optional[float]:
    raw = ev.get("X-YUEYOU-TICKET-CNY")
    if raw is None:
        return None
    try:
        value = float(str(raw))
        if not math.isfinite(value) or value < 0:
            raise ValueError
        return value
    except ValueError:
        problems.append(
            problem(
                f"{where} X-YUEYOU-TICKET-CNY",
                "X-YUEYOU-TICKET-CNY must be a number ≥ 0",
                "X-YUEYOU-TICKET-CNY 必须是不小于 0 的数字",
            )
        )
        return None


def _title(ev: Any, where: str, problems: list[Problem], notes: list[Problem]) -> Optional[Text]:
    summaries = ev.get("SUMMARY")
    if summaries is None:
        summaries = []
    elif not isinstance(summaries, list):
        summaries = [summaries]
    zh = str(ev.get("X-YUEYOU-TITLE-ZH", "")).strip()
    en = str(ev.get("X-YUEYOU-TITLE-EN", "")).strip()
    plain: list[str] = []
    for summary in summaries:
        value = str(summary).strip()
        lang = str(getattr(summary, "params", {}).get("LANGUAGE", "")).lower()
        if lang.startswith("zh"):
            zh = zh or value
        elif lang.startswith("en"):
            en = en or value
        elif value:
            plain.append(value)
    if (not zh or not en) and plain:
        left, sep, right = plain[0].partition(" / ")
        if sep and _CJK.search(left) and not _CJK.search(right) and left.strip() and right.strip():
            zh, en = zh or left.strip(), en or right.strip()
        elif _CJK.search(plain[0]):
            zh = zh or plain[0]
        else:
            en = en or plain[0]
    if not zh and not en:
        problems.append(problem(f"{where} SUMMARY", "SUMMARY is required", "SUMMARY 为必填项"))
        return None
    if not zh or not en:
        notes.append(
            problem(
                f"{where} SUMMARY", "title in one language only; used for both", "标题只有一种语言，中英文均使用该标题"
            )
        )
    return Text(zh=zh or en, en=en or zh)
