"""Storage interface shared by the embedded (SQLite) and DynamoDB stores.

Items live in a *collection* under a string *key* (DynamoDB: partition key =
collection, sort key = key), carry an integer ``version`` for optimistic
concurrency, and list in key order through opaque cursors (DynamoDB's
``LastEvaluatedKey``, base64-encoded).

Expiry: a document whose top-level ``expires_at`` (:data:`TTL_FIELD`) is an
integer number of epoch seconds is deleted by the store some time after
that instant. DynamoDB: the value is also written as the top-level Number
attribute ``expires_at`` that the table's TTL setting names
(``deploy/merge.json``, :func:`.dynamodb.create_table`), and DynamoDB deletes
the item in the background, usually within a few days. SQLite: the value is
kept in its own column and :meth:`Store.purge_expired` deletes items expired
for more than :data:`PURGE_GRACE_S` (on opening the file and every few
hundred writes). Until then an expired item is still read like any other:
readers that care (idempotency claims) compare ``expires_at`` themselves.
"""

from __future__ import annotations

import base64
import json
from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Optional

from ..errors import Conflict, invalid
from ..i18n import Text

# expected_version values for put()/delete()
MUST_NOT_EXIST = 0
ANY_VERSION = -1

# The document field (and DynamoDB attribute) holding an item's expiry, epoch seconds.
TTL_FIELD = "expires_at"
# SQLite purges an item this long after it expired, never at the instant: a
# reader that saw the expired item may still compare-and-set it by version,
# and a purge plus re-create in between would reuse that version number.
PURGE_GRACE_S = 3600


def expiry_of(data: dict[str, Any]) -> Optional[int]:
    """The item's expiry (epoch seconds) if ``data`` carries one, else None."""
    value = data.get(TTL_FIELD)
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        return None
    return value


@dataclass(frozen=True)
class Item:
    collection: str
    key: str
    version: int
    data: dict[str, Any]


@dataclass(frozen=True)
class Page:
    items: list[Item]
    next_cursor: Optional[str] = None


@dataclass(frozen=True)
class Count:
    """A change to one counter (``add_counts``): counters live apart from
    documents, in collections of their own, and start at 0. ``limit``
    (capacity): after the change the counter must be at most this, else the
    whole batch is refused; only checked when ``delta`` is positive."""

    collection: str
    key: str
    delta: int
    limit: Optional[int] = None


class CountLimitReached(Exception):
    """``add_counts`` refused: adding ``count`` would take its counter past
    its limit (``current`` when the store reports it). Nothing was changed."""

    def __init__(self, count: Count, current: Optional[int] = None) -> None:
        super().__init__(f"{count.collection}/{count.key}: +{count.delta} would exceed {count.limit}")
        self.count, self.current = count, current


# DynamoDB's TransactWriteItems takes at most 100 actions: a batch of counts
# is atomic only up to that size (``add_counts``).
MAX_ATOMIC_COUNTS = 100


def merge_counts(counts: Sequence[Count]) -> list[Count]:
    """One change per counter (a transaction may touch an item once); the
    tightest limit of a counter's changes applies; zero changes drop out."""
    merged: dict[tuple[str, str], Count] = {}
    for c in counts:
        old = merged.get((c.collection, c.key))
        if old is None:
            merged[(c.collection, c.key)] = c
            continue
        limits = [x for x in (old.limit, c.limit) if x is not None]
        merged[(c.collection, c.key)] = Count(c.collection, c.key, old.delta + c.delta, min(limits) if limits else None)
    return [c for c in merged.values() if c.delta]


class Store(ABC):
    @abstractmethod
    def get(self, collection: str, key: str) -> Optional[Item]: ...

    @abstractmethod
    def put(self, collection: str, key: str, data: dict[str, Any], expected_version: int = ANY_VERSION) -> Item:
        """Write ``data``; ``expected_version`` is MUST_NOT_EXIST (create),
        ANY_VERSION (blind upsert) or the version the writer read. A mismatch
        raises :class:`Conflict` and changes nothing."""

    @abstractmethod
    def delete(self, collection: str, key: str, expected_version: int = ANY_VERSION) -> bool: ...

    @abstractmethod
    def list(self, collection: str, *, prefix: str = "", limit: int = 100, cursor: Optional[str] = None) -> Page: ...

    @abstractmethod
    def add_counts(self, counts: Sequence[Count]) -> None:
        """Apply every change at once or none (up to MAX_ATOMIC_COUNTS
        counters; more raise ValueError): a change whose counter would pass
        its limit raises :class:`CountLimitReached` and nothing is written.
        A counter that reaches 0 may be removed."""

    @abstractmethod
    def read_counts(self, collection: str, prefix: str = "") -> dict[str, int]:
        """Every counter of ``collection`` whose key starts with ``prefix``
        (one key-range read, never a scan)."""

    def purge_expired(self, now: Optional[float] = None) -> int:
        """Delete items expired for more than PURGE_GRACE_S; how many went.
        The default is a no-op (DynamoDB's TTL does it)."""
        return 0

    def health(self) -> dict[str, Any]:
        return {"store": type(self).__name__}


def version_conflict(collection: str, key: str, expected: int, actual: Optional[int]) -> Conflict:
    if expected == MUST_NOT_EXIST:
        message = Text(zh=f"{key} 已存在", en=f"{collection}/{key} already exists")
        code = "already_exists"
    else:
        message = Text(
            zh=f"{key} 已被修改（当前版本 {actual}，期望 {expected}），请重新读取后再写入",
            en=f"{collection}/{key} changed (version {actual}, expected {expected}); re-read and retry",
        )
        code = "version_conflict"
    return Conflict(code, message, field="version", details={"expected_version": expected, "current_version": actual})


def encode_cursor(last_key: str) -> str:
    return base64.urlsafe_b64encode(json.dumps({"k": last_key}).encode()).decode().rstrip("=")


def decode_cursor(cursor: str, field: str = "cursor") -> str:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        value = json.loads(base64.urlsafe_b64decode(padded.encode()).decode())["k"]
        if not isinstance(value, str):
            raise ValueError
        return value
    except (ValueError, KeyError, TypeError, UnicodeDecodeError, RecursionError):
        raise invalid(field, "cursor is not one this service issued", "cursor 不是本服务返回的分页标记") from None
