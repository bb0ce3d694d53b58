"""The tourist app at ``/``, its files at ``/app/{name}``, the service worker at
``/sw.js`` and the human-readable API reference at ``/docs``.

Static files from ``chalicelib/web`` (shipped in the Lambda package; the
front-end libraries are vendored from the npm registry, see
``web/vendor/package.json``: nothing is loaded from a CDN). Links inside the
pages are relative, so the app works under an API Gateway stage prefix
(``/prod/``) as well as at ``http://127.0.0.1:8000/``. The map's tile source
is configuration (``YUEYOU_TILE_URL`` …), injected into the page; the
Content-Security-Policy allows the service's own origin and that tile host
only.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

from chalice import Blueprint, Response

from .. import services
from ..errors import not_found
from .http import endpoint

bp = Blueprint(__name__)
api = endpoint(lambda: bp.current_request)

WEB = Path(__file__).resolve().parents[1] / "web"
# name -> (file under web/, content type); nothing else is served.
ASSETS = {
    "app.js": ("app.js", "text/javascript; charset=utf-8"),
    "geo.js": ("geo.js", "text/javascript; charset=utf-8"),
    "cockpit.js": ("cockpit.js", "text/javascript; charset=utf-8"),
    "cockpit.css": ("cockpit.css", "text/css; charset=utf-8"),
    "echarts.min.js": ("vendor/echarts.min.js", "text/javascript; charset=utf-8"),
    "app.css": ("app.css", "text/css; charset=utf-8"),
    "docs.js": ("docs.js", "text/javascript; charset=utf-8"),
    "leaflet.js": ("vendor/leaflet.js", "text/javascript; charset=utf-8"),
    "leaflet.css": ("vendor/leaflet.css", "text/css; charset=utf-8"),
    "redoc.standalone.js": ("vendor/redoc.standalone.js", "text/javascript; charset=utf-8"),
}
HTML = "text/html; charset=utf-8"


@lru_cache(maxsize=16)
def _read(name: str) -> str:
    return (WEB / name).read_text(encoding="utf-8")


def _tile_origin(url: str) -> str:
    parts = urlsplit(url.replace("{s}", "a"))
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


def _csp(tile_url: str) -> str:
    tiles = _tile_origin(tile_url)
    return "; ".join(
        (
            "default-src 'self'",
            "script-src 'self'",
            # Leaflet positions tiles and Redoc styles its components with inline styles.
            "style-src 'self' 'unsafe-inline'",
            f"img-src 'self' data: blob: {tiles}".strip(),
            "connect-src 'self'",
            "worker-src 'self' blob:",
            "frame-ancestors 'none'",
            "base-uri 'none'",
            "form-action 'self'",
        )
    )


def _page(name: str, content: str) -> Response:
    settings = services.get().settings
    return Response(
        body=content,
        status_code=200,
        headers={
            "Content-Type": HTML,
            "Cache-Control": "no-cache",
            "Content-Security-Policy": _csp(settings.tile_url),
            "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "no-referrer",
        },
    )


def _configured(name: str) -> Response:
    """A page with the deployment's config in its ``__CONFIG__`` slot: JSON in a
    <script type="application/json">, "<" escaped so no value can close the tag."""
    config = json.dumps(app_config(), ensure_ascii=False).replace("<", "\\u003c")
    return _page(name, _read(name).replace("__CONFIG__", config))


def app_config() -> dict[str, object]:
    """What the page needs to know about this deployment (no secrets), and the
    planner's default interests (the form's sliders start there)."""
    from ..planning.request import DEFAULT_INTERESTS

    s = services.get().settings
    return {
        "tile_url": s.tile_url,
        "tile_attribution": s.tile_attribution,
        "tile_crs": s.tile_crs,
        "interests": DEFAULT_INTERESTS,
    }


def slash_redirect(context_path: str) -> str | None:
    """The stage root asked without its slash (``/prod``) resolves the app's
    relative links against the host root: redirect to ``/prod/`` first."""
    if context_path and context_path != "/" and not context_path.endswith("/"):
        return context_path + "/"
    return None


@bp.route("/", methods=["GET"])
@api
def index() -> Response:
    context = bp.current_request.context or {}
    target = slash_redirect(str(context.get("path") or "/"))
    if target is not None:
        return Response(body="", status_code=301, headers={"Location": target, "Cache-Control": "no-cache"})
    return _configured("index.html")


@bp.route("/cockpit", methods=["GET"])
@api
def cockpit() -> Response:
    """The operators' dashboard (数字驾驶舱): the page is public, its data is
    read with an operator key the operator types in (``/v1/insights/*``)."""
    return _configured("cockpit.html")


@bp.route("/docs", methods=["GET"])
@api
def docs() -> Response:
    return _page("docs.html", _read("docs.html"))


@bp.route("/sw.js", methods=["GET"])
@api
def service_worker() -> Response:
    # Served from the app's root so that its scope covers the app and /v1 reads.
    return Response(
        body=_read("sw.js"),
        status_code=200,
        headers={"Content-Type": "text/javascript; charset=utf-8", "Cache-Control": "no-cache"},
    )


@bp.route("/app/{name}", methods=["GET"])
@api
def asset(name: str) -> Response:
    found = ASSETS.get(name)
    if found is None:
        raise not_found("asset", name, "name")
    path, content_type = found
    return Response(
        body=_read(path),
        status_code=200,
        headers={
            "Content-Type": content_type,
            "Cache-Control": "public, max-age=300",
            "X-Content-Type-Options": "nosniff",
        },
    )
