"""Batch bookkeeping in the store.

One header record per batch plus one record per item (``{batch}#{index:03}``)
so that items finishing at the same time never contend for one record;
progress is read by listing the items.
"""
from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any, Callable, Optional

from ..errors import Conflict, YueyouError, invalid, not_found
from ..i18n import Text
from ..itineraries import ItineraryRepository
from ..store import MUST_NOT_EXIST, Store
from ..timeutil import SHANGHAI, iso

MAX_ITEMS = 100
BATCH = "batch"
ITEM = "batch-item"

Planner = Callable[[dict[str, Any]], dict[str, Any]]   # request -> plan (raises YueyouError)
Validator = Callable[[dict[str, Any]], None]


class BatchService:
    def __init__(self, store: Store, itineraries: ItineraryRepository, planner: Planner,
                 validate: Validator, clock: Callable[[], datetime] = lambda: datetime.now(SHANGHAI)) -> None:
        self.store = store
        self.itineraries = itineraries
        self.planner = planner
        self.validate = validate
        self.clock = clock
        self.runner: Any = None   # set by the wiring (thread pool locally, SQS on Lambda)

    @staticmethod
    def check_shape(body: dict[str, Any]) -> list[Any]:
        """The request list, if the batch is well-formed (before quota is charged)."""
        requests = body.get("requests")
        unknown = sorted(set(body) - {"requests", "name"})
        if unknown:
            raise invalid(unknown[0], f"unknown field {unknown[0]!r}", f"未知字段 {unknown[0]!r}")
        if not isinstance(requests, list) or not requests:
            raise invalid("requests", "requests must be a non-empty list of itinerary requests",
                          "requests 必须是非空的行程请求列表")
        if len(requests) > MAX_ITEMS:
            raise invalid("requests", f"a batch holds at most {MAX_ITEMS} requests (got {len(requests)})",
                          f"一个批次最多 {MAX_ITEMS} 个请求（收到 {len(requests)} 个）", code="too_many_items")
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
        for i, item in enumerate(requests):
            self.store.put(ITEM, _item_key(batch_id, i),
                           {"index": i, "status": "queued", "request": item, "itinerary_id": None,
                            "error": None, "updated_at": now}, MUST_NOT_EXIST)
        self.store.put(BATCH, batch_id, {"owner": owner, "name": name, "total": len(requests),
                                         "created_at": now}, MUST_NOT_EXIST)
        self.runner.submit(batch_id, list(range(len(requests))))
        return batch_id

    def process(self, batch_id: str, index: int) -> None:
        """Plan one item; safe to call twice (a redelivered message)."""
        key = _item_key(batch_id, index)
        item = self.store.get(ITEM, key)
        header = self.store.get(BATCH, batch_id)
        if item is None or header is None or item.data["status"] in ("done", "failed"):
            return
        try:
            claimed = self.store.put(ITEM, key, dict(item.data, status="running", updated_at=iso(self.clock())),
                                     item.version)
        except Conflict:
            return  # another worker took it
        data = dict(claimed.data)
        try:
            plan = self.planner(data["request"])
            record = self.itineraries.create(header.data["owner"], data["request"], plan)
            data.update(status="done", itinerary_id=record.id, plan_status=plan.get("status"))
        except YueyouError as exc:
            data.update(status="failed", error={"code": exc.code, "message": exc.message.to_json(),
                                                "field": exc.field, "status": exc.status})
        except Exception as exc:  # an engine bug must not leave the item running forever
            data.update(status="failed", error={"code": "internal", "field": None, "status": 500,
                                                "message": {"zh": "内部错误", "en": f"internal error ({type(exc).__name__})"}})
        data["updated_at"] = iso(self.clock())
        self.store.put(ITEM, key, data, claimed.version)

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
            rendered.append({
                "index": d["index"], "status": d["status"], "itinerary_id": d.get("itinerary_id"),
                "plan_status": d.get("plan_status"),
                "links": {"itinerary": f"/v1/itineraries/{d['itinerary_id']}"} if d.get("itinerary_id") else None,
                "error": None if error is None else {"code": error["code"], "field": error["field"],
                                                      "status": error["status"],
                                                      "message": error["message"].get(lang) or error["message"]["en"]},
                "updated_at": d["updated_at"]})
        total = header.data["total"]
        finished = counts["done"] + counts["failed"]
        state = "done" if finished == total else ("running" if finished or counts["running"] else "queued")
        return {"id": batch_id, "name": header.data.get("name"), "state": state, "total": total,
                "counts": counts, "progress": round(finished / total, 3) if total else 1.0,
                "created_at": header.data["created_at"], "items": rendered}


def _item_key(batch_id: str, index: int) -> str:
    return f"{batch_id}#{index:03d}"
