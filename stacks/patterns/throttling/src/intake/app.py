"""Intake function: accept an order, or shed it while the backlog is too deep.

The API has already applied the partner's usage plan and the stage throttle (429). Here the
function looks at the queue's backlog: above MAX_BACKLOG it answers 503 with Retry-After, so
well-behaved clients back off instead of piling more work onto a system that is behind.
Otherwise it queues the order and answers 202.
"""

from __future__ import annotations

import json
import os
from typing import Any

import boto3

SQS = boto3.client("sqs")
QUEUE_URL = os.environ["QUEUE_URL"]
MAX_BACKLOG = int(os.environ["MAX_BACKLOG"])
RETRY_AFTER = os.environ.get("RETRY_AFTER_SECONDS", "30")


def respond(status: int, body: dict[str, Any], **headers: str) -> dict[str, Any]:
    return {
        "statusCode": status,
        "headers": {"Content-Type": "application/json", **headers},
        "body": json.dumps(body),
    }


def backlog() -> int:
    attributes = SQS.get_queue_attributes(
        QueueUrl=QUEUE_URL,
        AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesDelayed"],
    )["Attributes"]
    return sum(int(v) for v in attributes.values())


def handler(event: dict[str, Any], context: object) -> dict[str, Any]:
    try:
        order = json.loads(event.get("body") or "")
        order_id = str(order["orderId"])  # chosen by the client, so a retry is recognisable
        int(order["quantity"])
    except (KeyError, TypeError, ValueError):
        return respond(400, {"message": "send JSON with orderId and quantity"})
    waiting = backlog()
    if waiting >= MAX_BACKLOG:
        return respond(
            503,
            {"message": "busy: retry later", "backlog": waiting},
            **{"Retry-After": RETRY_AFTER},
        )
    SQS.send_message(QueueUrl=QUEUE_URL, MessageBody=json.dumps(order))
    return respond(202, {"orderId": order_id, "status": "QUEUED"})
