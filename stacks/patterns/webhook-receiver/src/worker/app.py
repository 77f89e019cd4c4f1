"""Worker function: applies queued webhook events to the payments table.

Providers may deliver events late and out of order, and SQS may deliver one twice, so each
update is conditional: it applies only when the event is newer than the state already held.
Events that fail are reported one by one and retried by SQS, then moved to the dead-letter
queue by the redrive policy.
"""

from __future__ import annotations

import json
import os
from decimal import Decimal
from typing import Any

import boto3
from botocore.exceptions import ClientError

PAYMENTS = boto3.resource("dynamodb").Table(os.environ["PAYMENTS_TABLE"])


def apply(event: dict[str, Any]) -> None:
    payment = event["data"]
    try:
        PAYMENTS.update_item(
            Key={"paymentId": payment["paymentId"]},
            UpdateExpression="SET #s = :status, amount = :amount, updatedAt = :at",
            ConditionExpression="attribute_not_exists(updatedAt) OR updatedAt < :at",
            ExpressionAttributeNames={"#s": "status"},
            ExpressionAttributeValues={
                ":status": payment["status"],
                ":amount": Decimal(str(payment["amount"])),
                ":at": int(event["created"]),
            },
        )
    except ClientError as error:
        if error.response["Error"]["Code"] != "ConditionalCheckFailedException":
            raise
        # An older or repeated event: the table already holds newer state.


def handler(event: dict[str, Any], context: object) -> dict[str, Any]:
    failures = []
    for record in event["Records"]:
        try:
            apply(json.loads(record["body"]))
        except (KeyError, ValueError, TypeError, ClientError):
            failures.append({"itemIdentifier": record["messageId"]})
    return {"batchItemFailures": failures}
