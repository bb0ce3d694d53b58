"""The one error type of the domain: a code, a bilingual message, a field.

The HTTP layer maps it to ``{"error": {"code", "message", "field"}}`` with
``status``; the CLI prints it. Domain code never imports Chalice.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, Optional

from .i18n import Text

# Every error code the service answers with, by HTTP status: the OpenAPI
# document lists these, and tests/test_error_codes.py proves that every code
# raised anywhere in chalicelib/ is registered here under its status (and that
# nothing registered is unused). A new code goes here first.
ERROR_CODES: dict[int, tuple[str, ...]] = {
    400: (
        "invalid_parameter",
        "unknown_parameter",
        "unknown_value",
        "out_of_range",
        "missing_parameter",
        "missing_body",
        "invalid_json",
        "too_many_items",
        "invalid_colour",
        "invalid_origin",
    ),
    401: ("unauthorized", "invalid_api_key"),
    403: ("admin_disabled", "forbidden"),
    404: ("not_found",),
    405: ("method_not_allowed",),
    406: ("not_acceptable",),
    409: ("idempotency_in_progress", "idempotency_retry", "concurrent_update", "capacity_full"),
    412: ("version_conflict", "already_exists"),
    413: ("body_too_large", "item_too_large"),
    415: ("unsupported_media_type",),
    422: ("infeasible", "idempotency_key_reused"),
    429: ("quota_exceeded", "rate_limited"),
    500: ("internal", "plan_timing_failed", "feed_config_invalid"),
    501: ("not_implemented",),
}


class YueyouError(Exception):
    status = 400

    def __init__(
        self, code: str, message: Text, field: Optional[str] = None, status: Optional[int] = None, details: Any = None
    ) -> None:
        super().__init__(message.en)
        self.code = code
        self.message = message
        self.field = field
        if status is not None:
            self.status = status
        self.details = details

    def to_json(self, lang: str) -> dict[str, Any]:
        body: dict[str, Any] = {"code": self.code, "message": self.message.get(lang), "field": self.field}
        if self.details is not None:
            body["details"] = self.details
        return {"error": body}

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.code!r}, {self.message!r}, field={self.field!r}, status={self.status})"


class InvalidInput(YueyouError):
    status = 400


class NotFound(YueyouError):
    status = 404


class Conflict(YueyouError):
    """A write lost an optimistic-concurrency race (or the id exists)."""

    status = 412


class Unprocessable(YueyouError):
    """Well-formed but impossible, e.g. an infeasible itinerary."""

    status = 422


def infeasible(zh: str, en: str, conflicts: list[str], field: Optional[str] = None) -> Unprocessable:
    """422: the request is well formed but cannot be planned; ``conflicts`` names the items."""
    return Unprocessable("infeasible", Text(zh=zh, en=en), field=field, details={"conflicts": conflicts})


def reject_unknown(given: Iterable[str], allowed: Sequence[str], prefix: str, what_en: str, what_zh: str) -> None:
    """400 naming ``prefix + key`` for the first key of ``given`` not in ``allowed``."""
    unknown = sorted(set(given) - set(allowed))
    if unknown:
        raise invalid(
            prefix + unknown[0],
            f"unknown {what_en} {unknown[0]!r}; use {', '.join(allowed)}",
            f"未知的{what_zh} {unknown[0]!r}；可选：{'、'.join(allowed)}",
        )


def invalid(field: str, en: str, zh: str, code: str = "invalid_parameter") -> InvalidInput:
    return InvalidInput(code, Text(zh=zh, en=en), field=field)


def not_found(kind: str, ident: str, field: str = "id") -> NotFound:
    return NotFound(
        "not_found",
        Text(zh=f"找不到{_KIND_ZH.get(kind, kind)}：{ident}", en=f"No {kind} with id {ident!r}"),
        field=field,
    )


_KIND_ZH = {"poi": "地点", "event": "赛事场次", "route": "线路", "venue": "场馆", "itinerary": "行程", "batch": "批次"}
