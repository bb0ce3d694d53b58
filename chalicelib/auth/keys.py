"""API keys: issued by an operator, stored only as hashes.

A key reads ``yy_<key id>_<secret>``. The key id is public (``keys list``
shows it, ``keys revoke`` takes it) and is the item's store key, so
authenticating is one direct read instead of a scan over every key. Only the
SHA-256 of the whole key is stored: the secret carries 192 random bits, so a
fast unsalted hash cannot be brute-forced, and a leaked table yields no usable
key. Hashing the whole key (not the secret alone) binds the secret to its id.

Every key belongs to an **account** (``acct_<16 hex>``), and the account id,
not the free-text name, owns plans and batches: listings match the owner
followed by ``#``, so owner *names* such as ``Agency A`` and ``Agency A#Branch``
would see each other's plans. Account names are unique (``keys create
--owner NAME`` makes a new account and refuses a taken name; ``--account ID``
adds a key to an existing one). Keys issued before accounts existed keep
their name as owner (``ApiKey.account_id`` None).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any, Optional
from urllib.parse import urlsplit

from ..errors import Conflict, NotFound, invalid
from ..i18n import Text
from ..store import MUST_NOT_EXIST, Store
from ..timeutil import iso
from .errors import invalid_key, revoked_key
from .policy import Clock, utc_now
from .principal import ANONYMOUS_PREFIX, Principal

COLLECTION = "api_keys"
ACCOUNTS = "accounts"  # account id -> {account_id, name, created_at}
ACCOUNT_NAMES = "account_names"  # normalised name -> {account_id}: names are unique
ACCOUNT_PREFIX = "acct_"
_ACCOUNT_RE = re.compile(r"^acct_[0-9a-f]{16}$")
KEY_PREFIX = "yy"
DEFAULT_RATE_PER_MINUTE = 60
_KEY_ID_BYTES = 8  # 16 hex digits: public, only needs to be unique
_SECRET_BYTES = 24  # 48 hex digits: 192 bits of secret
_KEY_RE = re.compile(r"^yy_([0-9a-f]{16})_([0-9a-f]{32,128})$")
_ID_RE = re.compile(r"^(?:yy_)?([0-9a-f]{16})(?:_.*)?$")
_MAX_OWNER = 200
_WRITE_ATTEMPTS = 5
SCOPES = ("operator",)


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def key_id_of(text: str) -> Optional[str]:
    """The key id in a key id, a ``yy_<id>`` prefix or a whole key.

    >>> key_id_of("yy_0123456789abcdef_" + "0" * 48)
    '0123456789abcdef'
    >>> key_id_of("0123456789abcdef"), key_id_of("nope")
    ('0123456789abcdef', None)
    """
    match = _ID_RE.match(text.strip().lower()) if isinstance(text, str) else None
    return match.group(1) if match else None


@dataclass(frozen=True)
class ApiKey:
    """One issued key as listed to operators: everything but the secret."""

    key_id: str
    owner: str
    daily_quota: int
    rate_per_minute: int
    created_at: str
    revoked: bool = False
    revoked_at: Optional[str] = None
    origins: tuple[str, ...] = ()
    account_id: Optional[str] = None  # None: a key issued before accounts (owned by its name)
    # What else the key may do besides planning: "operator" reads the crowd
    # insights and sets capacity limits (the city's cockpit).
    scopes: tuple[str, ...] = ()

    @property
    def prefix(self) -> str:
        return f"{KEY_PREFIX}_{self.key_id}"

    def to_json(self) -> dict[str, Any]:
        return {
            "key_id": self.key_id,
            "prefix": self.prefix,
            "owner": self.owner,
            "daily_quota": self.daily_quota,
            "rate_per_minute": self.rate_per_minute,
            "created_at": self.created_at,
            "revoked": self.revoked,
            "revoked_at": self.revoked_at,
            "origins": list(self.origins),
            "account_id": self.account_id,
            "scopes": list(self.scopes),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ApiKey:
        return cls(
            key_id=data["key_id"],
            owner=data["owner"],
            daily_quota=int(data["daily_quota"]),
            rate_per_minute=int(data["rate_per_minute"]),
            created_at=data["created_at"],
            revoked=bool(data.get("revoked")),
            revoked_at=data.get("revoked_at"),
            origins=tuple(data.get("origins") or ()),
            account_id=data.get("account_id"),
            scopes=tuple(data.get("scopes") or ()),
        )

    def principal(self) -> Principal:
        return Principal(
            owner=self.account_id or self.owner,
            key_id=self.key_id,
            anonymous=False,
            origins=self.origins,
            daily_quota=self.daily_quota,
            rate_per_minute=self.rate_per_minute,
            scopes=self.scopes,
        )


@dataclass(frozen=True)
class Account:
    """Who owns plans: an immutable id, and a unique display name."""

    account_id: str
    name: str
    created_at: str

    def to_json(self) -> dict[str, Any]:
        return {"account_id": self.account_id, "name": self.name, "created_at": self.created_at}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Account:
        return cls(data["account_id"], data["name"], data["created_at"])


def _name_key(name: str) -> str:
    """Names compare without case or surrounding/duplicate spaces."""
    return " ".join(name.split()).casefold()


class KeyStore:
    """Issue, list, revoke and check API keys in the ``api_keys`` collection."""

    def __init__(self, store: Store, clock: Clock = utc_now) -> None:
        self.store = store
        self.clock = clock

    def create_account(self, name: str) -> Account:
        """A new account; 400 when the name is taken (names identify
        accounts to operators, so two of one name would be a trap)."""
        name = _check_owner(name)
        for _ in range(_WRITE_ATTEMPTS):
            account = Account(ACCOUNT_PREFIX + secrets.token_hex(_KEY_ID_BYTES), name, iso(self.clock()))
            try:
                self.store.put(ACCOUNT_NAMES, _name_key(name), {"account_id": account.account_id}, MUST_NOT_EXIST)
            except Conflict:
                taken = self.store.get(ACCOUNT_NAMES, _name_key(name))
                held = taken.data["account_id"] if taken is not None else "?"
                raise invalid(
                    "owner",
                    f"an account named {name!r} exists ({held}); add the key to it with "
                    f"--account {held}, or choose another name",
                    f"已有名为 {name!r} 的账户（{held}）；用 --account {held} 把密钥加到该账户，或换一个名称",
                ) from None
            try:
                self.store.put(ACCOUNTS, account.account_id, account.to_json(), MUST_NOT_EXIST)
                return account
            except Conflict:  # an id collision: ~impossible; free the name and retry
                self.store.delete(ACCOUNT_NAMES, _name_key(name))
        raise RuntimeError("could not allocate a unique account id")

    def account(self, account_id: str) -> Account:
        item = self.store.get(ACCOUNTS, account_id) if _ACCOUNT_RE.match(account_id or "") else None
        if item is None:
            raise NotFound(
                "not_found", Text(zh=f"找不到账户：{account_id}", en=f"No account {account_id!r}"), field="account"
            )
        return Account.from_json(item.data)

    def accounts(self) -> list[Account]:
        out: list[Account] = []
        cursor: Optional[str] = None
        while True:
            page = self.store.list(ACCOUNTS, limit=100, cursor=cursor)
            out.extend(Account.from_json(item.data) for item in page.items)
            cursor = page.next_cursor
            if cursor is None:
                return sorted(out, key=lambda a: (a.created_at, a.account_id))

    def create(
        self,
        owner: Optional[str] = None,
        daily_quota: int = 0,
        rate_per_minute: int = DEFAULT_RATE_PER_MINUTE,
        origins: Iterable[str] = (),
        account_id: Optional[str] = None,
        scopes: Iterable[str] = (),
    ) -> tuple[ApiKey, str]:
        """A new key for a new account named ``owner``, or for the existing
        ``account_id`` (exactly one of the two); returns its record and the
        key itself, which is never stored and cannot be shown again."""
        if (owner is None) == (account_id is None):
            raise invalid(
                "owner",
                "give either owner (a new account) or account (an existing one)",
                "请指定 owner（新账户）或 account（已有账户）之一",
            )
        daily_quota = _check_count("daily_quota", daily_quota, low=0)
        rate_per_minute = _check_count("rate_per_minute", rate_per_minute, low=1)
        origins = tuple(dict.fromkeys(normalize_origin(o) for o in origins))
        scopes = tuple(dict.fromkeys(scopes))
        for scope in scopes:
            if scope not in SCOPES:
                raise invalid(
                    "scope", f"scope must be one of {', '.join(SCOPES)}", f"scope 必须是 {'、'.join(SCOPES)} 之一"
                )
        account = self.create_account(owner) if owner is not None else self.account(account_id or "")
        record = ApiKey(
            key_id="",
            owner=account.name,
            account_id=account.account_id,
            daily_quota=daily_quota,
            rate_per_minute=rate_per_minute,
            created_at=iso(self.clock()),
            origins=origins,
            scopes=scopes,
        )
        for _ in range(_WRITE_ATTEMPTS):  # an id collision is ~impossible, but cheap to handle
            key_id = secrets.token_hex(_KEY_ID_BYTES)
            key = f"{KEY_PREFIX}_{key_id}_{secrets.token_hex(_SECRET_BYTES)}"
            record = replace(record, key_id=key_id)
            try:
                self.store.put(COLLECTION, key_id, {**record.to_json(), "key_sha256": hash_key(key)}, MUST_NOT_EXIST)
                return record, key
            except Conflict:
                continue
        raise RuntimeError("could not allocate a unique key id")

    def get(self, key_id: str) -> Optional[ApiKey]:
        item = self.store.get(COLLECTION, key_id)
        return None if item is None else ApiKey.from_json(item.data)

    def list(self, include_revoked: bool = True) -> list[ApiKey]:
        keys: list[ApiKey] = []
        cursor: Optional[str] = None
        while True:
            page = self.store.list(COLLECTION, limit=100, cursor=cursor)
            keys.extend(ApiKey.from_json(item.data) for item in page.items)
            cursor = page.next_cursor
            if cursor is None:
                break
        keys = [k for k in keys if include_revoked or not k.revoked]
        return sorted(keys, key=lambda k: (k.created_at, k.key_id))

    def revoke(self, key_id: str) -> ApiKey:
        """Revoke at once and for good; revoking twice is not an error."""
        ident = key_id_of(key_id)
        for _ in range(_WRITE_ATTEMPTS):
            item = self.store.get(COLLECTION, ident) if ident else None
            if item is None:
                raise NotFound(
                    "not_found",
                    Text(zh=f"找不到 API 密钥：{key_id}", en=f"No API key with id {key_id!r}"),
                    field="key_id",
                )
            record = ApiKey.from_json(item.data)
            if record.revoked:
                return record
            record = replace(record, revoked=True, revoked_at=iso(self.clock()))
            try:
                self.store.put(COLLECTION, item.key, {**item.data, **record.to_json()}, expected_version=item.version)
                return record
            except Conflict:
                continue
        raise RuntimeError(f"could not revoke {key_id}: too many concurrent writes")

    def authenticate(self, key: Optional[str]) -> Principal:
        """The key's principal, or 401 for a missing, malformed, unknown,
        wrong or revoked key."""
        if not isinstance(key, str) or (match := _KEY_RE.match(key.strip())) is None:
            raise invalid_key()
        item = self.store.get(COLLECTION, match.group(1))
        expected = item.data.get("key_sha256", "") if item is not None else ""
        # Compare even when the id is unknown, so timing tells nothing more.
        if not hmac.compare_digest(hash_key(key.strip()), expected or "0" * 64) or item is None:
            raise invalid_key()
        record = ApiKey.from_json(item.data)
        if record.revoked:
            raise revoked_key()
        return record.principal()


def normalize_origin(origin: str) -> str:
    """``scheme://host[:port]`` in lower case, as browsers send ``Origin``.

    >>> normalize_origin("HTTPS://Agency.Example.com/")
    'https://agency.example.com'
    >>> normalize_origin("https://*.example.com:8443")
    'https://*.example.com:8443'
    """
    text = origin.strip() if isinstance(origin, str) else ""
    parts = urlsplit(text)
    if (
        parts.scheme.lower() not in ("http", "https")
        or not parts.netloc
        or parts.path not in ("", "/")
        or parts.query
        or parts.fragment
        or "@" in parts.netloc
    ):
        raise invalid(
            "origins",
            f"{origin!r} is not an origin like https://agency.example.com",
            f"{origin!r} 不是有效的来源，应形如 https://agency.example.com",
            code="invalid_origin",
        )
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}"


def _check_owner(owner: str) -> str:
    text = owner.strip() if isinstance(owner, str) else ""
    if not text or len(text) > _MAX_OWNER or not text.isprintable():
        raise invalid(
            "owner",
            f"owner must be 1 to {_MAX_OWNER} printable characters",
            f"owner 必须是 1 到 {_MAX_OWNER} 个可打印字符",
        )
    if text.startswith(ANONYMOUS_PREFIX):
        raise invalid(
            "owner",
            f"owner names starting with {ANONYMOUS_PREFIX!r} are reserved",
            f"以 {ANONYMOUS_PREFIX!r} 开头的 owner 名称为保留名称",
        )
    return text


def _check_count(field: str, value: int, low: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < low:
        raise invalid(field, f"{field} must be an integer of at least {low}", f"{field} 必须是不小于 {low} 的整数")
    return value
