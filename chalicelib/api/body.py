"""Reading JSON request bodies ourselves, so bad JSON is a named 400."""

from __future__ import annotations

import json
from typing import Any

from chalice.app import Request

from ..errors import InvalidInput, invalid
from ..i18n import Text
from .http import request_header

MAX_BODY_BYTES = 256 * 1024
# Integer literals longer than this are read as floats: nothing in the API
# needs more digits, and a float of 400 digits is inf, which every number
# check refuses with a named 400 (a huge int made ``math.isfinite`` raise
# OverflowError, and 5 000 digits hit Python's int-conversion limit).
MAX_INT_DIGITS = 18


def _int_or_float(text: str) -> int | float:
    return int(text) if len(text.lstrip("-")) <= MAX_INT_DIGITS else float(text)


def json_body(request: Request) -> dict[str, Any]:
    ctype = (request_header(request, "content-type") or "application/json").split(";")[0].strip().lower()
    if ctype != "application/json" and not ctype.endswith("+json"):
        raise InvalidInput(
            "unsupported_media_type",
            Text(f"请求体须为 application/json（收到 {ctype}）", f"the body must be application/json (got {ctype})"),
            field="Content-Type",
            status=415,
        )
    raw = request.raw_body or b""
    if len(raw) > MAX_BODY_BYTES:
        raise InvalidInput(
            "body_too_large",
            Text(f"请求体超过 {MAX_BODY_BYTES} 字节", f"request body exceeds {MAX_BODY_BYTES} bytes"),
            field="body",
            status=413,
        )
    if not raw.strip():
        raise invalid("body", "a JSON object is required", "需要 JSON 对象作为请求体", code="missing_body")
    try:
        data = json.loads(raw, parse_int=_int_or_float)
    except (ValueError, UnicodeDecodeError) as exc:
        raise invalid(
            "body", f"request body is not valid JSON ({exc})", f"请求体不是有效的 JSON（{exc}）", code="invalid_json"
        ) from None
    except RecursionError:
        raise invalid("body", "request body is nested too deeply", "请求体嵌套层数过多", code="invalid_json") from None
    if not isinstance(data, dict):
        raise invalid("body", "the request body must be a JSON object", "请求体必须是 JSON 对象")
    return data
