"""The one error type of the domain: a code, a bilingual message, a field.

The HTTP layer maps it to ``{"error": {"code", "message", "field"}}`` with
``status``; the CLI prints it. Domain code never imports Chalice.
"""

from __future__ import annotations

from typing import Any, Optional

from .i18n import Text


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


def invalid(field: str, en: str, zh: str, code: str = "invalid_parameter") -> InvalidInput:
    return InvalidInput(code, Text(zh=zh, en=en), field=field)


def not_found(kind: str, ident: str, field: str = "id") -> NotFound:
    return NotFound(
        "not_found",
        Text(zh=f"找不到{_KIND_ZH.get(kind, kind)}：{ident}", en=f"No {kind} with id {ident!r}"),
        field=field,
    )


_KIND_ZH = {"poi": "地点", "event": "赛事场次", "route": "线路", "venue": "场馆", "itinerary": "行程", "batch": "批次"}
