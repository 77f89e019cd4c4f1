"""Inventory service: on PaymentCompleted it reserves stock; when the item is sold out it
publishes InventoryFailed, which makes the other services compensate."""

from __future__ import annotations

import json
import os
from typing import Any

import boto3
from botocore.exceptions import ClientError

TABLE = boto3.resource("dynamodb").Table(os.environ["TABLE_NAME"])
EVENTS = boto3.client("events")
BUS = os.environ["BUS_NAME"]


def handler(event: dict[str, Any], context: object) -> dict[str, str]:
    order = event["detail"]
    try:
        # One conditional update takes the stock and remembers the order: a repeat is a no-op.
        TABLE.update_item(
            Key={"sku": order["sku"]},
            UpdateExpression="SET available = available - :q ADD reservedFor :order",
            ConditionExpression="available >= :q AND NOT contains(reservedFor, :id)",
            ExpressionAttributeValues={
                ":q": int(order["quantity"]),
                ":order": {order["orderId"]},
                ":id": order["orderId"],
            },
        )
    except ClientError as exc:
        if exc.response["Error"]["Code"] != "ConditionalCheckFailedException":
            raise
        item = TABLE.get_item(Key={"sku": order["sku"]}).get("Item") or {}
        if order["orderId"] in item.get("reservedFor", set()):
            return {"orderId": order["orderId"], "status": "RESERVED"}
        EVENTS.put_events(
            Entries=[
                {
                    "EventBusName": BUS,
                    "Source": "example.checkout",
                    "DetailType": "InventoryFailed",
                    "Detail": json.dumps({**order, "reason": "sold out"}),
                }
            ]
        )
        return {"orderId": order["orderId"], "status": "SOLD_OUT"}
    return {"orderId": order["orderId"], "status": "RESERVED"}
