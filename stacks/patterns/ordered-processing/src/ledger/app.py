"""Ledger function: applies each account's transactions in the order the FIFO queue delivers them.

The message group ID is the account. Each transaction carries the producer's sequence number
for its account; the update is conditional on the ledger's last applied sequence being lower,
so a redelivered or stale message changes nothing. A batch can mix groups, and a failed
message must not be overtaken by a later one of its group: the function stops at the first
failure and reports it and every message after it, which SQS then delivers again in order.
"""

from __future__ import annotations

import json
import os
from decimal import Decimal, InvalidOperation
from typing import Any

import boto3
from botocore.exceptions import ClientError

TABLE = boto3.resource("dynamodb").Table(os.environ["TABLE_NAME"])


def apply(record: dict[str, Any]) -> bool:
    """Apply one transaction; False when the ledger already holds it (or a later one)."""
    account = record["attributes"]["MessageGroupId"]
    body = json.loads(record["body"])
    sequence = int(body["sequence"])
    amount = Decimal(str(body["amount"]))
    if not amount.is_finite():
        raise ValueError("amount must be a finite number")
    try:
        TABLE.update_item(
            Key={"accountId": account},
            UpdateExpression="SET balance = if_not_exists(balance, :zero) + :amount, "
            "lastSequence = :sequence",
            ConditionExpression="attribute_not_exists(lastSequence) OR lastSequence < :sequence",
            ExpressionAttributeValues={":zero": 0, ":amount": amount, ":sequence": sequence},
        )
    except ClientError as exc:
        if exc.response["Error"]["Code"] == "ConditionalCheckFailedException":
            return False
        raise
    return True


def handler(event: dict[str, Any], context: object) -> dict[str, list[dict[str, str]]]:
    records = event["Records"]
    for position, record in enumerate(records):
        try:
            apply(record)
        except (ClientError, KeyError, TypeError, ValueError, InvalidOperation):
            # Everything from here on goes back to the queue, so order is kept.
            return {
                "batchItemFailures": [
                    {"itemIdentifier": r["messageId"]} for r in records[position:]
                ]
            }
    return {"batchItemFailures": []}
