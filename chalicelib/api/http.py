"""Shared HTTP plumbing: language, query parameters, JSON errors.

Every view is wrapped by :func:`endpoint`, so a domain error becomes
``{"error": {"code", "message", "field"}}`` with its 4xx status and anything
unexpected becomes a JSON 500 that leaks nothing.
"""

from __future__ import annotations

import functools
import json
import logging
import math
import re
from collections.abc import Callable, Iterable
from typing import Any, Optional, Union

from chalice import CORSConfig, Response
from chalice.app import Request

from ..auth.gate import header
from ..errors import YueyouError, invalid
from ..i18n import DEFAULT_LANG, LANGS, Text
from ..store.base import decode_cursor, encode_cursor

log = logging.getLogger("yueyou.api")

JSON_TYPE = "application/json; charset=utf-8"
GEOJSON_TYPE = "application/geo+json; charset=utf-8"
COMMON_PARAMS = ("lang",)
# What chalice.Response takes as headers (a value may repeat as a list).
ResponseHeaders = dict[str, Union[str, list[str]]]
# A query number as JSON writes one (no "1_000", "0x10" or full-width digits).
NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?")

# Browser apps send conditional and idempotent requests and read the
# version, location and quota headers; the default CORS set would block them.
CORS = CORSConfig(
    allow_origin="*",
    allow_headers=["Content-Type", "X-Api-Key", "Idempotency-Key", "If-Match", "If-None-Match", "Accept-Language"],
    expose_headers=[
        "ETag",
        "Location",
        "Retry-After",
        "X-RateLimit-Limit",
        "X-RateLimit-Remaining",
        "X-RateLimit-Reset",
        "Idempotent-Replayed",
    ],
    max_age=600,
)


def json_response(
    body: Any, status: int = 200, headers: Optional[dict[str, str]] = None, content_type: str = JSON_TYPE
) -> Response:
    all_headers: ResponseHeaders = {"Content-Type": content_type}
    all_headers.update(headers or {})
    return Response(
        body=json.dumps(body, ensure_ascii=False, separators=(",", ":")), status_code=status, headers=all_headers
    )


def request_header(request: Optional[Request], name: str, default: str = "") -> str:
    """A request header by (case-insensitive) name, or ``default``."""
    headers = request.headers if request is not None else None
    value = header(headers, name) if headers else None
    return default if value is None else value


def query_param(request: Optional[Request], name: str) -> Optional[str]:
    """A query parameter, or None."""
    params = request.query_params if request is not None else None
    return params.get(name) if params else None


def request_lang(request: Optional[Request]) -> str:
    """``lang`` parameter, else Accept-Language, else Chinese."""
    if request is None:
        return DEFAULT_LANG
    lang = query_param(request, "lang")
    if lang in LANGS:
        return lang
    accept = request_header(request, "accept-language")
    for part in accept.split(","):
        tag = part.split(";")[0].strip().lower()
        if tag.startswith("en"):
            return "en"
        if tag.startswith("zh"):
            return "zh"
    return DEFAULT_LANG


def error_response(error: YueyouError, lang: str) -> Response:
    from ..auth import limit_headers

    headers = limit_headers(error)
    if error.status in (409, 429) and isinstance(error.details, dict) and "retry_after" in error.details:
        headers["Retry-After"] = str(error.details["retry_after"])
    return json_response(error.to_json(lang), status=error.status, headers=headers)


def endpoint(get_request: Callable[[], Optional[Request]]):
    """Decorator for views: JSON errors in the caller's language."""

    def wrap(view: Callable[..., Response]) -> Callable[..., Response]:
        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Response:
            request = get_request()
            lang = request_lang(request)
            try:
                return view(*args, **kwargs)
            except YueyouError as error:
                return error_response(error, lang)
            except Exception:  # the contract is: never an HTML/opaque 500
                log.exception("unhandled error")
                err = YueyouError("internal", Text("服务器内部错误", "Internal server error"), status=500)
                return json_response(err.to_json(lang), status=500)

        return wrapper

    return wrap


class Params:
    """Typed access to query parameters; every problem names its field."""

    def __init__(self, request: Request, allowed: Iterable[str]) -> None:
        self.raw: dict[str, str] = dict(request.query_params or {})
        allowed_set = set(allowed) | set(COMMON_PARAMS)
        for name in sorted(self.raw):
            if name not in allowed_set:
                raise invalid(
                    name,
                    f"unknown query parameter {name!r}; allowed: " + ", ".join(sorted(allowed_set)),
                    f"未知的查询参数 {name!r}；允许的参数：" + "、".join(sorted(allowed_set)),
                    code="unknown_parameter",
                )
        lang = self.raw.get("lang")
        if lang is not None and lang not in LANGS:
            raise invalid("lang", "lang must be 'zh' or 'en'", "lang 只能是 'zh' 或 'en'")
        self.lang = lang or request_lang(request)

    def get(self, name: str) -> Optional[str]:
        value = self.raw.get(name)
        return None if value is None or value == "" else value

    def choice_list(self, name: str, choices: Iterable[str]) -> tuple[str, ...]:
        value = self.get(name)
        if value is None:
            return ()
        options = tuple(choices)
        picked = tuple(v.strip() for v in value.split(",") if v.strip())
        for item in picked:
            if item not in options:
                raise invalid(
                    name,
                    f"unknown {name} {item!r}; one of: " + ", ".join(options),
                    f"未知的 {name}：{item!r}；可选：" + "、".join(options),
                    code="unknown_value",
                )
        return picked

    def number(
        self, name: str, *, low: float, high: float, default: Optional[float] = None, integer: bool = False
    ) -> Optional[float]:
        value = self.get(name)
        if value is None:
            return default
        try:
            # Huge integers are compared as floats (inf fails), never converted
            # to float inside isfinite (OverflowError) or past int's digit limit.
            if len(value) > 32 or not NUMBER.fullmatch(value):
                raise ValueError
            number = int(value) if integer else float(value)
            if not math.isfinite(number):
                raise ValueError
        except ValueError:
            kind_en, kind_zh = ("an integer", "整数") if integer else ("a number", "数字")
            raise invalid(name, f"{name} must be {kind_en}", f"{name} 必须是{kind_zh}") from None
        if not low <= number <= high:
            raise invalid(
                name,
                f"{name} must be between {low:g} and {high:g}",
                f"{name} 必须在 {low:g} 与 {high:g} 之间",
                code="out_of_range",
            )
        return number

    def count(self, name: str, *, low: int, high: int, default: int) -> int:
        """An integer parameter with a default (never None)."""
        value = self.number(name, low=low, high=high, default=default, integer=True)
        return default if value is None else int(value)

    def lonlat(self, name: str) -> Optional[tuple[float, float]]:
        value = self.get(name)
        if value is None:
            return None
        parts = value.split(",")
        try:
            if len(parts) != 2:
                raise ValueError
            lon, lat = float(parts[0]), float(parts[1])
            if not (math.isfinite(lon) and math.isfinite(lat)):
                raise ValueError
        except ValueError:
            raise invalid(
                name,
                f"{name} must be 'lon,lat' in decimal degrees (WGS84)",
                f"{name} 必须是 '经度,纬度'（WGS84 十进制度）",
            ) from None
        if not (-180 <= lon <= 180 and -90 <= lat <= 90):
            raise invalid(
                name,
                f"{name} is not a valid coordinate: longitude within ±180, latitude within ±90",
                f"{name} 不是有效坐标：经度须在 ±180 内，纬度须在 ±90 内",
                code="out_of_range",
            )
        return lon, lat

    def page(self, default_limit: int = 50, max_limit: int = 200) -> tuple[int, int]:
        """(limit, offset) from ``limit`` and an opaque ``cursor``."""
        limit = self.count("limit", low=1, high=max_limit, default=default_limit)
        cursor = self.get("cursor")
        offset = 0
        if cursor is not None:
            raw = decode_cursor(cursor)
            if not raw.isdigit() or len(raw) > 15:  # an offset, not 5 000 digits
                raise invalid("cursor", "cursor is not one this service issued", "cursor 不是本服务返回的分页标记")
            offset = int(raw)
        return limit, offset


def next_cursor(offset: int, limit: int, total: int) -> Optional[str]:
    return encode_cursor(str(offset + limit)) if offset + limit < total else None
