"""Tunable limits of the auth layer, kept apart from Settings.

The lead wires :class:`AuthPolicy` from the stage's Settings; this package
only supplies defaults, so it never reads the environment itself.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

#: Returns "now" as a timezone-aware datetime. Injected so tests move time
#: across minute and day boundaries without sleeping.
Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class AuthPolicy:
    """Who may call protected endpoints, and how much.

    Anonymous callers (no ``x-api-key``) get a small per-IP allowance so the
    planner can be tried without a key; ``allow_anonymous=False`` makes a key
    mandatory.
    """

    allow_anonymous: bool = True
    anonymous_daily_plans: int = 20
    anonymous_rate_per_minute: int = 10
    #: IPv6 clients are counted per /64: one host can rotate through a whole
    #: /64 at will, so counting single addresses would not limit anything.
    ipv6_prefix: int = 64
    #: Read-modify-write attempts per counter update before giving up with a
    #: 429 (only reached under heavy contention on one subject).
    max_write_attempts: int = 30
