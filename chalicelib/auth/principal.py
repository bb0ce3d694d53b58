"""Who is calling: an API key's owner, or an anonymous client IP."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from typing import Optional

ANONYMOUS_PREFIX = "anonymous:"


@dataclass(frozen=True)
class Principal:
    """The authenticated caller.

    ``daily_quota`` / ``rate_per_minute`` are the key's own limits; they are
    ``None`` for anonymous callers, whose limits come from the AuthPolicy so
    that changing the policy applies at once.

    >>> Principal.from_ip("203.0.113.7").owner
    'anonymous:203.0.113.7'
    >>> Principal.from_ip("2001:db8:1:2:3:4:5:6").owner
    'anonymous:2001:db8:1:2::/64'
    """

    owner: str
    key_id: Optional[str]
    anonymous: bool
    origins: tuple[str, ...] = ()
    daily_quota: Optional[int] = None
    rate_per_minute: Optional[int] = None
    scopes: tuple[str, ...] = ()  # an API key's extra rights (``keys.SCOPES``)

    @property
    def subject(self) -> str:
        """What usage is counted against: the key (each key has its own
        quota, even when one owner holds several) or the anonymous IP."""
        return f"key:{self.key_id}" if self.key_id else self.owner

    @classmethod
    def from_ip(cls, source_ip: Optional[str], ipv6_prefix: int = 64) -> Principal:
        """An anonymous caller, counted per client IP (an IPv6 /64 by default)."""
        return cls(owner=ANONYMOUS_PREFIX + client_bucket(source_ip, ipv6_prefix), key_id=None, anonymous=True)


def client_bucket(source_ip: Optional[str], ipv6_prefix: int = 64) -> str:
    """The address anonymous usage is counted under: IPv4 as is, IPv6 by
    network prefix; anything unparseable shares one ``unknown`` bucket."""
    try:
        address = ipaddress.ip_address((source_ip or "").strip())
    except ValueError:
        return "unknown"
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.IPv6Network((address, ipv6_prefix), strict=False))
    return str(address)
