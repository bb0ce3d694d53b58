"""Run moto's server mode (a fake AWS over real HTTP) on a free 127.0.0.1 port.

The server is a separate process, so requests really go through botocore's
HTTP stack, serialization and error parsing, as they would against
DynamoDB. Clients get dummy credentials explicitly: nothing here reads or
could use the machine's own AWS credentials.

It is ``python -m moto.server`` with one change (see :func:`_serve`): moto
handles each request on its own thread *without any locking*, so two
concurrent conditional writes can both pass their condition and one update
is lost -- which real DynamoDB never allows (every single-item write is
atomic). Handling one request at a time restores that guarantee, so the
store's racing-writer tests test the store and not moto.

Needs ``moto[server]`` (requirements-dev.txt).
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from .server import free_port, stop

ROOT = Path(__file__).resolve().parents[2]

REGION = "ap-southeast-1"
DUMMY_CREDENTIALS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing", "aws_session_token": "testing"}


@contextlib.contextmanager
def moto_server(timeout_s: float = 30.0) -> Iterator[str]:
    """Yield the endpoint URL (``http://127.0.0.1:PORT``) of a running moto server."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(
        AWS_ACCESS_KEY_ID="testing",
        AWS_SECRET_ACCESS_KEY="testing",
        AWS_SESSION_TOKEN="testing",
        AWS_DEFAULT_REGION=REGION,
    )
    log_path = ROOT / ".data" / f"moto-{port}.log"
    log = open(log_path, "w") if log_path.parent.is_dir() else subprocess.DEVNULL
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.support.moto_server", str(port)],
        cwd=ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    endpoint = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout_s
        while True:
            if proc.poll() is not None:
                raise RuntimeError(
                    f"moto server exited with {proc.returncode}"
                    + (f" (log: {log_path})" if log is not subprocess.DEVNULL else "")
                )
            try:
                with urllib.request.urlopen(endpoint + "/moto-api/", timeout=2):
                    break
            except (urllib.error.URLError, ConnectionError, OSError):
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("moto server did not start in time")
            time.sleep(0.1)
        yield endpoint
    finally:
        stop(proc, log)


def dynamodb_client(endpoint: str) -> Any:
    """A boto3 DynamoDB client for the moto server, with dummy credentials."""
    import boto3
    from botocore.config import Config

    return boto3.session.Session(region_name=REGION, **DUMMY_CREDENTIALS).client(
        "dynamodb",
        endpoint_url=endpoint,
        config=Config(retries={"mode": "standard", "max_attempts": 3}, max_pool_connections=20),
    )


def _serve(port: int) -> None:
    """``moto.server.main`` on 127.0.0.1, each request handled under one lock."""
    import threading

    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
    from werkzeug.serving import run_simple

    os.environ.setdefault("MOTO_PORT", str(port))
    app = DomainDispatcherApplication(create_backend_app)
    lock = threading.Lock()

    def serialized(environ: Any, start_response: Any) -> Any:
        with lock:
            result = app(environ, start_response)
            try:
                return [b"".join(result)]  # the whole body, still under the lock
            finally:
                close = getattr(result, "close", None)
                if close is not None:
                    close()

    run_simple("127.0.0.1", port, serialized, threaded=True, request_handler=MotoRequestHandler)


if __name__ == "__main__":
    _serve(int(sys.argv[1]))
