"""Payment service: charges the order and, as compensation, refunds the charge.

The charge is recorded under the order ID with a condition, so a retried charge does not
charge twice, and a refund of a refunded charge changes nothing.
"""

from __future__ import annotations

import os
from decimal import Decimal
from typing import Any

import boto3
from botocore.exceptions import ClientError

TABLE = boto3.resource("dynamodb").Table(os.environ["TABLE_NAME"])


def handler(event: dict[str, Any], context: object) -> dict[str, str]:
    order = event["order"]
    if event["action"] == "charge":
        try:
            TABLE.put_item(
                Item={
                    "orderId": order["orderId"],
                    "amount": Decimal(str(order["amount"])),
                    "status": "CHARGED",
                },
                ConditionExpression="attribute_not_exists(orderId)",
            )
        except ClientError as exc:
            if exc.response["Error"]["Code"] != "ConditionalCheckFailedException":
                raise
        return {"orderId": order["orderId"], "status": "CHARGED"}
    if event["action"] == "refund":
        TABLE.update_item(
            Key={"orderId": order["orderId"]},
            UpdateExpression="SET #s = :refunded",
            ExpressionAttributeNames={"#s": "status"},
            ExpressionAttributeValues={":refunded": "REFUNDED"},
        )
        return {"orderId": order["orderId"], "status": "REFUNDED"}
    raise ValueError(f"unknown action {event['action']!r}")
