"""SIGKILL the real local server mid-request and mid-batch, restart it on the
same store, and check that retries and batches recover.

The server is what ``make run`` serves (``tests/support/server.serve``), in
its own session so the kill takes it and its solver processes; both stores
(a SQLite file; a DynamoDB table on the moto server). The test-only
hook ``YUEYOU_TEST_HOLD_CLAIM_S`` (see ``hold_claim_for_tests`` in
chalicelib/itineraries/repository.py) keeps a claim held long enough to kill
the process while it holds it; the restarted server runs without it. The
deadlines are shortened through their settings (YUEYOU_REQUEST_DEADLINE_S,
YUEYOU_BATCH_LEASE_S) so the test does not wait 30 or 60 s.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import threading
import time
from collections.abc import Iterator
from typing import Optional

import pytest
import requests

from tests.support.server import serve
from tests.support.stores import store_env

pytestmark = pytest.mark.integration

BODY = {"start_date": "2026-12-01", "days": 1, "lang": "en", "time_limit_s": 0.5}
DEADLINE_S = 6.0
LEASE_S = 3.0


class Server:
    def __init__(self, base: str, proc: subprocess.Popen) -> None:
        self.base, self.proc = base, proc

    def kill(self) -> None:
        """SIGKILL the server and its solver processes: no handler, no atexit, no finally runs."""
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=10)


@contextlib.contextmanager
def server(backend: Backend, env: Optional[dict] = None) -> Iterator[Server]:
    full_env = dict(
        backend.env, YUEYOU_REQUEST_DEADLINE_S=str(DEADLINE_S), YUEYOU_BATCH_LEASE_S=str(LEASE_S), **(env or {})
    )
    with serve(full_env, stage=backend.stage, new_session=True) as (base, proc):
        running = Server(base, proc)
        try:
            yield running
        finally:
            running.kill()


class Backend:
    """The store a killed server and its successor share: a SQLite file, or a
    DynamoDB table on the moto server; read here through the store's own API."""

    def __init__(self, env: dict[str, str], store, stage: str = "dev") -> None:
        self.env, self.store, self.stage = env, store, stage

    def rows(self, collection: str) -> dict[str, dict]:
        out, cursor = {}, None
        while True:
            page = self.store.list(collection, limit=100, cursor=cursor)
            out.update({item.key: item.data for item in page.items})
            cursor = page.next_cursor
            if cursor is None:
                return out


@pytest.fixture(params=["sqlite", "dynamodb"])
def backend(request, tmp_path):
    if request.param == "sqlite":
        from chalicelib.store.sqlite import SqliteStore

        env, stage, _ = store_env("sqlite", tmp_path)
        return Backend(env, SqliteStore(env["YUEYOU_SQLITE_PATH"]), stage)
    from chalicelib.store.dynamodb import DynamoStore

    client = request.getfixturevalue("dynamo_client")
    env, stage, table = store_env("dynamodb", tmp_path, request.getfixturevalue("moto_endpoint"), client)
    return Backend(env, DynamoStore(table, client), stage)


def wait_for(condition, timeout_s: float, what: str):
    deadline = time.monotonic() + timeout_s
    while True:
        value = condition()
        if value:
            return value
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.1)


def test_idempotent_post_killed_mid_request_is_retried_after_the_deadline(backend):
    rows = backend.rows
    key = "crash-k1"
    with server(backend, {"YUEYOU_TEST_HOLD_CLAIM_S": "60"}) as first:
        acked = requests.post(first.base + "/v1/itineraries", json=BODY, timeout=30)  # no key: no hold
        assert acked.status_code == 201, acked.text

        def doomed():
            with contextlib.suppress(requests.RequestException):
                requests.post(first.base + "/v1/itineraries", json=BODY, headers={"Idempotency-Key": key}, timeout=60)

        thread = threading.Thread(target=doomed, daemon=True)
        thread.start()
        claim = wait_for(
            lambda: next((c for slot, c in rows("idempotency").items() if slot.endswith("#" + key)), None),
            20,
            "the claim",
        )
        first.kill()  # mid-request: the claim is held, the plan not yet made
    thread.join(timeout=10)
    assert claim["state"] == "pending"

    with server(backend) as second:
        retry = requests.post(second.base + "/v1/itineraries", json=BODY, headers={"Idempotency-Key": key}, timeout=30)
        assert retry.status_code == 409 and retry.json()["error"]["code"] == "idempotency_in_progress"
        assert 1 <= int(retry.headers["Retry-After"]) <= 5  # when to come back
        time.sleep(max(0.0, claim["claimed_at"] + DEADLINE_S + 0.2 - time.time()))
        retry = requests.post(second.base + "/v1/itineraries", json=BODY, headers={"Idempotency-Key": key}, timeout=30)
        assert retry.status_code == 201, retry.text
        assert retry.json()["id"] == claim["itinerary_id"]
        replay = requests.post(second.base + "/v1/itineraries", json=BODY, headers={"Idempotency-Key": key}, timeout=30)
        assert replay.status_code == 200 and replay.headers["Idempotent-Replayed"] == "true"
        assert replay.json()["id"] == claim["itinerary_id"]
        # Nothing acknowledged before the kill was lost.
        again = requests.get(second.base + acked.headers["Location"], timeout=10)
        assert again.status_code == 200 and again.json()["days"] == acked.json()["days"]
        listed = {i["id"] for i in requests.get(second.base + "/v1/itineraries", timeout=10).json()["itineraries"]}
        assert listed == {acked.json()["id"], claim["itinerary_id"]}
    assert sorted(rows("itinerary")) == sorted([acked.json()["id"], claim["itinerary_id"]])


def test_batch_killed_mid_run_finishes_every_item_exactly_once_after_restart(backend):
    rows = backend.rows
    total = 6
    body = {"name": "crash", "requests": [dict(BODY, start_date=f"2026-12-0{1 + i}") for i in range(total)]}
    with server(backend, {"YUEYOU_TEST_HOLD_CLAIM_S": "1.5", "YUEYOU_BATCH_WORKERS": "2"}) as first:
        created = requests.post(first.base + "/v1/batches", json=body, timeout=30)
        assert created.status_code == 202, created.text
        location = created.headers["Location"]

        def partly_done():  # some items done, and one just taken: inside its 1.5 s hold
            items = rows("batch-item").values()
            fresh = [i for i in items if i["status"] == "running" and time.time() - (i["lease_until"] - LEASE_S) < 0.5]
            return any(i["status"] == "done" for i in items) and fresh

        wait_for(partly_done, 30, "a partly finished batch")
        first.kill()
    before = {item["index"]: item for item in rows("batch-item").values()}
    done_before = {i: item["itinerary_id"] for i, item in before.items() if item["status"] == "done"}
    running_before = {i for i, item in before.items() if item["status"] == "running"}
    assert done_before and running_before and len(done_before) < total

    with server(backend) as second:

        def finished():
            status = requests.get(second.base + location, timeout=10).json()
            return status if status["state"] == "done" else None

        status = wait_for(finished, 40, "the batch to finish after the restart")
        assert status["counts"] == {"queued": 0, "running": 0, "done": total, "failed": 0}
        # Exactly once: one plan per item, those finished before the crash untouched.
        ids = [item["itinerary_id"] for item in status["items"]]
        assert len(set(ids)) == total
        assert all(ids[i] == done_before[i] for i in done_before)
        for itinerary_id in ids:
            assert requests.get(second.base + f"/v1/itineraries/{itinerary_id}", timeout=10).status_code == 200
        # The next recovery sweep drops the finished batch from the ones it scans.
        wait_for(lambda: rows("batch-open") == {}, LEASE_S * 2, "the open-batch marker to go")
    assert sorted(rows("itinerary")) == sorted(ids)
    after = {item["index"]: item for item in rows("batch-item").values()}
    assert all(after[i]["attempts"] == 2 for i in running_before)  # re-driven once, not more
    assert all(after[i]["attempts"] == 1 for i in after if i not in running_before)
