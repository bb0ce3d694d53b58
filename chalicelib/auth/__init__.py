"""API keys, anonymous allowances and usage limits for protected endpoints.

Wiring a protected view takes one call::

    principal, headers = authorize(request.headers, source_ip, store, policy)

Public read endpoints do not call it and stay open.
"""

from __future__ import annotations

from .errors import TooManyRequests, Unauthorized
from .gate import authorize, charge_plans, header, limit_headers
from .keys import ApiKey, KeyStore
from .limits import Limiter, LimitState
from .policy import AuthPolicy
from .principal import Principal

__all__ = [
    "ApiKey",
    "AuthPolicy",
    "KeyStore",
    "Limiter",
    "LimitState",
    "Principal",
    "TooManyRequests",
    "Unauthorized",
    "authorize",
    "charge_plans",
    "header",
    "limit_headers",
]
