"""Transcode worker: for each uploaded video, records the streaming formats to produce.

The message is S3's event, delivered raw through SNS and SQS. The worker reads the original's
metadata and writes its rendition plan under `transcode/<key>.json` in the renditions bucket; a
production worker would hand the plan to a media service (AWS Elemental MediaConvert) here.
The output key derives from the input key, so a redelivered message overwrites, never
duplicates. Failed messages are reported one by one and return to the queue.
"""

from __future__ import annotations

import json
import os
import urllib.parse
from typing import Any

import boto3

S3 = boto3.client("s3")
RENDITIONS_BUCKET = os.environ["RENDITIONS_BUCKET"]
KIND = "transcode"
PLAN: dict[str, Any] = {"formats": ["hls-1080p", "hls-720p", "hls-360p"]}


def handle(record: dict[str, Any]) -> None:
    for s3_record in json.loads(record["body"])["Records"]:
        bucket = s3_record["s3"]["bucket"]["name"]
        key = urllib.parse.unquote_plus(s3_record["s3"]["object"]["key"])
        original = S3.head_object(Bucket=bucket, Key=key)
        result = {
            "source": f"s3://{bucket}/{key}",
            "bytes": original["ContentLength"],
            "etag": original["ETag"],
            KIND: PLAN,
        }
        S3.put_object(
            Bucket=RENDITIONS_BUCKET, Key=f"{KIND}/{key}.json", Body=json.dumps(result).encode()
        )


def handler(event: dict[str, Any], context: object) -> dict[str, list[dict[str, str]]]:
    failures = []
    for record in event["Records"]:
        try:
            handle(record)
        except Exception:  # noqa: BLE001 - report this message, keep going with the others
            failures.append({"itemIdentifier": record["messageId"]})
    return {"batchItemFailures": failures}
