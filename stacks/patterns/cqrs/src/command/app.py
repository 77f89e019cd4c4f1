"""Command function: the write side. It validates a command and changes the order it names.

Every change raises the order's version by one, under a condition that makes the command
safe to retry: placing an order that exists, or cancelling one that is not open, changes
nothing and answers 409. The answer carries the new version, so that the client can ask the
read side whether its view already shows that change.
"""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

import boto3
from botocore.exceptions import ClientError

ORDERS = boto3.resource("dynamodb").Table(os.environ["ORDERS_TABLE"])


def answer(status: int, body: dict[str, Any]) -> dict[str, Any]:
    return {"statusCode": status, "body": json.dumps(body, default=str)}


def conflict(exc: ClientError) -> bool:
    return exc.response["Error"]["Code"] == "ConditionalCheckFailedException"


def place(body: dict[str, Any]) -> dict[str, Any]:
    items = [
        {"sku": str(i["sku"]), "quantity": int(i["quantity"]), "price": Decimal(str(i["price"]))}
        for i in body["items"]
    ]
    if not items or any(i["quantity"] < 1 or not i["price"] >= 0 for i in items):
        raise ValueError("an order needs items with a quantity and a price")
    order = {
        "orderId": str(body["orderId"]),
        "customerId": str(body["customerId"]),
        "items": items,
        "total": sum(i["price"] * i["quantity"] for i in items),
        "status": "PLACED",
        "version": 1,
        "updatedAt": datetime.now(UTC).isoformat(),
    }
    try:
        ORDERS.put_item(Item=order, ConditionExpression="attribute_not_exists(orderId)")
    except ClientError as exc:
        if conflict(exc):
            return answer(409, {"error": "order already placed", "orderId": order["orderId"]})
        raise
    return answer(201, {"orderId": order["orderId"], "version": 1})


def cancel(order_id: str) -> dict[str, Any]:
    try:
        new = ORDERS.update_item(
            Key={"orderId": order_id},
            UpdateExpression="SET #s = :cancelled, version = version + :one, updatedAt = :now",
            ConditionExpression="#s = :placed",
            ExpressionAttributeNames={"#s": "status"},
            ExpressionAttributeValues={
                ":cancelled": "CANCELLED",
                ":placed": "PLACED",
                ":one": 1,
                ":now": datetime.now(UTC).isoformat(),
            },
            ReturnValues="UPDATED_NEW",
        )["Attributes"]
    except ClientError as exc:
        if conflict(exc):
            return answer(409, {"error": "no open order with that ID", "orderId": order_id})
        raise
    return answer(200, {"orderId": order_id, "version": int(new["version"])})


def handler(event: dict[str, Any], context: object) -> dict[str, Any]:
    try:
        if event["resource"] == "/orders/{orderId}/cancel":
            return cancel(event["pathParameters"]["orderId"])
        return place(json.loads(event.get("body") or "{}"))
    except (KeyError, TypeError, ValueError, InvalidOperation):
        return answer(
            400, {"error": "send orderId, customerId and items with sku, quantity, price"}
        )
