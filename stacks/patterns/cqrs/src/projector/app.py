"""Projector function: keeps the customer orders view in step with the orders table.

The stream delivers each order's changes in order, at least once per retry, so the put is
conditional on the view holding an older version: a replayed record changes nothing.
"""

from __future__ import annotations

import os
from typing import Any

import boto3
from boto3.dynamodb.types import TypeDeserializer
from botocore.exceptions import ClientError

VIEW = boto3.resource("dynamodb").Table(os.environ["VIEW_TABLE"])
DESERIALIZE = TypeDeserializer().deserialize


def row(order: dict[str, Any]) -> dict[str, Any]:
    """The read model's shape: what the order list shows, nothing more."""
    return {
        "customerId": order["customerId"],
        "orderId": order["orderId"],
        "status": order["status"],
        "total": order["total"],
        "itemCount": sum(int(i["quantity"]) for i in order["items"]),
        "version": order["version"],
        "updatedAt": order["updatedAt"],
    }


def handler(event: dict[str, Any], context: object) -> dict[str, int]:
    projected = 0
    for record in event["Records"]:
        if record["eventName"] == "REMOVE":
            continue  # orders are cancelled, never deleted, in this stack
        order = {k: DESERIALIZE(v) for k, v in record["dynamodb"]["NewImage"].items()}
        try:
            VIEW.put_item(
                Item=row(order),
                ConditionExpression="attribute_not_exists(orderId) OR version < :v",
                ExpressionAttributeValues={":v": order["version"]},
            )
            projected += 1
        except ClientError as exc:
            if exc.response["Error"]["Code"] != "ConditionalCheckFailedException":
                raise  # the batch is retried, split, and finally reported
    return {"projected": projected}
