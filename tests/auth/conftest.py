"""Fixtures for the auth tests: every store-backed test runs on SQLite and on
DynamoDB (moto server mode over real HTTP), as in tests/store."""
from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone

import pytest

from chalicelib.store.sqlite import SqliteStore


@pytest.fixture(scope="session")
def moto_endpoint():
    from tests.support.moto_server import moto_server
    with moto_server() as endpoint:
        yield endpoint


@pytest.fixture(scope="session")
def dynamo_client(moto_endpoint):
    from tests.support.moto_server import dynamodb_client
    return dynamodb_client(moto_endpoint)


@pytest.fixture()
def dynamo_table(dynamo_client):
    from chalicelib.store.dynamodb import create_table
    name = f"yueyou-auth-{uuid.uuid4().hex[:12]}"
    create_table(dynamo_client, name)
    yield name
    dynamo_client.delete_table(TableName=name)


@pytest.fixture(params=["sqlite", pytest.param("dynamodb", marks=pytest.mark.integration)])
def store(request, tmp_path):
    if request.param == "sqlite":
        return SqliteStore(tmp_path / "auth.db")
    from chalicelib.store.dynamodb import DynamoStore
    return DynamoStore(request.getfixturevalue("dynamo_table"),
                       request.getfixturevalue("dynamo_client"))


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
    return FakeClock(datetime(2023, 9, 26, 2, 0, 0, tzinfo=timezone.utc))


def all_items(store, collection):
    items, cursor = [], None
    while True:
        page = store.list(collection, cursor=cursor)
        items.extend(page.items)
        cursor = page.next_cursor
        if cursor is None:
            return items
