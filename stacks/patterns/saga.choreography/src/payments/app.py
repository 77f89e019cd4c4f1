"""Payment service: on OrderCreated it charges and publishes PaymentCompleted; on
InventoryFailed it refunds the charge (compensation). Conditional writes make repeats of
an at-least-once event harmless."""

from __future__ import annotations

import json
import os
from decimal import Decimal
from typing import Any

import boto3
from botocore.exceptions import ClientError

TABLE = boto3.resource("dynamodb").Table(os.environ["TABLE_NAME"])
EVENTS = boto3.client("events")
BUS = os.environ["BUS_NAME"]


def handler(event: dict[str, Any], context: object) -> dict[str, str]:
    order = event["detail"]
    if event["detail-type"] == "OrderCreated":
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
            return {"orderId": order["orderId"], "status": "ALREADY_CHARGED"}
        EVENTS.put_events(
            Entries=[
                {
                    "EventBusName": BUS,
                    "Source": "example.checkout",
                    "DetailType": "PaymentCompleted",
                    "Detail": json.dumps(order),
                }
            ]
        )
        return {"orderId": order["orderId"], "status": "CHARGED"}
    if event["detail-type"] == "InventoryFailed":
        TABLE.update_item(
            Key={"orderId": order["orderId"]},
            UpdateExpression="SET #s = :refunded",
            ExpressionAttributeNames={"#s": "status"},
            ExpressionAttributeValues={":refunded": "REFUNDED"},
        )
        return {"orderId": order["orderId"], "status": "REFUNDED"}
    raise ValueError(f"unexpected event {event['detail-type']!r}")
