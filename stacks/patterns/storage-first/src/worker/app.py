"""Worker function: processes a batch of order requests from the queue and records each result.

SQS delivers at least once, so the write is conditional on the message ID: a redelivered
message changes nothing. Messages that fail are reported back individually and return to the
queue; after five receives SQS moves them to the dead-letter queue.
"""

from __future__ import annotations

import json
import os
from typing import Any

import boto3
from botocore.exceptions import ClientError

TABLE = boto3.resource("dynamodb").Table(os.environ["TABLE_NAME"])


def process(body: dict[str, Any]) -> dict[str, Any]:
    """The business step: price the order (a stand-in for your own logic)."""
    quantity = int(body["quantity"])
    if quantity < 1:
        raise ValueError("quantity must be at least 1")
    return {"item": str(body["item"]), "quantity": quantity, "status": "ACCEPTED"}


def handler(event: dict[str, Any], context: object) -> dict[str, list[dict[str, str]]]:
    failures = []
    for record in event["Records"]:
        try:
            result = process(json.loads(record["body"]))
            TABLE.put_item(
                Item={"requestId": record["messageId"], **result},
                ConditionExpression="attribute_not_exists(requestId)",
            )
        except ClientError as exc:
            if exc.response["Error"]["Code"] != "ConditionalCheckFailedException":
                failures.append({"itemIdentifier": record["messageId"]})
        except (KeyError, TypeError, ValueError):
            failures.append({"itemIdentifier": record["messageId"]})
    return {"batchItemFailures": failures}
