"""Consumer function: redeems each claim check in a batch and records one result per document.

It fetches the payload only from the stack's own bucket, refuses bytes whose SHA-256 differs
from the claim check's, and writes the result on condition that the document is new, so a
claim check that SQS delivers twice changes nothing. Failed messages are reported one by one
and return to the queue; after maxReceiveCount receives SQS moves them to the dead-letter queue.
"""

from __future__ import annotations

import hashlib
import json
import os
from typing import Any

import boto3
from botocore.exceptions import ClientError

S3 = boto3.client("s3")
TABLE = boto3.resource("dynamodb").Table(os.environ["TABLE_NAME"])
BUCKET = os.environ["BUCKET_NAME"]


def redeem(message: dict[str, Any]) -> tuple[dict[str, Any], int]:
    """The document a message carries inline or points at, and its size in bytes."""
    if "inline" in message:
        document = message["inline"]
        body = json.dumps(document, separators=(",", ":"), sort_keys=True).encode()
    else:
        claim = message["claimCheck"]
        if claim["bucket"] != BUCKET:
            raise ValueError("the claim check names a bucket this consumer does not trust")
        body = S3.get_object(Bucket=BUCKET, Key=claim["key"])["Body"].read()
        document = json.loads(body)
    if hashlib.sha256(body).hexdigest() != message["sha256"]:
        raise ValueError("the payload does not match the claim check's checksum")
    return document, len(body)


def handler(event: dict[str, Any], context: object) -> dict[str, list[dict[str, str]]]:
    failures = []
    for record in event["Records"]:
        try:
            message = json.loads(record["body"])
            document, size = redeem(message)
            TABLE.put_item(
                Item={
                    "documentId": message["documentId"],
                    "sha256": message["sha256"],
                    "bytes": size,
                    "lines": len(document["lines"]),
                    "viaClaimCheck": "claimCheck" in message,
                },
                ConditionExpression="attribute_not_exists(documentId)",
            )
        except ClientError as exc:
            if exc.response["Error"]["Code"] != "ConditionalCheckFailedException":
                failures.append({"itemIdentifier": record["messageId"]})
        except (KeyError, TypeError, ValueError):
            failures.append({"itemIdentifier": record["messageId"]})
    return {"batchItemFailures": failures}
