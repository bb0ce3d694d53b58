"""Fetch a feed body without letting the feed's server steer the service.

Why so careful: feed URLs point outside our control, and a Lambda inside a
VPC (or the EC2/Lambda metadata endpoint at 169.254.169.254) must never be
reachable through a redirect. So every hop — the first URL and each
redirect, followed by hand — is checked for scheme (https; http only to
loopback when the policy allows it for tests), host allowlist and the
addresses the host resolves to (no private, loopback, link-local, reserved
or multicast address unless loopback is allowed for tests). The connected
peer is checked again after connecting, to narrow DNS-rebinding. The body is
streamed with a byte cap and a total deadline so a huge or trickling
response cannot exhaust memory or the Lambda's time.
"""

from __future__ import annotations

import ipaddress
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Optional
from urllib.parse import urljoin, urlsplit

import requests

from ..i18n import Text
from .config import FetchPolicy
from .report import FeedError

Resolver = Callable[[str, int], list[str]]
REDIRECT_CODES = (301, 302, 303, 307, 308)
LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1")
USER_AGENT = "yueyou-feeds/1 (+schedule ingestion)"
CHUNK = 64 * 1024


def system_resolver(host: str, port: int) -> list[str]:
    """Every address the host resolves to (all must be acceptable)."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return sorted({str(info[4][0]) for info in infos})


@dataclass(frozen=True)
class FetchResult:
    body: bytes
    url: str  # after redirects
    content_type: str


def _error(code: str, en: str, zh: str) -> FeedError:
    return FeedError(code, Text(zh=zh, en=en))


NAT64 = ipaddress.ip_network("64:ff9b::/96")


def address_allowed(address: str, allow_loopback: bool) -> bool:
    """Only globally routable unicast addresses (plus loopback in tests)."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address):
        # IPv6 forms that carry an IPv4 address are judged by that address
        # (6to4 2002:a9fe:a9fe::1 is 169.254.169.254, the metadata service);
        # Teredo tunnels (2001::/32) are refused outright.
        if ip.teredo is not None:
            return False
        embedded = ip.ipv4_mapped or ip.sixtofour
        if embedded is None and ip in NAT64:
            embedded = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        if embedded is not None:
            ip = embedded
    if ip.is_loopback:
        return allow_loopback
    return ip.is_global and not (
        ip.is_private or ip.is_link_local or ip.is_reserved or ip.is_multicast or ip.is_unspecified
    )


class Fetcher:
    def __init__(
        self,
        policy: FetchPolicy,
        session: Optional[requests.Session] = None,
        resolver: Resolver = system_resolver,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.policy = policy
        self.session = session or requests.Session()
        self.session.trust_env = False  # no proxies or .netrc from the environment
        self.resolver = resolver
        self.clock = clock

    # -- policy ------------------------------------------------------------
    def check_url(self, url: str) -> None:
        """Raise FeedError unless the policy lets us contact ``url``."""
        parts = urlsplit(url)
        host = (parts.hostname or "").lower().rstrip(".")
        if not host:
            raise _error("bad_url", f"{url!r} has no host", f"{url!r} 缺少主机名")
        if parts.username or parts.password:
            raise _error("bad_url", "feed URLs must not carry credentials", "订阅源地址不得包含用户名或密码")
        if parts.scheme == "http":
            if not (self.policy.allow_loopback_http and host in LOOPBACK_NAMES):
                raise _error(
                    "insecure_scheme",
                    f"{url} is not https; plain http is only allowed to 127.0.0.1 in tests",
                    f"{url} 不是 https；仅测试环境允许以 http 访问 127.0.0.1",
                )
        elif parts.scheme != "https":
            raise _error(
                "insecure_scheme",
                f"scheme {parts.scheme!r} is not allowed (https only)",
                f"不允许的协议 {parts.scheme!r}（仅限 https）",
            )
        if not self.policy.host_allowed(host):
            raise _error(
                "host_not_allowed",
                f"host {host} is not on the feed allowlist (YUEYOU_FEED_HOSTS)",
                f"主机 {host} 不在订阅源白名单（YUEYOU_FEED_HOSTS）中",
            )
        try:
            port = parts.port or (443 if parts.scheme == "https" else 80)
        except ValueError:
            raise _error("bad_url", f"{url!r} has an invalid port", f"{url!r} 端口无效") from None
        try:
            addresses = self.resolver(host, port)
        except (OSError, UnicodeError) as exc:
            raise _error("dns_error", f"cannot resolve {host}: {exc}", f"无法解析主机 {host}：{exc}") from None
        if not addresses:
            raise _error("dns_error", f"{host} has no address", f"主机 {host} 没有地址")
        for address in addresses:
            self._check_address(host, address)

    def _check_address(self, host: str, address: str) -> None:
        if not address_allowed(address, self.policy.allow_loopback_http):
            raise _error(
                "address_not_allowed",
                f"{host} resolves to {address}, a private, loopback or link-local address; refused",
                f"{host} 解析到 {address}（内网、回环或链路本地地址），已拒绝",
            )

    # -- fetching ----------------------------------------------------------
    def fetch(self, url: str) -> FetchResult:
        deadline = self.clock() + self.policy.timeout_s
        current = url
        for _hop in range(self.policy.max_redirects + 1):
            self.check_url(current)
            response = self._open(current, deadline)
            try:
                if response.status_code in REDIRECT_CODES:
                    location = response.headers.get("Location")
                    if not location:
                        raise _error(
                            "bad_redirect",
                            f"HTTP {response.status_code} without a Location",
                            f"HTTP {response.status_code} 重定向缺少 Location",
                        )
                    current = urljoin(current, location)
                    continue
                if response.status_code != 200:
                    raise _error(
                        "http_status",
                        f"the feed answered HTTP {response.status_code}",
                        f"订阅源返回 HTTP {response.status_code}",
                    )
                body = self._read(response, deadline)
                return FetchResult(body=body, url=current, content_type=response.headers.get("Content-Type", ""))
            finally:
                response.close()
        raise _error(
            "too_many_redirects",
            f"more than {self.policy.max_redirects} redirects",
            f"重定向超过 {self.policy.max_redirects} 次",
        )

    def _open(self, url: str, deadline: float) -> requests.Response:
        remaining = deadline - self.clock()
        if remaining <= 0:
            raise self._timeout()
        try:
            response = self.session.get(
                url,
                stream=True,
                allow_redirects=False,
                timeout=(remaining, remaining),
                headers={"User-Agent": USER_AGENT, "Accept": "application/json, text/calendar;q=0.9"},
            )
        except requests.Timeout:
            raise self._timeout() from None
        except requests.RequestException as exc:
            raise _error(
                "unreachable", f"cannot fetch the feed: {type(exc).__name__}", f"无法获取订阅源：{type(exc).__name__}"
            ) from None
        peer = _peer_address(response)
        if peer is not None:
            try:
                self._check_address(urlsplit(url).hostname or "", peer)
            except Exception:
                response.close()
                raise
        return response

    def _read(self, response: requests.Response, deadline: float) -> bytes:
        limit = self.policy.max_bytes
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > limit:
            raise self._too_large(limit)
        raw = response.raw
        read = getattr(raw, "read1", None) or raw.read
        chunks: list[bytes] = []
        size = 0
        while True:
            if self.clock() > deadline:
                raise self._timeout()
            try:
                chunk = read(CHUNK, decode_content=True)
            except Exception as exc:  # urllib3 timeout / protocol / decode errors
                if "timed out" in str(exc).lower() or isinstance(exc, (socket.timeout, TimeoutError)):
                    raise self._timeout() from None
                raise _error(
                    "read_failed",
                    f"the feed body could not be read: {type(exc).__name__}",
                    f"读取订阅源内容失败：{type(exc).__name__}",
                ) from None
            if not chunk:
                return b"".join(chunks)
            size += len(chunk)
            if size > limit:
                raise self._too_large(limit)
            chunks.append(chunk)

    def _timeout(self) -> FeedError:
        return _error(
            "timeout",
            f"the feed did not answer within {self.policy.timeout_s:g} s",
            f"订阅源在 {self.policy.timeout_s:g} 秒内未完成响应",
        )

    @staticmethod
    def _too_large(limit: int) -> FeedError:
        return _error("too_large", f"the feed is larger than {limit} bytes", f"订阅源超过 {limit} 字节上限")


def _peer_address(response: requests.Response) -> Optional[str]:
    """The connected peer's IP, when urllib3 exposes the socket (best effort)."""
    try:
        sock = response.raw.connection.sock  # type: ignore[union-attr]
        return str(sock.getpeername()[0])
    except Exception:
        return None
