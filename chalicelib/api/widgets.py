"""Widgets for partner pages: /v1/widgets/itinerary/{id}, /v1/widgets/route/{id},
/v1/widgets/embed.js and /v1/oembed.

Widgets are self-contained HTML pages for an ``<iframe>`` (inline SVG map,
timeline, language switch, the partner's colours from ``primary``/``bg``/``fg``).
Each response carries a Content-Security-Policy with a per-response script
nonce; ``frame-ancestors`` and the CORS origins come from the
:class:`EmbedPolicy` of the agency key passed as ``key`` (the public key id,
never the secret): :func:`configure_embed_policy` installs the resolver, the
default allows every origin.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Optional
from urllib.parse import parse_qs, quote, urlencode, urlsplit

from chalice import Blueprint, Response
from chalice.app import Request

from .. import services
from ..errors import YueyouError, invalid, not_found
from ..i18n import Text
from ..render import widget as render
from ..render.catalog import route_length_km
from ..render.view import plan_view
from .access import readable_itinerary
from .http import Params, ResponseHeaders, endpoint, json_response, request_header
from .urls import public_base_url

bp = Blueprint(__name__)
api = endpoint(lambda: bp.current_request)

HTML_TYPE = "text/html; charset=utf-8"
JS_TYPE = "application/javascript; charset=utf-8"
WIDGET_PARAMS = ("primary", "bg", "fg", "key")
DEFAULT_WIDTH, MAX_WIDTH = 480, 2000


@dataclass(frozen=True)
class EmbedPolicy:
    """Where an agency's widgets may be framed (CSP ``frame-ancestors``) and
    which origins may read the oEmbed JSON (CORS). ``*`` means anywhere."""

    frame_ancestors: tuple[str, ...] = ("*",)
    cors_origins: tuple[str, ...] = ("*",)


EmbedResolver = Callable[[Optional[str]], EmbedPolicy]


def key_policy(key: Optional[str]) -> EmbedPolicy:
    """The agency key's allowed origins (``keys create --origin``); no key: anywhere.

    ``key`` is the public key id (``yy_<id>``), never the secret.
    """
    if not key:
        return EmbedPolicy()
    from ..auth.keys import KeyStore, key_id_of

    key_id = key_id_of(key)
    record = KeyStore(services.get().store).get(key_id) if key_id else None
    if record is None or record.revoked:
        raise not_found("api key", key, field="key")
    origins = tuple(record.origins) or ("*",)
    return EmbedPolicy(frame_ancestors=origins, cors_origins=origins)


_resolver: EmbedResolver = key_policy
_lock = threading.Lock()


def configure_embed_policy(resolver: EmbedResolver) -> None:
    """Install ``resolver(key) -> EmbedPolicy`` (``key`` is the ``key`` query
    parameter or None); it may raise a YueyouError for an unknown key."""
    global _resolver
    with _lock:
        _resolver = resolver


def embed_policy(key: Optional[str]) -> EmbedPolicy:
    return _resolver(key)


def cors_headers(request: Request, policy: EmbedPolicy) -> dict[str, str]:
    if "*" in policy.cors_origins:
        return {"Access-Control-Allow-Origin": "*"}
    origin = request_header(request, "origin") or None
    headers = {"Vary": "Origin"}
    if origin and origin.rstrip("/") in policy.cors_origins:
        headers["Access-Control-Allow-Origin"] = origin
    return headers


def _widget_response(html: str, nonce: str, policy: EmbedPolicy, cache: str) -> Response:
    request = bp.current_request
    headers: ResponseHeaders = {
        "Content-Type": HTML_TYPE,
        "Content-Security-Policy": render.csp(nonce, policy.frame_ancestors),
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "strict-origin-when-cross-origin",
        "Cache-Control": cache,
    }
    headers.update(cors_headers(request, policy))
    return Response(body=html, status_code=200, headers=headers)


def _oembed_link(base: str, widget_url: str) -> str:
    return f"{base}/v1/oembed?" + urlencode({"url": widget_url, "format": "json"})


def _self_url(base: str, path: str, params: Params) -> str:
    query = {k: v for k, v in params.raw.items() if v}
    return f"{base}{path}" + (("?" + urlencode(query)) if query else "")


# -- widgets ---------------------------------------------------------------------------


@bp.route("/v1/widgets/itinerary/{itinerary_id}", methods=["GET"])
@api
def itinerary_widget(itinerary_id: str):
    request = bp.current_request
    params = Params(request, WIDGET_PARAMS + ("share",))
    colours = render.colours_from(params.raw)
    policy = embed_policy(params.get("key"))
    record = readable_itinerary(request, itinerary_id)
    view = plan_view(record.plan, services.get().catalog, plan_id=record.id)
    base = public_base_url(request)
    share = f"?share={quote(record.share_token, safe='')}"
    card_url = f"{base}/v1/itineraries/{quote(record.id, safe='')}/card.html{share}"
    self_url = _self_url(base, f"/v1/widgets/itinerary/{quote(record.id, safe='')}", params)
    nonce = render.new_nonce()
    html = render.itinerary_widget(view, params.lang, colours, nonce, card_url, _oembed_link(base, self_url))
    return _widget_response(html, nonce, policy, "private, max-age=60")


@bp.route("/v1/widgets/route/{route_id}", methods=["GET"])
@api
def route_widget(route_id: str):
    request = bp.current_request
    params = Params(request, WIDGET_PARAMS)
    colours = render.colours_from(params.raw)
    policy = embed_policy(params.get("key"))
    catalog = services.get().catalog
    route = catalog.route(route_id)
    base = public_base_url(request)
    self_url = _self_url(base, f"/v1/widgets/route/{quote(route.id, safe='')}", params)
    nonce = render.new_nonce()
    html = render.route_widget(
        route, catalog, params.lang, colours, nonce, route_length_km(route), _oembed_link(base, self_url)
    )
    return _widget_response(html, nonce, policy, "public, max-age=300")


@bp.route("/v1/widgets/embed.js", methods=["GET"])
@api
def embed_js():
    Params(bp.current_request, ("v",))
    return Response(
        body=render.EMBED_JS,
        status_code=200,
        headers={
            "Content-Type": JS_TYPE,
            "Cache-Control": "public, max-age=3600",
            "Access-Control-Allow-Origin": "*",
            "X-Content-Type-Options": "nosniff",
        },
    )


# -- oEmbed ----------------------------------------------------------------------------

_PASS_THROUGH = ("share", "lang", "primary", "bg", "fg", "key")


def _oembed_target(url: str, base: str) -> tuple[str, str, dict[str, str]]:
    """(kind, id, query) for a URL of this service, else 404 (oEmbed rule)."""

    def unknown() -> YueyouError:
        return YueyouError(
            "not_found",
            Text("该 URL 不是本服务可嵌入的内容", "this service cannot embed that URL"),
            field="url",
            status=404,
        )

    parts = urlsplit(url)
    ours = urlsplit(base)
    if parts.scheme not in ("http", "https") or parts.netloc.lower() != ours.netloc.lower():
        raise unknown()
    path = parts.path
    prefix = ours.path.rstrip("/")
    if prefix and path.startswith(prefix + "/"):
        path = path[len(prefix) :]
    segments = [s for s in path.split("/") if s]
    query = {k: v[0] for k, v in parse_qs(parts.query).items() if k in _PASS_THROUGH and v}
    if len(segments) >= 4 and segments[:3] == ["v1", "widgets", "itinerary"]:
        return "itinerary", segments[3], query
    if len(segments) >= 4 and segments[:3] == ["v1", "widgets", "route"]:
        return "route", segments[3], query
    if len(segments) >= 3 and segments[:2] == ["v1", "itineraries"]:
        return "itinerary", segments[2], query
    if len(segments) == 3 and segments[:2] == ["v1", "routes"]:
        return "route", segments[2], query
    raise unknown()


@bp.route("/v1/oembed", methods=["GET"])
@api
def oembed():
    request = bp.current_request
    params = Params(request, ("url", "format", "maxwidth", "maxheight", "key"))
    policy = embed_policy(params.get("key"))
    fmt = params.get("format") or "json"
    if fmt != "json":
        raise YueyouError(
            "not_implemented", Text("仅支持 format=json", "only format=json is supported"), field="format", status=501
        )
    url = params.get("url")
    if url is None:
        raise invalid("url", "url is required", "缺少 url 参数", code="missing_parameter")
    maxwidth = params.number("maxwidth", low=100, high=MAX_WIDTH, integer=True)
    maxheight = params.number("maxheight", low=100, high=10000, integer=True)
    base = public_base_url(request)
    kind, ident, query = _oembed_target(url, base)
    render.colours_from(query)  # same strict colour rules as the widget itself
    svc = services.get()
    if query.get("lang") not in ("zh", "en"):
        query.pop("lang", None)
    lang = query.get("lang") or params.lang
    if kind == "itinerary":
        record = svc.itineraries.get(ident)
        if not record.readable_by(None, query.get("share")):
            raise not_found("itinerary", ident, field="url")
        view = plan_view(record.plan, svc.catalog, plan_id=record.id)
        title = view.title
        height = 70 + sum(260 + 30 * len(d.stops) for d in view.days)
        ident = record.id
    else:
        route = svc.catalog.route(ident, field="url")
        title = route.name
        height = 420 + 32 * len(route.stops)
    width = DEFAULT_WIDTH if maxwidth is None else int(min(maxwidth, 800))
    height = int(min(height, maxheight)) if maxheight else height
    widget_query = dict(query, lang=lang)
    widget_url = f"{base}/v1/widgets/{kind}/{quote(ident, safe='')}?" + urlencode(widget_query)
    doc = render.oembed(kind, title, lang, widget_url, base, width, height)
    headers = {"Cache-Control": "public, max-age=300" if kind == "route" else "private, max-age=60"}
    headers.update(cors_headers(request, policy))
    return json_response(doc, headers=headers)
