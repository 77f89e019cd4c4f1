"""Order function: validates a POST /orders body and writes the order to the orders table."""

from __future__ import annotations

import json
import os
import uuid
from typing import Any

import boto3

TABLE = boto3.resource("dynamodb").Table(os.environ["TABLE_NAME"])


def handler(event: dict[str, Any], context: object) -> dict[str, Any]:
    try:
        body = json.loads(event.get("body") or "{}")
        item = {
            "orderId": str(body.get("orderId") or uuid.uuid4()),
            "item": str(body["item"]),
            "quantity": int(body["quantity"]),
            "status": "PLACED",
        }
    except (KeyError, TypeError, ValueError):
        return _response(400, {"message": "send JSON with 'item' and a whole 'quantity'"})
    # Writing the same orderId twice stores the same item: a client may retry safely.
    TABLE.put_item(Item=item)
    return _response(201, item)


def _response(status: int, body: dict[str, Any]) -> dict[str, Any]:
    return {
        "statusCode": status,
        "headers": {"Content-Type": "application/json"},
        "body": json.dumps(body),
    }
