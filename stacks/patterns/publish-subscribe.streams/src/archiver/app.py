"""Archiver: writes one batch of stream events to S3 as a JSON Lines object.

The object's key is the batch's shard and first sequence number, so a retried batch
overwrites its own object instead of archiving the events twice.
"""

from __future__ import annotations

import base64
import os
from typing import Any

import boto3

S3 = boto3.client("s3")
BUCKET = os.environ["BUCKET_NAME"]


def handler(event: dict[str, Any], context: object) -> dict[str, str]:
    records = event["Records"]
    lines = [base64.b64decode(r["kinesis"]["data"]).decode("utf-8").strip() for r in records]
    shard = records[0]["eventID"].split(":")[0]
    key = f"raw/{shard}/{records[0]['kinesis']['sequenceNumber']}.jsonl"
    S3.put_object(Bucket=BUCKET, Key=key, Body=("\n".join(lines) + "\n").encode("utf-8"))
    return {"object": key}
