"""Query function: the read side. It answers from the view only, and says how fresh it is.

The view trails the orders table by the stream's delay. A client that has just changed an
order passes the version the command returned (`minVersion`) and the `orderId`; when the view
does not show that version yet, the answer says `"consistent": false` and sets Retry-After,
instead of silently returning the old state.
"""

from __future__ import annotations

import json
import os
from decimal import Decimal
from typing import Any

import boto3
from boto3.dynamodb.conditions import Key

VIEW = boto3.resource("dynamodb").Table(os.environ["VIEW_TABLE"])


def number(value: Decimal) -> int | str:
    """DynamoDB numbers come back as Decimal: whole ones as JSON numbers, amounts as exact text."""
    return int(value) if value == value.to_integral_value() else str(value)


def handler(event: dict[str, Any], context: object) -> dict[str, Any]:
    customer = event["pathParameters"]["customerId"]
    params = event.get("queryStringParameters") or {}
    orders = VIEW.query(KeyConditionExpression=Key("customerId").eq(customer))["Items"]
    consistent = True
    if "orderId" in params and "minVersion" in params:
        if not params["minVersion"].isdigit():
            return {"statusCode": 400, "body": json.dumps({"error": "minVersion is a number"})}
        seen = next((o for o in orders if o["orderId"] == params["orderId"]), None)
        consistent = seen is not None and int(seen["version"]) >= int(params["minVersion"])
    headers = {"Content-Type": "application/json"}
    if not consistent:
        headers["Retry-After"] = "1"
    body = {"customerId": customer, "orders": orders, "consistent": consistent}
    return {"statusCode": 200, "headers": headers, "body": json.dumps(body, default=number)}
