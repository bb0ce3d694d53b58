"""The app in-process (``chalice.test.Client``) behind the small slice of the
``requests`` API the HTTP tests use, so a test reads the same whether it
talks to a live server (``base``) or to the app directly (``api``)."""

from __future__ import annotations

import json as jsonlib
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Optional
from urllib.parse import urlencode


class Response:
    def __init__(self, raw: Any) -> None:
        self.status_code: int = raw.status_code
        self.headers = {k.title(): v for k, v in raw.headers.items()}
        self.content: bytes = raw.body or b""

    @property
    def text(self) -> str:
        return self.content.decode("utf-8")

    def json(self) -> Any:
        return jsonlib.loads(self.content)


class InProcess:
    """``api.get("/v1/pois", params={...})`` → a Response, no sockets."""

    def __init__(self, client: Any) -> None:
        self.client = client

    def request(
        self,
        method: str,
        path: str,
        params: Optional[Mapping[str, Any]] = None,
        json: Any = None,
        headers: Optional[Mapping[str, str]] = None,
    ) -> Response:
        if params:
            path += ("&" if "?" in path else "?") + urlencode(params)
        head = {"host": "127.0.0.1", **(headers or {})}
        body = None
        if json is not None:
            body = jsonlib.dumps(json).encode("utf-8")
            head.setdefault("content-type", "application/json")
        return Response(getattr(self.client.http, method.lower())(path, headers=head, body=body))

    def get(self, path: str, **kw: Any) -> Response:
        return self.request("GET", path, **kw)

    def post(self, path: str, **kw: Any) -> Response:
        return self.request("POST", path, **kw)

    def delete(self, path: str, **kw: Any) -> Response:
        return self.request("DELETE", path, **kw)


@contextmanager
def in_process(db: Path) -> Iterator[InProcess]:
    """The app with the embedded store at ``db`` (as ``make run``), in this process."""
    from chalice.test import Client

    from app import app
    from chalicelib import services
    from chalicelib.config import Settings

    settings = Settings.from_env({"YUEYOU_SQLITE_PATH": str(db)})  # as `make run` on that file
    services.configure(lambda: services.Services(settings))
    try:
        with Client(app) as client:
            yield InProcess(client)
    finally:
        services.configure(services.Services.from_env)
