"""SIGKILL the real local server mid-request and mid-batch, restart it on the
same SQLite file, and check that retries and batches recover.

The server is ``chalice local`` as in ``tests/support/server.py``, started in
its own session so the kill takes it and anything it spawned. The test-only
hook ``YUEYOU_TEST_HOLD_CLAIM_S`` (see ``hold_claim_for_tests`` in
chalicelib/itineraries/repository.py) keeps a claim held long enough to kill
the process while it holds it; the restarted server runs without it. The
deadlines are shortened through their settings (YUEYOU_REQUEST_DEADLINE_S,
YUEYOU_BATCH_LEASE_S) so the test does not wait 30 or 60 s.
"""
from __future__ import annotations

import contextlib
import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Iterator, Optional

import pytest
import requests

from tests.support.server import ROOT, free_port

pytestmark = pytest.mark.integration

BODY = {"start_date": "2026-12-01", "days": 1, "lang": "en", "time_limit_s": 0.5}
DEADLINE_S = 6.0
LEASE_S = 3.0


class Server:
    def __init__(self, db: Path, log: Path, env: Optional[dict] = None) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        full_env = dict(os.environ)
        full_env.pop("YUEYOU_TEST_HOLD_CLAIM_S", None)
        full_env.update({"YUEYOU_SQLITE_PATH": str(db), "YUEYOU_ANONYMOUS_DAILY_PLANS": "100000",
                         "YUEYOU_ANONYMOUS_RATE_PER_MINUTE": "100000",
                         "YUEYOU_REQUEST_DEADLINE_S": str(DEADLINE_S), "YUEYOU_BATCH_LEASE_S": str(LEASE_S)})
        full_env.update(env or {})
        self._log = open(log, "a")
        chalice = Path(sys.executable).parent / "chalice"
        self.proc = subprocess.Popen(
            [str(chalice), "local", "--host", "127.0.0.1", "--port", str(self.port), "--stage", "dev",
             "--no-autoreload"], cwd=ROOT, env=full_env, stdout=self._log, stderr=subprocess.STDOUT,
            start_new_session=True)
        deadline = time.monotonic() + 60
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"chalice local exited with {self.proc.returncode} (log: {log})")
            try:
                if requests.get(self.base + "/v1/health", timeout=2).status_code == 200:
                    return
            except requests.ConnectionError:
                pass
            assert time.monotonic() < deadline, "chalice local did not start"
            time.sleep(0.1)

    def kill(self) -> None:
        """SIGKILL: no handler, no atexit, no finally runs."""
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=10)
        self._log.close()


@contextlib.contextmanager
def server(db: Path, log: Path, env: Optional[dict] = None) -> Iterator[Server]:
    s = Server(db, log, env)
    try:
        yield s
    finally:
        s.kill()


def rows(db: Path, collection: str) -> dict[str, dict]:
    with contextlib.closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=10)) as conn:
        return {k: json.loads(d) for k, d in conn.execute(
            "SELECT key, data FROM items WHERE collection=?", (collection,))}


def wait_for(condition, timeout_s: float, what: str):
    deadline = time.monotonic() + timeout_s
    while True:
        value = condition()
        if value:
            return value
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.1)


def test_idempotent_post_killed_mid_request_is_retried_after_the_deadline(tmp_path):
    db, log = tmp_path / "yueyou.db", tmp_path / "server.log"
    key = "crash-k1"
    with server(db, log, {"YUEYOU_TEST_HOLD_CLAIM_S": "60"}) as first:
        acked = requests.post(first.base + "/v1/itineraries", json=BODY, timeout=30)   # no key: no hold
        assert acked.status_code == 201, acked.text

        def doomed():
            with contextlib.suppress(requests.RequestException):
                requests.post(first.base + "/v1/itineraries", json=BODY, headers={"Idempotency-Key": key},
                              timeout=60)

        thread = threading.Thread(target=doomed, daemon=True)
        thread.start()
        claim = wait_for(lambda: next((c for slot, c in rows(db, "idempotency").items()
                                       if slot.endswith("#" + key)), None), 20, "the claim")
        first.kill()   # mid-request: the claim is held, the plan not yet made
    thread.join(timeout=10)
    assert claim["state"] == "pending"

    with server(db, log) as second:
        retry = requests.post(second.base + "/v1/itineraries", json=BODY, headers={"Idempotency-Key": key},
                              timeout=30)
        assert retry.status_code == 409 and retry.json()["error"]["code"] == "idempotency_in_progress"
        assert 1 <= int(retry.headers["Retry-After"]) <= 5   # when to come back
        time.sleep(max(0.0, claim["claimed_at"] + DEADLINE_S + 0.2 - time.time()))
        retry = requests.post(second.base + "/v1/itineraries", json=BODY, headers={"Idempotency-Key": key},
                              timeout=30)
        assert retry.status_code == 201, retry.text
        assert retry.json()["id"] == claim["itinerary_id"]
        replay = requests.post(second.base + "/v1/itineraries", json=BODY, headers={"Idempotency-Key": key},
                               timeout=30)
        assert replay.status_code == 200 and replay.headers["Idempotent-Replayed"] == "true"
        assert replay.json()["id"] == claim["itinerary_id"]
        # Nothing acknowledged before the kill was lost.
        again = requests.get(second.base + acked.headers["Location"], timeout=10)
        assert again.status_code == 200 and again.json()["days"] == acked.json()["days"]
        listed = {i["id"] for i in requests.get(second.base + "/v1/itineraries", timeout=10).json()["itineraries"]}
        assert listed == {acked.json()["id"], claim["itinerary_id"]}
    assert sorted(rows(db, "itinerary")) == sorted([acked.json()["id"], claim["itinerary_id"]])


def test_batch_killed_mid_run_finishes_every_item_exactly_once_after_restart(tmp_path):
    db, log = tmp_path / "yueyou.db", tmp_path / "server.log"
    total = 6
    body = {"name": "crash", "requests": [dict(BODY, start_date=f"2026-12-0{1 + i}") for i in range(total)]}
    with server(db, log, {"YUEYOU_TEST_HOLD_CLAIM_S": "1.5", "YUEYOU_BATCH_WORKERS": "2"}) as first:
        created = requests.post(first.base + "/v1/batches", json=body, timeout=30)
        assert created.status_code == 202, created.text
        location = created.headers["Location"]

        def partly_done():  # some items done, and one just taken: inside its 1.5 s hold
            items = rows(db, "batch-item").values()
            fresh = [i for i in items if i["status"] == "running"
                     and time.time() - (i["lease_until"] - LEASE_S) < 0.5]
            return any(i["status"] == "done" for i in items) and fresh

        wait_for(partly_done, 30, "a partly finished batch")
        first.kill()
    before = {item["index"]: item for item in rows(db, "batch-item").values()}
    done_before = {i: item["itinerary_id"] for i, item in before.items() if item["status"] == "done"}
    running_before = {i for i, item in before.items() if item["status"] == "running"}
    assert done_before and running_before and len(done_before) < total

    with server(db, log) as second:
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
        wait_for(lambda: rows(db, "batch-open") == {}, LEASE_S * 2, "the open-batch marker to go")
    assert sorted(rows(db, "itinerary")) == sorted(ids)
    after = {item["index"]: item for item in rows(db, "batch-item").values()}
    assert all(after[i]["attempts"] == 2 for i in running_before)   # re-driven once, not more
    assert all(after[i]["attempts"] == 1 for i in after if i not in running_before)
