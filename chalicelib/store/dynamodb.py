"""DynamoDB store: the same interface as :mod:`.sqlite`, on one table.

Single-table design:

* ``pk`` (S, partition key) = collection
* ``sk`` (S, sort key)      = key
* ``version`` (N)           = optimistic-concurrency version, starts at 1
* ``data`` (S)              = the document as JSON text. Stored as text rather
  than a DynamoDB map so arbitrary nested JSON survives unchanged (floats
  would otherwise need ``Decimal``, empty strings/sets and mixed lists have
  quirks) and the document round-trips exactly as in the SQLite store.
* ``expires_at`` (N)        = the document's own ``expires_at`` (epoch seconds,
  see :mod:`.base`), repeated as a top-level Number because that is the only
  thing DynamoDB's TTL can read; absent when the document has none. The
  table's TTL setting names it (``deploy/merge.json``, :func:`create_table`).

Every write is one conditional request, so two writers racing on the same
item are serialized by DynamoDB itself: the version is always incremented
server-side (``SET version = ... + 1``), and a failed condition is reported
as :class:`~chalicelib.errors.Conflict` carrying the current version, read
from the same failed request (``ReturnValuesOnConditionCheckFailure``).

Reads are strongly consistent, so a read-modify-write loop sees the latest
version it could conflict with.

Limits DynamoDB imposes that SQLite does not: an item is at most 400 KB
(attribute names + values, UTF-8), a sort key at most 1024 bytes, a
partition key at most 2048 bytes, and key attributes cannot be empty
strings. Writes that break them raise :class:`InvalidInput` before any
request is sent.

Nothing here touches AWS or the environment at import time: boto3 is
imported when a store is constructed without an injected client.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, Optional

from ..errors import InvalidInput, invalid
from ..i18n import Text
from .base import (
    ANY_VERSION,
    MAX_ATOMIC_COUNTS,
    MUST_NOT_EXIST,
    TTL_FIELD,
    Count,
    CountLimitReached,
    Item,
    Page,
    Store,
    decode_cursor,
    encode_cursor,
    expiry_of,
    merge_counts,
    version_conflict,
)

TTL_ATTRIBUTE = TTL_FIELD

# DynamoDB's hard item-size limit: 400 KB, counted as UTF-8 bytes of the
# attribute names plus their values (numbers: up to 21 bytes).
MAX_ITEM_BYTES = 400 * 1024
_MAX_SORT_KEY_BYTES = 1024
_MAX_PARTITION_KEY_BYTES = 2048
_NUMBER_BYTES = 21


class DynamoStore(Store):
    def __init__(
        self,
        table_name: str,
        client: Any = None,
        *,
        endpoint_url: Optional[str] = None,
        region_name: Optional[str] = None,
    ) -> None:
        if not table_name:
            raise ValueError("DynamoStore needs a table name (YUEYOU_TABLE)")
        self.table_name = table_name
        if client is None:
            import boto3  # lazily: importing this module must not need boto3 or AWS
            from botocore.config import Config

            client = boto3.client(
                "dynamodb",
                endpoint_url=endpoint_url,
                region_name=region_name,
                config=Config(retries={"mode": "standard", "max_attempts": 5}),
            )
        self._client = client

    # -- reads -------------------------------------------------------------

    def get(self, collection: str, key: str) -> Optional[Item]:
        if not collection or not key:
            return None  # cannot exist: DynamoDB keys are never empty
        resp = self._client.get_item(TableName=self.table_name, Key=_key(collection, key), ConsistentRead=True)
        raw = resp.get("Item")
        return None if raw is None else _item(raw)

    def list(self, collection: str, *, prefix: str = "", limit: int = 100, cursor: Optional[str] = None) -> Page:
        if limit < 1:
            raise invalid("limit", "limit must be at least 1", "limit 至少为 1")
        after = decode_cursor(cursor) if cursor else ""
        if not collection:
            return Page([])
        start: Optional[dict[str, Any]] = None
        if after:
            if after.startswith(prefix):
                start = _key(collection, after)
            elif after > prefix:
                # The cursor lies past every key with this prefix (e.g. it
                # came from another listing); DynamoDB would reject it as
                # "outside query boundaries", and the answer is empty anyway.
                return Page([])
            # else: the cursor sorts before the prefix range: start at its top.
        params: dict[str, Any] = {
            "TableName": self.table_name,
            "ConsistentRead": True,
            "ScanIndexForward": True,
            "ExpressionAttributeNames": {"#pk": "pk"},
            "ExpressionAttributeValues": {":pk": {"S": collection}},
        }
        if prefix:
            params["KeyConditionExpression"] = "#pk = :pk AND begins_with(#sk, :prefix)"
            params["ExpressionAttributeNames"]["#sk"] = "sk"
            params["ExpressionAttributeValues"][":prefix"] = {"S": prefix}
        else:
            params["KeyConditionExpression"] = "#pk = :pk"
        # Fetch one item more than asked for: whether it exists decides the
        # cursor (LastEvaluatedKey may be present even when nothing follows).
        # A page can come back short (1 MB response cap), so keep querying
        # from LastEvaluatedKey until we have limit + 1 or the range ends.
        wanted = limit + 1
        raws: list[dict[str, Any]] = []
        while len(raws) < wanted:
            if start is not None:
                params["ExclusiveStartKey"] = start
            resp = self._client.query(Limit=wanted - len(raws), **params)
            raws.extend(resp.get("Items", []))
            start = resp.get("LastEvaluatedKey")
            if not start:
                break
        items = [_item(raw) for raw in raws[:limit]]
        next_cursor = encode_cursor(items[-1].key) if len(raws) > limit else None
        return Page(items, next_cursor)

    # -- writes ------------------------------------------------------------

    def put(self, collection: str, key: str, data: dict[str, Any], expected_version: int = ANY_VERSION) -> Item:
        _check_key(collection, key)
        payload = json.dumps(data, ensure_ascii=False, sort_keys=True)
        expires_at = expiry_of(data)
        _check_size(collection, key, payload, expires_at is not None)
        names = {"#v": "version", "#d": "data", "#e": TTL_ATTRIBUTE}
        values: dict[str, Any] = {":one": {"N": "1"}, ":d": {"S": payload}}
        params: dict[str, Any] = {}
        if expected_version == MUST_NOT_EXIST:
            update = "SET #v = :one, #d = :d"
            params["ConditionExpression"] = "attribute_not_exists(#pk)"
            names["#pk"] = "pk"
        elif expected_version > 0:
            update = "SET #v = #v + :one, #d = :d"
            params["ConditionExpression"] = "#v = :expected"
            values[":expected"] = {"N": str(expected_version)}
        else:  # ANY_VERSION: blind upsert, but the version still goes up atomically
            update = "SET #v = if_not_exists(#v, :zero) + :one, #d = :d"
            values[":zero"] = {"N": "0"}
        if expires_at is None:
            update += " REMOVE #e"
        else:
            update += ", #e = :e"
            values[":e"] = {"N": str(expires_at)}
        try:
            resp = self._client.update_item(
                TableName=self.table_name,
                Key=_key(collection, key),
                UpdateExpression=update,
                ExpressionAttributeNames=names,
                ExpressionAttributeValues=values,
                ReturnValues="UPDATED_NEW",
                ReturnValuesOnConditionCheckFailure="ALL_OLD",
                **params,
            )
        except self._client.exceptions.ConditionalCheckFailedException as exc:
            raise version_conflict(collection, key, expected_version, _old_version(exc)) from None
        except self._client.exceptions.ClientError as exc:
            # Backstop for _check_size: DynamoDB's own accounting has the last word.
            error = getattr(exc, "response", {}).get("Error", {})
            if error.get("Code") == "ValidationException" and "size" in error.get("Message", ""):
                raise _too_large(collection, key, None) from None
            raise
        version = int(resp["Attributes"]["version"]["N"])
        return Item(collection, key, version, json.loads(payload))

    def delete(self, collection: str, key: str, expected_version: int = ANY_VERSION) -> bool:
        if not collection or not key:
            if expected_version > 0:
                raise version_conflict(collection, key, expected_version, None)
            return False
        params: dict[str, Any] = {}
        if expected_version > 0:
            params["ConditionExpression"] = "#v = :expected"
            params["ExpressionAttributeNames"] = {"#v": "version"}
            params["ExpressionAttributeValues"] = {":expected": {"N": str(expected_version)}}
        try:
            resp = self._client.delete_item(
                TableName=self.table_name,
                Key=_key(collection, key),
                ReturnValues="ALL_OLD",
                ReturnValuesOnConditionCheckFailure="ALL_OLD",
                **params,
            )
        except self._client.exceptions.ConditionalCheckFailedException as exc:
            raise version_conflict(collection, key, expected_version, _old_version(exc)) from None
        return bool(resp.get("Attributes"))

    # -- counters ------------------------------------------------------------
    # A counter is an item of its own with a Number attribute ``n`` (no
    # ``data``): DynamoDB adds to it server-side (``ADD``), so concurrent
    # writers never lose an increment, and a limit is a condition on the same
    # request. Several counters change in one TransactWriteItems: all or none.

    def add_counts(self, counts: Sequence[Count]) -> None:
        changes = merge_counts(counts)
        if len(changes) > MAX_ATOMIC_COUNTS:
            raise ValueError(f"{len(changes)} counters in one atomic change (at most {MAX_ATOMIC_COUNTS})")
        if not changes:
            return
        actions = []
        for c in changes:
            _check_key(c.collection, c.key)
            update: dict[str, Any] = {
                "TableName": self.table_name,
                "Key": _key(c.collection, c.key),
                "UpdateExpression": "ADD #n :d",
                "ExpressionAttributeNames": {"#n": "n"},
                "ExpressionAttributeValues": {":d": {"N": str(c.delta)}},
            }
            if c.limit is not None and c.delta > 0:
                # room: the counter may hold at most limit - delta before the change
                update["ConditionExpression"] = "attribute_not_exists(#n) OR #n <= :room"
                update["ExpressionAttributeValues"][":room"] = {"N": str(c.limit - c.delta)}
                update["ReturnValuesOnConditionCheckFailure"] = "ALL_OLD"
                if c.limit - c.delta < 0:
                    raise CountLimitReached(c, None)
            actions.append({"Update": update})
        try:
            self._client.transact_write_items(TransactItems=actions)
        except self._client.exceptions.TransactionCanceledException as exc:
            reasons = getattr(exc, "response", {}).get("CancellationReasons") or []
            for c, reason in zip(changes, reasons):
                if reason.get("Code") == "ConditionalCheckFailed":
                    old = (reason.get("Item") or {}).get("n", {}).get("N")
                    raise CountLimitReached(c, None if old is None else int(old)) from None
            raise

    def read_counts(self, collection: str, prefix: str = "") -> dict[str, int]:
        params: dict[str, Any] = {
            "TableName": self.table_name,
            "ConsistentRead": True,
            "ExpressionAttributeNames": {"#pk": "pk", "#sk": "sk", "#n": "n"},
            "ExpressionAttributeValues": {":pk": {"S": collection}},
            "ProjectionExpression": "#sk, #n",
        }
        if prefix:
            params["KeyConditionExpression"] = "#pk = :pk AND begins_with(#sk, :prefix)"
            params["ExpressionAttributeValues"][":prefix"] = {"S": prefix}
        else:
            params["KeyConditionExpression"] = "#pk = :pk"
        out: dict[str, int] = {}
        while True:
            resp = self._client.query(**params)
            for raw in resp.get("Items", []):
                if "n" in raw:
                    out[raw["sk"]["S"]] = int(raw["n"]["N"])
            start = resp.get("LastEvaluatedKey")
            if not start:
                return out
            params["ExclusiveStartKey"] = start

    def health(self) -> dict[str, Any]:
        table = self._client.describe_table(TableName=self.table_name)["Table"]
        return {"store": "dynamodb", "status": table["TableStatus"]}  # no table name: public


def create_table(client: Any, table_name: str, *, wait: bool = True) -> None:
    """Create the store's table (on-demand billing) with TTL on ``expires_at``,
    as ``deploy/merge.json`` declares it; for tests and the admin command.
    With ``wait=False`` the caller enables TTL (:func:`enable_ttl`) once the
    table is active: DynamoDB refuses it while the table is being created."""
    client.create_table(
        TableName=table_name,
        AttributeDefinitions=[
            {"AttributeName": "pk", "AttributeType": "S"},
            {"AttributeName": "sk", "AttributeType": "S"},
        ],
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
        BillingMode="PAY_PER_REQUEST",
    )
    if wait:
        client.get_waiter("table_exists").wait(TableName=table_name, WaiterConfig={"Delay": 1, "MaxAttempts": 60})
        enable_ttl(client, table_name)


def enable_ttl(client: Any, table_name: str) -> None:
    """Let DynamoDB delete items whose ``expires_at`` (epoch seconds) has passed."""
    client.update_time_to_live(
        TableName=table_name, TimeToLiveSpecification={"Enabled": True, "AttributeName": TTL_ATTRIBUTE}
    )


# -- helpers -----------------------------------------------------------------


def _key(collection: str, key: str) -> dict[str, Any]:
    return {"pk": {"S": collection}, "sk": {"S": key}}


def _item(raw: dict[str, Any]) -> Item:
    return Item(raw["pk"]["S"], raw["sk"]["S"], int(raw["version"]["N"]), json.loads(raw["data"]["S"]))


def _old_version(exc: Exception) -> Optional[int]:
    old = getattr(exc, "response", {}).get("Item") or {}
    return int(old["version"]["N"]) if "version" in old else None


def _check_key(collection: str, key: str) -> None:
    if not collection:
        raise invalid("collection", "collection must not be empty", "collection 不能为空")
    if not key:
        raise invalid("key", "key must not be empty", "key 不能为空")
    if len(collection.encode()) > _MAX_PARTITION_KEY_BYTES:
        raise invalid(
            "collection",
            f"collection is longer than {_MAX_PARTITION_KEY_BYTES} bytes",
            f"collection 超过 {_MAX_PARTITION_KEY_BYTES} 字节",
        )
    if len(key.encode()) > _MAX_SORT_KEY_BYTES:
        raise invalid("key", f"key is longer than {_MAX_SORT_KEY_BYTES} bytes", f"key 超过 {_MAX_SORT_KEY_BYTES} 字节")


def _check_size(collection: str, key: str, payload: str, expires: bool = False) -> None:
    size = (
        len("pk")
        + len(collection.encode())
        + len("sk")
        + len(key.encode())
        + len("version")
        + _NUMBER_BYTES
        + len("data")
        + len(payload.encode())
        + (len(TTL_ATTRIBUTE) + _NUMBER_BYTES if expires else 0)
    )
    if size > MAX_ITEM_BYTES:
        raise _too_large(collection, key, size)


def _too_large(collection: str, key: str, size: Optional[int]) -> InvalidInput:
    got_en = f"{size} bytes" if size is not None else "too large"
    got_zh = f"{size} 字节" if size is not None else "超出上限"
    return InvalidInput(
        "item_too_large",
        Text(
            zh=f"{key} 太大（{got_zh}），DynamoDB 单条上限 {MAX_ITEM_BYTES} 字节",
            en=f"{collection}/{key} is {got_en}; DynamoDB items are limited to {MAX_ITEM_BYTES} bytes",
        ),
        field="data",
        status=413,
        details={"size_bytes": size, "limit_bytes": MAX_ITEM_BYTES},
    )
