"""Daily plan quotas and per-minute rates, counted in the store."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import pytest

from chalicelib.auth import AuthPolicy, Limiter, LimitState, Principal, TooManyRequests
from chalicelib.auth.limits import COLLECTION
from chalicelib.errors import Conflict
from chalicelib.i18n import Text

from .conftest import FakeClock, all_items

KEYED = Principal(owner="Agency A", key_id="0123456789abcdef", anonymous=False, daily_quota=3, rate_per_minute=2)


def refuse(limiter, principal, kind, n=1):
    with pytest.raises(TooManyRequests) as info:
        limiter.check(principal, kind, n)
    return info.value


def test_daily_quota_rolls_over_at_shanghai_midnight(store):
    # 23:59:58 in Shanghai on 26 Sep = 15:59:58 UTC.
    clock = FakeClock(datetime(2023, 9, 26, 15, 59, 58, tzinfo=UTC))
    limiter = Limiter(store, clock=clock)
    assert limiter.check(KEYED, "plan") == LimitState(limit=3, remaining=2, reset_s=2)
    assert limiter.check(KEYED, "plan").remaining == 1
    assert limiter.check(KEYED, "plan").remaining == 0
    error = refuse(limiter, KEYED, "plan")
    assert (error.status, error.code) == (429, "quota_exceeded")
    assert error.details["retry_after"] == 2 and error.details["remaining"] == 0
    clock.advance(seconds=1.5)  # 23:59:59.5: still the same day
    assert refuse(limiter, KEYED, "plan").details["retry_after"] == 1
    clock.advance(seconds=0.5)  # 00:00:00 +08:00 on the 27th: a new day
    assert limiter.check(KEYED, "plan") == LimitState(limit=3, remaining=2, reset_s=86400)


def test_day_is_the_shanghai_day_not_the_utc_day(store):
    clock = FakeClock(datetime(2023, 9, 26, 15, 0, tzinfo=UTC))  # 23:00 on the 26th
    limiter = Limiter(store, clock=clock)
    for _ in range(3):
        limiter.check(KEYED, "plan")
    refuse(limiter, KEYED, "plan")
    clock.advance(hours=2)  # 17:00 UTC, still the 26th in UTC, 01:00 on the 27th in Shanghai
    for _ in range(3):
        limiter.check(KEYED, "plan")
    clock.advance(hours=8)  # 01:00 UTC on the 27th: a new UTC day, the same Shanghai day
    refuse(limiter, KEYED, "plan")


def test_rate_per_minute(store, clock):
    clock.advance(seconds=45)  # 10:00:45
    limiter = Limiter(store, clock=clock)
    assert limiter.check(KEYED, "request") == LimitState(limit=2, remaining=1, reset_s=15)
    assert limiter.check(KEYED, "request").remaining == 0
    error = refuse(limiter, KEYED, "request")
    assert (error.code, error.details["retry_after"]) == ("rate_limited", 15)
    assert error.message.zh and error.message.en and error.message.zh != error.message.en
    clock.advance(seconds=15)  # 10:01:00
    assert limiter.check(KEYED, "request") == LimitState(limit=2, remaining=1, reset_s=60)


def test_refusal_consumes_nothing(store, clock):
    limiter = Limiter(store, clock=clock)
    limiter.check(KEYED, "plan", n=2)
    refuse(limiter, KEYED, "plan", n=2)  # 2 + 2 > 3: refused...
    assert limiter.usage(KEYED, "plan").remaining == 1
    assert limiter.check(KEYED, "plan").remaining == 0  # ...and the last unit still there


def test_limits_are_per_subject_and_per_kind(store, clock):
    limiter = Limiter(store, clock=clock)
    other = Principal(owner="Agency A", key_id="fedcba9876543210", anonymous=False, daily_quota=3, rate_per_minute=2)
    for _ in range(3):
        limiter.check(KEYED, "plan")
    refuse(limiter, KEYED, "plan")
    assert limiter.check(other, "plan").remaining == 2  # same owner, another key
    assert limiter.check(KEYED, "request").remaining == 1


def test_zero_quota_refuses_until_tomorrow(store, clock):
    limiter = Limiter(store, clock=clock)
    none = Principal(owner="B", key_id="0000000000000000", anonymous=False, daily_quota=0, rate_per_minute=5)
    assert refuse(limiter, none, "plan").details["retry_after"] == 14 * 3600
    assert all_items(store, COLLECTION) == []


def test_anonymous_quota_is_per_ip(store, clock):
    policy = AuthPolicy(anonymous_daily_plans=2, anonymous_rate_per_minute=10)
    limiter = Limiter(store, policy, clock=clock)
    a, b = Principal.from_ip("203.0.113.7"), Principal.from_ip("198.51.100.1")
    assert limiter.check(a, "plan") == LimitState(limit=2, remaining=1, reset_s=14 * 3600)
    limiter.check(a, "plan")
    refuse(limiter, a, "plan")
    assert limiter.check(b, "plan").remaining == 1
    assert limiter.check(a, "request").limit == 10
    # The defaults are the lead's: 20 plans a day, 10 requests a minute.
    assert (AuthPolicy().anonymous_daily_plans, AuthPolicy().anonymous_rate_per_minute) == (20, 10)


def test_anonymous_ipv6_counts_per_64(store, clock):
    limiter = Limiter(store, AuthPolicy(anonymous_daily_plans=1), clock=clock)
    limiter.check(Principal.from_ip("2001:db8:1:2::1"), "plan")
    refuse(limiter, Principal.from_ip("2001:db8:1:2:ffff::9"), "plan")
    assert limiter.check(Principal.from_ip("2001:db8:1:3::1"), "plan").remaining == 0
    assert Principal.from_ip("::ffff:203.0.113.7").owner == "anonymous:203.0.113.7"
    assert Principal.from_ip("").owner == Principal.from_ip(None).owner == "anonymous:unknown"


def test_counter_items_carry_an_expiry(store, clock):
    Limiter(store, clock=clock).check(KEYED, "plan")
    (item,) = all_items(store, COLLECTION)
    assert item.key == "key:0123456789abcdef#d20230926"
    midnight = datetime(2023, 9, 26, 16, 0, tzinfo=UTC).timestamp()
    assert item.data["expires_at"] == int(midnight) + 86400
    assert item.data["count"] == 1 and item.data["owner"] == "Agency A"


def test_naive_clock_is_refused(store):
    with pytest.raises(ValueError):
        Limiter(store, clock=lambda: datetime(2023, 9, 26)).check(KEYED, "plan")


@pytest.mark.parametrize("kind", ["plan", "request"])
def test_racing_threads_never_over_admit(store, clock, kind):
    limit = 12
    racer = Principal(
        owner="racer", key_id="abcdefabcdefabcd", anonymous=False, daily_quota=limit, rate_per_minute=limit
    )
    limiter = Limiter(store, AuthPolicy(max_write_attempts=200), clock=clock)
    start = threading.Barrier(6)
    admitted, refused = [], []

    def attempt(n: int) -> None:
        if n < 6:
            start.wait()
        try:
            admitted.append(limiter.check(racer, kind).remaining)
        except TooManyRequests as error:
            assert error.code in ("quota_exceeded", "rate_limited")
            refused.append(n)

    with ThreadPoolExecutor(max_workers=6) as pool:
        list(pool.map(attempt, range(30)))
    assert len(admitted) == limit and len(refused) == 30 - limit
    assert sorted(admitted) == list(range(limit))  # each remaining value handed out once
    assert limiter.usage(racer, kind).remaining == 0


def test_gives_up_after_bounded_conflicts(store, clock):
    class AlwaysLoses:
        """A store where every write loses its race."""

        def __init__(self, inner):
            self.inner, self.puts = inner, 0

        def get(self, *args, **kwargs):
            return self.inner.get(*args, **kwargs)

        def put(self, collection, key, data, expected_version=-1):
            self.puts += 1
            raise Conflict("version_conflict", Text("冲突", "conflict"))

    losing = AlwaysLoses(store)
    limiter = Limiter(losing, AuthPolicy(max_write_attempts=4), clock=clock, sleep=lambda s: None)
    error = refuse(limiter, KEYED, "plan")
    assert (error.status, error.details) == (429, {"retry_after": 1})
    assert losing.puts == 4
