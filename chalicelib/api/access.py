"""Who is calling, and may they read or change this itinerary?

Reads of the catalog are public. Creating plans is metered per API key (or
per client IP for anonymous callers). A stored plan is readable by its owner
and by anyone holding its share link (the QR code on a printed card);
changing or deleting it needs the owner.
"""
from __future__ import annotations

from typing import Optional

from chalice.app import Request

from ..auth import Principal
from ..errors import invalid, not_found
from ..itineraries import ItineraryRecord
from . import services


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
    svc = services.get()
    record = svc.itineraries.get(itinerary_id)
    share = (request.query_params or {}).get("share")
    owner = None
    if not share or not record.readable_by(None, share):
        owner, _ = caller(request)
    if not record.readable_by(owner, share):
        # Same answer as a missing id: plan ids are not for probing.
        raise not_found("itinerary", itinerary_id)
    return record


def if_match(request: Request) -> Optional[int]:
    """Version from If-Match (``"3"``, ``W/"3"``); None when absent or ``*``."""
    value = (request.headers or {}).get("if-match")
    if value is None or value.strip() == "*":
        return None
    text = value.strip()
    if text.startswith("W/"):
        text = text[2:]
    text = text.strip('"')
    if not text.isdigit() or int(text) < 1:
        raise invalid("If-Match", "If-Match must be an ETag this service issued, e.g. \"3\"",
                      "If-Match 必须是本服务返回的 ETag，例如 \"3\"")
    return int(text)
