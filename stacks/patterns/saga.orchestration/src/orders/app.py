"""Order service: creates an order as PENDING and, as compensation, cancels it.

Both actions are idempotent (Step Functions retries Tasks): creating an existing order and
cancelling a cancelled one change nothing.
"""

from __future__ import annotations

import os
from typing import Any

import boto3
from botocore.exceptions import ClientError

TABLE = boto3.resource("dynamodb").Table(os.environ["TABLE_NAME"])


def handler(event: dict[str, Any], context: object) -> dict[str, str]:
    order = event["order"]
    if event["action"] == "create":
        try:
            TABLE.put_item(
                Item={"orderId": order["orderId"], "status": "PENDING", "sku": order["sku"]},
                ConditionExpression="attribute_not_exists(orderId)",
            )
        except ClientError as exc:
            if exc.response["Error"]["Code"] != "ConditionalCheckFailedException":
                raise
        return {"orderId": order["orderId"], "status": "PENDING"}
    if event["action"] == "cancel":
        TABLE.update_item(
            Key={"orderId": order["orderId"]},
            UpdateExpression="SET #s = :cancelled",
            ExpressionAttributeNames={"#s": "status"},
            ExpressionAttributeValues={":cancelled": "CANCELLED"},
        )
        return {"orderId": order["orderId"], "status": "CANCELLED"}
    raise ValueError(f"unknown action {event['action']!r}")
