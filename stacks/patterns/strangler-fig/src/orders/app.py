"""Orders service, the first route migrated out of the monolith: POST /orders and
GET /orders/{orderId}, backed by its own table."""

from __future__ import annotations

import json
import os
import uuid
from decimal import Decimal
from typing import Any

import boto3

TABLE = boto3.resource("dynamodb").Table(os.environ["TABLE_NAME"])


def handler(event: dict[str, Any], context: object) -> dict[str, Any]:
    method = event.get("requestContext", {}).get("http", {}).get("method", "GET")
    if method == "POST":
        order = json.loads(event.get("body") or "{}", parse_float=Decimal)
        # A client-chosen orderId makes the create safe to retry.
        item = {**order, "orderId": str(order.get("orderId") or uuid.uuid4()), "status": "PLACED"}
        TABLE.put_item(Item=item)
        return _response(201, item)
    order_id = (event.get("pathParameters") or {}).get("orderId", "")
    item = TABLE.get_item(Key={"orderId": order_id}).get("Item")
    return _response(200, item) if item else _response(404, {"message": f"no order {order_id}"})


def _response(status: int, body: dict[str, Any]) -> dict[str, Any]:
    return {
        "statusCode": status,
        "headers": {"Content-Type": "application/json"},
        "body": json.dumps(body, default=str),
    }
