"""The fetcher against a real server on 127.0.0.1: limits, timeouts, redirects."""

from __future__ import annotations

import time

import pytest

from chalicelib.feeds import FeedError, Fetcher, FetchPolicy


def fetch_error(fetcher, url):
    with pytest.raises(FeedError) as info:
        fetcher.fetch(url)
    return info.value


def test_good_body(server, policy):
    url = server.serve("/ok.json", b'{"sessions": []}', headers={"Content-Type": "application/json"})
    result = Fetcher(policy).fetch(url)
    assert result.body == b'{"sessions": []}' and result.url == url
    assert result.content_type == "application/json"


def test_huge_body_with_declared_length_is_refused_before_reading(server, policy):
    url = server.serve("/huge.json", b"[" * (policy.max_bytes + 1))
    assert fetch_error(Fetcher(policy), url).code == "too_large"


def test_huge_streamed_body_is_cut_at_the_limit(server, policy):
    url = server.serve("/stream.json", stream_bytes=5 * 1024 * 1024)
    started = time.monotonic()
    assert fetch_error(Fetcher(policy), url).code == "too_large"
    assert time.monotonic() - started < 2


def test_slow_server_times_out(server, policy):
    url = server.serve("/slow.json", b"{}", delay_s=1.5)
    started = time.monotonic()
    error = fetch_error(Fetcher(policy), url)
    assert error.code == "timeout" and "0.5" in error.message.en
    assert time.monotonic() - started < 1.4


def test_trickling_server_hits_the_total_deadline(server, policy):
    url = server.serve("/trickle.json", b"x" * 200, trickle_s=0.05)
    started = time.monotonic()
    assert fetch_error(Fetcher(policy), url).code == "timeout"
    assert time.monotonic() - started < 1.4


def test_http_error_status(server, policy):
    url = server.serve("/broken.json", b"oops", status=500)
    error = fetch_error(Fetcher(policy), url)
    assert error.code == "http_status" and "500" in error.message.en and "500" in error.message.zh


def test_redirect_followed_within_policy(server, policy):
    target = server.serve("/target.json", b"{}")
    url = server.serve("/moved.json", status=301, headers={"Location": "/target.json"})
    result = Fetcher(policy).fetch(url)
    assert result.url == target and result.body == b"{}"


@pytest.mark.parametrize(
    "location, code",
    [
        ("https://evil.example.com/feed.json", "host_not_allowed"),
        ("http://169.254.169.254/latest/meta-data/", "insecure_scheme"),
        ("https://169.254.169.254/latest/meta-data/", "host_not_allowed"),
        ("file:///etc/passwd", "bad_url"),
    ],
)
def test_redirect_to_disallowed_target(server, policy, location, code):
    url = server.serve("/redir.json", status=302, headers={"Location": location})
    assert fetch_error(Fetcher(policy), url).code == code
    assert server.hits == ["/redir.json"]


def test_redirect_to_private_address_refused_in_production(server):
    """Allowlisted name, but it resolves to the metadata address: refused before connecting."""
    policy = FetchPolicy(allowed_hosts=("127.0.0.1", "feeds.example.org"), allow_loopback_http=True, timeout_s=0.5)
    url = server.serve("/redir-private.json", status=302, headers={"Location": "https://feeds.example.org/x.json"})
    fetcher = Fetcher(policy, resolver=lambda host, port: ["127.0.0.1"] if host == "127.0.0.1" else ["169.254.169.254"])
    assert fetch_error(fetcher, url).code == "address_not_allowed"


def test_redirect_loop_is_bounded(server, policy):
    url = server.serve("/loop.json", status=302, headers={"Location": "/loop.json"})
    assert fetch_error(Fetcher(policy), url).code == "too_many_redirects"
    assert len(server.hits) == policy.max_redirects + 1


def test_non_loopback_http_refused_without_network(server, policy):
    fetcher = Fetcher(FetchPolicy(allowed_hosts=("feeds.example.org",), allow_loopback_http=True))
    assert fetch_error(fetcher, "http://feeds.example.org/bb.json").code == "insecure_scheme"


def test_production_policy_refuses_loopback_http(server):
    url = server.serve("/ok.json", b"{}")
    assert fetch_error(Fetcher(FetchPolicy(allowed_hosts=("127.0.0.1",))), url).code == "insecure_scheme"
    assert server.hits == []


def test_unreachable(policy):
    from tests.support.server import free_port

    error = fetch_error(Fetcher(policy), f"http://127.0.0.1:{free_port()}/x.json")
    assert error.code == "unreachable"
