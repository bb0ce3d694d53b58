"""A real HTTP server on 127.0.0.1 serving schedule feeds, and feed fixtures.

Routes are set per test (``feed_server.serve(path, ...)``) so one server
can play the good, changed, malformed, huge, slow and failing publisher.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Optional

import pytest

from chalicelib.config import Settings
from chalicelib.feeds import FeedSource, Fetcher, FetchPolicy, Ingestor
from chalicelib.services import Services
from chalicelib.store.sqlite import SqliteStore

VENUE = "shaoxing-baseball-softball-centre"


@dataclass
class Route:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay_s: float = 0.0  # before the status line
    trickle_s: Optional[float] = None  # seconds between single body bytes
    stream_bytes: int = 0  # body of this many bytes, no Content-Length


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args: Any) -> None:  # keep pytest output clean
        pass

    def do_GET(self) -> None:
        server: FeedHTTPServer = self.server  # type: ignore[assignment]
        server.hits.append(self.path)
        route = server.routes.get(self.path)
        if route is None:
            route = Route(404, b"not found")
        try:
            if route.delay_s:
                time.sleep(route.delay_s)
            self.send_response(route.status)
            for name, value in route.headers.items():
                self.send_header(name, value)
            if route.stream_bytes or route.trickle_s:
                self.send_header("Connection", "close")
                self.end_headers()
                if route.trickle_s:
                    for byte in route.body or b"x" * 100:
                        self.wfile.write(bytes([byte]))
                        self.wfile.flush()
                        time.sleep(route.trickle_s)
                else:
                    chunk = b"[" * 65536
                    for _ in range(route.stream_bytes // len(chunk) + 1):
                        self.wfile.write(chunk)
                self.close_connection = True
                return
            self.send_header("Content-Length", str(len(route.body)))
            self.end_headers()
            self.wfile.write(route.body)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True


class FeedHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.routes: dict[str, Route] = {}
        self.hits: list[str] = []

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Clients that hang up early (size/time limits) are expected here."""
        import sys

        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def serve(self, path: str, body: bytes | str | dict = b"", **kwargs: Any) -> str:
        if isinstance(body, dict):
            body = json.dumps(body, ensure_ascii=False)
        if isinstance(body, str):
            body = body.encode("utf-8")
        self.routes[path] = Route(body=body, **kwargs)
        return self.base + path


@pytest.fixture(scope="session")
def feed_server():
    server = FeedHTTPServer()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def server(feed_server):
    feed_server.routes.clear()
    feed_server.hits.clear()
    return feed_server


@pytest.fixture
def store(tmp_path):
    return SqliteStore(tmp_path / "yueyou.db")


@pytest.fixture
def services(catalog, store):
    return Services(Settings(), catalog=catalog, store=store)


@pytest.fixture
def policy():
    """Test policy: loopback http allowed, small limits so failures are quick."""
    return FetchPolicy(
        allowed_hosts=("127.0.0.1",), allow_loopback_http=True, max_bytes=64 * 1024, timeout_s=0.5, max_redirects=3
    )


@pytest.fixture
def make_ingestor(store, catalog, policy):
    def make(policy_override: Optional[FetchPolicy] = None) -> Ingestor:
        return Ingestor(store, catalog, Fetcher(policy_override or policy))

    return make


def source(url: str, fmt: str = "json", feed_id: str = "bb", sport: Optional[str] = "baseball") -> FeedSource:
    return FeedSource(id=feed_id, url=url, format=fmt, venue_id=VENUE, sport=sport)


def session(uid: str, start: str, end: str, **extra: Any) -> dict[str, Any]:
    return dict(
        {"id": uid, "title": {"zh": f"棒球 {uid}", "en": f"Baseball {uid}"}, "start": start, "end": end}, **extra
    )


def good_feed() -> dict[str, Any]:
    return {
        "feed": "bb",
        "venue_id": VENUE,
        "sessions": [
            session("s1", "2026-10-01T12:00:00+08:00", "2026-10-01T15:00:00+08:00", ticket_cny=80),
            session("s2", "2026-10-01T18:30:00+08:00", "2026-10-01T21:30:00+08:00"),
            session("s3", "2026-10-02T04:00:00Z", "2026-10-02T07:00:00Z", sport="softball"),
        ],
    }


def changed_feed() -> dict[str, Any]:
    """s1 moved by two hours, s2 dropped, s3 retitled, s4 new."""
    return {
        "feed": "bb",
        "venue_id": VENUE,
        "sessions": [
            session("s1", "2026-10-01T14:00:00+08:00", "2026-10-01T17:00:00+08:00", ticket_cny=80),
            dict(
                session("s3", "2026-10-02T12:00:00+08:00", "2026-10-02T15:00:00+08:00", sport="softball"),
                title={"zh": "垒球 决赛", "en": "Softball final"},
            ),
            session("s4", "2026-10-03T12:00:00+08:00", "2026-10-03T15:00:00+08:00"),
        ],
    }
