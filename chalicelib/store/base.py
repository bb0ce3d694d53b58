"""Storage interface shared by the embedded (SQLite) and DynamoDB stores.

Items live in a *collection* under a string *key* (DynamoDB: partition key =
collection, sort key = key), carry an integer ``version`` for optimistic
concurrency, and list in key order through opaque cursors (DynamoDB's
``LastEvaluatedKey``, base64-encoded).
"""
from __future__ import annotations

import base64
import json
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import Any, Optional

from ..errors import Conflict, invalid
from ..i18n import Text

# expected_version values for put()/delete()
MUST_NOT_EXIST = 0
ANY_VERSION = -1


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


class Store(ABC):
    @abstractmethod
    def get(self, collection: str, key: str) -> Optional[Item]:
        ...

    @abstractmethod
    def put(self, collection: str, key: str, data: dict[str, Any],
            expected_version: int = ANY_VERSION) -> Item:
        """Write ``data``; ``expected_version`` is MUST_NOT_EXIST (create),
        ANY_VERSION (blind upsert) or the version the writer read. A mismatch
        raises :class:`Conflict` and changes nothing."""

    @abstractmethod
    def delete(self, collection: str, key: str, expected_version: int = ANY_VERSION) -> bool:
        ...

    @abstractmethod
    def list(self, collection: str, *, prefix: str = "", limit: int = 100,
             cursor: Optional[str] = None) -> Page:
        ...

    def health(self) -> dict[str, Any]:
        return {"store": type(self).__name__}


def version_conflict(collection: str, key: str, expected: int, actual: Optional[int]) -> Conflict:
    if expected == MUST_NOT_EXIST:
        message = Text(zh=f"{key} 已存在", en=f"{collection}/{key} already exists")
        code = "already_exists"
    else:
        message = Text(zh=f"{key} 已被修改（当前版本 {actual}，期望 {expected}），请重新读取后再写入",
                       en=f"{collection}/{key} changed (version {actual}, expected {expected}); "
                          "re-read and retry")
        code = "version_conflict"
    return Conflict(code, message, field="version",
                    details={"expected_version": expected, "current_version": actual})


def encode_cursor(last_key: str) -> str:
    return base64.urlsafe_b64encode(json.dumps({"k": last_key}).encode()).decode().rstrip("=")


def decode_cursor(cursor: str, field: str = "cursor") -> str:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        value = json.loads(base64.urlsafe_b64decode(padded.encode()).decode())["k"]
        if not isinstance(value, str):
            raise ValueError
        return value
    except (ValueError, KeyError, TypeError, UnicodeDecodeError):
        raise invalid(field, "cursor is not one this service issued",
                      "cursor 不是本服务返回的分页标记") from None
