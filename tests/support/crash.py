"""Test doubles for crash and race tests: a controllable clock, a store proxy
with hooks on chosen calls, and an exception that ends a "process" mid-call."""

from __future__ import annotations

from datetime import datetime, timedelta

from chalicelib.timeutil import SHANGHAI


class Killed(BaseException):
    """A worker dying mid-call (BaseException: no ``except Exception`` catches it)."""


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 11, 20, 9, 0, tzinfo=SHANGHAI)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


class Proxy:
    """The store, with hooks on chosen calls."""

    def __init__(self, store, on_put=None, on_get=None) -> None:
        self._store, self.on_put, self.on_get = store, on_put, on_get

    def get(self, collection, key):
        if self.on_get:
            self.on_get(collection, key)
        return self._store.get(collection, key)

    def put(self, collection, key, data, expected_version=-1):
        if self.on_put:
            self.on_put(collection, key, data)
        return self._store.put(collection, key, data, expected_version)

    def __getattr__(self, name):
        return getattr(self._store, name)
