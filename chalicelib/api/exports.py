"""/v1/itineraries/{id}/card.pdf, card.html, itinerary.ics, route.gpx, itinerary.geojson

A stored plan leaves the API: printed (A5/A4 route cards, PDF or HTML print
view), in calendars (iCalendar), in GPS apps (GPX) and in GIS tools
(GeoJSON). Readable by the plan's owner or with its share token
(``?share=``), like ``GET /v1/itineraries/{id}``.

The PDF is a binary response: the app must list ``application/pdf`` in
``app.api.binary_types`` (:data:`BINARY_TYPES`) and the client must send an
``Accept`` header matching it (``application/pdf`` or ``*/*``, as browsers do).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from types import SimpleNamespace
from typing import Any, Optional
from urllib.parse import quote

from chalice import Blueprint, Response
from chalice.app import Request

from .. import services
from ..errors import YueyouError, invalid
from ..i18n import Text
from ..itineraries import ItineraryRecord
from ..render import card_html as card_html_render
from ..render import exports as export_render
from ..render import pdf as pdf_render
from ..render import qr
from ..render.view import PlanView, plan_view
from .access import readable_itinerary
from .http import CORS, GEOJSON_TYPE, Params, ResponseHeaders, endpoint, request_header
from .urls import public_base_url

bp = Blueprint(__name__)
api = endpoint(lambda: bp.current_request)

BINARY_TYPES = ("application/pdf",)
PDF_TYPE = "application/pdf"
SVG_TYPE = "image/svg+xml"
HTML_TYPE = "text/html; charset=utf-8"
ICS_TYPE = "text/calendar; charset=utf-8"
GPX_TYPE = "application/gpx+xml; charset=utf-8"
EXPORT_LANGS = ("zh", "en", "both")
PAGE_SIZES = ("A5", "A4")


# -- helpers shared with the widgets ---------------------------------------------------


def live_plan_url(base: str, record: ItineraryRecord) -> str:
    """The live plan (the QR code target): the printable view, rendered from the
    stored plan on every request, readable on a phone with the share token."""
    return (
        f"{base}/v1/itineraries/{quote(record.id, safe='')}/card.html"
        f"?share={quote(record.share_token, safe='')}&lang=both"
    )


def app_plan_url(base: str, record: ItineraryRecord) -> str:
    """The plan in the tourist app (share link and its QR code): opens on a
    phone, is saved there for offline use, and has the navigate links."""
    return f"{base}/#trip={quote(record.id, safe='')}&share={quote(record.share_token, safe='')}"


def export_params(request: Request, allowed: Iterable[str], default_lang: Optional[str]) -> tuple[Params, str]:
    """Params where ``lang`` may also be ``both``; returns (params, lang)."""
    raw = dict(request.query_params or {})
    lang = raw.get("lang")
    if lang == "both":
        del raw["lang"]
        view = SimpleNamespace(query_params=raw, headers=request.headers)
        return Params(view, allowed), "both"  # type: ignore[arg-type]
    if lang is not None and lang not in EXPORT_LANGS:
        raise invalid("lang", "lang must be 'zh', 'en' or 'both'", "lang 只能是 'zh'、'en' 或 'both'")
    params = Params(request, allowed)
    return params, (lang or default_lang or params.lang)


def page_size(params: Params) -> str:
    value = params.get("size") or "A5"
    normalized = value.upper()
    if normalized not in PAGE_SIZES:
        raise invalid("size", "size must be 'A5' or 'A4'", "size 只能是 'A5' 或 'A4'")
    return normalized


def _load(itinerary_id: str) -> tuple[ItineraryRecord, PlanView]:
    request = bp.current_request
    record = readable_itinerary(request, itinerary_id)
    return record, plan_view(record.plan, services.get().catalog, plan_id=record.id)


def _headers(
    record: ItineraryRecord,
    content_type: str,
    filename: Optional[str] = None,
    disposition: str = "inline",
    **extra: str,
) -> ResponseHeaders:
    headers: ResponseHeaders = {
        "Content-Type": content_type,
        "ETag": record.etag,
        "Cache-Control": "private, no-cache",
        "X-Content-Type-Options": "nosniff",
    }
    if filename:
        headers["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    headers.update(extra)
    return headers


def _filename(record: ItineraryRecord, suffix: str) -> str:
    safe = re.sub(r"[^A-Za-z0-9._-]", "_", record.id)
    return f"yueyou-{safe}{suffix}"


# -- routes -------------------------------------------------------------------------------


@bp.route("/v1/itineraries/{itinerary_id}/card.pdf", methods=["GET"], cors=CORS)
@api
def card_pdf(itinerary_id: str):
    request = bp.current_request
    params, lang = export_params(request, ("share", "size"), "both")
    size = page_size(params)
    accept = request_header(request, "accept")
    if not any(t.split(";")[0].strip().lower() in (PDF_TYPE, "application/*", "*/*") for t in accept.split(",")):
        # API Gateway (and chalice local) would refuse the binary body with an
        # opaque 400 of its own; say what is wrong in our error shape instead.
        raise YueyouError(
            "not_acceptable",
            Text("card.pdf 需要 Accept: application/pdf（或 */*）", "card.pdf needs Accept: application/pdf (or */*)"),
            field="Accept",
            status=406,
        )
    record, view = _load(itinerary_id)
    body = pdf_render.card_pdf(view, lang, live_plan_url(public_base_url(request), record), size)
    return Response(
        body=body, status_code=200, headers=_headers(record, PDF_TYPE, _filename(record, f"-{size.lower()}.pdf"))
    )


@bp.route("/v1/itineraries/{itinerary_id}/card.html", methods=["GET"], cors=CORS)
@api
def card_html(itinerary_id: str):
    request = bp.current_request
    params, lang = export_params(request, ("share", "size"), "both")
    size = page_size(params)
    record, view = _load(itinerary_id)
    body = card_html_render.card_html(view, lang, live_plan_url(public_base_url(request), record), size)
    return Response(
        body=body,
        status_code=200,
        headers=_headers(
            record, HTML_TYPE, **{"Content-Security-Policy": card_html_render.CSP, "Referrer-Policy": "no-referrer"}
        ),
    )


@bp.route("/v1/itineraries/{itinerary_id}/share.svg", methods=["GET"], cors=CORS)
@api
def share_qr(itinerary_id: str):
    """A QR code of the plan's app link, to open it on another phone."""
    request = bp.current_request
    _, lang = export_params(request, ("share",), None)
    record, _ = _load(itinerary_id)
    url = app_plan_url(public_base_url(request), record)
    label = Text("扫码在手机上打开这份行程", "Scan to open this plan on a phone").get(
        lang if lang in ("zh", "en") else "zh"
    )
    return Response(body=qr.svg(url, size=200, label=label), status_code=200, headers=_headers(record, SVG_TYPE))


@bp.route("/v1/itineraries/{itinerary_id}/itinerary.ics", methods=["GET"], cors=CORS)
@api
def itinerary_ics(itinerary_id: str):
    request = bp.current_request
    _, lang = export_params(request, ("share",), None)
    record, view = _load(itinerary_id)
    base = public_base_url(request)
    host = re.sub(r"^https?://", "", base).split("/")[0] or "yueyou"
    body = export_render.itinerary_ics(view, lang, live_plan_url(base, record), host=host)
    return Response(
        body=body.decode("utf-8"),
        status_code=200,
        headers=_headers(record, ICS_TYPE, _filename(record, ".ics"), "attachment"),
    )


@bp.route("/v1/itineraries/{itinerary_id}/route.gpx", methods=["GET"], cors=CORS)
@api
def route_gpx(itinerary_id: str):
    request = bp.current_request
    _, lang = export_params(request, ("share",), None)
    record, view = _load(itinerary_id)
    body = export_render.route_gpx(view, lang, live_plan_url(public_base_url(request), record))
    return Response(
        body=body, status_code=200, headers=_headers(record, GPX_TYPE, _filename(record, ".gpx"), "attachment")
    )


@bp.route("/v1/itineraries/{itinerary_id}/itinerary.geojson", methods=["GET"], cors=CORS)
@api
def itinerary_geojson(itinerary_id: str):
    request = bp.current_request
    params = Params(request, ("share",))
    record, view = _load(itinerary_id)
    doc: dict[str, Any] = export_render.itinerary_geojson(view, params.lang)
    return Response(
        body=export_render.geojson_text(doc),
        status_code=200,
        headers=_headers(record, GEOJSON_TYPE, _filename(record, ".geojson")),
    )
