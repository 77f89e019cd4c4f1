"""Receiver function: behind a public function URL, it authenticates each webhook delivery,
refuses replays and duplicates, queues the event and answers at once.

The provider signs ``<delivery id>.<unix timestamp>.<raw body>`` with HMAC-SHA256 and the
shared secret, and sends ``webhook-id``, ``webhook-timestamp`` and ``webhook-signature:
v1,<base64 digest>`` (several space-separated signatures are allowed while a secret rotates).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import time
from typing import Any

import boto3
from botocore.exceptions import ClientError

SECRETS = boto3.client("secretsmanager")
SQS = boto3.client("sqs")
DELIVERIES = boto3.resource("dynamodb").Table(os.environ["DELIVERIES_TABLE"])
TOLERANCE = int(os.environ.get("TOLERANCE_SECONDS", "300"))
KEEP = int(os.environ.get("DELIVERY_TTL_DAYS", "7")) * 86400
CACHE_SECONDS = 300  # a rotated secret is picked up within five minutes

_secret: tuple[bytes, float] | None = None


def signing_key() -> bytes:
    """The shared secret, read once per execution environment and refreshed every few minutes."""
    global _secret
    if _secret is None or time.time() - _secret[1] > CACHE_SECONDS:
        value = SECRETS.get_secret_value(SecretId=os.environ["SIGNING_SECRET_ARN"])
        _secret = (value["SecretString"].encode(), time.time())
    return _secret[0]


def answer(status: int, message: str) -> dict[str, Any]:
    return {"statusCode": status, "body": json.dumps({"message": message})}


def signature_ok(delivery: str, stamp: str, body: str, header: str) -> bool:
    signed = f"{delivery}.{stamp}.{body}".encode()
    expected = base64.b64encode(hmac.new(signing_key(), signed, hashlib.sha256).digest())
    offered = [s.split(",", 1)[1] for s in header.split() if s.startswith("v1,")]
    return any(hmac.compare_digest(expected, s.encode()) for s in offered)


def handler(event: dict[str, Any], context: object) -> dict[str, Any]:
    headers = {k.lower(): v for k, v in (event.get("headers") or {}).items()}
    body = event.get("body") or ""
    if event.get("isBase64Encoded"):
        body = base64.b64decode(body).decode()
    delivery = headers.get("webhook-id", "")
    stamp = headers.get("webhook-timestamp", "")
    if not delivery or not stamp.isdigit() or not headers.get("webhook-signature"):
        return answer(400, "missing webhook-id, webhook-timestamp or webhook-signature")
    # Signature first: nothing unauthenticated reaches the table or the queue.
    if not signature_ok(delivery, stamp, body, headers["webhook-signature"]):
        return answer(401, "bad signature")
    now = int(time.time())
    if abs(now - int(stamp)) > TOLERANCE:
        return answer(401, "timestamp outside the tolerance: a replay or a skewed clock")
    try:
        # Expired items may linger until TTL deletes them, so an old record counts as absent.
        DELIVERIES.put_item(
            Item={"deliveryId": delivery, "receivedAt": now, "expiresAt": now + KEEP},
            ConditionExpression="attribute_not_exists(deliveryId) OR expiresAt < :now",
            ExpressionAttributeValues={":now": now},
        )
    except ClientError as error:
        if error.response["Error"]["Code"] == "ConditionalCheckFailedException":
            return answer(200, "duplicate delivery, already accepted")
        raise
    try:
        SQS.send_message(
            QueueUrl=os.environ["EVENTS_QUEUE_URL"],
            MessageBody=body,
            MessageAttributes={"deliveryId": {"DataType": "String", "StringValue": delivery}},
        )
    except ClientError:
        DELIVERIES.delete_item(Key={"deliveryId": delivery})  # let the provider's retry in
        return answer(500, "could not queue the event; retry later")
    return answer(202, "accepted")
