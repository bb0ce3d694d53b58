"""Batch bookkeeping in the store.

One header record per batch plus one record per item (``{batch}#{index:03}``)
so that items finishing at the same time never contend for one record;
progress is read by listing the items.

Crashes. A worker takes an item with a compare-and-set on its version that
sets ``status="running"`` and a lease (``lease_until``, epoch seconds,
``lease_s`` ahead). While the lease runs nobody else takes the item; once it
has passed, the worker is presumed dead and the next ``process`` call takes
the item over with the same compare-and-set, so of two re-drivers exactly
one runs it. The first claim reserves the item's itinerary id
(``reserved_id``) and every later attempt creates the plan under that id
(:meth:`ItineraryRepository.create_or_get`), so an attempt that died after
creating the plan, or a slow one finishing late, still leaves exactly one
plan per item; a worker that lost its lease does not overwrite the item.

Who re-drives: on Lambda, SQS. The message of an item whose worker died is
not deleted and comes back after the queue's visibility timeout (180 s,
``deploy/merge.json``), past the lease (default 60 s, itself past the
worker's 30 s Lambda timeout); ``process`` raises :class:`ItemBusy` for an
item still under someone's lease, so that message also comes back later
instead of being dropped. Locally, where the queue is the thread pool's
memory, :meth:`BatchService.recover` (at start and every ``lease_s / 2``, see
:meth:`.runner.ThreadRunner.start_recovery`) resubmits the queued and
lease-expired items of every unfinished batch (``batch-open`` collection).
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable
from datetime import datetime
from typing import Any

from ..crowds import BOOKING_ATTEMPTS, SlotFull
from ..errors import Conflict, YueyouError, invalid, not_found
from ..itineraries import ItineraryRepository
from ..itineraries.repository import hold_claim_for_tests, new_id
from ..store import MUST_NOT_EXIST, Store
from ..timeutil import SHANGHAI, iso

MAX_ITEMS = 100
BATCH = "batch"
ITEM = "batch-item"
OPEN = "batch-open"  # batch ids with items not yet finished: what recover() scans
# How long a worker owns an item it took: above the batch worker's Lambda
# timeout (30 s, .chalice/config.json) and below the SQS visibility timeout
# (180 s, deploy/merge.json), so a redelivered message finds the lease of a
# dead worker expired. YUEYOU_BATCH_LEASE_S overrides it.
LEASE_S = 60.0
OPEN_TTL_S = 14 * 86_400  # the open-batch marker expires even if nobody recovers

log = logging.getLogger("yueyou.batches")


class ItemBusy(Exception):
    """The item is under another worker's unexpired lease: try again later
    (the SQS handler lets this fail the message so it is redelivered)."""

    def __init__(self, batch_id: str, index: int, lease_until: float) -> None:
        super().__init__(f"batch {batch_id} item {index} is leased until {lease_until:.0f}")
        self.batch_id, self.index, self.lease_until = batch_id, index, lease_until


Planner = Callable[[dict[str, Any]], dict[str, Any]]  # request -> plan (raises YueyouError)
Validator = Callable[[dict[str, Any]], object]  # raises on a bad request; the result is unused


class BatchService:
    def __init__(
        self,
        store: Store,
        itineraries: ItineraryRepository,
        planner: Planner,
        validate: Validator,
        clock: Callable[[], datetime] = lambda: datetime.now(SHANGHAI),
        lease_s: float = LEASE_S,
    ) -> None:
        self.store = store
        self.itineraries = itineraries
        self.planner = planner
        self.validate = validate
        self.clock = clock
        self.lease_s = lease_s
        self.runner: Any = None  # set by the wiring (thread pool locally, SQS on Lambda)

    @staticmethod
    def check_shape(body: dict[str, Any]) -> list[Any]:
        """The request list, if the batch is well-formed (before quota is charged)."""
        requests = body.get("requests")
        unknown = sorted(set(body) - {"requests", "name"})
        if unknown:
            raise invalid(unknown[0], f"unknown field {unknown[0]!r}", f"未知字段 {unknown[0]!r}")
        if not isinstance(requests, list) or not requests:
            raise invalid(
                "requests",
                "requests must be a non-empty list of itinerary requests",
                "requests 必须是非空的行程请求列表",
            )
        if len(requests) > MAX_ITEMS:
            raise invalid(
                "requests",
                f"a batch holds at most {MAX_ITEMS} requests (got {len(requests)})",
                f"一个批次最多 {MAX_ITEMS} 个请求（收到 {len(requests)} 个）",
                code="too_many_items",
            )
        name = body.get("name")
        if name is not None and (not isinstance(name, str) or len(name) > 200):
            raise invalid("name", "name must be a string of at most 200 characters", "name 必须是不超过 200 字的字符串")
        return requests

    def create(self, owner: str, body: dict[str, Any]) -> str:
        requests = self.check_shape(body)
        name = body.get("name")
        for i, item in enumerate(requests):
            try:
                self.validate(item)
            except YueyouError as exc:
                exc.field = f"requests[{i}]" + ("" if exc.field in (None, "body") else f".{exc.field}")
                raise
        batch_id = "bt-" + secrets.token_hex(8)
        now = iso(self.clock())
        # First, so that a crash anywhere after leaves the batch findable by recover().
        self.store.put(OPEN, batch_id, {"expires_at": int(self.clock().timestamp()) + OPEN_TTL_S}, MUST_NOT_EXIST)
        for i, item in enumerate(requests):
            self.store.put(
                ITEM,
                _item_key(batch_id, i),
                {
                    "index": i,
                    "status": "queued",
                    "request": item,
                    "itinerary_id": None,
                    "error": None,
                    "updated_at": now,
                },
                MUST_NOT_EXIST,
            )
        self.store.put(
            BATCH, batch_id, {"owner": owner, "name": name, "total": len(requests), "created_at": now}, MUST_NOT_EXIST
        )
        self.runner.submit(batch_id, list(range(len(requests))))
        return batch_id

    def process(self, batch_id: str, index: int) -> str:
        """Plan one item; safe to call twice (a redelivered message, a
        recovery). Returns what happened: "done" (this call finished it),
        "finished" (it already was), "missing", or "lost" (this call's lease
        expired and another worker took the item over). Raises
        :class:`ItemBusy` if another worker's lease on it is still running."""
        key = _item_key(batch_id, index)
        header = self.store.get(BATCH, batch_id)
        if header is None:
            return "missing"
        claimed = None
        for _ in range(5):
            item = self.store.get(ITEM, key)
            if item is None:
                return "missing"
            if item.data["status"] in ("done", "failed"):
                return "finished"
            now = self.clock().timestamp()
            lease_until = float(item.data.get("lease_until") or 0)
            if item.data["status"] == "running" and lease_until > now:
                raise ItemBusy(batch_id, index, lease_until)
            claim = dict(
                item.data,
                status="running",
                updated_at=iso(self.clock()),
                lease_until=now + self.lease_s,
                attempts=int(item.data.get("attempts") or 0) + 1,
                reserved_id=item.data.get("reserved_id") or new_id(),
            )
            try:
                claimed = self.store.put(ITEM, key, claim, item.version)
                break
            except Conflict:
                continue  # another worker moved first: see what it did
        if claimed is None:
            return "lost"
        hold_claim_for_tests()
        data = dict(claimed.data)
        try:
            for tries in range(BOOKING_ATTEMPTS):
                # A racing batch may take the last places of a slot between
                # planning and storing: plan again, around the now-full slot.
                plan = self.planner(data["request"])
                try:
                    record = self.itineraries.create_or_get(
                        header.data["owner"], data["request"], plan, data["reserved_id"]
                    )
                    break
                except SlotFull:
                    if tries == BOOKING_ATTEMPTS - 1:
                        raise
            data.update(status="done", itinerary_id=record.id, plan_status=record.plan.get("status"))
        except YueyouError as exc:
            data.update(
                status="failed",
                error={"code": exc.code, "message": exc.message.to_json(), "field": exc.field, "status": exc.status},
            )
        except Exception as exc:  # an engine bug must not leave the item running forever
            data.update(
                status="failed",
                error={
                    "code": "internal",
                    "field": None,
                    "status": 500,
                    "message": {"zh": "内部错误", "en": f"internal error ({type(exc).__name__})"},
                },
            )
        data["updated_at"] = iso(self.clock())
        data.pop("lease_until", None)
        try:
            self.store.put(ITEM, key, data, claimed.version)
        except Conflict:
            # Our lease ran out and another worker took the item over; it
            # finishes the item under the same reserved itinerary id.
            log.warning("batch %s item %s: lease lost to another worker", batch_id, index)
            return "lost"
        return "done"

    def recover(self) -> int:
        """Resubmit the items of unfinished batches that no live worker holds:
        queued ones, and running ones whose lease has expired. Items still
        leased are left for a later call. How many were submitted.

        Run where the queue lives in process memory (the local thread pool),
        at start and periodically; resubmitting an item that is in fact still
        queued somewhere is harmless (the first to take it runs it)."""
        submitted = 0
        cursor = None
        now = self.clock().timestamp()
        while True:
            page = self.store.list(OPEN, limit=100, cursor=cursor)
            for marker in page.items:
                batch_id = marker.key
                if (
                    self.store.get(BATCH, batch_id) is None
                    and now - float(marker.data.get("expires_at", 0) - OPEN_TTL_S) < self.lease_s
                ):
                    continue  # being created right now
                items = self.store.list(ITEM, prefix=f"{batch_id}#", limit=MAX_ITEMS + 1).items
                stale = [
                    item.data["index"]
                    for item in items
                    if item.data["status"] == "queued"
                    or item.data["status"] == "running"
                    and float(item.data.get("lease_until") or 0) <= now
                ]
                if (
                    not any(item.data["status"] in ("queued", "running") for item in items)
                    or self.store.get(BATCH, batch_id) is None
                ):
                    try:
                        self.store.delete(OPEN, batch_id, marker.version)
                    except Conflict:
                        pass
                    continue
                if stale:
                    self.runner.submit(batch_id, stale)
                    submitted += len(stale)
            cursor = page.next_cursor
            if not cursor:
                return submitted

    def status(self, batch_id: str, owner: str, lang: str) -> dict[str, Any]:
        header = self.store.get(BATCH, batch_id)
        if header is None or header.data["owner"] != owner:
            raise not_found("batch", batch_id)
        items = self.store.list(ITEM, prefix=f"{batch_id}#", limit=MAX_ITEMS + 1).items
        counts = {"queued": 0, "running": 0, "done": 0, "failed": 0}
        rendered = []
        for item in items:
            d = item.data
            counts[d["status"]] += 1
            error = d.get("error")
            rendered.append(
                {
                    "index": d["index"],
                    "status": d["status"],
                    "itinerary_id": d.get("itinerary_id"),
                    "plan_status": d.get("plan_status"),
                    "links": {"itinerary": f"/v1/itineraries/{d['itinerary_id']}"} if d.get("itinerary_id") else None,
                    "error": None
                    if error is None
                    else {
                        "code": error["code"],
                        "field": error["field"],
                        "status": error["status"],
                        "message": error["message"].get(lang) or error["message"]["en"],
                    },
                    "updated_at": d["updated_at"],
                }
            )
        total = header.data["total"]
        finished = counts["done"] + counts["failed"]
        state = "done" if finished == total else ("running" if finished or counts["running"] else "queued")
        return {
            "id": batch_id,
            "name": header.data.get("name"),
            "state": state,
            "total": total,
            "counts": counts,
            "progress": round(finished / total, 3) if total else 1.0,
            "created_at": header.data["created_at"],
            "items": rendered,
        }


def _item_key(batch_id: str, index: int) -> str:
    return f"{batch_id}#{index:03d}"
