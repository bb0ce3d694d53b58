"""Where batch items run: a thread pool on one machine, SQS on Lambda.

The runner only schedules ``process(batch_id, index)``; the service makes
each item idempotent, so SQS redeliveries or a double submit do no harm.
Items of a process that died are re-driven by SQS redelivery on Lambda and
by :meth:`ThreadRunner.start_recovery` locally (see :mod:`.service`).
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Optional, Protocol

log = logging.getLogger("yueyou.batches")

Process = Callable[[str, int], object]


class Runner(Protocol):
    def submit(self, batch_id: str, indexes: Sequence[int]) -> None: ...


class InlineRunner:
    """Runs items right away in the caller (tests, CLI)."""

    def __init__(self, process: Process) -> None:
        self.process = process

    def submit(self, batch_id: str, indexes: Sequence[int]) -> None:
        for index in indexes:
            self.process(batch_id, index)


class ThreadRunner:
    """Background threads in this process (chalice local, the embedded default)."""

    def __init__(self, process: Process, workers: int = 2) -> None:
        self.process = process
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="batch")
        self._lock = threading.Lock()
        self._pending: set[tuple[str, int]] = set()  # submitted here, not yet finished
        self._stop = threading.Event()
        self._sweeper: Optional[threading.Thread] = None

    def submit(self, batch_id: str, indexes: Sequence[int]) -> None:
        for index in indexes:
            with self._lock:
                if (batch_id, index) in self._pending:
                    continue  # already waiting in this pool (a recovery sweep found it queued)
                self._pending.add((batch_id, index))
            self._pool.submit(self._safe, batch_id, index)

    def start_recovery(self, recover: Callable[[], Any], every_s: float) -> None:
        """Call ``recover`` now (items a dead process left behind) and then
        every ``every_s`` seconds (items whose lease runs out later), on a
        daemon thread."""
        if self._sweeper is not None:
            return

        def sweep() -> None:
            while True:
                try:
                    recover()
                except Exception:  # a store hiccup: try again next round
                    log.exception("batch recovery sweep failed")
                if self._stop.wait(every_s):
                    return

        self._sweeper = threading.Thread(target=sweep, name="batch-recovery", daemon=True)
        self._sweeper.start()

    def stop_recovery(self) -> None:
        self._stop.set()

    def _safe(self, batch_id: str, index: int) -> None:
        from .service import ItemBusy

        try:
            self.process(batch_id, index)
        except ItemBusy as busy:  # another worker has it; a later sweep checks again
            log.info("%s", busy)
        except Exception:  # the item is marked failed by the service; never kill the pool
            log.exception("batch %s item %s crashed", batch_id, index)
        finally:
            with self._lock:
                self._pending.discard((batch_id, index))


class SqsRunner:
    """One SQS message per item; app.py's SQS handler calls the service."""

    def __init__(self, client: Any, queue_url: str) -> None:
        self.client = client
        self.queue_url = queue_url

    def submit(self, batch_id: str, indexes: Sequence[int]) -> None:
        entries = [{"Id": str(i), "MessageBody": json.dumps({"batch_id": batch_id, "index": i})} for i in indexes]
        for start in range(0, len(entries), 10):  # SQS takes 10 per call
            self.client.send_message_batch(QueueUrl=self.queue_url, Entries=entries[start : start + 10])


def parse_message(body: str) -> tuple[str, int]:
    data = json.loads(body)
    return str(data["batch_id"]), int(data["index"])
