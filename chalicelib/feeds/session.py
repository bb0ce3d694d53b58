"""A feed's session before it becomes an Event, and the checks all formats share.

Parsers collect every problem instead of stopping at the first, so one
ingestion report tells the feed's publisher everything to fix; the feed
is applied only when the list is empty (all or nothing).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Optional

from ..catalog import Catalog
from ..catalog.model import is_slug
from ..i18n import Text
from .config import FeedSource
from .report import FeedError, Problem

MAX_SESSIONS = 5000
UID_MAX = 255
STATUSES = ("scheduled", "cancelled")


@dataclass(frozen=True)
class Session:
    uid: str  # the publisher's stable id (JSON "id", ICS UID)
    sport: str
    title: Text
    start: datetime  # aware, +08:00
    end: datetime
    status: str = "scheduled"
    ticket_cny: Optional[float] = None
    note: Optional[Text] = None
    venue_id: Optional[str] = None  # overrides the feed's venue
    where: str = ""  # where it was in the body, for messages


@dataclass
class ParsedFeed:
    sessions: list[Session]  # the sessions that parsed cleanly
    notes: list[Problem]  # worth telling, not wrong (e.g. one-language title)
    problems: list[Problem] = field(default_factory=list)  # any => the feed is rejected


def event_id(feed_id: str, uid: str) -> str:
    """Deterministic, slug-safe event id: ``feed-<feed>-<uid slug>``.

    A uid that is not already a plain slug gets a short hash suffix so that
    two uids that normalise alike ('A_1', 'a-1') still get distinct ids.
    """
    prefix = f"feed-{feed_id}-"
    base = re.sub(r"[^a-z0-9]+", "-", uid.lower()).strip("-")
    digest = hashlib.sha256(uid.encode("utf-8")).hexdigest()[:10]
    if base != uid or not base:
        base = f"{base}-{digest}" if base else digest
    room = 80 - len(prefix)
    if len(base) > room:
        base = base[: room - 11].rstrip("-") + "-" + digest
    candidate = prefix + base
    assert is_slug(candidate), candidate
    return candidate


def problem(where: str, en: str, zh: str) -> Problem:
    return Problem(where, Text(zh=zh, en=en))


def malformed(source: FeedSource, problems: list[Problem]) -> FeedError:
    n = len(problems)
    return FeedError(
        "malformed_feed",
        Text(
            zh=f"订阅源 {source.id} 格式有误（{n} 处问题），未应用；保留上次成功的数据",
            en=f"feed {source.id} is malformed ({n} problem{'s' if n != 1 else ''}); not applied, "
            "the last good data is kept",
        ),
        problems[:50],
    )


def check_sessions(sessions: list[Session], source: FeedSource, catalog: Catalog) -> list[Problem]:
    """Cross-checks that need the catalog or the whole list."""
    problems: list[Problem] = []
    if len(sessions) > MAX_SESSIONS:
        problems.append(problem("sessions", f"more than {MAX_SESSIONS} sessions", f"场次超过 {MAX_SESSIONS} 个"))
    seen: dict[str, str] = {}
    for s in sessions:
        ident = event_id(source.id, s.uid)
        if ident in seen:
            problems.append(
                problem(
                    s.where,
                    f"session id {s.uid!r} appears twice (also at {seen[ident]})",
                    f"场次 id {s.uid!r} 重复（另见 {seen[ident]}）",
                )
            )
        seen[ident] = s.where
        venue_id = s.venue_id or source.venue_id
        venue = catalog.pois.get(venue_id)
        if venue is None or venue.venue is None:
            problems.append(
                problem(s.where, f"{venue_id!r} is not a venue in the catalog", f"{venue_id!r} 不是目录中的场馆")
            )
        elif s.sport not in venue.venue.sports:
            problems.append(
                problem(s.where, f"{venue_id} does not host {s.sport}", f"{venue_id} 不举办 {s.sport} 项目")
            )
    return problems
