"""Feed settings and the address policy (no network)."""

from __future__ import annotations

import json

import pytest

from chalicelib.catalog.model import is_slug
from chalicelib.feeds import FeedConfig, FeedConfigError, FeedError, Fetcher, FetchPolicy, address_allowed, event_id


def test_parse_feeds():
    feeds = FeedConfig.parse(
        json.dumps(
            [
                {
                    "id": "baseball-centre",
                    "url": "https://feeds.example.org/bb.json",
                    "format": "json",
                    "venue_id": "shaoxing-baseball-softball-centre",
                    "sport": "baseball",
                },
                {
                    "id": "gym",
                    "url": "https://feeds.example.org/gym.ics",
                    "format": "ics",
                    "venue_id": "shaoxing-olympic-sports-centre-gym",
                },
            ]
        )
    )
    assert [f.id for f in feeds] == ["baseball-centre", "gym"]
    assert feeds[0].origin == "feed:baseball-centre" and feeds[1].sport is None
    assert FeedConfig.parse(None) == [] and FeedConfig.parse("  ") == []


@pytest.mark.parametrize(
    "text, field",
    [
        ("{", "YUEYOU_FEEDS"),
        ('{"id": "a"}', "YUEYOU_FEEDS"),
        ('[{"id": "A B", "url": "https://x.org/f", "format": "json", "venue_id": "v"}]', "YUEYOU_FEEDS[0].id"),
        ('[{"id": "a", "url": "ftp://x.org/f", "format": "json", "venue_id": "v"}]', "YUEYOU_FEEDS[0].url"),
        ('[{"id": "a", "url": "https://u:p@x.org/f", "format": "json", "venue_id": "v"}]', "YUEYOU_FEEDS[0].url"),
        ('[{"id": "a", "url": "https://x.org/f", "format": "xml", "venue_id": "v"}]', "YUEYOU_FEEDS[0].format"),
        ('[{"id": "a", "url": "https://x.org/f", "format": "json"}]', "YUEYOU_FEEDS[0].venue_id"),
        (
            '[{"id": "a", "url": "https://x.org/f", "format": "json", "venue_id": "v", "sport": "golf"}]',
            "YUEYOU_FEEDS[0].sport",
        ),
        (
            '[{"id": "a", "url": "https://x.org/f", "format": "json", "venue_id": "v", "urll": 1}]',
            "YUEYOU_FEEDS[0].urll",
        ),
        (
            '[{"id": "a", "url": "https://x.org/f", "format": "json", "venue_id": "v"},'
            ' {"id": "a", "url": "https://x.org/g", "format": "json", "venue_id": "v"}]',
            "YUEYOU_FEEDS[1].id",
        ),
    ],
)
def test_bad_feed_config_names_the_field(text, field):
    with pytest.raises(FeedConfigError) as info:
        FeedConfig.parse(text)
    assert info.value.field == field
    assert info.value.message.zh and info.value.message.en


def test_policy_from_env():
    policy = FetchPolicy.from_env(
        {
            "YUEYOU_FEED_HOSTS": " Feeds.Example.org, *.cdn.example.net ,",
            "YUEYOU_FEED_MAX_BYTES": "1000",
            "YUEYOU_FEED_TIMEOUT_S": "2.5",
        }
    )
    assert policy.allowed_hosts == ("feeds.example.org", "*.cdn.example.net")
    assert not policy.allow_loopback_http and policy.max_bytes == 1000 and policy.timeout_s == 2.5
    assert policy.host_allowed("feeds.example.org") and policy.host_allowed("a.cdn.example.net")
    assert not policy.host_allowed("cdn.example.net") and not policy.host_allowed("evilfeeds.example.org")
    assert FetchPolicy.from_env({"YUEYOU_FEED_ALLOW_LOOPBACK": "1"}).allow_loopback_http
    with pytest.raises(FeedConfigError):
        FetchPolicy.from_env({"YUEYOU_FEED_ALLOW_LOOPBACK": "1", "YUEYOU_STAGE": "prod"})
    with pytest.raises(FeedConfigError):
        FetchPolicy.from_env({"YUEYOU_FEED_TIMEOUT_S": "abc"})


@pytest.mark.parametrize(
    "address, ok",
    [
        ("93.184.216.34", True),
        ("2606:2800:220:1:248:1893:25c8:1946", True),
        ("10.0.0.5", False),
        ("172.16.3.4", False),
        ("192.168.1.1", False),
        ("127.0.0.1", False),
        ("169.254.169.254", False),
        ("::1", False),
        ("fe80::1", False),
        ("fc00::1", False),
        ("::ffff:127.0.0.1", False),
        ("::ffff:10.1.2.3", False),
        ("0.0.0.0", False),
        ("224.0.0.1", False),
        ("100.64.0.1", False),
        ("not-an-ip", False),
        # IPv6 carrying an IPv4 address: judged by it (6to4, NAT64), or refused (Teredo)
        ("2002:a9fe:a9fe::1", False),
        ("2002:0a00:0001::1", False),
        ("2002:5db8:d822::1", True),
        ("64:ff9b::a9fe:a9fe", False),
        ("64:ff9b::5db8:d822", True),
        ("2001:0:4136:e378:8000:63bf:3fff:fdd2", False),
    ],
)
def test_production_address_rule(address, ok):
    assert address_allowed(address, allow_loopback=False) is ok


def test_loopback_allowed_only_when_policy_says_so():
    assert address_allowed("127.0.0.1", allow_loopback=True)
    assert address_allowed("::1", allow_loopback=True)
    assert not address_allowed("10.0.0.5", allow_loopback=True)


def resolver_for(table):
    def resolve(host, port):
        return table[host]

    return resolve


def test_production_policy_refuses_hosts_resolving_to_private_addresses():
    policy = FetchPolicy(allowed_hosts=("feeds.example.org", "mixed.example.org", "ok.example.org"))
    fetcher = Fetcher(
        policy,
        resolver=resolver_for(
            {
                "feeds.example.org": ["10.0.0.5"],
                "mixed.example.org": ["93.184.216.34", "169.254.169.254"],
                "ok.example.org": ["93.184.216.34"],
            }
        ),
    )
    for host in ("feeds.example.org", "mixed.example.org"):
        with pytest.raises(FeedError) as info:
            fetcher.check_url(f"https://{host}/schedule.json")
        assert info.value.code == "address_not_allowed"
    fetcher.check_url("https://ok.example.org/schedule.json")  # no error


def test_policy_refuses_scheme_host_and_unresolvable():
    def fail(host, port):
        raise OSError("no such host")

    fetcher = Fetcher(
        FetchPolicy(allowed_hosts=("feeds.example.org", "127.0.0.1"), allow_loopback_http=True), resolver=fail
    )
    cases = {
        "http://feeds.example.org/x": "insecure_scheme",  # http only to loopback
        "file:///etc/passwd": "bad_url",
        "gopher://feeds.example.org/x": "insecure_scheme",
        "https://other.example.org/x": "host_not_allowed",
        "https://feeds.example.org/x": "dns_error",
    }
    for url, code in cases.items():
        with pytest.raises(FeedError) as info:
            fetcher.check_url(url)
        assert info.value.code == code, url
    prod = Fetcher(FetchPolicy(allowed_hosts=("127.0.0.1",)), resolver=resolver_for({"127.0.0.1": ["127.0.0.1"]}))
    with pytest.raises(FeedError) as info:
        prod.check_url("http://127.0.0.1:8000/x")
    assert info.value.code == "insecure_scheme"
    with pytest.raises(FeedError) as info:
        prod.check_url("https://127.0.0.1:8000/x")
    assert info.value.code == "address_not_allowed"


@pytest.mark.parametrize("uid", ["s1", "S1", "a_1", "a-1", "match@example.com", "中文场次", "x" * 300, "--"])
def test_event_ids_are_slugs_and_distinct(uid):
    ident = event_id("baseball-centre", uid)
    assert is_slug(ident) and ident.startswith("feed-baseball-centre-")
    assert event_id("baseball-centre", uid) == ident
    assert len({event_id("f", "a_1"), event_id("f", "a-1"), event_id("f", "A-1")}) == 3
