"""Payment consumer: charges each request once, however often SQS delivers it.

Before acting, the function claims the request's idempotency key with a conditional PutItem.
Only the invocation that wins the claim calls the payment provider; it then stores the result.
A duplicate that finds a completed record skips the charge; one that finds a claim still in
progress is reported as failed, so SQS redelivers it after the visibility timeout. A key reused
with a different payload is refused. Records expire through DynamoDB's TTL after the window in
which SQS could still redeliver the message.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
import urllib.request
from typing import Any

import boto3
from botocore.exceptions import ClientError

TABLE = boto3.resource("dynamodb").Table(os.environ["TABLE_NAME"])
PROVIDER_URL = os.environ["PROVIDER_URL"]
LOCK_SECONDS = int(os.environ.get("LOCK_SECONDS", "60"))  # longer than one charge may take
KEEP_SECONDS = int(os.environ.get("KEEP_SECONDS", str(5 * 86400)))  # > the queue's retention


class Duplicate(Exception):
    """The key was already processed: nothing to do."""


class Retry(Exception):
    """The key is held by another invocation, or was reused with another payload."""


def claim(key: str, digest: str, now: int) -> None:
    try:
        TABLE.put_item(
            Item={
                "idempotencyKey": key,
                "status": "IN_PROGRESS",
                "payloadHash": digest,
                "lockedUntil": now + LOCK_SECONDS,
                "expiresAt": now + KEEP_SECONDS,
            },
            ConditionExpression="attribute_not_exists(idempotencyKey) OR "
            "(#s = :busy AND lockedUntil < :now) OR expiresAt < :now",
            ExpressionAttributeNames={"#s": "status"},
            ExpressionAttributeValues={":busy": "IN_PROGRESS", ":now": now},
        )
    except ClientError as exc:
        if exc.response["Error"]["Code"] != "ConditionalCheckFailedException":
            raise
        held = TABLE.get_item(Key={"idempotencyKey": key}, ConsistentRead=True).get("Item", {})
        if held.get("payloadHash") != digest:
            raise Retry("this key was used for a different request") from None
        if held.get("status") == "COMPLETED":
            raise Duplicate(key) from None
        raise Retry("another invocation is processing this key") from None


def charge(request: dict[str, Any], key: str) -> str:
    body = json.dumps({"amount": request["amount"], "currency": request["currency"]}).encode()
    call = urllib.request.Request(
        PROVIDER_URL,
        data=body,
        method="POST",
        headers={"Content-Type": "application/json", "Idempotency-Key": key},
    )
    with urllib.request.urlopen(call, timeout=10) as answer:  # noqa: S310 - the provider's URL
        return str(json.load(answer)["chargeId"])


def handler(event: dict[str, Any], context: object) -> dict[str, list[dict[str, str]]]:
    failures = []
    for record in event["Records"]:
        try:
            request = json.loads(record["body"])
            key = str(request["idempotencyKey"])
            digest = hashlib.sha256(record["body"].encode()).hexdigest()
            claim(key, digest, int(time.time()))
        except Duplicate:
            continue
        except (Retry, KeyError, TypeError, ValueError):
            failures.append({"itemIdentifier": record["messageId"]})
            continue
        try:
            charge_id = charge(request, key)
        except Exception:  # noqa: BLE001 - any provider failure: release the claim, retry later
            TABLE.delete_item(
                Key={"idempotencyKey": key},
                ConditionExpression="#s = :busy",
                ExpressionAttributeNames={"#s": "status"},
                ExpressionAttributeValues={":busy": "IN_PROGRESS"},
            )
            failures.append({"itemIdentifier": record["messageId"]})
            continue
        TABLE.update_item(
            Key={"idempotencyKey": key},
            UpdateExpression="SET #s = :done, chargeId = :charge REMOVE lockedUntil",
            ExpressionAttributeNames={"#s": "status"},
            ExpressionAttributeValues={":done": "COMPLETED", ":charge": charge_id},
        )
    return {"batchItemFailures": failures}
