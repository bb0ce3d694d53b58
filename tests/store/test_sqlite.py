from __future__ import annotations

import threading

import pytest

from chalicelib.errors import Conflict, InvalidInput
from chalicelib.store import ANY_VERSION, MUST_NOT_EXIST
from chalicelib.store.sqlite import SqliteStore


@pytest.fixture()
def store(tmp_path):
    return SqliteStore(tmp_path / "t.db")


def test_create_then_conditional_update(store):
    first = store.put("plan", "a", {"n": 1}, MUST_NOT_EXIST)
    assert first.version == 1
    second = store.put("plan", "a", {"n": 2}, expected_version=1)
    assert second.version == 2
    assert store.get("plan", "a").data == {"n": 2}


def test_stale_write_is_rejected_and_loses_nothing(store):
    store.put("plan", "a", {"n": 1}, MUST_NOT_EXIST)
    store.put("plan", "a", {"n": 2}, expected_version=1)
    with pytest.raises(Conflict) as info:
        store.put("plan", "a", {"n": 3}, expected_version=1)
    assert info.value.details == {"expected_version": 1, "current_version": 2}
    assert store.get("plan", "a").data == {"n": 2}


def test_create_twice_conflicts(store):
    store.put("plan", "a", {"n": 1}, MUST_NOT_EXIST)
    with pytest.raises(Conflict):
        store.put("plan", "a", {"n": 9}, MUST_NOT_EXIST)
    assert store.get("plan", "a").data == {"n": 1}


def test_delete_with_version(store):
    store.put("plan", "a", {"n": 1})
    with pytest.raises(Conflict):
        store.delete("plan", "a", expected_version=5)
    assert store.delete("plan", "a", expected_version=1) is True
    assert store.get("plan", "a") is None
    assert store.delete("plan", "a") is False


def test_pagination_walks_every_key_once_in_order(store):
    keys = [f"k{i:03d}" for i in range(25)]
    for key in reversed(keys):
        store.put("thing", key, {"key": key})
    store.put("other", "k000", {"key": "not mine"})
    seen, cursor = [], None
    while True:
        page = store.list("thing", limit=7, cursor=cursor)
        seen.extend(item.key for item in page.items)
        cursor = page.next_cursor
        if cursor is None:
            break
    assert seen == keys


def test_prefix_listing(store):
    for key in ("agency-a#1", "agency-a#2", "agency-b#1"):
        store.put("plan", key, {})
    assert [i.key for i in store.list("plan", prefix="agency-a#").items] == ["agency-a#1", "agency-a#2"]


def test_bad_cursor_is_an_input_error(store):
    with pytest.raises(InvalidInput) as info:
        store.list("plan", cursor="not-a-cursor")
    assert info.value.field == "cursor"


def test_racing_writers_one_wins_per_version(tmp_path):
    store = SqliteStore(tmp_path / "race.db")
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
