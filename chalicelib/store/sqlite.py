"""Embedded store on SQLite: the default on one machine (and in tests).

Conditional writes run inside ``BEGIN IMMEDIATE`` so two writers racing on
the same item serialize, and the loser gets a Conflict instead of silently
overwriting.

Expiry (see :mod:`.base`): ``expires_at`` of a document is copied into its
own column; items expired for more than ``PURGE_GRACE_S`` are deleted when
the file is opened and every ``PURGE_EVERY_WRITES`` writes after that.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Optional

from ..errors import invalid
from .base import (
    ANY_VERSION,
    MAX_ATOMIC_COUNTS,
    MUST_NOT_EXIST,
    PURGE_GRACE_S,
    Count,
    CountLimitReached,
    Item,
    Page,
    Store,
    decode_cursor,
    encode_cursor,
    expiry_of,
    merge_counts,
    version_conflict,
)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS items (
    collection TEXT NOT NULL,
    key        TEXT NOT NULL,
    version    INTEGER NOT NULL,
    data       TEXT NOT NULL,
    expires_at INTEGER,
    PRIMARY KEY (collection, key)
) WITHOUT ROWID
"""
_COUNTERS = """
CREATE TABLE IF NOT EXISTS counters (
    collection TEXT NOT NULL,
    key        TEXT NOT NULL,
    n          INTEGER NOT NULL,
    PRIMARY KEY (collection, key)
) WITHOUT ROWID
"""
_EXPIRY_INDEX = "CREATE INDEX IF NOT EXISTS items_expiry ON items(expires_at) WHERE expires_at IS NOT NULL"
PURGE_EVERY_WRITES = 500


class SqliteStore(Store):
    def __init__(self, path: str | Path = ":memory:") -> None:
        self.path = str(path)
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        # One connection guarded by a lock: chalice local serves requests on
        # threads, and sqlite3 connections are not shareable without it.
        self._conn = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None, timeout=30)
        self._lock = threading.RLock()
        with self._lock:
            self._conn.execute("PRAGMA journal_mode=WAL" if self.path != ":memory:" else "PRAGMA journal_mode=MEMORY")
            self._conn.execute(_SCHEMA)
            columns = {row[1] for row in self._conn.execute("PRAGMA table_info(items)")}
            if "expires_at" not in columns:  # a file written before items could expire
                self._conn.execute("ALTER TABLE items ADD COLUMN expires_at INTEGER")
            self._conn.execute(_EXPIRY_INDEX)
            self._conn.execute(_COUNTERS)
        self._writes = 0
        self.purge_expired()

    def get(self, collection: str, key: str) -> Optional[Item]:
        with self._lock:
            row = self._conn.execute(
                "SELECT version, data FROM items WHERE collection=? AND key=?", (collection, key)
            ).fetchone()
        return None if row is None else Item(collection, key, row[0], json.loads(row[1]))

    def put(self, collection: str, key: str, data: dict[str, Any], expected_version: int = ANY_VERSION) -> Item:
        payload = json.dumps(data, ensure_ascii=False, sort_keys=True)
        expires_at = expiry_of(data)
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                row = self._conn.execute(
                    "SELECT version FROM items WHERE collection=? AND key=?", (collection, key)
                ).fetchone()
                current = None if row is None else row[0]
                if (
                    expected_version == MUST_NOT_EXIST
                    and current is not None
                    or expected_version > 0
                    and current != expected_version
                ):
                    raise version_conflict(collection, key, expected_version, current)
                version = (current or 0) + 1
                self._conn.execute(
                    "INSERT INTO items(collection, key, version, data, expires_at) VALUES (?,?,?,?,?) "
                    "ON CONFLICT(collection, key) DO UPDATE SET version=excluded.version, "
                    "data=excluded.data, expires_at=excluded.expires_at",
                    (collection, key, version, payload, expires_at),
                )
                self._conn.execute("COMMIT")
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._writes += 1
            purge = self._writes % PURGE_EVERY_WRITES == 0
        if purge:
            self.purge_expired()
        return Item(collection, key, version, json.loads(payload))

    def delete(self, collection: str, key: str, expected_version: int = ANY_VERSION) -> bool:
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                row = self._conn.execute(
                    "SELECT version FROM items WHERE collection=? AND key=?", (collection, key)
                ).fetchone()
                current = None if row is None else row[0]
                if expected_version > 0 and current != expected_version:
                    raise version_conflict(collection, key, expected_version, current)
                self._conn.execute("DELETE FROM items WHERE collection=? AND key=?", (collection, key))
                self._conn.execute("COMMIT")
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
        return current is not None

    def list(self, collection: str, *, prefix: str = "", limit: int = 100, cursor: Optional[str] = None) -> Page:
        if limit < 1:
            raise invalid("limit", "limit must be at least 1", "limit 至少为 1")
        after = decode_cursor(cursor) if cursor else ""
        # Upper bound for the prefix range: keys are text, so appending the
        # highest code point bounds everything that starts with the prefix.
        upper = prefix + "\U0010ffff"
        with self._lock:
            rows = self._conn.execute(
                "SELECT key, version, data FROM items WHERE collection=? AND key>=? AND key<? "
                "AND key>? ORDER BY key LIMIT ?",
                (collection, prefix, upper, after, limit + 1),
            ).fetchall()
        items = [Item(collection, k, v, json.loads(d)) for k, v, d in rows[:limit]]
        next_cursor = encode_cursor(items[-1].key) if len(rows) > limit else None
        return Page(items, next_cursor)

    def add_counts(self, counts: Sequence[Count]) -> None:
        changes = merge_counts(counts)
        if len(changes) > MAX_ATOMIC_COUNTS:
            raise ValueError(f"{len(changes)} counters in one atomic change (at most {MAX_ATOMIC_COUNTS})")
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                for c in changes:
                    row = self._conn.execute(
                        "SELECT n FROM counters WHERE collection=? AND key=?", (c.collection, c.key)
                    ).fetchone()
                    new = (0 if row is None else row[0]) + c.delta
                    if c.limit is not None and c.delta > 0 and new > c.limit:
                        raise CountLimitReached(c, new - c.delta)
                    self._conn.execute(
                        "INSERT INTO counters(collection, key, n) VALUES (?,?,?) "
                        "ON CONFLICT(collection, key) DO UPDATE SET n=excluded.n",
                        (c.collection, c.key, new),
                    )
                self._conn.execute("COMMIT")
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise

    def read_counts(self, collection: str, prefix: str = "") -> dict[str, int]:
        with self._lock:
            rows = self._conn.execute(
                "SELECT key, n FROM counters WHERE collection=? AND key>=? AND key<?",
                (collection, prefix, prefix + "\U0010ffff"),
            ).fetchall()
        return {k: n for k, n in rows}

    def purge_expired(self, now: Optional[float] = None) -> int:
        cutoff = int(time.time() if now is None else now) - PURGE_GRACE_S
        with self._lock:
            cur = self._conn.execute("DELETE FROM items WHERE expires_at IS NOT NULL AND expires_at < ?", (cutoff,))
        return cur.rowcount

    def health(self) -> dict[str, Any]:
        with self._lock:
            self._conn.execute("SELECT 1").fetchone()
        # Not the file's path: a public health check tells no filesystem layout.
        return {"store": "sqlite"}
