"""Orders in this Region's replica of the global table, and the health check Route 53 probes."""

from __future__ import annotations

import json
import os
import time
from typing import Any

import boto3
from botocore.exceptions import ClientError

REGION = os.environ.get("AWS_REGION", "")
# The client stays in this Region: the replica here is the only one this function uses.
table = boto3.resource("dynamodb", region_name=REGION or None).Table(os.environ["TABLE_NAME"])


def _answer(status: int, body: dict[str, Any]) -> dict[str, Any]:
    return {"statusCode": status, "body": json.dumps({**body, "region": REGION}, default=str)}


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    route = event.get("routeKey", "")
    if route == "GET /health":
        # Healthy only if this Region's replica answers: a failing Region drops out of DNS.
        try:
            table.get_item(Key={"orderId": "health-check"})
        except ClientError:
            return _answer(503, {"status": "unhealthy"})
        return _answer(200, {"status": "ok"})
    if route == "GET /orders/{orderId}":
        item = table.get_item(Key={"orderId": event["pathParameters"]["orderId"]}).get("Item")
        return _answer(200, item) if item else _answer(404, {"error": "no such order"})
    order = json.loads(event.get("body") or "{}")
    if not order.get("orderId") or not order.get("item"):
        return _answer(400, {"error": "orderId and item are required"})
    try:  # the client may retry in the other Region after a failover: store the order once
        table.put_item(
            Item={
                "orderId": order["orderId"],
                "item": order["item"],
                "writtenIn": REGION,
                "writtenAt": int(time.time() * 1000),
            },
            ConditionExpression="attribute_not_exists(orderId)",
        )
    except ClientError as error:
        if error.response["Error"]["Code"] != "ConditionalCheckFailedException":
            raise
        return _answer(200, {"orderId": order["orderId"], "duplicate": True})
    return _answer(201, {"orderId": order["orderId"]})
