"""authorize(): the one call a protected endpoint makes."""

from __future__ import annotations

import json

import pytest

from chalicelib.api.http import error_response
from chalicelib.auth import AuthPolicy, KeyStore, TooManyRequests, Unauthorized, authorize, limit_headers

ANON_IP = "203.0.113.7"


def test_key_in_any_header_case(store, clock):
    record, key = KeyStore(store).create("Agency A", daily_quota=5, rate_per_minute=50)
    for name in ("x-api-key", "X-API-Key", "X-Api-Key"):
        principal, headers = authorize({name: key}, ANON_IP, store, clock=clock)
        assert principal.key_id == record.key_id and not principal.anonymous
    assert headers == {"X-RateLimit-Limit": "5", "X-RateLimit-Remaining": "2", "X-RateLimit-Reset": str(14 * 3600)}


def test_request_kind_reports_the_minute_rate(store, clock):
    _, key = KeyStore(store).create("Agency A", daily_quota=5, rate_per_minute=50)
    principal, headers = authorize({"x-api-key": key}, ANON_IP, store, kind="request", clock=clock)
    assert headers == {"X-RateLimit-Limit": "50", "X-RateLimit-Remaining": "49", "X-RateLimit-Reset": "60"}


def test_no_key_is_anonymous_by_ip(store, clock):
    principal, headers = authorize({"accept": "*/*"}, ANON_IP, store, clock=clock)
    assert (principal.owner, principal.key_id, principal.anonymous, principal.origins) == (
        f"anonymous:{ANON_IP}",
        None,
        True,
        (),
    )
    assert headers["X-RateLimit-Limit"] == "20" and headers["X-RateLimit-Remaining"] == "19"
    assert authorize(None, ANON_IP, store, clock=clock)[0] == principal


def test_no_key_when_anonymous_is_off(store, clock):
    with pytest.raises(Unauthorized) as info:
        authorize({}, ANON_IP, store, AuthPolicy(allow_anonymous=False), clock=clock)
    assert (info.value.status, info.value.code, info.value.field) == (401, "unauthorized", "x-api-key")


@pytest.mark.parametrize("value", ["", "nonsense", "yy_0123456789abcdef_" + "0" * 48])
def test_wrong_key_is_401_not_anonymous(store, clock, value):
    with pytest.raises(Unauthorized) as info:
        authorize({"X-Api-Key": value}, ANON_IP, store, clock=clock)
    assert (info.value.status, info.value.code, info.value.field) == (401, "invalid_api_key", "x-api-key")
    response = error_response(info.value, "en")
    assert response.status_code == 401
    assert json.loads(response.body)["error"]["field"] == "x-api-key"


def test_revoked_key_is_401(store, clock):
    keys = KeyStore(store)
    record, key = keys.create("Agency A", daily_quota=5)
    authorize({"x-api-key": key}, ANON_IP, store, clock=clock)
    keys.revoke(record.key_id)
    with pytest.raises(Unauthorized):
        authorize({"x-api-key": key}, ANON_IP, store, clock=clock)


def test_quota_429_renders_retry_after(store, clock):
    _, key = KeyStore(store).create("Agency A", daily_quota=1, rate_per_minute=50)
    authorize({"x-api-key": key}, ANON_IP, store, clock=clock)
    with pytest.raises(TooManyRequests) as info:
        authorize({"x-api-key": key}, ANON_IP, store, clock=clock)
    error = info.value
    assert error.code == "quota_exceeded"
    response = error_response(error, "zh")
    assert response.status_code == 429
    assert response.headers["Retry-After"] == str(14 * 3600)
    body = json.loads(response.body)["error"]
    assert body["code"] == "quota_exceeded" and "配额" in body["message"]
    assert limit_headers(error) == {
        "X-RateLimit-Limit": "1",
        "X-RateLimit-Remaining": "0",
        "X-RateLimit-Reset": str(14 * 3600),
    }


def test_rate_429_before_the_quota(store, clock):
    policy = AuthPolicy(anonymous_daily_plans=100, anonymous_rate_per_minute=2)
    for _ in range(2):
        authorize({}, ANON_IP, store, policy, clock=clock)
    with pytest.raises(TooManyRequests) as info:
        authorize({}, ANON_IP, store, policy, clock=clock)
    assert info.value.code == "rate_limited" and info.value.details["retry_after"] == 60
    assert error_response(info.value, "en").headers["Retry-After"] == "60"
    clock.advance(minutes=1)
    _, headers = authorize({}, ANON_IP, store, policy, clock=clock)
    assert headers["X-RateLimit-Remaining"] == "97"  # the refused call took no plan


def test_limit_headers_ignores_other_errors():
    from chalicelib.errors import invalid

    assert limit_headers(invalid("x", "bad", "坏")) == {}
