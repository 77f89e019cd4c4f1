"""A team's service function: POST /items stores a record, GET /items/{id} reads one, both in
the team's own table."""

from __future__ import annotations

import json
import os
import uuid
from decimal import Decimal
from typing import Any

import boto3

TABLE = boto3.resource("dynamodb").Table(os.environ["TABLE_NAME"])
SERVICE = os.environ["SERVICE_NAME"]


def handler(event: dict[str, Any], context: object) -> dict[str, Any]:
    if event.get("httpMethod") == "POST":
        record = json.loads(event.get("body") or "{}", parse_float=Decimal)
        # A client-chosen id makes the create idempotent: a retry writes the same item.
        item = {**record, "id": str(record.get("id") or uuid.uuid4()), "service": SERVICE}
        TABLE.put_item(Item=item)
        return _response(201, item)
    item_id = (event.get("pathParameters") or {}).get("id", "")
    item = TABLE.get_item(Key={"id": item_id}).get("Item")
    return _response(200, item) if item else _response(404, {"message": f"no item {item_id}"})


def _response(status: int, body: dict[str, Any]) -> dict[str, Any]:
    return {
        "statusCode": status,
        "headers": {"Content-Type": "application/json"},
        "body": json.dumps(body, default=str),
    }
