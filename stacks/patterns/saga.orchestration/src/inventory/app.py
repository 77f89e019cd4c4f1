"""Inventory service: reserves stock for an order, or raises SoldOut.

One conditional update takes the stock and remembers the order, so a retried reservation
does not take the stock twice.
"""

from __future__ import annotations

import os
from typing import Any

import boto3
from botocore.exceptions import ClientError

TABLE = boto3.resource("dynamodb").Table(os.environ["TABLE_NAME"])


class SoldOut(Exception):
    """Not enough stock: the saga compensates the steps before this one."""


def handler(event: dict[str, Any], context: object) -> dict[str, str]:
    order = event["order"]
    if event["action"] != "reserve":
        raise ValueError(f"unknown action {event['action']!r}")
    try:
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
        if order["orderId"] not in item.get("reservedFor", set()):
            raise SoldOut(f"{order['sku']} is sold out") from None
    return {"orderId": order["orderId"], "status": "RESERVED"}
