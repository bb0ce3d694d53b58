"""Counters (crowd forecasts, capacity): the same contract on SQLite and on
DynamoDB (moto's server mode on 127.0.0.1)."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from chalicelib.store import Count, CountLimitReached
from chalicelib.store.base import MAX_ATOMIC_COUNTS, merge_counts


def test_counts_add_up_and_read_back_by_prefix(store):
    store.add_counts([Count("crowd:2026-05-15", "a#09", 3), Count("crowd:2026-05-15", "a#10", 2)])
    store.add_counts([Count("crowd:2026-05-15", "a#09", 4), Count("crowd:2026-05-15", "b#09", 1)])
    store.add_counts([Count("crowd:2026-05-16", "a#09", 9)])
    assert store.read_counts("crowd:2026-05-15") == {"a#09": 7, "a#10": 2, "b#09": 1}
    assert store.read_counts("crowd:2026-05-15", prefix="a#") == {"a#09": 7, "a#10": 2}
    store.add_counts([Count("crowd:2026-05-15", "a#09", -7)])
    assert store.read_counts("crowd:2026-05-15", prefix="a#").get("a#09", 0) == 0
    assert store.read_counts("crowd:nothing") == {}


def test_a_limit_refuses_the_whole_batch(store):
    store.add_counts([Count("cap", "x", 8, limit=10)])
    with pytest.raises(CountLimitReached) as refused:
        store.add_counts([Count("cap", "y", 1, limit=10), Count("cap", "x", 3, limit=10)])
    assert refused.value.count.key == "x"
    assert store.read_counts("cap") == {"x": 8}  # y was not written either
    store.add_counts([Count("cap", "x", 2, limit=10)])  # exactly full is allowed
    assert store.read_counts("cap") == {"x": 10}
    store.add_counts([Count("cap", "x", -5, limit=10)])  # releasing never checks the limit
    assert store.read_counts("cap") == {"x": 5}


def test_racing_writers_never_pass_a_limit(store):
    """Ten threads each try to take 3 of 10 places, twenty times over: at most
    10 are ever taken, and every refusal left nothing behind."""
    taken, lock = [], threading.Lock()

    def grab(i: int) -> None:
        try:
            store.add_counts([Count("race", "slot", 3, limit=10), Count("race", f"who#{i:02d}", 3)])
        except CountLimitReached:
            return
        with lock:
            taken.append(i)

    with ThreadPoolExecutor(10) as pool:
        list(pool.map(grab, range(20)))
    counts = store.read_counts("race")
    assert counts["slot"] == 3 * len(taken) == 9
    assert sorted(k for k in counts if k.startswith("who#")) == sorted(f"who#{i:02d}" for i in taken)


def test_merge_counts_touches_each_counter_once():
    merged = merge_counts([Count("c", "a", 1), Count("c", "a", 2, limit=5), Count("c", "b", 1), Count("c", "b", -1)])
    assert merged == [Count("c", "a", 3, limit=5)]


def test_too_many_counters_at_once_are_refused(store):
    with pytest.raises(ValueError):
        store.add_counts([Count("c", f"k{i}", 1) for i in range(MAX_ATOMIC_COUNTS + 1)])
