"""Reading JSON request bodies ourselves, so bad JSON is a named 400."""
from __future__ import annotations

import json
from typing import Any

from chalice.app import Request

from ..errors import InvalidInput, invalid
from ..i18n import Text

MAX_BODY_BYTES = 256 * 1024


def json_body(request: Request) -> dict[str, Any]:
    raw = request.raw_body or b""
    if len(raw) > MAX_BODY_BYTES:
        raise InvalidInput("body_too_large", Text(f"请求体超过 {MAX_BODY_BYTES} 字节",
                                                  f"request body exceeds {MAX_BODY_BYTES} bytes"),
                           field="body", status=413)
    if not raw.strip():
        raise invalid("body", "a JSON object is required", "需要 JSON 对象作为请求体", code="missing_body")
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise invalid("body", f"request body is not valid JSON ({exc})",
                      f"请求体不是有效的 JSON（{exc}）", code="invalid_json") from None
    if not isinstance(data, dict):
        raise invalid("body", "the request body must be a JSON object", "请求体必须是 JSON 对象")
    return data
