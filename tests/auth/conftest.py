"""Fixtures for the auth tests. ``store`` (tests/conftest.py) runs every
store-backed test on SQLite and on DynamoDB (moto server mode over HTTP)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest


class FakeClock:
    """A settable clock: tests cross minute and day boundaries without sleeping."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture()
def clock():
    # 2023-09-26 10:00:00 in Shanghai (02:00 UTC).
    return FakeClock(datetime(2023, 9, 26, 2, 0, 0, tzinfo=UTC))


def all_items(store, collection):
    items, cursor = [], None
    while True:
        page = store.list(collection, cursor=cursor)
        items.extend(page.items)
        cursor = page.next_cursor
        if cursor is None:
            return items
