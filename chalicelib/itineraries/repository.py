"""Itineraries in the store, with owners, versions and idempotency keys.

A plan is created once per (owner, Idempotency-Key): the key is claimed with
a conditional write *before* solving, so two racing retries cannot both
create a plan; the loser is told the original is still being made (409) or
gets the original result.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Callable, Optional

from ..errors import Conflict, NotFound, YueyouError, not_found
from ..i18n import Text
from ..store import ANY_VERSION, MUST_NOT_EXIST, Store
from ..timeutil import SHANGHAI, iso

COLLECTION = "itinerary"
IDEMPOTENCY = "idempotency"
IDEMPOTENCY_TTL_S = 24 * 3600


@dataclass(frozen=True)
class ItineraryRecord:
    id: str
    owner: str
    version: int
    created_at: str
    updated_at: str
    request: dict[str, Any]
    plan: dict[str, Any]
    share_token: str

    def readable_by(self, owner: Optional[str], share_token: Optional[str]) -> bool:
        """The owner, or anyone holding the plan's share link (printed QR codes)."""
        if owner is not None and owner == self.owner:
            return True
        return bool(share_token) and hmac.compare_digest(share_token.encode("utf-8"), self.share_token.encode("utf-8"))

    @property
    def etag(self) -> str:
        return f'"{self.version}"'


def new_id() -> str:
    return "it-" + secrets.token_hex(10)


def request_fingerprint(body: Any) -> str:
    canonical = json.dumps(body, sort_keys=True, ensure_ascii=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


class ItineraryRepository:
    def __init__(self, store: Store, clock: Callable[[], datetime] = lambda: datetime.now(SHANGHAI)) -> None:
        self.store = store
        self.clock = clock

    # -- reads -------------------------------------------------------------
    def get(self, itinerary_id: str) -> ItineraryRecord:
        item = self.store.get(COLLECTION, itinerary_id)
        if item is None:
            raise not_found("itinerary", itinerary_id)
        return self._record(item.key, item.version, item.data)

    def get_owned(self, itinerary_id: str, owner: str) -> ItineraryRecord:
        """Someone else's plan is reported as missing: ids are not secrets to probe."""
        record = self.get(itinerary_id)
        if record.owner != owner:
            raise not_found("itinerary", itinerary_id)
        return record

    def list_owned(self, owner: str, limit: int = 50, cursor: Optional[str] = None):
        page = self.store.list("owner-index", prefix=f"{owner}#", limit=limit, cursor=cursor)
        records = []
        for item in page.items:
            try:
                records.append(self.get(item.data["itinerary_id"]))
            except NotFound:
                continue  # index entry of a deleted plan
        return records, page.next_cursor

    # -- writes ------------------------------------------------------------
    def create(self, owner: str, request: dict[str, Any], plan: dict[str, Any],
               itinerary_id: Optional[str] = None) -> ItineraryRecord:
        itinerary_id = itinerary_id or new_id()
        now = iso(self.clock())
        plan = dict(plan, id=itinerary_id)
        data = {"owner": owner, "created_at": now, "updated_at": now, "request": request, "plan": plan,
                "share_token": secrets.token_urlsafe(16)}
        item = self.store.put(COLLECTION, itinerary_id, data, MUST_NOT_EXIST)
        self.store.put("owner-index", f"{owner}#{now}#{itinerary_id}", {"itinerary_id": itinerary_id})
        return self._record(itinerary_id, item.version, item.data)

    @staticmethod
    def check_version(record: ItineraryRecord, expected_version: int) -> None:
        """Raise the 412 for a stale If-Match before doing expensive work."""
        if expected_version != ANY_VERSION and record.version != expected_version:
            raise _stale(record.id, expected_version, record.version)

    def update(self, itinerary_id: str, owner: str, expected_version: int,
               request: dict[str, Any], plan: dict[str, Any]) -> ItineraryRecord:
        current = self.get_owned(itinerary_id, owner)
        self.check_version(current, expected_version)
        data = {"owner": owner, "created_at": current.created_at, "updated_at": iso(self.clock()),
                "request": request, "plan": dict(plan, id=itinerary_id), "share_token": current.share_token}
        try:
            item = self.store.put(COLLECTION, itinerary_id, data,
                                  current.version if expected_version == ANY_VERSION else expected_version)
        except Conflict as exc:
            actual = exc.details.get("current_version") if isinstance(exc.details, dict) else None
            raise _stale(itinerary_id, expected_version, actual) from None
        return self._record(itinerary_id, item.version, item.data)

    def delete(self, itinerary_id: str, owner: str, expected_version: int = ANY_VERSION) -> None:
        current = self.get_owned(itinerary_id, owner)
        try:
            self.store.delete(COLLECTION, itinerary_id, expected_version)
        except Conflict as exc:
            actual = exc.details.get("current_version") if isinstance(exc.details, dict) else None
            raise _stale(itinerary_id, expected_version, actual) from None
        self.store.delete("owner-index", f"{owner}#{current.created_at}#{itinerary_id}")

    # -- idempotency -------------------------------------------------------
    def create_idempotent(self, owner: str, key: Optional[str], request: dict[str, Any],
                          make_plan: Callable[[], dict[str, Any]]) -> tuple[ItineraryRecord, bool]:
        """(record, created). Without a key every call creates a plan."""
        if not key:
            return self.create(owner, request, make_plan()), True
        if len(key) > 200:
            raise YueyouError("invalid_parameter", Text("Idempotency-Key 过长（最多 200 个字符）",
                                                         "Idempotency-Key is too long (200 characters at most)"),
                              field="Idempotency-Key")
        slot = f"{owner}#{key}"
        fingerprint = request_fingerprint(request)
        itinerary_id = new_id()
        claim = {"fingerprint": fingerprint, "itinerary_id": itinerary_id, "state": "pending",
                 "expires_at": int(self.clock().timestamp()) + IDEMPOTENCY_TTL_S}
        try:
            self.store.put(IDEMPOTENCY, slot, claim, MUST_NOT_EXIST)
        except Conflict:
            return self._replay(slot, fingerprint), False
        try:
            record = self.create(owner, request, make_plan(), itinerary_id)
        except Exception:
            # Free the key so the client's retry can try again.
            self.store.delete(IDEMPOTENCY, slot)
            raise
        self.store.put(IDEMPOTENCY, slot, dict(claim, state="done"))
        return record, True

    def _replay(self, slot: str, fingerprint: str) -> ItineraryRecord:
        item = self.store.get(IDEMPOTENCY, slot)
        if item is None:  # released by a failed attempt a moment ago
            raise YueyouError("idempotency_retry", Text("请求正在处理，请稍后重试",
                                                        "the original request is being retried; try again"),
                              field="Idempotency-Key", status=409)
        if item.data["fingerprint"] != fingerprint:
            raise YueyouError("idempotency_key_reused",
                              Text("该 Idempotency-Key 已用于另一个不同的请求",
                                   "this Idempotency-Key was used for a different request"),
                              field="Idempotency-Key", status=422)
        if item.data["state"] != "done":
            raise YueyouError("idempotency_in_progress",
                              Text("相同 Idempotency-Key 的请求仍在处理中", "a request with this Idempotency-Key is still in progress"),
                              field="Idempotency-Key", status=409)
        return self.get(item.data["itinerary_id"])

    @staticmethod
    def _record(itinerary_id: str, version: int, data: dict[str, Any]) -> ItineraryRecord:
        return ItineraryRecord(id=itinerary_id, owner=data["owner"], version=version,
                               created_at=data["created_at"], updated_at=data["updated_at"],
                               request=data["request"], plan=data["plan"], share_token=data["share_token"])


def _stale(itinerary_id: str, expected: int, actual: Optional[int]) -> Conflict:
    return Conflict("version_conflict",
                    Text(f"行程 {itinerary_id} 已被修改（当前版本 {actual}），请重新读取后再提交",
                         f"itinerary {itinerary_id} has changed (now version {actual}); re-read and retry"),
                    field="If-Match", details={"expected_version": expected, "current_version": actual})
