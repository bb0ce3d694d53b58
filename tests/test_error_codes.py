"""Every error code raised in chalicelib/ is in the one registry
(``chalicelib.errors.ERROR_CODES``) under the status it is raised with, and the
registry holds nothing unused; the OpenAPI document lists exactly the registry."""

from __future__ import annotations

import ast
from pathlib import Path

from chalicelib.api import openapi
from chalicelib.auth.errors import TooManyRequests, Unauthorized
from chalicelib.errors import ERROR_CODES, Conflict, InvalidInput, NotFound, Unprocessable, YueyouError
from chalicelib.feeds.config import FeedConfigError

ROOT = Path(__file__).resolve().parents[1] / "chalicelib"
CLASSES = {
    c.__name__: c
    for c in (
        YueyouError,
        InvalidInput,
        NotFound,
        Conflict,
        Unprocessable,
        Unauthorized,
        TooManyRequests,
        FeedConfigError,
    )
}
# Helpers that build an error with a fixed status: name -> (status, default code).
HELPERS = {"invalid": (400, "invalid_parameter"), "not_found": (404, "not_found")}


def _const(node):
    return node.value if isinstance(node, ast.Constant) else None


def raised_codes() -> set[tuple[int, str]]:
    """(status, code) of every error construction in the source with literal arguments."""
    found: set[tuple[int, str]] = set()
    for path in ROOT.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", None)
            keywords = {k.arg: k.value for k in node.keywords}
            if name in CLASSES and node.args and isinstance(_const(node.args[0]), str):
                status = _const(keywords["status"]) if "status" in keywords else CLASSES[name].status
                found.add((int(status), node.args[0].value))
            elif name in HELPERS:
                status, default = HELPERS[name]
                code = _const(keywords["code"]) if "code" in keywords else default
                if isinstance(code, str):
                    found.add((status, code))
    return found


def test_every_raised_code_is_registered_under_its_status():
    raised = raised_codes()
    assert len(raised) > 20  # the scan really read the source
    registered = {(status, code) for status, codes in ERROR_CODES.items() for code in codes}
    assert raised - registered == set()
    # Codes chosen through a variable (store.base.version_conflict) are listed here.
    indirect = {(412, "already_exists")}
    assert registered - raised - indirect == set()


def test_the_document_lists_the_registry():
    doc = openapi.document()
    for status, codes in ERROR_CODES.items():
        schema = doc["components"]["schemas"][f"Error{status}"]["allOf"][1]
        assert schema["properties"]["error"]["properties"]["code"]["enum"] == list(codes)
