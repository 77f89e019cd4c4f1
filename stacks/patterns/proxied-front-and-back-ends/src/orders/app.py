"""Order functions: GET /api/orders lists the signed-in user's orders, POST /api/orders adds one.

The user comes from the token the API's JWT authorizer already verified (its ``sub`` claim),
never from the request body, so one user cannot read or write another's orders.
"""

from __future__ import annotations

import json
import os
import uuid
from decimal import Decimal
from typing import Any

import boto3
from boto3.dynamodb.conditions import Key

TABLE = boto3.resource("dynamodb").Table(os.environ["TABLE_NAME"])


def handler(event: dict[str, Any], context: object) -> dict[str, Any]:
    claims = event["requestContext"]["authorizer"]["jwt"]["claims"]
    user = claims["sub"]
    if event["requestContext"]["http"]["method"] == "POST":
        order = json.loads(event.get("body") or "{}", parse_float=Decimal)
        item = {**order, "user": user, "orderId": str(order.get("orderId") or uuid.uuid4())}
        TABLE.put_item(Item=item)  # same orderId, same item: a retried POST is harmless
        return _response(201, item)
    found = TABLE.query(KeyConditionExpression=Key("user").eq(user))["Items"]
    return _response(200, {"orders": found})


def _response(status: int, body: dict[str, Any]) -> dict[str, Any]:
    return {
        "statusCode": status,
        "headers": {"Content-Type": "application/json"},
        "body": json.dumps(body, default=str),
    }
