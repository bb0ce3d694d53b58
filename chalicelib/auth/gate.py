"""One call for a protected endpoint: who is it, and may they proceed?

:func:`authorize` is what the HTTP layer calls; everything it raises is a
YueyouError (401 or 429) the ``endpoint`` decorator already renders.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Optional

from ..errors import YueyouError
from ..store import Store
from .errors import API_KEY_FIELD, missing_key
from .keys import KeyStore
from .limits import Kind, Limiter
from .policy import AuthPolicy, Clock, utc_now
from .principal import Principal


def header(headers: Optional[Mapping[str, str]], name: str) -> Optional[str]:
    """A header by name in any case (API Gateway lowercases them, clients
    and tests may not).

    >>> header({"X-Api-Key": "k"}, "x-api-key")
    'k'
    """
    if not headers:
        return None
    value = headers.get(name)
    if value is not None:
        return value
    wanted = name.lower()
    for key, value in headers.items():
        if key.lower() == wanted:
            return value
    return None


def authorize(
    headers: Optional[Mapping[str, str]],
    source_ip: Optional[str],
    store: Store,
    policy: AuthPolicy = AuthPolicy(),
    kind: Kind = "plan",
    clock: Clock = utc_now,
    count: int = 1,
) -> tuple[Principal, dict[str, str]]:
    """Authenticate the caller and charge one unit; returns the principal and
    the ``X-RateLimit-*`` headers for the response.

    Every call counts against the per-minute request rate; ``kind="plan"``
    also takes ``count`` plans from the daily quota (a batch takes one per item), and the headers then describe
    the daily quota (what a client planning trips cares about), otherwise the
    per-minute rate. No key means anonymous (by client IP) when the policy
    allows it; a key that is present but wrong is always a 401, never a
    silent fall-back to anonymous. A request refused for the daily quota
    still counts against the per-minute rate: that limit is about volume.
    """
    key = header(headers, API_KEY_FIELD)
    if key is None:
        if not policy.allow_anonymous:
            raise missing_key()
        principal = Principal.from_ip(source_ip, policy.ipv6_prefix)
    else:
        principal = KeyStore(store, clock).authenticate(key)
    limiter = Limiter(store, policy, clock)
    state = limiter.check(principal, "request")
    if kind == "plan":
        state = limiter.check(principal, "plan", count)
    return principal, state.headers()


def charge_plans(
    principal: Principal, store: Store, policy: AuthPolicy = AuthPolicy(), clock: Clock = utc_now, count: int = 1
) -> dict[str, str]:
    """Take ``count`` plans from the caller's daily quota (429, taking
    nothing, when they do not fit); the quota's ``X-RateLimit-*`` headers.

    Called once the request is known to be plannable: a request refused as
    invalid, or an idempotent replay, costs no plan."""
    return Limiter(store, policy, clock).check(principal, "plan", count).headers()


def limit_headers(error: YueyouError) -> dict[str, str]:
    """``X-RateLimit-*`` headers for a 429 raised here (empty otherwise), so
    refusals carry them as well as successes."""
    details: Any = error.details
    if error.status != 429 or not isinstance(details, dict) or "limit" not in details:
        return {}
    return {
        "X-RateLimit-Limit": str(details["limit"]),
        "X-RateLimit-Remaining": str(details["remaining"]),
        "X-RateLimit-Reset": str(details["reset"]),
    }
