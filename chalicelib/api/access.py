"""Who is calling, and may they read or change this itinerary?

Reads of the catalog are public. Creating plans is metered per API key (or
per client IP for anonymous callers). A stored plan is readable by its owner
and by anyone holding its share link (the QR code on a printed card);
changing or deleting it needs the owner.
"""

from __future__ import annotations

from typing import Optional

from chalice.app import Request

from .. import services
from ..auth import Principal
from ..errors import NotFound, invalid, not_found
from ..itineraries import ItineraryRecord
from .http import query_param, request_header


def source_ip(request: Request) -> str:
    identity = (request.context or {}).get("identity") or {}
    return identity.get("sourceIp") or "unknown"


def caller(request: Request, kind: Optional[str] = None, count: int = 1) -> tuple[str, dict[str, str]]:
    """(owner, rate-limit headers). ``kind`` = "plan" meters ``count`` plans."""
    principal, headers = principal_of(request, kind, count)
    return principal.owner, headers


def principal_of(request: Request, kind: Optional[str] = None, count: int = 1) -> tuple[Principal, dict[str, str]]:
    """(the authenticated caller, rate-limit headers); counts one request
    (and ``count`` plans with ``kind="plan"``)."""
    return services.get().authorize(request.headers or {}, source_ip(request), kind, count)


def readable_itinerary(request: Request, itinerary_id: str) -> ItineraryRecord:
    """The plan, for its share link or its owner.

    No oracle: a missing id and someone else's id take the same path (the
    caller is authenticated and rate-limited, then told 404), so neither a
    bad key (401) nor a spent rate (429) tells an existing id from a
    missing one."""
    svc = services.get()
    try:
        record: Optional[ItineraryRecord] = svc.itineraries.get(itinerary_id)
    except NotFound:
        record = None
    share = query_param(request, "share")
    if record is not None and share and record.readable_by(None, share):
        return record
    owner, _ = caller(request)
    if record is None or not record.readable_by(owner, share):
        raise not_found("itinerary", itinerary_id)
    return record


def if_match(request: Request) -> Optional[int]:
    """Version from If-Match (``"3"``, ``W/"3"``); None when absent or ``*``."""
    value = request_header(request, "if-match") or None
    if value is None or value.strip() == "*":
        return None
    text = value.strip()
    if text.startswith("W/"):
        text = text[2:]
    text = text.strip('"')
    if not text.isdigit() or int(text) < 1:
        raise invalid(
            "If-Match",
            "If-Match must be an ETag this service issued, e.g. \"3\"",
            "If-Match 必须是本服务返回的 ETag，例如 \"3\"",
        )
    return int(text)
