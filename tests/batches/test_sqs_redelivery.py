"""On Lambda a dead batch worker's item comes back through SQS redelivery.

Real SQS and DynamoDB semantics from one moto server over HTTP: the items
are sent by the service's SqsRunner, received from the queue, and handed to
app.py's ``batch_worker`` exactly as the Lambda event source mapping does
(a message is deleted only when the handler returns). The queue's
visibility timeout and the item lease are shortened (prod: 180 s and 60 s)
so redelivery happens within seconds; here the lease outlasts the first
redelivery on purpose, to show a message arriving during a live lease is
not dropped either.
"""

from __future__ import annotations

import json
import time
import uuid

import pytest

from chalicelib import services
from chalicelib.batches import BatchService, ItemBusy, SqsRunner
from chalicelib.batches.service import ITEM
from chalicelib.itineraries import ItineraryRepository
from chalicelib.store.dynamodb import DynamoStore
from tests.support.moto_server import DUMMY_CREDENTIALS, REGION

pytestmark = pytest.mark.integration

VISIBILITY_S = 1
LEASE_S = 2.5


class Killed(BaseException):
    """The Lambda runtime killing the worker (timeout, out of memory)."""


@pytest.fixture()
def queue(moto_endpoint):
    import boto3

    sqs = boto3.session.Session(region_name=REGION, **DUMMY_CREDENTIALS).client("sqs", endpoint_url=moto_endpoint)
    url = sqs.create_queue(
        QueueName=f"yueyou-batch-items-{uuid.uuid4().hex[:8]}", Attributes={"VisibilityTimeout": str(VISIBILITY_S)}
    )["QueueUrl"]
    yield sqs, url
    sqs.delete_queue(QueueUrl=url)


@pytest.fixture()
def lambda_services(dynamo_client, dynamo_table, queue):
    store = DynamoStore(dynamo_table, dynamo_client)
    calls: dict[int, int] = {}
    die_once = {1}

    def planner(request):
        n = request["n"]
        calls[n] = calls.get(n, 0) + 1
        if n in die_once:
            die_once.discard(n)
            raise Killed
        return {"status": "ok", "days": []}

    svc = BatchService(store, ItineraryRepository(store), planner=planner, validate=lambda r: None, lease_s=LEASE_S)
    svc.runner = SqsRunner(queue[0], queue[1])

    class LambdaServices:
        batches = svc

    saved = services._factory, services._instance
    services.configure(lambda: LambdaServices())
    yield svc, store, calls
    services._factory, services._instance = saved


def test_item_of_a_killed_worker_is_redelivered_and_finished_once(queue, lambda_services):
    import app as app_module

    sqs, url = queue
    svc, store, calls = lambda_services
    batch_id = svc.create("agency", {"requests": [{"n": i} for i in range(3)]})

    outcomes: list[tuple[int, str]] = []
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        status = svc.status(batch_id, "agency", "en")
        if status["state"] == "done":
            break
        messages = sqs.receive_message(
            QueueUrl=url, MaxNumberOfMessages=1, WaitTimeSeconds=1, AttributeNames=["ApproximateReceiveCount"]
        ).get("Messages", [])
        for message in messages:
            event = {
                "Records": [
                    {
                        "messageId": message["MessageId"],
                        "receiptHandle": message["ReceiptHandle"],
                        "body": message["Body"],
                        "attributes": message.get("Attributes", {}),
                        "eventSource": "aws:sqs",
                    }
                ]
            }
            index = json.loads(message["Body"])["index"]
            try:
                app_module.batch_worker(event, None)
            except Killed:
                outcomes.append((index, "killed"))
                continue  # the invocation died: the message stays in the queue
            except ItemBusy:
                outcomes.append((index, "busy"))
                continue  # the handler failed: SQS redelivers it later
            outcomes.append((index, "ok"))
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    assert status["state"] == "done", outcomes
    assert status["counts"] == {"queued": 0, "running": 0, "done": 3, "failed": 0}

    # item 1: killed, redelivered during the lease (busy, kept), redelivered after it: done.
    item1 = [o for i, o in outcomes if i == 1]
    assert item1[0] == "killed" and item1[-1] == "ok" and "busy" in item1
    assert calls == {0: 1, 1: 2, 2: 1}
    plans = [i.key for i in store.list("itinerary").items]
    assert sorted(plans) == sorted(i["itinerary_id"] for i in status["items"])  # one plan per item
    assert store.get(ITEM, f"{batch_id}#001").data["attempts"] == 2
    assert sqs.receive_message(QueueUrl=url, WaitTimeSeconds=0).get("Messages", []) == []


def test_items_never_sent_to_sqs_are_sent_by_the_scheduled_re_driver(queue, lambda_services):
    # the API process died after writing the batch and before sending its messages
    import app as app_module

    sqs, url = queue
    svc, store, calls = lambda_services
    sent = svc.runner
    svc.runner = type("Lost", (), {"submit": lambda self, batch_id, indexes: None})()
    batch_id = svc.create("agency", {"requests": [{"n": i} for i in (0, 2)]})
    assert sqs.receive_message(QueueUrl=url, WaitTimeSeconds=0).get("Messages", []) == []
    svc.runner = sent
    scheduled = {
        "version": "0",
        "id": "e1",
        "detail-type": "Scheduled Event",
        "source": "aws.events",
        "account": "123456789012",
        "time": "2026-12-01T00:00:00Z",
        "region": REGION,
        "resources": ["arn:aws:events:ap-southeast-1:123456789012:rule/yueyou-redrive_batches"],
        "detail": {},
    }
    assert app_module.redrive_batches(scheduled, None) == {"resubmitted": 2}
    for _ in range(2):
        (message,) = sqs.receive_message(QueueUrl=url, WaitTimeSeconds=1).get("Messages", [])
        app_module.batch_worker(
            {
                "Records": [
                    {
                        "messageId": message["MessageId"],
                        "receiptHandle": message["ReceiptHandle"],
                        "body": message["Body"],
                        "attributes": {},
                        "eventSource": "aws:sqs",
                    }
                ]
            },
            None,
        )
        sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    assert svc.status(batch_id, "agency", "en")["counts"]["done"] == 2 and calls == {0: 1, 2: 1}
    assert app_module.redrive_batches(scheduled, None) == {"resubmitted": 0}  # finished batches: left alone
