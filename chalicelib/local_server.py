"""The embedded default's HTTP server: chalice's local API Gateway, built to hold load.

``make run`` starts this instead of ``chalice local``. The app, its routing,
its events and its responses are chalice's own (``chalice.local.LocalGateway``
with the stage's config and environment, as ``chalice local --stage``
builds them); only the HTTP layer differs:

* a listen backlog of 1024 (``chalice local``: 5, so bursts of new
  connections were reset),
* a thread per connection (daemon threads) sharing one gateway,
* HTTP/1.1 keep-alive: every response carries Content-Length and goes out in
  one write on a TCP_NODELAY socket (``chalice local`` wrote headers and body
  separately, and Nagle + delayed ACK held each keep-alive response ~40 ms),
  chunked request bodies are read, and a connection whose request could not
  be read to its end is closed rather than misread,
* plan solves on a process pool with one worker per core
  (``chalicelib.solving``); Lambda keeps solving in its own process,
* what the HTTP layer or the gateway answers itself (an unknown path: API
  Gateway's 403 "Missing Authentication Token"; a request line over 64 KiB:
  414; a malformed request) is in the service's JSON error shape, as on AWS,
  where ``api.fallback``'s ``/{proxy+}`` route answers unknown paths.

    python -m chalicelib.local_server --host 127.0.0.1 --port 8000 --stage dev
"""

from __future__ import annotations

import argparse
import base64
import functools
import json
import logging
import os
import signal
import sys
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from socketserver import ThreadingMixIn
from typing import Any, Optional

from chalice.local import CustomLocalChalice, LocalChalice, LocalGateway, LocalGatewayException

from .errors import YueyouError
from .i18n import Text

log = logging.getLogger("yueyou.local_server")
ROOT = Path(__file__).resolve().parents[1]
REQUEST_QUEUE_SIZE = 1024
# Keep-alive connections idle this long are closed (a thread each otherwise).
IDLE_TIMEOUT_S = 120.0
MAX_CHUNKED_BODY = 64 * 1024 * 1024


class GatewayRequestHandler(BaseHTTPRequestHandler):
    """HTTP/1.1 to and from one shared :class:`LocalGateway`."""

    protocol_version = "HTTP/1.1"
    server_version = "Yueyou-local"
    timeout = IDLE_TIMEOUT_S
    disable_nagle_algorithm = True  # StreamRequestHandler sets TCP_NODELAY
    quiet = False

    def __init__(self, request: Any, client_address: Any, server: HTTPServer, gateway: LocalGateway) -> None:
        self.gateway = gateway
        super().__init__(request, client_address, server)

    def _read_body(self) -> Optional[bytes]:
        if "chunked" in self.headers.get("transfer-encoding", "").lower():
            return self._read_chunked()
        length = self.headers.get("content-length")
        if not length:
            return None
        try:
            size = int(length)
        except ValueError:
            self.close_connection = True
            raise _BadRequest("bad Content-Length") from None
        if size < 0:
            self.close_connection = True
            raise _BadRequest("bad Content-Length")
        body = self.rfile.read(size) if size else b""
        if len(body) != size:
            self.close_connection = True
            raise _BadRequest("body shorter than Content-Length")
        return body or None

    def _read_chunked(self) -> bytes:
        parts: list[bytes] = []
        total = 0
        while True:
            line = self.rfile.readline(65537)
            try:
                size = int(line.split(b";")[0].strip(), 16)
            except ValueError:
                self.close_connection = True
                raise _BadRequest("bad chunk size") from None
            if size == 0:
                while self.rfile.readline(65537) not in (b"\r\n", b"\n", b""):
                    pass  # trailers
                return b"".join(parts)
            total += size
            if total > MAX_CHUNKED_BODY:
                self.close_connection = True
                raise _BadRequest("body too large")
            parts.append(self.rfile.read(size))
            self.rfile.readline(3)

    def _handle(self) -> None:
        try:
            body = self._read_body()
        except _BadRequest as error:
            self._error(
                400, "bad_request", Text(f"无法读取请求：{error}", f"the request cannot be read: {error}"), "body"
            )
            return
        headers = dict(self.headers)
        try:
            response = self.gateway.handle_request(method=self.command, path=self.path, headers=headers, body=body)
        except LocalGatewayException as error:
            if error.CODE == 403 and b"Missing Authentication Token" in (error.body or b""):
                # No route matched: chalice local cannot match /{proxy+}.
                path = self.path.split("?")[0]
                self._error(404, "not_found", Text(f"没有这个接口：{path}", f"no such endpoint: {path}"), "path")
            else:
                self._respond(error.CODE, dict(error.headers), error.body)
            return
        except Exception:  # API Gateway's answer to a failed integration, not a dropped socket
            log.exception("request failed: %s %s", self.command, self.path)
            self.close_connection = True
            self._error(502, "internal", Text("服务器内部错误", "Internal server error"), None)
            return
        out_headers: dict[str, Any] = dict(response["headers"])
        out_headers.update(response.get("multiValueHeaders") or {})
        payload = response.get("body")
        if payload is not None and response.get("isBase64Encoded"):
            payload = base64.b64decode(payload)
        self._respond(response["statusCode"], out_headers, payload)

    do_GET = do_PUT = do_POST = do_HEAD = do_DELETE = do_PATCH = do_OPTIONS = _handle

    def _error(self, status: int, code: str, message: Text, field: Optional[str]) -> None:
        """The service's error shape, in the language the caller asked for."""
        accept = (self.headers.get("accept-language", "") if self.headers else "").lower()
        lang = "en" if accept.startswith("en") else "zh"
        body = YueyouError(code, message, field=field, status=status).to_json(lang)
        self._respond(
            status, {"Content-Type": "application/json; charset=utf-8"}, json.dumps(body, ensure_ascii=False).encode()
        )

    def send_error(self, code: int, message: Optional[str] = None, explain: Optional[str] = None) -> None:
        """What ``BaseHTTPRequestHandler`` refuses itself (414 URI too long, a
        malformed request line, an unsupported method) as JSON, not HTML."""
        self.close_connection = True
        if not hasattr(self, "headers"):
            self.headers = None  # type: ignore[assignment]  # the request line failed: no headers read
        if not hasattr(self, "command") or not self.command:
            self.command = "GET"
        if not hasattr(self, "request_version"):
            self.request_version = "HTTP/1.1"
        field = "url" if code == 414 else None
        text = message or "bad request"
        self._error(
            code,
            {414: "uri_too_long", 501: "not_implemented"}.get(code, "bad_request"),
            Text(f"无法处理的请求：{text}", f"the request cannot be handled: {text}"),
            field,
        )

    def _respond(self, status: int, headers: dict[str, Any], body: Optional[Any]) -> None:
        """Status line, headers and body in one write, Content-Length always set."""
        if body is None:
            data = b""
        elif isinstance(body, bytes):
            data = body
        else:
            data = str(body).encode("utf-8")
        # Like chalice local: a body without a type is JSON.
        if body is not None and not any(k.lower() == "content-type" for k in headers):
            headers["Content-Type"] = "application/json"
        self.log_request(status)
        try:
            reason = HTTPStatus(status).phrase
        except ValueError:
            reason = ""
        lines = [
            f"{self.protocol_version} {status} {reason}",
            f"Server: {self.version_string()}",
            f"Date: {self.date_time_string()}",
        ]
        for name, value in headers.items():
            if name.lower() in ("content-length", "transfer-encoding", "connection", "server", "date"):
                continue
            lines += [f"{name}: {item}" for item in (value if isinstance(value, list) else [value])]
        lines.append(f"Content-Length: {len(data)}")
        if self.close_connection:
            lines.append("Connection: close")
        elif (
            self.request_version == "HTTP/1.0"
            and self.headers is not None
            and self.headers.get("connection", "").lower() == "keep-alive"
        ):
            lines.append("Connection: keep-alive")
        head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1", "replace")
        # One write: never headers and body in two segments (Nagle + delayed ACK).
        self.wfile.write(head + (data if self.command != "HEAD" else b""))

    def log_message(self, format: str, *args: Any) -> None:
        if not self.quiet:
            super().log_message(format, *args)


class _BadRequest(Exception):
    pass


class LoadServer(ThreadingMixIn, HTTPServer):
    """A thread per connection; a deep accept queue; quick to stop."""

    request_queue_size = REQUEST_QUEUE_SIZE
    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True


def create_server(
    host: str, port: int, stage: str = "dev", project_dir: Optional[str] = None, quiet: bool = False
) -> LoadServer:
    """The app of ``project_dir`` with the stage's config, as ``chalice local`` loads it."""
    from chalice.cli import factory as cli_factory
    from chalice.deploy.validate import validate_routes

    os.environ["AWS_CHALICE_CLI_MODE"] = "true"  # what the chalice CLI sets
    factory = cli_factory.CLIFactory(project_dir or str(ROOT), environ=os.environ)
    config = factory.create_config_obj(chalice_stage_name=stage)
    app_obj = config.chalice_app
    validate_routes(app_obj.routes)
    # As chalice.local.create_local_server: current_request becomes thread-local.
    CustomLocalChalice.__bases__ = (LocalChalice, app_obj.__class__)
    app_obj.__class__ = CustomLocalChalice
    handler = type("Handler", (GatewayRequestHandler,), {"quiet": quiet})
    return LoadServer((host, port), functools.partial(handler, gateway=LocalGateway(app_obj, config)))


def install_solver_pool(workers: Optional[int] = None):
    """Plan solves on a process pool for this process's services."""
    from . import services
    from .solving import ProcessPoolSolver

    pool = ProcessPoolSolver(workers)
    services.configure(lambda: services.Services.from_env(solver=pool))
    return pool


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m chalicelib.local_server", description=__doc__.split("\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--stage", default="dev")
    parser.add_argument(
        "--workers",
        type=int,
        default=None,
        help="plan-solving processes (default: one per core; 0 = solve in the request thread)",
    )
    parser.add_argument("--quiet", action="store_true", help="no access log")
    args = parser.parse_args(argv)
    logging.basicConfig(stream=sys.stdout, level=logging.INFO, format="%(message)s")

    server = create_server(args.host, args.port, args.stage, quiet=args.quiet)
    pool = install_solver_pool(args.workers) if args.workers != 0 else None

    def stop(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    try:
        if pool is not None:
            pool.warm()
            print(f"Solving plans on {pool.workers} processes", flush=True)
        print(f"Serving on http://{args.host}:{server.server_address[1]}", flush=True)
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        if pool is not None:
            pool.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
