"""Creates an order (POST /orders) or reads one (GET /orders/{orderId}); says which version answered."""

from __future__ import annotations

import json
import os
from typing import Any

import boto3
from botocore.exceptions import ClientError

table = boto3.resource("dynamodb").Table(os.environ["TABLE_NAME"])


def _answer(status: int, body: dict[str, Any]) -> dict[str, Any]:
    # The version that served the request makes a canary visible from the outside.
    body["version"] = os.environ.get("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST")
    return {"statusCode": status, "body": json.dumps(body, default=str)}


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    if event.get("httpMethod") == "GET":
        order_id = (event.get("pathParameters") or {}).get("orderId", "")
        item = table.get_item(Key={"orderId": order_id}).get("Item")
        return _answer(200, item) if item else _answer(404, {"error": "no such order"})
    order = json.loads(event.get("body") or "{}")
    if not order.get("orderId") or not order.get("item") or int(order.get("quantity", 0)) < 1:
        return _answer(400, {"error": "orderId, item and a quantity of at least 1 are required"})
    try:  # the same order sent twice is stored once
        table.put_item(
            Item={
                "orderId": order["orderId"],
                "item": order["item"],
                "quantity": int(order["quantity"]),
            },
            ConditionExpression="attribute_not_exists(orderId)",
        )
    except ClientError as error:
        if error.response["Error"]["Code"] != "ConditionalCheckFailedException":
            raise
    return _answer(201, {"orderId": order["orderId"]})
