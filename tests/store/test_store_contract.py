"""One contract, every store: the same tests run on SQLite and on DynamoDB.

DynamoDB is moto's server mode on 127.0.0.1 (real HTTP through botocore),
one server per session and a fresh table per test.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from chalicelib.config import Settings
from chalicelib.errors import Conflict, InvalidInput
from chalicelib.store import ANY_VERSION, MUST_NOT_EXIST, open_store
from chalicelib.store.base import encode_cursor


def list_all(store, collection, *, prefix="", limit=7):
    seen, cursor, pages = [], None, 0
    while True:
        page = store.list(collection, prefix=prefix, limit=limit, cursor=cursor)
        pages += 1
        assert len(page.items) <= limit
        if page.next_cursor is not None:
            assert len(page.items) == limit  # only a full page may promise more
        seen.extend(item.key for item in page.items)
        cursor = page.next_cursor
        if cursor is None:
            return seen, pages


# -- versions and conditional writes -------------------------------------------


def test_create_then_conditional_update(store):
    first = store.put("plan", "a", {"n": 1}, MUST_NOT_EXIST)
    assert first.version == 1
    second = store.put("plan", "a", {"n": 2}, expected_version=1)
    assert second.version == 2
    got = store.get("plan", "a")
    assert (got.collection, got.key, got.version, got.data) == ("plan", "a", 2, {"n": 2})


def test_get_missing_is_none(store):
    assert store.get("plan", "nope") is None


def test_stale_write_is_rejected_and_loses_nothing(store):
    store.put("plan", "a", {"n": 1}, MUST_NOT_EXIST)
    store.put("plan", "a", {"n": 2}, expected_version=1)
    with pytest.raises(Conflict) as info:
        store.put("plan", "a", {"n": 3}, expected_version=1)
    assert info.value.code == "version_conflict"
    assert info.value.details == {"expected_version": 1, "current_version": 2}
    got = store.get("plan", "a")
    assert (got.version, got.data) == (2, {"n": 2})


def test_create_twice_conflicts(store):
    store.put("plan", "a", {"n": 1}, MUST_NOT_EXIST)
    with pytest.raises(Conflict) as info:
        store.put("plan", "a", {"n": 9}, MUST_NOT_EXIST)
    assert info.value.code == "already_exists"
    assert info.value.details == {"expected_version": 0, "current_version": 1}
    assert store.get("plan", "a").data == {"n": 1}


def test_expected_version_on_missing_item_conflicts(store):
    with pytest.raises(Conflict) as info:
        store.put("plan", "ghost", {"n": 1}, expected_version=1)
    assert info.value.details == {"expected_version": 1, "current_version": None}
    assert store.get("plan", "ghost") is None


def test_any_version_upserts_and_increments(store):
    assert store.put("plan", "a", {"n": 1}).version == 1
    assert store.put("plan", "a", {"n": 2}, ANY_VERSION).version == 2
    assert store.put("plan", "a", {"n": 3}).version == 3
    assert store.put("plan", "a", {"n": 4}, expected_version=3).version == 4
    got = store.get("plan", "a")
    assert (got.version, got.data) == (4, {"n": 4})


def test_delete_with_version(store):
    store.put("plan", "a", {"n": 1})
    with pytest.raises(Conflict) as info:
        store.delete("plan", "a", expected_version=5)
    assert info.value.details == {"expected_version": 5, "current_version": 1}
    assert store.get("plan", "a").version == 1
    assert store.delete("plan", "a", expected_version=1) is True
    assert store.get("plan", "a") is None
    assert store.delete("plan", "a") is False
    with pytest.raises(Conflict) as info:
        store.delete("plan", "a", expected_version=1)
    assert info.value.details == {"expected_version": 1, "current_version": None}


def test_recreate_after_delete_starts_at_version_one(store):
    store.put("plan", "a", {"n": 1})
    store.put("plan", "a", {"n": 2})
    assert store.delete("plan", "a") is True
    assert store.put("plan", "a", {"n": 3}, MUST_NOT_EXIST).version == 1


def test_collections_are_separate(store):
    store.put("plan", "a", {"which": "plan"})
    store.put("trip", "a", {"which": "trip"}, MUST_NOT_EXIST)
    assert store.get("plan", "a").data == {"which": "plan"}
    assert store.get("trip", "a").data == {"which": "trip"}
    store.delete("plan", "a")
    assert store.get("trip", "a") is not None


def test_json_documents_round_trip(store):
    doc = {
        "float": 0.1,
        "tiny": 1e-7,
        "neg": -2.5,
        "big": 2**63 + 1,
        "zero": 0.0,
        "bool": True,
        "null": None,
        "empty": "",
        "list": [1, "two", [3.5, {"x": []}]],
        "nested": {"a": {"b": {"c": [None, False, {}]}}},
    }
    written = store.put("plan", "doc", doc)
    assert written.data == doc
    assert store.get("plan", "doc").data == doc


def test_unicode_keys_and_values(store):
    keys = ["绍兴#鲁迅故里", "杭州#西湖", "é", "z", "😀-emoji", "Ab"]
    for key in keys:
        store.put("景点", key, {"名称": key, "说明": "越剧 · 黄酒 🍶", "评分": 4.5})
    for key in keys:
        assert store.get("景点", key).data == {"名称": key, "说明": "越剧 · 黄酒 🍶", "评分": 4.5}
    # Both stores order keys by UTF-8 bytes, which is code-point order.
    seen, _ = list_all(store, "景点", limit=2)
    assert seen == sorted(keys)
    assert [i.key for i in store.list("景点", prefix="杭州#").items] == ["杭州#西湖"]


# -- listing -------------------------------------------------------------------


def test_pagination_walks_every_key_once_in_order(store):
    keys = [f"k{i:03d}" for i in range(25)]
    for key in reversed(keys):
        store.put("thing", key, {"key": key})
    store.put("other", "k000", {"key": "not mine"})
    seen, pages = list_all(store, "thing", limit=7)
    assert seen == keys
    assert pages == 4


def test_exact_multiple_of_limit_has_no_dangling_cursor(store):
    for i in range(14):
        store.put("thing", f"k{i:02d}", {})
    first = store.list("thing", limit=7)
    assert len(first.items) == 7 and first.next_cursor is not None
    second = store.list("thing", limit=7, cursor=first.next_cursor)
    assert [i.key for i in second.items] == [f"k{i:02d}" for i in range(7, 14)]
    assert second.next_cursor is None
    whole = store.list("thing", limit=14)
    assert len(whole.items) == 14 and whole.next_cursor is None


def test_empty_collection_lists_nothing(store):
    page = store.list("nothing-here")
    assert page.items == [] and page.next_cursor is None


def test_prefix_listing(store):
    for key in ("agency-a#1", "agency-a#2", "agency-b#1"):
        store.put("plan", key, {})
    assert [i.key for i in store.list("plan", prefix="agency-a#").items] == ["agency-a#1", "agency-a#2"]


def test_prefix_and_pagination_together(store):
    inside = [f"agency-b#{i:02d}" for i in range(11)]
    for key in ["agency-a#1", "agency-a#2", "agency-b", "agency-c#1", *inside]:
        store.put("plan", key, {"key": key})
    seen, pages = list_all(store, "plan", prefix="agency-b#", limit=4)
    assert seen == inside
    assert pages == 3


def test_cursor_from_another_collection_is_just_a_position(store):
    for i in range(6):
        store.put("thing", f"k{i}", {})
        store.put("other", f"k{i}", {})
    cursor = store.list("thing", limit=2).next_cursor  # after "k1"
    page = store.list("other", limit=10, cursor=cursor)
    assert [i.key for i in page.items] == ["k2", "k3", "k4", "k5"]
    assert page.next_cursor is None


def test_cursor_outside_the_prefix_range(store):
    for key in ("a#1", "b#1", "b#2", "c#1"):
        store.put("plan", key, {})
    before, after = encode_cursor("a#9"), encode_cursor("b~")
    assert [i.key for i in store.list("plan", prefix="b#", cursor=before).items] == ["b#1", "b#2"]
    page = store.list("plan", prefix="b#", cursor=after)
    assert page.items == [] and page.next_cursor is None


def test_bad_cursor_is_an_input_error(store):
    with pytest.raises(InvalidInput) as info:
        store.list("plan", cursor="not-a-cursor")
    assert info.value.field == "cursor"


def test_health_names_the_store(store):
    assert store.health()["store"] in ("sqlite", "dynamodb")


# -- concurrency ---------------------------------------------------------------


def test_racing_writers_one_wins_per_version(store):
    store.put("plan", "x", {"writes": []}, MUST_NOT_EXIST)
    results: list[str] = []

    def writer(name: str) -> None:
        for _ in range(20):
            while True:
                item = store.get("plan", "x")
                try:
                    store.put("plan", "x", {"writes": item.data["writes"] + [name]}, item.version)
                    results.append(name)
                    break
                except Conflict:
                    continue

    threads = [threading.Thread(target=writer, args=(n,)) for n in ("a", "b", "c")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    final = store.get("plan", "x")
    # Every acknowledged write is in the final document: no lost update.
    assert len(final.data["writes"]) == 60 == len(results)
    assert final.version == 61


def test_fifty_conditional_writers_on_three_threads_lose_nothing(store):
    store.put("plan", "x", {"writers": []}, MUST_NOT_EXIST)
    start = threading.Barrier(3)
    conflicts = []

    def writer(n: int) -> int:
        if n < 3:
            start.wait()  # the first three begin together
        while True:
            item = store.get("plan", "x")
            try:
                return store.put(
                    "plan", "x", {"writers": item.data["writers"] + [n]}, expected_version=item.version
                ).version
            except Conflict as exc:
                assert exc.details["current_version"] > item.version
                conflicts.append(n)

    with ThreadPoolExecutor(max_workers=3) as pool:
        versions = list(pool.map(writer, range(50)))
    final = store.get("plan", "x")
    assert sorted(final.data["writers"]) == list(range(50))
    assert final.version == 51
    assert sorted(versions) == list(range(2, 52))  # each version won exactly once


# -- DynamoDB only -------------------------------------------------------------


@pytest.fixture()
def dynamo_store(dynamo_table, dynamo_client):
    from chalicelib.store.dynamodb import DynamoStore

    return DynamoStore(dynamo_table, dynamo_client)


pytestmark_dynamo = pytest.mark.integration


@pytestmark_dynamo
def test_dynamo_item_over_400kb_is_refused_before_sending(dynamo_store):
    from chalicelib.store.dynamodb import MAX_ITEM_BYTES

    # (moto caps items at 405,000 bytes and counts an overwritten value twice,
    # so the item that fits stays well under both.)
    dynamo_store.put("plan", "big", {"text": "x" * 300_000})
    with pytest.raises(InvalidInput) as info:
        dynamo_store.put("plan", "big", {"text": "越" * (MAX_ITEM_BYTES // 3)})  # 3 bytes each
    assert info.value.code == "item_too_large" and info.value.status == 413
    assert info.value.details["size_bytes"] > MAX_ITEM_BYTES
    assert dynamo_store.get("plan", "big").version == 1


@pytestmark_dynamo
def test_dynamo_size_refused_by_dynamodb_is_the_same_error(dynamo_store):
    # Under our 409,600-byte estimate but over moto's 405,000: DynamoDB's own
    # ValidationException comes back as the same input error.
    with pytest.raises(InvalidInput) as info:
        dynamo_store.put("plan", "big", {"text": "x" * 406_000})
    assert info.value.code == "item_too_large"
    # (No check of what is stored: moto, unlike DynamoDB, keeps half of a
    # failed update -- the new version without the data.)


@pytestmark_dynamo
def test_dynamo_empty_key_is_an_input_error(dynamo_store):
    with pytest.raises(InvalidInput) as info:
        dynamo_store.put("plan", "", {})
    assert info.value.field == "key"
    assert dynamo_store.get("plan", "") is None
    assert dynamo_store.delete("plan", "") is False


@pytestmark_dynamo
def test_dynamo_list_keeps_querying_short_pages(dynamo_table, dynamo_client):
    """DynamoDB may return fewer items than Limit (1 MB cap): the store must
    follow LastEvaluatedKey until the page is full."""
    from chalicelib.store.dynamodb import DynamoStore

    class ShortPages:
        def __init__(self, client):
            self._client, self.queries = client, 0

        def __getattr__(self, name):
            return getattr(self._client, name)

        def query(self, **params):
            self.queries += 1
            return self._client.query(**{**params, "Limit": min(params["Limit"], 2)})

    client = ShortPages(dynamo_client)
    store = DynamoStore(dynamo_table, client)
    keys = [f"k{i:02d}" for i in range(10)]
    for key in keys:
        store.put("thing", key, {})
    page = store.list("thing", limit=7)
    assert [i.key for i in page.items] == keys[:7] and page.next_cursor is not None
    assert client.queries == 4  # 2 + 2 + 2 + 2 (the 8th is the peek)
    rest = store.list("thing", limit=7, cursor=page.next_cursor)
    assert [i.key for i in rest.items] == keys[7:] and rest.next_cursor is None


@pytestmark_dynamo
def test_open_store_dynamodb_from_settings(dynamo_table, moto_endpoint, monkeypatch):
    # Dummy credentials through the environment, as boto3's default chain reads them.
    for name in ("AWS_PROFILE", "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_SESSION_TOKEN", "testing")
    settings = Settings.from_env(
        {"YUEYOU_STORE": "dynamodb", "YUEYOU_TABLE": dynamo_table, "YUEYOU_DYNAMODB_ENDPOINT": moto_endpoint}
    )
    assert settings.aws_region == "ap-southeast-1"
    store = open_store(
        settings.store,
        table_name=settings.table_name,
        endpoint_url=settings.dynamodb_endpoint_url,
        region_name=settings.aws_region,
    )
    assert store.health() == {"store": "dynamodb", "status": "ACTIVE"}  # no table name in a public check
    assert store.put("plan", "a", {"n": 1}).version == 1


def test_settings_and_open_store_without_aws():
    settings = Settings.from_env({"AWS_DEFAULT_REGION": "cn-north-1"})
    assert (settings.store, settings.table_name, settings.dynamodb_endpoint_url) == ("sqlite", None, None)
    assert settings.aws_region == "cn-north-1"
    assert Settings.from_env({"AWS_REGION": "us-east-1", "AWS_DEFAULT_REGION": "x"}).aws_region == "us-east-1"
    with pytest.raises(ValueError, match="YUEYOU_TABLE"):
        open_store("dynamodb")
    with pytest.raises(ValueError, match="unknown store"):
        open_store("postgres")
