"""Order service: saves a PENDING order and publishes OrderCreated; on InventoryFailed it
cancels the order (compensation).

Invoked synchronously by the API for a checkout, asynchronously by EventBridge for events.
EventBridge delivers at least once: the conditional write makes a repeat harmless.
"""

from __future__ import annotations

import json
import os
from typing import Any

import boto3
from botocore.exceptions import ClientError

TABLE = boto3.resource("dynamodb").Table(os.environ["TABLE_NAME"])
EVENTS = boto3.client("events")
BUS = os.environ["BUS_NAME"]


def publish(detail_type: str, detail: dict[str, Any]) -> None:
    EVENTS.put_events(
        Entries=[
            {
                "EventBusName": BUS,
                "Source": "example.checkout",
                "DetailType": detail_type,
                "Detail": json.dumps(detail),
            }
        ]
    )


def handler(event: dict[str, Any], context: object) -> dict[str, Any]:
    if event.get("detail-type") == "InventoryFailed":
        order_id = event["detail"]["orderId"]
        TABLE.update_item(
            Key={"orderId": order_id},
            UpdateExpression="SET #s = :cancelled",
            ExpressionAttributeNames={"#s": "status"},
            ExpressionAttributeValues={":cancelled": "CANCELLED"},
        )
        return {"orderId": order_id, "status": "CANCELLED"}
    order = json.loads(event.get("body") or "{}")
    try:
        TABLE.put_item(
            Item={"orderId": order["orderId"], "status": "PENDING"},
            ConditionExpression="attribute_not_exists(orderId)",
        )
        publish("OrderCreated", order)
    except ClientError as exc:
        if exc.response["Error"]["Code"] != "ConditionalCheckFailedException":
            raise
    return {"statusCode": 202, "body": json.dumps({"orderId": order["orderId"]})}
