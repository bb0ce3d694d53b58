"""Per-minute request rates and daily plan quotas, counted in the Store.

Fixed windows: one counter item per subject and window (``usage`` collection,
key ``<subject>#<window>``), e.g. ``key:0123…#d20230926`` for plans on a
Shanghai calendar day and ``anonymous:203.0.113.7#m202309261830`` for
requests in one minute. Each admission is a read-modify-write guarded by the
item's version (``put(..., expected_version)``), retried on Conflict: both
stores make that write atomic, so racing requests never admit more than the
limit, on SQLite and DynamoDB alike, with no store-specific counter code.
A refusal writes nothing, so being refused never uses up quota.

Old windows are never read again; their ``expires_at`` (epoch seconds) is
there for a cleanup job or a TTL.
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from ..errors import Conflict
from ..i18n import Text
from ..store import MUST_NOT_EXIST, Store
from ..timeutil import SHANGHAI
from .errors import TooManyRequests
from .policy import AuthPolicy, Clock, utc_now
from .principal import Principal

COLLECTION = "usage"
Kind = Literal["request", "plan"]
KINDS: tuple[str, ...] = ("request", "plan")
_KEEP_S = 86_400  # how long a finished window stays readable before expires_at


@dataclass(frozen=True)
class Window:
    """One fixed counting window: a Shanghai minute or a Shanghai day."""

    id: str
    start: datetime
    end: datetime

    def reset_s(self, now: datetime) -> int:
        """Whole seconds until the window ends, at least 1."""
        return max(1, math.ceil((self.end - now).total_seconds()))


def window_for(kind: str, now: datetime) -> Window:
    """Plans count per Shanghai calendar day (midnight +08:00), requests per
    minute.

    >>> from datetime import timezone
    >>> window_for("plan", datetime(2023, 9, 26, 15, 59, 59, tzinfo=timezone.utc)).id
    'd20230926'
    >>> window_for("plan", datetime(2023, 9, 26, 16, 0, 0, tzinfo=timezone.utc)).id
    'd20230927'
    """
    if now.tzinfo is None:
        raise ValueError("the clock must return timezone-aware datetimes")
    local = now.astimezone(SHANGHAI)
    if kind == "plan":
        start = local.replace(hour=0, minute=0, second=0, microsecond=0)
        return Window("d" + start.strftime("%Y%m%d"), start, start + timedelta(days=1))
    if kind == "request":
        start = local.replace(second=0, microsecond=0)
        return Window("m" + start.strftime("%Y%m%d%H%M"), start, start + timedelta(minutes=1))
    raise ValueError(f"unknown limit kind {kind!r} (expected one of {KINDS})")


@dataclass(frozen=True)
class LimitState:
    """Where a subject stands in the current window after a check."""

    limit: int
    remaining: int
    reset_s: int

    def headers(self) -> dict[str, str]:
        return {
            "X-RateLimit-Limit": str(self.limit),
            "X-RateLimit-Remaining": str(self.remaining),
            "X-RateLimit-Reset": str(self.reset_s),
        }


class Limiter:
    def __init__(
        self,
        store: Store,
        policy: AuthPolicy = AuthPolicy(),
        clock: Clock = utc_now,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.store = store
        self.policy = policy
        self.clock = clock
        self.sleep = sleep

    def limit_for(self, principal: Principal, kind: str) -> int:
        if kind == "plan":
            own = principal.daily_quota
            return self.policy.anonymous_daily_plans if own is None else own
        own = principal.rate_per_minute
        return self.policy.anonymous_rate_per_minute if own is None else own

    def usage(self, principal: Principal, kind: Kind = "request") -> LimitState:
        """The current state without consuming anything."""
        now = self.clock()
        window = window_for(kind, now)
        item = self.store.get(COLLECTION, _counter_key(principal, window))
        used = int(item.data["count"]) if item is not None else 0
        limit = self.limit_for(principal, kind)
        return LimitState(limit, max(0, limit - used), window.reset_s(now))

    def check(self, principal: Principal, kind: Kind = "request", n: int = 1) -> LimitState:
        """Consume ``n`` units, or raise 429 (consuming nothing) when that
        would go past the limit of the current window."""
        if n < 1:
            raise ValueError("n must be at least 1")
        now = self.clock()
        window = window_for(kind, now)
        limit = self.limit_for(principal, kind)
        key = _counter_key(principal, window)
        attempts = max(1, self.policy.max_write_attempts)
        for attempt in range(attempts):
            item = self.store.get(COLLECTION, key)
            used = int(item.data["count"]) if item is not None else 0
            if used + n > limit:
                raise over_limit(kind, limit, max(0, limit - used), window.reset_s(now))
            data = {
                "subject": principal.subject,
                "owner": principal.owner,
                "kind": kind,
                "window": window.id,
                "count": used + n,
                "expires_at": int(window.end.timestamp()) + _KEEP_S,
            }
            try:
                self.store.put(COLLECTION, key, data, MUST_NOT_EXIST if item is None else item.version)
                return LimitState(limit, limit - used - n, window.reset_s(now))
            except Conflict:
                # Lost a race: back off a little (jittered, growing) and re-read.
                self.sleep(random.uniform(0, 0.002 * (attempt + 1)))
        raise busy()


def _counter_key(principal: Principal, window: Window) -> str:
    return f"{principal.subject}#{window.id}"


def over_limit(kind: str, limit: int, remaining: int, retry_after: int) -> TooManyRequests:
    details = {"retry_after": retry_after, "limit": limit, "remaining": remaining, "reset": retry_after, "kind": kind}
    if kind == "plan":
        return TooManyRequests(
            "quota_exceeded",
            Text(
                zh=f"今日行程配额（每日 {limit} 次）已用完，北京时间 0 点重置，请 {retry_after} 秒后再试",
                en=f"The daily quota of {limit} plans is used up; it resets at 00:00 Asia/Shanghai, in {retry_after} s",
            ),
            field="x-api-key",
            details=details,
        )
    return TooManyRequests(
        "rate_limited",
        Text(
            zh=f"请求过于频繁（每分钟最多 {limit} 次），请 {retry_after} 秒后再试",
            en=f"Too many requests: at most {limit} per minute; retry in {retry_after} s",
        ),
        field="x-api-key",
        details=details,
    )


def busy() -> TooManyRequests:
    return TooManyRequests(
        "rate_limited",
        Text(zh="同一密钥的并发请求过多，请稍后重试", en="Too many concurrent requests for this key; retry shortly"),
        field="x-api-key",
        details={"retry_after": 1},
    )
