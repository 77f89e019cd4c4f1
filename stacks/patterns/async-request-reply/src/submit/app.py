"""Submit function: accepts a job, records it as PENDING, queues it and answers 202 Accepted.

The answer carries the status URL (Location) and how long to wait before asking (Retry-After).
A client that retries with the same Idempotency-Key gets the same job back, not a second one.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
import uuid
from typing import Any

import boto3
from botocore.exceptions import ClientError

TABLE = boto3.resource("dynamodb").Table(os.environ["TABLE_NAME"])
SQS = boto3.client("sqs")
QUEUE_URL = os.environ["QUEUE_URL"]
KEEP_SECONDS = int(os.environ.get("KEEP_DAYS", "7")) * 86400


def answer(status: int, body: dict[str, Any], headers: dict[str, str] | None = None) -> dict:
    return {
        "statusCode": status,
        "headers": {"Content-Type": "application/json", **(headers or {})},
        "body": json.dumps(body),
    }


def job_id_for(event: dict[str, Any]) -> str:
    """The same Idempotency-Key from the same caller always names the same job."""
    headers = {k.lower(): v for k, v in (event.get("headers") or {}).items()}
    key = headers.get("idempotency-key")
    if not key:
        return str(uuid.uuid4())
    caller = ((event.get("requestContext") or {}).get("identity") or {}).get("userArn") or ""
    return hashlib.sha256(f"{caller}\n{key}".encode()).hexdigest()[:32]


def handler(event: dict[str, Any], context: object) -> dict:
    try:
        job = json.loads(event.get("body") or "")
        if not isinstance(job, dict) or not isinstance(job.get("lines"), list):
            raise ValueError
    except ValueError:
        return answer(400, {"message": 'send a JSON object with a "lines" list'})
    job_id = job_id_for(event)
    try:
        TABLE.put_item(
            Item={
                "jobId": job_id,
                "status": "PENDING",
                "createdAt": int(time.time()),
                "expiresAt": int(time.time()) + KEEP_SECONDS,
            },
            ConditionExpression="attribute_not_exists(jobId)",
        )
        state = "PENDING"
    except ClientError as exc:
        if exc.response["Error"]["Code"] != "ConditionalCheckFailedException":
            raise
        state = TABLE.get_item(Key={"jobId": job_id}, ConsistentRead=True)["Item"]["status"]
    if state == "PENDING":
        # Queue it (again, for a retried request: the worker finishes a job only once).
        SQS.send_message(QueueUrl=QUEUE_URL, MessageBody=json.dumps({"jobId": job_id, **job}))
    path = (event.get("requestContext") or {}).get("path") or event.get("path") or "/jobs"
    location = f"{path.rstrip('/')}/{job_id}"
    return answer(
        202,
        {"jobId": job_id, "status": state, "statusUrl": location},
        {"Location": location, "Retry-After": "5"},
    )
