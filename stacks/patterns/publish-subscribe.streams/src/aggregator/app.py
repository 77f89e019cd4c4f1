"""Aggregator: adds one batch of stream events to per-user counters.

A stream batch can be delivered again after a failure, so each update also stores the last
sequence number applied and skips events at or before it: counts stay exact.
"""

from __future__ import annotations

import base64
import json
import os
from typing import Any

import boto3
from botocore.exceptions import ClientError

TABLE = boto3.resource("dynamodb").Table(os.environ["TABLE_NAME"])


def handler(event: dict[str, Any], context: object) -> dict[str, int]:
    applied = 0
    for record in event["Records"]:
        data = json.loads(base64.b64decode(record["kinesis"]["data"]))
        sequence = int(record["kinesis"]["sequenceNumber"])
        try:
            TABLE.update_item(
                Key={"user": str(data["user"])},
                UpdateExpression="ADD events :one SET lastSequence = :seq",
                ConditionExpression="attribute_not_exists(lastSequence) OR lastSequence < :seq",
                ExpressionAttributeValues={":one": 1, ":seq": sequence},
            )
            applied += 1
        except ClientError as exc:
            if exc.response["Error"]["Code"] != "ConditionalCheckFailedException":
                raise  # the mapping retries, then splits the batch
    return {"applied": applied}
