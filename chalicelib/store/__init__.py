"""Persistence behind one interface: embedded SQLite default, DynamoDB in AWS."""

from __future__ import annotations

from typing import Optional

from .base import ANY_VERSION, MUST_NOT_EXIST, Count, CountLimitReached, Item, Page, Store

__all__ = ["ANY_VERSION", "MUST_NOT_EXIST", "Count", "CountLimitReached", "Item", "Page", "Store", "open_store"]


def open_store(
    kind: str,
    *,
    sqlite_path: str = ".data/yueyou.db",
    table_name: Optional[str] = None,
    endpoint_url: Optional[str] = None,
    region_name: Optional[str] = None,
    **_: object,
) -> Store:
    """The store named by the stage config (``YUEYOU_STORE``).

    ``sqlite``: ``sqlite_path`` (``YUEYOU_SQLITE_PATH``).
    ``dynamodb``: ``table_name`` (``YUEYOU_TABLE``, required), ``endpoint_url``
    (``YUEYOU_DYNAMODB_ENDPOINT``, for DynamoDB Local / moto; unset = AWS) and
    ``region_name`` (``Settings.aws_region``).
    """
    if kind == "sqlite":
        from .sqlite import SqliteStore

        return SqliteStore(sqlite_path)
    if kind == "dynamodb":
        if not table_name:
            raise ValueError("YUEYOU_STORE=dynamodb needs YUEYOU_TABLE (the table name)")
        from .dynamodb import DynamoStore

        return DynamoStore(table_name, endpoint_url=endpoint_url, region_name=region_name)
    raise ValueError(f"unknown store kind {kind!r} (expected 'sqlite' or 'dynamodb')")
