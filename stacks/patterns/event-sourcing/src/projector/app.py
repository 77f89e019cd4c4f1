"""Projector function: folds new events from the event store's stream into the balances view.

DynamoDB Streams keeps order per item, and every event is its own item, so two events of one
account could arrive out of order. The view therefore records the last version it applied
and takes only the next one: an event already applied is skipped (retries are harmless), and
an event that arrives early stops the batch at that record, which Lambda retries later.
"""

from __future__ import annotations

import os
from typing import Any

import boto3
from boto3.dynamodb.types import TypeDeserializer
from botocore.exceptions import ClientError

VIEW = boto3.resource("dynamodb").Table(os.environ["VIEW_TABLE"])
DESERIALIZE = TypeDeserializer().deserialize


def project(event: dict[str, Any]) -> str:
    """Apply one event; returns "applied", "duplicate" or "early"."""
    version = int(event["version"])
    delta = event["amount"] if event["type"] == "Deposited" else -event["amount"]
    try:
        VIEW.update_item(
            Key={"accountId": event["accountId"]},
            UpdateExpression="SET balance = if_not_exists(balance, :zero) + :delta, "
            "version = :version",
            ConditionExpression="(attribute_not_exists(version) AND :version = :one) "
            "OR version = :previous",
            ExpressionAttributeValues={
                ":zero": 0,
                ":one": 1,
                ":delta": delta,
                ":version": version,
                ":previous": version - 1,
            },
        )
    except ClientError as exc:
        if exc.response["Error"]["Code"] != "ConditionalCheckFailedException":
            raise
        current = VIEW.get_item(Key={"accountId": event["accountId"]}, ConsistentRead=True)
        applied = int(current.get("Item", {}).get("version", 0))
        return "duplicate" if applied >= version else "early"
    return "applied"


def handler(event: dict[str, Any], context: object) -> dict[str, Any]:
    applied = 0
    for record in event["Records"]:
        image = {k: DESERIALIZE(v) for k, v in record["dynamodb"]["NewImage"].items()}
        outcome = project(image)
        if outcome == "early":
            # Checkpoint before this record: Lambda retries the batch from here.
            return {
                "applied": applied,
                "batchItemFailures": [{"itemIdentifier": record["dynamodb"]["SequenceNumber"]}],
            }
        applied += outcome == "applied"
    return {"applied": applied, "batchItemFailures": []}
