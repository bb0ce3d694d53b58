"""The two refusals of the auth layer: 401 (who are you?) and 429 (slow down).

Both are :class:`~chalicelib.errors.YueyouError`, so the HTTP ``endpoint``
decorator renders them like every other error; a 429 carries
``details["retry_after"]``, which ``http.error_response`` turns into the
``Retry-After`` header.
"""

from __future__ import annotations

from ..errors import YueyouError
from ..i18n import Text

API_KEY_FIELD = "x-api-key"


class Unauthorized(YueyouError):
    status = 401


class TooManyRequests(YueyouError):
    status = 429


def missing_key() -> Unauthorized:
    return Unauthorized(
        "unauthorized",
        Text(
            zh="需要 API 密钥：请在 x-api-key 请求头中提供",
            en="An API key is required: send it in the x-api-key header",
        ),
        field=API_KEY_FIELD,
    )


def invalid_key() -> Unauthorized:
    # One message for malformed, unknown and wrong keys: the caller learns
    # nothing about which part was wrong.
    return Unauthorized("invalid_api_key", Text(zh="API 密钥无效", en="The API key is not valid"), field=API_KEY_FIELD)


def revoked_key() -> Unauthorized:
    # Only said to someone who presented the right secret, so it leaks nothing.
    return Unauthorized(
        "invalid_api_key", Text(zh="该 API 密钥已被吊销", en="This API key has been revoked"), field=API_KEY_FIELD
    )
