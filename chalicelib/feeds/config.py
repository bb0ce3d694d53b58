"""Which feeds to read and how carefully: parsed from the stage's environment.

Feeds are configured per stage (``YUEYOU_FEEDS``, a JSON list) so a URL never
lives in code, and the fetch policy (``YUEYOU_FEED_HOSTS`` and friends) is
separate from the list so an operator cannot widen what the service may
contact just by adding a feed: the host must also be on the allowlist.
Every problem is a :class:`FeedConfigError` naming the entry and field.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any, Optional
from urllib.parse import urlsplit

from ..catalog.model import SPORTS, is_slug
from ..errors import YueyouError
from ..i18n import Text

FORMATS = ("json", "ics")
FEED_ID_MAX = 40
DEFAULT_MAX_BYTES = 2 * 1024 * 1024
DEFAULT_TIMEOUT_S = 10.0
DEFAULT_MAX_REDIRECTS = 3
_FEED_KEYS = {"id", "url", "format", "venue_id", "sport"}


class FeedConfigError(YueyouError):
    """The stage's feed settings are wrong: an operator must fix them."""

    status = 500


def _config_error(field: str, en: str, zh: str) -> FeedConfigError:
    return FeedConfigError("feed_config_invalid", Text(zh=zh, en=en), field=field)


@dataclass(frozen=True)
class FeedSource:
    """One feed: where it is, how it is encoded, which venue it describes."""

    id: str
    url: str
    format: str
    venue_id: str
    sport: Optional[str] = None

    @property
    def origin(self) -> str:
        """The ``origin`` stamped on events this feed owns."""
        return f"feed:{self.id}"

    @property
    def fingerprint(self) -> str:
        """Changes when the mapping changes, so an unchanged body is re-applied."""
        canonical = json.dumps(asdict(self), sort_keys=True)
        return hashlib.sha256(canonical.encode()).hexdigest()[:16]


class FeedConfig:
    @staticmethod
    def parse(text: Optional[str]) -> list[FeedSource]:
        """``YUEYOU_FEEDS``: a JSON list of feed objects; unset/blank = no feeds."""
        if text is None or not text.strip():
            return []
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise _config_error(
                "YUEYOU_FEEDS",
                f"YUEYOU_FEEDS is not JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})",
                f"YUEYOU_FEEDS 不是合法 JSON：第 {exc.lineno} 行第 {exc.colno} 列",
            ) from None
        if not isinstance(data, list):
            raise _config_error(
                "YUEYOU_FEEDS",
                "YUEYOU_FEEDS must be a JSON list of feed objects",
                "YUEYOU_FEEDS 必须是由订阅源对象组成的 JSON 数组",
            )
        feeds = [FeedConfig.parse_one(entry, f"YUEYOU_FEEDS[{i}]") for i, entry in enumerate(data)]
        seen: set[str] = set()
        for i, feed in enumerate(feeds):
            if feed.id in seen:
                raise _config_error(
                    f"YUEYOU_FEEDS[{i}].id", f"feed id {feed.id!r} is used twice", f"订阅源 id {feed.id!r} 重复"
                )
            seen.add(feed.id)
        return feeds

    @staticmethod
    def parse_one(entry: Any, where: str) -> FeedSource:
        if not isinstance(entry, Mapping):
            raise _config_error(where, f"{where} must be an object", f"{where} 必须是对象")
        unknown = sorted(set(entry) - _FEED_KEYS)
        if unknown:
            raise _config_error(
                f"{where}.{unknown[0]}",
                f"{where}: unknown key(s) {unknown}; allowed: " + ", ".join(sorted(_FEED_KEYS)),
                f"{where}：未知字段 {unknown}；允许：" + "、".join(sorted(_FEED_KEYS)),
            )
        for key in ("id", "url", "format", "venue_id"):
            if not isinstance(entry.get(key), str) or not entry[key].strip():
                raise _config_error(
                    f"{where}.{key}",
                    f"{where}.{key} is required (a non-empty string)",
                    f"{where}.{key} 为必填的非空字符串",
                )
        feed_id = entry["id"]
        if not is_slug(feed_id) or len(feed_id) > FEED_ID_MAX:
            raise _config_error(
                f"{where}.id",
                f"{where}.id {feed_id!r} must be a slug (a-z, 0-9, '-', at most {FEED_ID_MAX} characters)",
                f"{where}.id {feed_id!r} 必须由小写字母、数字和连字符组成，最多 {FEED_ID_MAX} 个字符",
            )
        if entry["format"] not in FORMATS:
            raise _config_error(
                f"{where}.format", f"{where}.format must be 'json' or 'ics'", f"{where}.format 只能是 'json' 或 'ics'"
            )
        parts = urlsplit(entry["url"])
        if parts.scheme not in ("https", "http") or not parts.hostname:
            raise _config_error(
                f"{where}.url", f"{where}.url must be an absolute https URL", f"{where}.url 必须是完整的 https 地址"
            )
        if parts.username or parts.password:
            raise _config_error(
                f"{where}.url", f"{where}.url must not carry credentials", f"{where}.url 不得包含用户名或密码"
            )
        sport = entry.get("sport")
        if sport is not None and sport not in SPORTS:
            raise _config_error(
                f"{where}.sport",
                f"{where}.sport must be one of: " + ", ".join(SPORTS),
                f"{where}.sport 必须是：" + "、".join(SPORTS),
            )
        return FeedSource(id=feed_id, url=entry["url"], format=entry["format"], venue_id=entry["venue_id"], sport=sport)


@dataclass(frozen=True)
class FetchPolicy:
    """What the fetcher may contact and how much it may read.

    ``allow_loopback_http`` exists for tests and local development only: it
    permits plain http to 127.0.0.1/::1/localhost and loopback addresses.
    It is refused on the ``prod`` stage (see :meth:`from_env`).
    """

    allowed_hosts: tuple[str, ...] = ()
    allow_loopback_http: bool = False
    max_bytes: int = DEFAULT_MAX_BYTES
    timeout_s: float = DEFAULT_TIMEOUT_S
    max_redirects: int = DEFAULT_MAX_REDIRECTS

    def host_allowed(self, host: str) -> bool:
        """Exact host, or ``*.example.org`` for any subdomain of it."""
        host = host.lower().rstrip(".")
        for pattern in self.allowed_hosts:
            if pattern.startswith("*."):
                if host.endswith(pattern[1:]) and host != pattern[2:]:
                    return True
            elif host == pattern:
                return True
        return False

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> FetchPolicy:
        hosts = tuple(h.strip().lower().rstrip(".") for h in env.get("YUEYOU_FEED_HOSTS", "").split(",") if h.strip())
        loopback = env.get("YUEYOU_FEED_ALLOW_LOOPBACK", "").strip().lower() in ("1", "true", "yes")
        if loopback and env.get("YUEYOU_STAGE", "dev") == "prod":
            raise _config_error(
                "YUEYOU_FEED_ALLOW_LOOPBACK",
                "YUEYOU_FEED_ALLOW_LOOPBACK is for tests and development; the prod stage refuses it",
                "YUEYOU_FEED_ALLOW_LOOPBACK 仅用于测试和开发，prod 环境不允许开启",
            )
        return cls(
            allowed_hosts=hosts,
            allow_loopback_http=loopback,
            max_bytes=_number(env, "YUEYOU_FEED_MAX_BYTES", DEFAULT_MAX_BYTES, 1, 50 * 1024 * 1024, int),
            timeout_s=_number(env, "YUEYOU_FEED_TIMEOUT_S", DEFAULT_TIMEOUT_S, 0.05, 60.0, float),
            max_redirects=_number(env, "YUEYOU_FEED_MAX_REDIRECTS", DEFAULT_MAX_REDIRECTS, 0, 10, int),
        )


def _number(env: Mapping[str, str], name: str, default: Any, low: float, high: float, kind: type) -> Any:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = kind(raw)
    except ValueError:
        raise _config_error(name, f"{name} must be a number", f"{name} 必须是数字") from None
    if not low <= value <= high:
        raise _config_error(
            name, f"{name} must be between {low:g} and {high:g}", f"{name} 必须在 {low:g} 与 {high:g} 之间"
        )
    return value
