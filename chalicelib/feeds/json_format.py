"""The Yueyou JSON schedule-feed format (documented in README.md here).

Strict on purpose: unknown keys, missing offsets or a title in one
language are errors, because a silently misread schedule sends travellers
to a stadium at the wrong hour.
"""

from __future__ import annotations

import json
import math
from datetime import datetime
from typing import Any, Optional

from ..catalog.model import SPORTS
from ..i18n import Text
from ..timeutil import SHANGHAI
from .config import FeedSource
from .report import Problem
from .session import STATUSES, UID_MAX, ParsedFeed, Session, malformed, problem

TOP_KEYS = {"feed", "venue_id", "generated_at", "sessions"}
SESSION_KEYS = {"id", "sport", "title", "start", "end", "status", "ticket_cny", "note", "venue_id"}


def parse_json(body: bytes, source: FeedSource) -> ParsedFeed:
    problems: list[Problem] = []
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise malformed(
            source, [problem(f"byte {exc.start}", "the body is not UTF-8", "内容不是 UTF-8 编码")]
        ) from None
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise malformed(
            source,
            [problem(f"line {exc.lineno}, column {exc.colno}", f"not JSON: {exc.msg}", f"不是合法 JSON：{exc.msg}")],
        ) from None
    if not isinstance(doc, dict):
        raise malformed(
            source,
            [
                problem(
                    "$", "the feed must be a JSON object with 'sessions'", "订阅源必须是包含 'sessions' 的 JSON 对象"
                )
            ],
        )
    for key in sorted(set(doc) - TOP_KEYS):
        problems.append(problem(key, f"unknown key {key!r}", f"未知字段 {key!r}"))
    if "feed" in doc and doc["feed"] != source.id:
        problems.append(
            problem(
                "feed",
                f"the body is feed {doc['feed']!r}, configured as {source.id!r}",
                f"内容属于订阅源 {doc['feed']!r}，但配置为 {source.id!r}",
            )
        )
    if "venue_id" in doc and doc["venue_id"] != source.venue_id:
        problems.append(
            problem(
                "venue_id",
                f"the body is for venue {doc['venue_id']!r}, configured as {source.venue_id!r}",
                f"内容对应场馆 {doc['venue_id']!r}，但配置为 {source.venue_id!r}",
            )
        )
    sessions_raw = doc.get("sessions")
    if not isinstance(sessions_raw, list):
        problems.append(problem("sessions", "'sessions' must be a list", "'sessions' 必须是数组"))
        raise malformed(source, problems)
    sessions = []
    for i, raw in enumerate(sessions_raw):
        session = _session(raw, f"sessions[{i}]", source, problems)
        if session is not None:
            sessions.append(session)
    return ParsedFeed(sessions, [], problems)


def _session(raw: Any, where: str, source: FeedSource, problems: list[Problem]) -> Optional[Session]:
    if not isinstance(raw, dict):
        problems.append(problem(where, "a session must be an object", "场次必须是对象"))
        return None
    before = len(problems)
    for key in sorted(set(raw) - SESSION_KEYS):
        problems.append(problem(f"{where}.{key}", f"unknown key {key!r}", f"未知字段 {key!r}"))
    uid = raw.get("id")
    if not isinstance(uid, str) or not uid.strip() or len(uid) > UID_MAX:
        problems.append(
            problem(
                f"{where}.id",
                f"id must be a non-empty string of at most {UID_MAX} characters",
                f"id 必须是不超过 {UID_MAX} 个字符的非空字符串",
            )
        )
    sport = raw.get("sport", source.sport)
    if sport not in SPORTS:
        problems.append(
            problem(
                f"{where}.sport",
                "sport must be one of: "
                + ", ".join(SPORTS)
                + ("" if source.sport else " (the feed has no default sport)"),
                "sport 必须是：" + "、".join(SPORTS),
            )
        )
    title = _text(raw.get("title"), f"{where}.title", problems, required=True)
    note = _text(raw.get("note"), f"{where}.note", problems, required=False)
    start = _moment(raw.get("start"), f"{where}.start", problems)
    end = _moment(raw.get("end"), f"{where}.end", problems)
    if start and end and end <= start:
        problems.append(problem(f"{where}.end", "end must be after start", "结束时间必须晚于开始时间"))
    status = raw.get("status", "scheduled")
    if status not in STATUSES:
        problems.append(
            problem(
                f"{where}.status",
                "status must be 'scheduled' or 'cancelled'",
                "status 只能是 'scheduled' 或 'cancelled'",
            )
        )
    ticket = raw.get("ticket_cny")
    if ticket is not None and (
        isinstance(ticket, bool) or not isinstance(ticket, (int, float)) or not math.isfinite(ticket) or ticket < 0
    ):
        problems.append(
            problem(
                f"{where}.ticket_cny",
                "ticket_cny must be a number ≥ 0 or null",
                "ticket_cny 必须是不小于 0 的数字或 null",
            )
        )
    venue_id = raw.get("venue_id")
    if venue_id is not None and (not isinstance(venue_id, str) or not venue_id):
        problems.append(problem(f"{where}.venue_id", "venue_id must be a string", "venue_id 必须是字符串"))
    # Each field that failed added a problem; the None checks only say so to the type checker.
    if len(problems) > before or uid is None or sport is None or title is None or start is None or end is None:
        return None
    return Session(
        uid=uid,
        sport=sport,
        title=title,
        start=start,
        end=end,
        status=status,
        ticket_cny=None if ticket is None else float(ticket),
        note=note,
        venue_id=venue_id,
        where=where,
    )


def _text(value: Any, where: str, problems: list[Problem], required: bool) -> Optional[Text]:
    if value is None and not required:
        return None
    if not isinstance(value, dict) or set(value) != {"zh", "en"}:
        problems.append(
            problem(where, "must be an object with exactly 'zh' and 'en'", "必须是只含 'zh' 和 'en' 的对象")
        )
        return None
    try:
        return Text.from_json(value)
    except ValueError:
        problems.append(
            problem(where, "'zh' and 'en' must both be non-empty strings", "'zh' 和 'en' 都必须是非空字符串")
        )
        return None


def _moment(value: Any, where: str, problems: list[Problem]) -> Optional[datetime]:
    if not isinstance(value, str):
        problems.append(
            problem(
                where,
                "required: an ISO 8601 date-time with offset, e.g. 2023-10-01T18:30:00+08:00",
                "必填：带时区偏移的 ISO 8601 日期时间，例如 2023-10-01T18:30:00+08:00",
            )
        )
        return None
    text = value[:-1] + "+00:00" if value.endswith("Z") else value
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None or len(value) < 16:
        problems.append(
            problem(
                where,
                f"{value!r} is not an ISO 8601 date-time with an offset",
                f"{value!r} 不是带时区偏移的 ISO 8601 日期时间",
            )
        )
        return None
    return moment.astimezone(SHANGHAI)
