"""Where plan solves run: in this process (Lambda, tests) or on a process pool.

The HTTP layer never calls the engine directly; it hands the engine function
and its arguments to ``Services.solve``, which defaults to :func:`in_process`.
Only the local server (``chalicelib.local_server``) installs a
:class:`ProcessPoolSolver`, so solving spreads over all cores there (OR-Tools
holds the GIL for most of a solve, so threads alone use one core). Inputs and
results cross the process boundary by pickling; the engine is deterministic
in its inputs, so a pooled solve returns the plan an in-process one would.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from typing import Any, Optional


def in_process(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """The default: call the engine here (Lambda keeps exactly this)."""
    return fn(*args, **kwargs)


def _run(fn: Callable[..., Any], args: tuple, kwargs: dict) -> tuple:
    """In a worker: the result, or the exception as (class, args, attributes).

    Domain errors (``YueyouError``) take keyword-rich constructors that plain
    exception pickling cannot rebuild, so they travel as their parts."""
    try:
        return ("ok", fn(*args, **kwargs))
    except Exception as error:  # re-raised in the parent by _unwrap
        return ("error", type(error), error.args, dict(vars(error)), repr(error))


def _unwrap(outcome: tuple) -> Any:
    if outcome[0] == "ok":
        return outcome[1]
    _, cls, args, attributes, text = outcome
    try:
        error = cls.__new__(cls)
        Exception.__init__(error, *args)
        error.__dict__.update(attributes)
    except Exception:  # pragma: no cover - an exotic exception type
        raise RuntimeError(f"plan solve failed in a worker: {text}") from None
    raise error


def _ignore_interrupts() -> None:
    """Worker initializer: Ctrl-C in a terminal reaches the whole process
    group; the server stops its workers itself (``shutdown``)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _warm() -> int:
    """First task of each worker: import the engine (OR-Tools) before traffic."""
    from .planning import engine, replan  # noqa: F401

    return os.getpid()


class ProcessPoolSolver:
    """Solves on ``workers`` processes (default: every core).

    Workers are started with ``spawn`` (never ``fork``: the server forking
    while its threads hold locks could deadlock a child)."""

    def __init__(self, workers: Optional[int] = None) -> None:
        self.workers = max(1, workers or os.cpu_count() or 1)
        self._executor = ProcessPoolExecutor(
            max_workers=self.workers, mp_context=multiprocessing.get_context("spawn"), initializer=_ignore_interrupts
        )
        self._lock = threading.Lock()
        self.solves = 0

    def __call__(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        with self._lock:
            self.solves += 1
        return _unwrap(self._executor.submit(_run, fn, args, kwargs).result())

    def warm(self) -> set[int]:
        """Start every worker and import the engine there; returns their pids."""
        futures = [self._executor.submit(_warm) for _ in range(self.workers * 2)]
        return {f.result() for f in futures}

    def shutdown(self) -> None:
        """Stop now: queued solves are cancelled and running workers terminated."""
        self._executor.shutdown(wait=False, cancel_futures=True)
        for child in multiprocessing.active_children():
            child.terminate()
        for child in multiprocessing.active_children():
            child.join(timeout=2)
