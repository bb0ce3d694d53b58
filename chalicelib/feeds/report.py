"""What one ingestion run says about one feed, in both languages.

A feed failure is data, not an exception, for the caller: the scheduled
function and the admin endpoint both return one report per feed, so one
broken feed never hides the others.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Optional

from ..i18n import Text


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a feed body, located as precisely as the format allows."""

    where: str  # "line 12, column 5", "sessions[3].start", "VEVENT #2 (line 40)"
    message: Text

    def to_json(self, lang: str) -> dict[str, str]:
        return {"where": self.where, "message": self.message.get(lang)}


class FeedError(Exception):
    """Why a feed was not applied; the store keeps the last good data."""

    def __init__(self, code: str, message: Text, problems: Optional[list[Problem]] = None) -> None:
        super().__init__(message.en)
        self.code = code
        self.message = message
        self.problems = list(problems or [])

    def to_json(self, lang: str) -> dict[str, Any]:
        body: dict[str, Any] = {"code": self.code, "message": self.message.get(lang)}
        if self.problems:
            body["problems"] = [p.to_json(lang) for p in self.problems]
        return body

    def to_store(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "message": self.message.to_json(),
            "problems": [{"where": p.where, "message": p.message.to_json()} for p in self.problems[:20]],
        }


@dataclass
class IngestReport:
    feed: str
    ok: bool = False
    created: int = 0
    updated: int = 0
    cancelled: int = 0
    unchanged: int = 0
    fetched_at: Optional[str] = None
    content_hash: Optional[str] = None
    error: Optional[FeedError] = None
    notes: list[Problem] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {
            "created": self.created,
            "updated": self.updated,
            "cancelled": self.cancelled,
            "unchanged": self.unchanged,
        }

    def to_json(self, lang: str = "zh") -> dict[str, Any]:
        return {
            "feed": self.feed,
            "ok": self.ok,
            **self.counts(),
            "error": None if self.error is None else self.error.to_json(lang),
            "fetched_at": self.fetched_at,
            "content_hash": self.content_hash,
            "notes": [n.to_json(lang) for n in self.notes],
        }
