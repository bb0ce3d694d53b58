"""Itineraries in the store, with owners, versions and idempotency keys.

A plan is created once per (owner, Idempotency-Key): the key is claimed with
a conditional write *before* solving, so two racing retries cannot both
create a plan; the loser is told the original is still being made (409) or
gets the original result. A claim left pending by a crashed process is taken
over by a retry once it is older than the request deadline (see
``ItineraryRepository.create_idempotent``).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import math
import os
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Optional

from ..crowds import CapacityBook, CrowdLedger
from ..errors import Conflict, NotFound, YueyouError, not_found
from ..i18n import Text
from ..store import ANY_VERSION, MUST_NOT_EXIST, Item, Store
from ..timeutil import SHANGHAI, iso

COLLECTION = "itinerary"
IDEMPOTENCY = "idempotency"
IDEMPOTENCY_TTL_S = 24 * 3600
# A pending claim older than this belongs to a dead attempt and may be taken
# over. 30 s is the request deadline in AWS: the functions' lambda_timeout
# (.chalice/config.json, prod), above API Gateway's 29 s integration limit and
# the solver's 5 s cap (YUEYOU_SOLVE_TIME_LIMIT_CAP_S). YUEYOU_REQUEST_DEADLINE_S
# overrides it (Settings.request_deadline_s).
CLAIM_DEADLINE_S = 30.0
_WRITE_ATTEMPTS = 5  # a delete without If-Match re-reads a plan replanned meanwhile


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
        return (
            share_token is not None
            and share_token != ""
            and hmac.compare_digest(share_token.encode("utf-8"), self.share_token.encode("utf-8"))
        )

    @property
    def etag(self) -> str:
        return f'"{self.version}"'


def new_id() -> str:
    return "it-" + secrets.token_hex(10)


def request_fingerprint(body: Any) -> str:
    canonical = json.dumps(body, sort_keys=True, ensure_ascii=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


class ItineraryRepository:
    def __init__(
        self,
        store: Store,
        clock: Callable[[], datetime] = lambda: datetime.now(SHANGHAI),
        claim_deadline_s: float = CLAIM_DEADLINE_S,
        crowds: Optional[CrowdLedger] = None,
        capacity: Optional[CapacityBook] = None,
    ) -> None:
        self.store = store
        self.clock = clock
        self.claim_deadline_s = claim_deadline_s
        # Every plan write goes through here, so this is where the crowd
        # forecast is kept and capacity is reserved (``chalicelib.crowds``):
        # places are reserved before the plan is written (and released if the
        # write fails), the forecast moves after it.
        self.crowds = crowds
        self.capacity = capacity

    def _reserve(self, old: Optional[dict[str, Any]], new: Optional[dict[str, Any]]) -> None:
        if self.capacity is not None:
            self.capacity.swap(old, new)

    def _release(self, old: Optional[dict[str, Any]], new: Optional[dict[str, Any]]) -> None:
        """Undo ``_reserve(old, new)`` after a failed write (cannot fail on a limit: it frees places)."""
        if self.capacity is not None:
            self.capacity.swap(new, old)

    def _count(self, old: Optional[dict[str, Any]], new: Optional[dict[str, Any]]) -> None:
        if self.crowds is not None:
            self.crowds.apply(old, new)

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
    def create(
        self, owner: str, request: dict[str, Any], plan: dict[str, Any], itinerary_id: Optional[str] = None
    ) -> ItineraryRecord:
        itinerary_id = itinerary_id or new_id()
        now = iso(self.clock())
        plan = dict(plan, id=itinerary_id)
        data = {
            "owner": owner,
            "created_at": now,
            "updated_at": now,
            "request": request,
            "plan": plan,
            "share_token": secrets.token_urlsafe(16),
        }
        self._reserve(None, plan)
        try:
            item = self.store.put(COLLECTION, itinerary_id, data, MUST_NOT_EXIST)
        except BaseException:
            self._release(None, plan)
            raise
        self._count(None, plan)
        self.store.put("owner-index", f"{owner}#{now}#{itinerary_id}", {"itinerary_id": itinerary_id})
        return self._record(itinerary_id, item.version, item.data)

    @staticmethod
    def check_version(record: ItineraryRecord, expected_version: int) -> None:
        """Raise the 412 for a stale If-Match before doing expensive work."""
        if expected_version != ANY_VERSION and record.version != expected_version:
            raise _stale(record.id, expected_version, record.version)

    def update(
        self, itinerary_id: str, owner: str, expected_version: int, request: dict[str, Any], plan: dict[str, Any]
    ) -> ItineraryRecord:
        current = self.get_owned(itinerary_id, owner)
        self.check_version(current, expected_version)
        new_plan = dict(plan, id=itinerary_id)
        data = {
            "owner": owner,
            "created_at": current.created_at,
            "updated_at": iso(self.clock()),
            "request": request,
            "plan": new_plan,
            "share_token": current.share_token,
        }
        self._reserve(current.plan, new_plan)
        try:
            item = self.store.put(
                COLLECTION, itinerary_id, data, current.version if expected_version == ANY_VERSION else expected_version
            )
        except Conflict as exc:
            self._release(current.plan, new_plan)
            actual = exc.details.get("current_version") if isinstance(exc.details, dict) else None
            raise _stale(itinerary_id, expected_version, actual) from None
        except BaseException:
            self._release(current.plan, new_plan)
            raise
        self._count(current.plan, new_plan)
        return self._record(itinerary_id, item.version, item.data)

    def delete(self, itinerary_id: str, owner: str, expected_version: int = ANY_VERSION) -> None:
        # The delete is conditional on the version read, so that exactly that
        # version's places and counts are released; without If-Match a plan
        # replanned in between is simply read again.
        for attempt in range(_WRITE_ATTEMPTS):
            current = self.get_owned(itinerary_id, owner)
            try:
                gone = self.store.delete(
                    COLLECTION, itinerary_id, current.version if expected_version == ANY_VERSION else expected_version
                )
                break
            except Conflict as exc:
                if expected_version == ANY_VERSION and attempt + 1 < _WRITE_ATTEMPTS:
                    continue
                actual = exc.details.get("current_version") if isinstance(exc.details, dict) else None
                raise _stale(itinerary_id, expected_version, actual) from None
        if gone:  # the version read is the one deleted: its places and counts go with it
            self._reserve(current.plan, None)
            self._count(current.plan, None)
        self.store.delete("owner-index", f"{owner}#{current.created_at}#{itinerary_id}")

    def create_or_get(
        self, owner: str, request: dict[str, Any], plan: dict[str, Any], itinerary_id: str
    ) -> ItineraryRecord:
        """Create the plan under a reserved id, or, when an earlier attempt
        (one that crashed, or is still finishing) already created it, return
        that one: a reserved id is created at most once. Also restores the
        owner's listing entry, the second of create's two writes."""
        try:
            return self.create(owner, request, plan, itinerary_id)
        except Conflict:
            record = self.get(itinerary_id)
            if record.owner != owner:
                raise
            self.store.put("owner-index", f"{owner}#{record.created_at}#{itinerary_id}", {"itinerary_id": itinerary_id})
            return record

    # -- idempotency -------------------------------------------------------
    #
    # A claim (IDEMPOTENCY/{owner}#{key}) is {"fingerprint", "itinerary_id",
    # "state": "pending" | "done", "claimed_at" (epoch s, float), "expires_at"
    # (epoch s, int: the store's TTL, see chalicelib.store.base)}.
    #
    # A process killed between claiming and finishing leaves the claim
    # pending. Once it is older than ``claim_deadline_s`` (no request runs that
    # long: see CLAIM_DEADLINE_S), a retry takes it over with a compare-and-set
    # on the claim's version (SQLite: in a transaction; DynamoDB: a
    # ConditionExpression), so of two racing retries exactly one wins and the
    # other is told 409. The taker keeps the claim's itinerary_id, so even if
    # the first attempt was only slow, not dead, one plan is created, not two.
    # After expires_at (24 h) the key is free again, whatever it held.

    def create_idempotent(
        self, owner: str, key: Optional[str], request: dict[str, Any], make_plan: Callable[[], dict[str, Any]]
    ) -> tuple[ItineraryRecord, bool]:
        """(record, created). Without a key every call creates a plan."""
        if not key:
            return self.create(owner, request, make_plan()), True
        if len(key) > 200:
            raise YueyouError(
                "invalid_parameter",
                Text("Idempotency-Key 过长（最多 200 个字符）", "Idempotency-Key is too long (200 characters at most)"),
                field="Idempotency-Key",
            )
        slot = f"{owner}#{key}"
        fingerprint = request_fingerprint(request)
        claim = self._new_claim(fingerprint)
        try:
            claimed = self.store.put(IDEMPOTENCY, slot, claim, MUST_NOT_EXIST)
        except Conflict:
            outcome = self._replay_or_take_over(slot, fingerprint)
            if isinstance(outcome, ItineraryRecord):
                return outcome, False
            claimed = outcome
        return self._fulfil(owner, slot, claimed, request, make_plan), True

    def _new_claim(self, fingerprint: str) -> dict[str, Any]:
        now = self.clock().timestamp()
        return {
            "fingerprint": fingerprint,
            "itinerary_id": new_id(),
            "state": "pending",
            "claimed_at": now,
            "expires_at": int(now) + IDEMPOTENCY_TTL_S,
        }

    def _fulfil(
        self, owner: str, slot: str, claimed: Item, request: dict[str, Any], make_plan: Callable[[], dict[str, Any]]
    ) -> ItineraryRecord:
        itinerary_id = claimed.data["itinerary_id"]
        existing = self.store.get(COLLECTION, itinerary_id)
        if existing is not None:  # a taken-over attempt got as far as creating it
            record = self.create_or_get(owner, request, existing.data["plan"], itinerary_id)
        else:
            hold_claim_for_tests()
            try:
                record = self.create_or_get(owner, request, make_plan(), itinerary_id)
            except Exception:
                # Free the key so the client's retry can try again.
                self._settle(slot, itinerary_id, release=True)
                raise
        self._settle(slot, itinerary_id, release=False)
        return record

    def _settle(self, slot: str, itinerary_id: str, release: bool) -> None:
        """Mark the claim done (or delete it), if it is still the one for
        ``itinerary_id``: a claim taken over meanwhile carries the same id and
        is settled the same way; a fresh claim after a release is left alone."""
        for _ in range(5):
            item = self.store.get(IDEMPOTENCY, slot)
            if item is None or item.data.get("itinerary_id") != itinerary_id or item.data.get("state") == "done":
                return
            try:
                if release:
                    self.store.delete(IDEMPOTENCY, slot, item.version)
                else:
                    self.store.put(IDEMPOTENCY, slot, dict(item.data, state="done"), item.version)
                return
            except Conflict:
                continue  # a retry took the claim over between our read and write: re-read

    def _replay_or_take_over(self, slot: str, fingerprint: str) -> ItineraryRecord | Item:
        """The original's result, or the claim itself if this call took it over."""
        item = self.store.get(IDEMPOTENCY, slot)
        if item is None:  # released by a failed attempt a moment ago
            raise YueyouError(
                "idempotency_retry",
                Text("请求正在处理，请稍后重试", "the original request is being retried; try again"),
                field="Idempotency-Key",
                status=409,
                details={"retry_after": 1},
            )
        data = item.data
        now = self.clock().timestamp()
        if now >= data.get("expires_at", float("inf")):
            return self._take_over(slot, item, self._new_claim(fingerprint))  # the key is free again
        if data["fingerprint"] != fingerprint:
            raise YueyouError(
                "idempotency_key_reused",
                Text(
                    "该 Idempotency-Key 已用于另一个不同的请求", "this Idempotency-Key was used for a different request"
                ),
                field="Idempotency-Key",
                status=422,
            )
        if data["state"] == "done":
            return self.get(data["itinerary_id"])
        claimed_at = data.get("claimed_at", data.get("expires_at", now) - IDEMPOTENCY_TTL_S)
        if now - claimed_at < self.claim_deadline_s:
            # Retry in a moment; at the latest when a dead attempt's claim may be taken over.
            raise _in_progress(max(1, min(5, math.ceil(self.claim_deadline_s - (now - claimed_at)))))
        # Past the deadline: the attempt holding the claim died. Take over, same plan id.
        return self._take_over(
            slot,
            item,
            dict(data, claimed_at=now, attempt=data.get("attempt", 1) + 1, expires_at=int(now) + IDEMPOTENCY_TTL_S),
        )

    def _take_over(self, slot: str, item: Item, claim: dict[str, Any]) -> Item:
        try:
            return self.store.put(IDEMPOTENCY, slot, claim, item.version)
        except Conflict:
            raise _in_progress(1) from None  # another retry took it first

    @staticmethod
    def _record(itinerary_id: str, version: int, data: dict[str, Any]) -> ItineraryRecord:
        return ItineraryRecord(
            id=itinerary_id,
            owner=data["owner"],
            version=version,
            created_at=data["created_at"],
            updated_at=data["updated_at"],
            request=data["request"],
            plan=data["plan"],
            share_token=data["share_token"],
        )


def _in_progress(retry_after: int) -> YueyouError:
    return YueyouError(
        "idempotency_in_progress",
        Text("相同 Idempotency-Key 的请求仍在处理中", "a request with this Idempotency-Key is still in progress"),
        field="Idempotency-Key",
        status=409,
        details={"retry_after": retry_after},
    )


def hold_claim_for_tests() -> None:
    """Test hook: with ``YUEYOU_TEST_HOLD_CLAIM_S`` set (only tests set it),
    sleep that long while holding a claim (an idempotency claim before
    planning, a batch item's lease before planning), so a test can kill the
    process at exactly that point. Unset: nothing."""
    delay = os.environ.get("YUEYOU_TEST_HOLD_CLAIM_S")
    if delay:
        time.sleep(float(delay))


def _stale(itinerary_id: str, expected: int, actual: Optional[int]) -> Conflict:
    return Conflict(
        "version_conflict",
        Text(
            f"行程 {itinerary_id} 已被修改（当前版本 {actual}），请重新读取后再提交",
            f"itinerary {itinerary_id} has changed (now version {actual}); re-read and retry",
        ),
        field="If-Match",
        details={"expected_version": expected, "current_version": actual},
    )
