"""Fixtures for the API contract tests: the OpenAPI document, a live server
(`chalice local` on the real app.py) and a validator for real responses."""

from __future__ import annotations

import re
from typing import Any, Optional

import pytest
import requests
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from chalicelib.api import openapi
from tests.support.server import local_server

DOC_URI = "urn:yueyou:openapi"
# The stage caps every solve; plans stay valid (the checker proves them), just less tuned.
SOLVE_CAP_S = "0.3"


def registered_routes() -> set[tuple[str, str]]:
    """(path, METHOD) of every route app.py registers."""
    from app import app
    from chalicelib.api.fallback import is_fallback

    return {
        (path, method.upper())
        for path, entry in app.routes.items()
        for method, route in entry.items()
        if not is_fallback(route.view_function)
    }


@pytest.fixture(scope="session")
def spec() -> dict[str, Any]:
    return openapi.document()


@pytest.fixture(scope="session")
def routes() -> set[tuple[str, str]]:
    return registered_routes()


@pytest.fixture(scope="session")
def live_env(tmp_path_factory) -> dict[str, str]:
    db = tmp_path_factory.mktemp("contract") / "yueyou.db"
    return {"YUEYOU_SQLITE_PATH": str(db), "YUEYOU_SOLVE_TIME_LIMIT_CAP_S": SOLVE_CAP_S, "YUEYOU_BATCH_WORKERS": "2"}


@pytest.fixture(scope="session")
def live(live_env) -> str:
    """Base URL of the real service on a free port (shared by the contract tests)."""
    with local_server(live_env) as base:
        yield base


class ContractError(AssertionError):
    pass


class ResponseValidator:
    """Checks a real response against the document: the status is documented
    for the operation, the media type is one it declares, the JSON body fits
    the schema (Draft 2020-12, components resolved through a registry) and
    required response headers are present."""

    def __init__(self, spec: dict[str, Any]) -> None:
        self.spec = spec
        self.registry = Registry().with_resource(
            DOC_URI, Resource.from_contents(spec, default_specification=DRAFT202012)
        )

    def _deref(self, node: dict[str, Any]) -> tuple[dict[str, Any], str]:
        """Follow an OpenAPI-level $ref; returns (node, its JSON pointer)."""
        pointer = ""
        while "$ref" in node:
            pointer = node["$ref"]
            node = self.spec
            for part in pointer.lstrip("#/").split("/"):
                node = node[part.replace("~1", "/").replace("~0", "~")]
        return node, pointer

    def operation(self, path: str, method: str) -> dict[str, Any]:
        try:
            return self.spec["paths"][path][method.lower()]
        except KeyError:
            raise ContractError(f"{method.upper()} {path} is not in the document") from None

    def __call__(self, path: str, method: str, response: requests.Response) -> Optional[Any]:
        op = self.operation(path, method)
        status = str(response.status_code)
        label = f"{method.upper()} {path} -> {status}"
        if status not in op["responses"]:
            raise ContractError(
                f"{label}: status not documented (documented: {sorted(op['responses'])}); body: {response.text[:300]}"
            )
        resp, resp_pointer = self._deref(op["responses"][status])
        if not resp_pointer:
            resp_pointer = "#/paths/" + _escape(path) + f"/{method.lower()}/responses/{status}"
        for name, header in (resp.get("headers") or {}).items():
            header, _ = self._deref(header)
            if header.get("required") and name not in response.headers:
                raise ContractError(f"{label}: required header {name} missing ({dict(response.headers)})")
        content = resp.get("content") or {}
        if not content:
            if response.content:
                raise ContractError(f"{label}: documented without a body, got {response.text[:200]!r}")
            return None
        media = (response.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if media not in content:
            raise ContractError(f"{label}: Content-Type {media!r} not documented ({sorted(content)})")
        if not (media == "application/json" or media.endswith("+json")):
            return response.content
        body = response.json()
        pointer = f"{resp_pointer}/content/{_escape(media)}/schema"
        validator = Draft202012Validator(
            {"$ref": f"{DOC_URI}{pointer}"}, registry=self.registry, format_checker=Draft202012Validator.FORMAT_CHECKER
        )
        errors = sorted(validator.iter_errors(body), key=lambda e: list(e.absolute_path))
        if errors:
            details = "\n".join(f"  at /{'/'.join(map(str, e.absolute_path))}: {e.message[:300]}" for e in errors[:10])
            raise ContractError(f"{label}: body does not match {pointer}:\n{details}")
        return body


def _escape(segment: str) -> str:
    return segment.replace("~", "~0").replace("/", "~1")


@pytest.fixture(scope="session")
def check(spec) -> ResponseValidator:
    return ResponseValidator(spec)


def template_for(spec: dict[str, Any], url_path: str) -> str:
    """The documented path template matching a concrete path."""
    for template in spec["paths"]:
        pattern = "^" + re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template)) + "$"
        if re.match(pattern, url_path):
            return template
    raise ContractError(f"{url_path} matches no documented path")
