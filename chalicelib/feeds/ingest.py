"""Apply feeds to the events collection: idempotent, conditional, never deleting.

Why this shape:
- All or nothing per feed: a body with any problem changes no event, so the
  last good data stays until the publisher fixes it.
- Idempotent: an unchanged body (same SHA-256, same feed mapping) writes
  only the feed-state record; a changed body writes only events whose
  content changed, so store versions move only on real changes.
- Conditional writes (the version read) so the hourly schedule and an
  admin run racing each other cannot lose an update; a lost race re-reads.
- Sessions that disappear are cancelled, never deleted: a plan may point at
  them, and "cancelled" is what the traveller needs to hear.
- A moved or cancelled event keeps ``previous`` (start, end, venue, status)
  and ``changed_at`` so plans and clients can explain what changed.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any, Optional

from ..catalog import Catalog
from ..errors import Conflict
from ..i18n import Text
from ..schedule.repository import COLLECTION as EVENTS
from ..store import ANY_VERSION, MUST_NOT_EXIST, Item, Store
from ..timeutil import SHANGHAI, iso
from .config import FeedSource
from .fetch import Fetcher
from .ics_format import parse_ics
from .json_format import parse_json
from .report import FeedError, IngestReport, Problem
from .session import ParsedFeed, Session, check_sessions, event_id, malformed

log = logging.getLogger("yueyou.feeds")

STATE = "feed-state"
HISTORY_KEYS = ("previous", "changed_at")
TRACKED = ("start", "end", "venue_id", "status")
PARSERS: dict[str, Callable[[bytes, FeedSource], ParsedFeed]] = {"json": parse_json, "ics": parse_ics}
RETRIES = 3


class Ingestor:
    def __init__(
        self,
        store: Store,
        catalog: Catalog,
        fetcher: Fetcher,
        clock: Callable[[], datetime] = lambda: datetime.now(SHANGHAI),
    ) -> None:
        self.store = store
        self.catalog = catalog
        self.fetcher = fetcher
        self.clock = clock

    def run(self, feeds: list[FeedSource]) -> list[IngestReport]:
        return [self.ingest(feed) for feed in feeds]

    def ingest(self, source: FeedSource) -> IngestReport:
        now = iso(self.clock())
        report = IngestReport(feed=source.id, fetched_at=now)
        state_item = self.store.get(STATE, source.id)
        state = dict(state_item.data) if state_item else {}
        try:
            result = self.fetcher.fetch(source.url)
            digest = hashlib.sha256(result.body).hexdigest()
            report.content_hash = digest
            if state.get("content_hash") == digest and state.get("config") == source.fingerprint:
                report.unchanged = int(state.get("sessions", 0))
                report.notes = [Problem(n["where"], Text.from_json(n["message"])) for n in state.get("notes", [])]
            else:
                parsed = PARSERS[source.format](result.body, source)
                problems = parsed.problems + check_sessions(parsed.sessions, source, self.catalog)
                if problems:
                    raise malformed(source, problems)
                report.notes = parsed.notes
                self._apply(source, parsed.sessions, report, now)
                state.update(
                    content_hash=digest,
                    config=source.fingerprint,
                    sessions=len(parsed.sessions),
                    counts=report.counts(),
                    notes=[{"where": n.where, "message": n.message.to_json()} for n in parsed.notes[:20]],
                )
            report.ok = True
            state.update(last_success_at=now, last_error=None)
        except FeedError as error:
            report.error = error
            state.update(last_error=dict(error.to_store(), at=now))
        except Exception:  # a bug must not stop the other feeds
            log.exception("feed %s: ingestion failed", source.id)
            report.error = FeedError(
                "internal", Text("导入订阅源时出现内部错误", "internal error while ingesting the feed")
            )
            state.update(last_error=dict(report.error.to_store(), at=now))
        state.update(
            feed=source.id, url=source.url, format=source.format, venue_id=source.venue_id, last_fetched_at=now
        )
        self.store.put(STATE, source.id, state, ANY_VERSION)
        log.info("feed %s: %s", source.id, report.to_json("en"))
        return report

    # -- writing events -------------------------------------------------------
    def _apply(self, source: FeedSource, sessions: list[Session], report: IngestReport, now: str) -> None:
        owned = self._owned(source)
        if not sessions and any(item.data.get("status") != "cancelled" for item in owned.values()):
            raise FeedError(
                "empty_feed",
                Text(
                    zh=f"订阅源 {source.id} 没有任何场次；为避免误取消全部场次，未应用",
                    en=f"feed {source.id} lists no sessions at all; not applied so that a glitch cannot "
                    "cancel every session",
                ),
            )
        seen = set()
        for session in sessions:
            ident = event_id(source.id, session.uid)
            seen.add(ident)
            self._upsert(ident, self._event_data(ident, session, source), source, report, now)
        for ident, item in owned.items():
            if ident not in seen:
                data = {k: v for k, v in item.data.items() if k not in HISTORY_KEYS}
                self._upsert(ident, dict(data, status="cancelled", removed_from_feed=True), source, report, now)

    def _owned(self, source: FeedSource) -> dict[str, Item]:
        """Events this feed wrote before (the prefix alone could match another feed)."""
        owned: dict[str, Item] = {}
        cursor: Optional[str] = None
        while True:
            page = self.store.list(EVENTS, prefix=f"feed-{source.id}-", limit=500, cursor=cursor)
            owned.update((i.key, i) for i in page.items if i.data.get("origin") == source.origin)
            cursor = page.next_cursor
            if cursor is None:
                return owned

    @staticmethod
    def _event_data(ident: str, s: Session, source: FeedSource) -> dict[str, Any]:
        return {
            "id": ident,
            "sport": s.sport,
            "title": s.title.to_json(),
            "venue_id": s.venue_id or source.venue_id,
            "start": iso(s.start),
            "end": iso(s.end),
            "confidence": "exact",
            "ticket_cny": s.ticket_cny,
            "status": s.status,
            "note": None if s.note is None else s.note.to_json(),
            "sources": [source.url],
            "origin": source.origin,
            "feed": {"id": source.id, "uid": s.uid},
        }

    def _upsert(self, ident: str, data: dict[str, Any], source: FeedSource, report: IngestReport, now: str) -> None:
        for _ in range(RETRIES):
            item = self.store.get(EVENTS, ident)
            try:
                if item is None:
                    self.store.put(EVENTS, ident, data, MUST_NOT_EXIST)
                    report.created += 1
                    return
                if item.data.get("origin") != source.origin:
                    report.notes.append(
                        Problem(
                            ident,
                            Text(
                                zh=f"事件 {ident} 属于 {item.data.get('origin')}，未覆盖",
                                en=f"event {ident} belongs to {item.data.get('origin')}; left alone",
                            ),
                        )
                    )
                    return
                old = {k: v for k, v in item.data.items() if k not in HISTORY_KEYS}
                if old == data:
                    report.unchanged += 1
                    return
                new = dict(data)
                if any(old.get(k) != data.get(k) for k in TRACKED):
                    new["previous"] = {k: old.get(k) for k in TRACKED}
                    new["changed_at"] = now
                else:
                    new.update({k: item.data[k] for k in HISTORY_KEYS if k in item.data})
                self.store.put(EVENTS, ident, new, item.version)
                if data["status"] == "cancelled" and old.get("status") != "cancelled":
                    report.cancelled += 1
                else:
                    report.updated += 1
                return
            except Conflict:
                continue  # someone else wrote it meanwhile: re-read and compare again
        raise FeedError(
            "write_conflict",
            Text(zh=f"事件 {ident} 持续写入冲突，稍后重试", en=f"event {ident} kept changing under us; retry later"),
        )
