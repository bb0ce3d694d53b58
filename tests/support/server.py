"""Start the real service on a free 127.0.0.1 port: what ``make run`` serves
(``chalicelib.local_server``), or ``chalice local`` where a test compares the two."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Optional

import requests

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def stop(proc: subprocess.Popen, log) -> None:
    """End a test server and close its log (whatever ``log`` was passed to Popen)."""
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    if log is not subprocess.DEVNULL:
        log.close()


@contextlib.contextmanager
def serve(
    env: Optional[Mapping[str, str]] = None,
    timeout_s: float = 60.0,
    stage: str = "dev",
    legacy: bool = False,
    new_session: bool = False,
) -> Iterator[tuple[str, subprocess.Popen]]:
    """(base URL, process) of a running server; ``legacy``: ``chalice local``;
    ``new_session``: in a process group of its own, for tests that SIGKILL it
    with everything it started (``os.killpg``)."""
    port = free_port()
    full_env = dict(os.environ)
    # Tests call from 127.0.0.1 a lot; tests of the limits set their own.
    full_env.update({"YUEYOU_ANONYMOUS_DAILY_PLANS": "100000", "YUEYOU_ANONYMOUS_RATE_PER_MINUTE": "100000"})
    full_env.update(env or {})
    name = "chalice-local" if legacy else "local-server"
    log = open(ROOT / ".data" / f"{name}-{port}.log", "w") if (ROOT / ".data").is_dir() else subprocess.DEVNULL
    if legacy:
        command = [str(Path(sys.executable).parent / "chalice"), "local", "--no-autoreload"]
    else:
        command = [sys.executable, "-m", "chalicelib.local_server", "--quiet"]
    proc = subprocess.Popen(
        command + ["--host", "127.0.0.1", "--port", str(port), "--stage", stage],
        cwd=ROOT,
        env=full_env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=new_session,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout_s
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"{name} exited with {proc.returncode}")
            try:
                if requests.get(base + "/v1/health", timeout=2).status_code == 200:
                    break
            except requests.ConnectionError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"{name} did not start in time")
            time.sleep(0.2)
        yield base, proc
    finally:
        stop(proc, log)


@contextlib.contextmanager
def local_server(env: Optional[Mapping[str, str]] = None, timeout_s: float = 60.0, stage: str = "dev") -> Iterator[str]:
    """The base URL of the service as ``make run`` serves it."""
    with serve(env, timeout_s, stage) as (base, _):
        yield base
