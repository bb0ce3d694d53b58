"""The service's public root for absolute links (QR codes, widgets, oEmbed,
the OpenAPI document's ``servers``).

``Settings.public_base_url`` when configured; otherwise built from the
request, trusting its ``Host`` only for loopback, ``YUEYOU_ALLOWED_HOSTS`` or
the domain API Gateway reports: route widgets, oEmbed and the OpenAPI
document are ``Cache-Control: public``, so a forged Host must never reach one
(cache poisoning behind a shared cache).
"""

from __future__ import annotations

import re
from typing import Optional
from urllib.parse import quote

from chalice.app import Request

from .. import services
from ..errors import InvalidInput, invalid
from .http import request_header


def public_base_url(request: Optional[Request]) -> str:
    """The service's public root: ``Settings.public_base_url``, else built
    from the request (Host, X-Forwarded-Proto, API Gateway stage prefix)."""
    configured = services.get().settings.public_base_url
    if configured:
        return configured.rstrip("/")
    if request is None:
        return ""
    host = request_header(request, "host") or "localhost"
    if not trusted_host(host, request, services.get().settings.allowed_hosts):
        raise invalid(
            "Host",
            f"{host!r} is not a host this service answers for (set YUEYOU_PUBLIC_BASE_URL or YUEYOU_ALLOWED_HOSTS)",
            f"{host!r} 不是本服务的主机名（请配置 YUEYOU_PUBLIC_BASE_URL 或 YUEYOU_ALLOWED_HOSTS）",
        )
    proto = request_header(request, "x-forwarded-proto").split(",")[0].strip().lower()
    if proto not in ("http", "https"):
        local = host.split(":")[0] in ("127.0.0.1", "localhost", "::1", "[::1]")
        proto = "http" if local else "https"
    return f"{proto}://{host}{_stage_prefix(request)}"


LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")


def trusted_host(host: str, request: Request, allowed: tuple[str, ...]) -> bool:
    """Loopback, an allow-listed name, or the domain API Gateway received the
    request on (``requestContext.domainName``: set by AWS, not the client)."""
    name = host.strip().lower()
    name = (
        name[1 : name.index("]")]
        if name.startswith("[") and "]" in name
        else name.rsplit(":", 1)[0]
        if name.count(":") == 1
        else name
    )
    gateway = str((request.context or {}).get("domainName") or "").lower()
    return name in LOOPBACK_HOSTS or name in allowed or (bool(gateway) and name == gateway)


def _stage_prefix(request: Request) -> str:
    """'/api' when API Gateway serves the stage in the path, else ''."""
    context = request.context or {}
    path, template = context.get("path") or "", context.get("resourcePath") or ""
    actual = template
    for name, value in (request.uri_params or {}).items():
        actual = actual.replace("{" + name + "}", quote(str(value), safe=""))
    if actual and path.endswith(actual) and len(path) > len(actual):
        prefix = path[: -len(actual)]
        return prefix if re.fullmatch(r"(/[A-Za-z0-9._~-]+)+", prefix) else ""
    return ""


def base_url_or_root(request: Optional[Request]) -> str:
    """``public_base_url``, or ``/`` (relative) when the Host is not trusted:
    for documents that must answer anyway (the OpenAPI description)."""
    try:
        return public_base_url(request) or "/"
    except InvalidInput:  # an untrusted Host: links stay relative
        return "/"
