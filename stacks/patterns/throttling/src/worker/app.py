"""Worker function: record queued orders at the pace the downstream system can take.

The event source mapping's maximum concurrency caps how many copies of this function run, so
the table (standing in for a fragile system) never sees more than that many writers. Orders
carry the client's orderId: a client that retried after a timeout, or SQS delivering a message
twice, changes nothing the second time.
"""

from __future__ import annotations

import json
import os
from typing import Any

import boto3
from botocore.exceptions import ClientError

TABLE = boto3.resource("dynamodb").Table(os.environ["TABLE_NAME"])


def handler(event: dict[str, Any], context: object) -> dict[str, list[dict[str, str]]]:
    failures = []
    for record in event["Records"]:
        try:
            order = json.loads(record["body"])
            TABLE.put_item(
                Item={
                    "orderId": str(order["orderId"]),
                    "quantity": int(order["quantity"]),
                    "status": "RECORDED",
                },
                ConditionExpression="attribute_not_exists(orderId)",
            )
        except ClientError as exc:
            if exc.response["Error"]["Code"] != "ConditionalCheckFailedException":
                failures.append({"itemIdentifier": record["messageId"]})
        except (KeyError, TypeError, ValueError):
            failures.append({"itemIdentifier": record["messageId"]})
    return {"batchItemFailures": failures}
