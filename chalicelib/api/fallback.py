"""Our JSON error shape for what the framework would answer itself.

Chalice (and API Gateway behind it) answers an unknown path with 403
"Missing Authentication Token", a method the path lacks with its own 405
(or that 403), and a body whose Content-Type a route does not list with
415 ``{"Code", "Message"}``. Clients of this API expect one shape,
``{"error": {"code", "message", "field"}}``. :func:`install` runs after
every blueprint is registered:

* a greedy ``/{proxy+}`` route turns any unknown path into a JSON 404;
* every path gets the methods it lacks as JSON 405 views (with ``Allow``);
* every route accepts any common body type, so ``json_body`` can say
  "415, send application/json" itself (``body.json_body``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from chalice import Chalice

from ..errors import YueyouError
from ..i18n import Text
from .http import error_response, request_lang

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD")
# Types a client may send by mistake; JSON views refuse them with a JSON 415.
BODY_TYPES = [
    "application/json",
    "text/plain",
    "application/x-www-form-urlencoded",
    "multipart/form-data",
    "application/octet-stream",
    "application/xml",
    "text/xml",
    "text/html",
    "text/csv",
]


def _not_found(app: Chalice) -> Callable[..., Any]:
    def unknown_path(**_: Any):
        request = app.current_request
        path = (request.context or {}).get("path") or "/" if request else "/"
        error = YueyouError(
            "not_found", Text(f"没有这个接口：{path}", f"no such endpoint: {path}"), field="path", status=404
        )
        return error_response(error, request_lang(request))

    return unknown_path


def _not_allowed(app: Chalice, path: str, allowed: list[str]) -> Callable[..., Any]:
    allow = ", ".join(sorted(allowed))

    def method_not_allowed(**_: Any):
        request = app.current_request
        method = request.method if request else "?"
        error = YueyouError(
            "method_not_allowed",
            Text(f"{path} 不支持 {method}；可用：{allow}", f"{path} does not allow {method}; use {allow}"),
            field="method",
            status=405,
        )
        response = error_response(error, request_lang(request))
        response.headers["Allow"] = allow
        return response

    return method_not_allowed


def is_fallback(view: Callable[..., Any]) -> bool:
    """Views added here answer errors only; the OpenAPI document lists the real ones."""
    return bool(getattr(view, "fallback", False))


def install(app: Chalice) -> None:
    for path, entries in list(app.routes.items()):
        for entry in entries.values():
            entry.content_types = list(dict.fromkeys(list(entry.content_types) + BODY_TYPES))
        missing = [m for m in METHODS if m not in entries and not (m == "HEAD" and "GET" in entries)]
        if missing:
            view = _not_allowed(app, path, list(entries))
            view.__name__ = "method_not_allowed_" + "".join(c if c.isalnum() else "_" for c in path)
            view.fallback = True  # type: ignore[attr-defined]
            app.route(path, methods=missing, content_types=BODY_TYPES)(view)
    catch_all = _not_found(app)
    catch_all.fallback = True  # type: ignore[attr-defined]
    app.route("/{proxy+}", methods=list(METHODS), content_types=BODY_TYPES)(catch_all)
