"""Items that expire: a top-level TTL attribute on DynamoDB, a purge on SQLite."""

from __future__ import annotations

import json
import sqlite3
import time
from pathlib import Path

import pytest

from chalicelib.store import base
from chalicelib.store.sqlite import SqliteStore

ROOT = Path(__file__).resolve().parents[2]


def test_expiry_is_an_integer_epoch_field():
    assert base.expiry_of({"expires_at": 1_900_000_000}) == 1_900_000_000
    for data in (
        {},
        {"expires_at": None},
        {"expires_at": "soon"},
        {"expires_at": True},
        {"expires_at": 1.5e9},
        {"expires_at": 0},
    ):
        assert base.expiry_of(data) is None


@pytest.mark.integration
def test_dynamodb_table_has_ttl_on_the_top_level_expiry(dynamo_client, dynamo_table):
    from chalicelib.store.dynamodb import TTL_ATTRIBUTE, DynamoStore

    ttl = dynamo_client.describe_time_to_live(TableName=dynamo_table)["TimeToLiveDescription"]
    assert ttl["TimeToLiveStatus"] == "ENABLED" and ttl["AttributeName"] == TTL_ATTRIBUTE == "expires_at"

    store = DynamoStore(dynamo_table, dynamo_client)
    store.put("usage", "ip#w1", {"count": 1, "expires_at": 1_900_000_000})
    raw = dynamo_client.get_item(
        TableName=dynamo_table, Key={"pk": {"S": "usage"}, "sk": {"S": "ip#w1"}}, ConsistentRead=True
    )["Item"]
    assert raw["expires_at"] == {"N": "1900000000"}  # a Number, beside pk/sk: TTL can read it
    assert json.loads(raw["data"]["S"])["expires_at"] == 1_900_000_000
    assert store.get("usage", "ip#w1").data == {"count": 1, "expires_at": 1_900_000_000}

    # Rewritten without an expiry (or with one on a conditional write): the attribute follows.
    item = store.put("usage", "ip#w1", {"count": 2}, 1)
    raw = dynamo_client.get_item(
        TableName=dynamo_table, Key={"pk": {"S": "usage"}, "sk": {"S": "ip#w1"}}, ConsistentRead=True
    )["Item"]
    assert "expires_at" not in raw
    store.put("usage", "ip#w1", {"count": 3, "expires_at": 1_900_000_100}, item.version)
    raw = dynamo_client.get_item(
        TableName=dynamo_table, Key={"pk": {"S": "usage"}, "sk": {"S": "ip#w1"}}, ConsistentRead=True
    )["Item"]
    assert raw["expires_at"] == {"N": "1900000100"}


def test_deployed_table_ttl_names_the_store_attribute():
    from chalicelib.store.dynamodb import TTL_ATTRIBUTE

    template = json.loads((ROOT / "deploy" / "merge.json").read_text())
    spec = template["Resources"]["YueyouTable"]["Properties"]["TimeToLiveSpecification"]
    assert spec == {"AttributeName": TTL_ATTRIBUTE, "Enabled": True}


def test_sqlite_purges_items_expired_past_the_grace(tmp_path, monkeypatch):
    store = SqliteStore(tmp_path / "s.db")
    now = int(time.time())
    store.put("usage", "old", {"expires_at": now - base.PURGE_GRACE_S - 10})
    store.put("usage", "just-expired", {"expires_at": now - 10})  # still inside the grace
    store.put("usage", "live", {"expires_at": now + 3600})
    store.put("itinerary", "forever", {"plan": {}})
    assert store.purge_expired() == 1
    assert store.get("usage", "old") is None
    assert {k for c in ("usage", "itinerary") for k in (i.key for i in store.list(c).items)} == {
        "just-expired",
        "live",
        "forever",
    }

    # ... on opening the file, and every PURGE_EVERY_WRITES writes.
    store.put("usage", "old2", {"expires_at": now - base.PURGE_GRACE_S - 10})
    assert SqliteStore(tmp_path / "s.db").get("usage", "old2") is None
    store.put("usage", "old3", {"expires_at": now - base.PURGE_GRACE_S - 10})
    monkeypatch.setattr("chalicelib.store.sqlite.PURGE_EVERY_WRITES", 2)
    store.put("usage", "x", {})
    store.put("usage", "y", {})
    assert store.get("usage", "old3") is None and store.get("usage", "y") is not None


def test_sqlite_file_from_before_expiry_is_upgraded(tmp_path):
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path)
    conn.execute(
        "CREATE TABLE items (collection TEXT NOT NULL, key TEXT NOT NULL, version INTEGER NOT NULL, "
        "data TEXT NOT NULL, PRIMARY KEY (collection, key)) WITHOUT ROWID"
    )
    conn.execute("INSERT INTO items VALUES ('itinerary', 'it-1', 3, '{\"a\": 1}')")
    conn.commit()
    conn.close()
    store = SqliteStore(path)
    assert store.get("itinerary", "it-1").version == 3
    store.put("usage", "old", {"expires_at": int(time.time()) - base.PURGE_GRACE_S - 1})
    assert store.purge_expired() == 1 and store.get("itinerary", "it-1") is not None
