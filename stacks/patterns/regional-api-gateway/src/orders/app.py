"""Order functions: GET /orders/{orderId} reads one order from the table."""

from __future__ import annotations

import json
import os
from typing import Any

import boto3

TABLE = boto3.resource("dynamodb").Table(os.environ["TABLE_NAME"])


def handler(event: dict[str, Any], context: object) -> dict[str, Any]:
    order_id = (event.get("pathParameters") or {}).get("orderId", "")
    item = TABLE.get_item(Key={"orderId": order_id}).get("Item")
    status, body = (200, item) if item else (404, {"message": f"no order {order_id}"})
    return {
        "statusCode": status,
        "headers": {"Content-Type": "application/json"},
        "body": json.dumps(body, default=str),
    }
