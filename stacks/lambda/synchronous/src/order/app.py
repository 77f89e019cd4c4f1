"""Order function: answers GET /orders/{orderId} from the orders table, while the caller waits."""

from __future__ import annotations

import json
import os
from decimal import Decimal
from typing import Any

import boto3

TABLE = boto3.resource("dynamodb").Table(os.environ["TABLE_NAME"])


def handler(event: dict[str, Any], context: object) -> dict[str, Any]:
    order_id = (event.get("pathParameters") or {}).get("orderId")
    if not order_id:
        return _response(400, {"message": "the path needs an order ID"})
    item = TABLE.get_item(Key={"orderId": order_id}).get("Item")
    if item is None:
        return _response(404, {"message": f"no order {order_id}"})
    # The caller gets this answer, or an error: Lambda does not retry a synchronous call.
    return _response(200, item)


def _response(status: int, body: dict[str, Any]) -> dict[str, Any]:
    return {
        "statusCode": status,
        "headers": {"Content-Type": "application/json"},
        "body": json.dumps(body, default=lambda v: int(v) if isinstance(v, Decimal) else str(v)),
    }
