"""Order function: saves an order and its OrderPlaced event in one DynamoDB transaction.

Nothing here calls EventBridge. The event is an item in the outbox table, written by the same
TransactWriteItems call as the order, so either both exist or neither does; the outbox table's
stream and an EventBridge pipe publish it afterwards. The event ID is derived from the order ID,
and the order is put on condition that it is new, so a retried call cannot create a second
order or a second event: the whole transaction is cancelled instead.
"""

from __future__ import annotations

import os
import time
import uuid
from decimal import Decimal
from typing import Any

import boto3
from boto3.dynamodb.types import TypeSerializer
from botocore.exceptions import ClientError

DYNAMODB = boto3.client("dynamodb")
ORDERS_TABLE = os.environ["ORDERS_TABLE"]
OUTBOX_TABLE = os.environ["OUTBOX_TABLE"]
OUTBOX_DAYS = int(os.environ.get("OUTBOX_RETENTION_DAYS", "7"))
EVENT_IDS = uuid.UUID("6f1c2a52-8d4e-4b8a-9a57-0c7f9e2d1b33")  # namespace for uuid5
_serialize = TypeSerializer().serialize


def _item(values: dict[str, Any]) -> dict[str, Any]:
    return {key: _serialize(value) for key, value in values.items()}


def handler(event: dict[str, Any], context: object) -> dict[str, Any]:
    order_id, customer_id = str(event["orderId"]), str(event["customerId"])
    lines = event["items"]
    if not lines or any(int(line["quantity"]) < 1 for line in lines):
        raise ValueError("an order needs at least one item, each with a quantity of 1 or more")
    total = sum(Decimal(str(line["price"])) * int(line["quantity"]) for line in lines)
    event_id = str(uuid.uuid5(EVENT_IDS, f"{order_id}/OrderPlaced"))
    now = int(time.time())
    order = {
        "orderId": order_id,
        "customerId": customer_id,
        "items": lines,
        "total": total,
        "status": "PLACED",
        "placedAt": now,
    }
    outbox_event = {
        "eventId": event_id,
        "eventType": "OrderPlaced",
        "orderId": order_id,
        "customerId": customer_id,
        "total": str(total),
        "createdAt": now,
        "expiresAt": now + OUTBOX_DAYS * 86400,  # TTL: the stream has long since delivered it
    }
    try:
        DYNAMODB.transact_write_items(
            TransactItems=[
                {
                    "Put": {
                        "TableName": ORDERS_TABLE,
                        "Item": _item(order),
                        "ConditionExpression": "attribute_not_exists(orderId)",
                    }
                },
                {"Put": {"TableName": OUTBOX_TABLE, "Item": _item(outbox_event)}},
            ]
        )
    except ClientError as exc:
        if exc.response["Error"]["Code"] != "TransactionCanceledException":
            raise
        reasons = [r.get("Code") for r in exc.response.get("CancellationReasons", [])]
        if reasons[:1] != ["ConditionalCheckFailed"]:
            raise
        return {"orderId": order_id, "eventId": event_id, "status": "ALREADY_PLACED"}
    return {"orderId": order_id, "eventId": event_id, "status": "PLACED"}
