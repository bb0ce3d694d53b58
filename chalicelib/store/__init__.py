"""Persistence behind one interface: embedded SQLite default, DynamoDB in AWS."""
from .base import ANY_VERSION, MUST_NOT_EXIST, Item, Page, Store

__all__ = ["ANY_VERSION", "MUST_NOT_EXIST", "Item", "Page", "Store", "open_store"]


def open_store(kind: str, *, sqlite_path: str = ".data/yueyou.db", **_: object) -> Store:
    """The store named by the stage config (``YUEYOU_STORE``)."""
    if kind == "sqlite":
        from .sqlite import SqliteStore
        return SqliteStore(sqlite_path)
    raise ValueError(f"unknown store kind {kind!r} (the DynamoDB store arrives with issue 4)")
