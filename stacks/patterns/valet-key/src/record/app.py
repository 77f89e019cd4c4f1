"""Record function: S3 reports each new object; the file becomes UPLOADED with its real size.

The client is not trusted to say that its upload worked: only S3's event counts. S3 may
deliver an event more than once, so the update is conditional on the file still being PENDING.
"""

from __future__ import annotations

import os
from typing import Any
from urllib.parse import unquote_plus

import boto3
from botocore.exceptions import ClientError

TABLE = boto3.resource("dynamodb").Table(os.environ["TABLE_NAME"])


def handler(event: dict[str, Any], context: object) -> dict[str, list[str]]:
    recorded = []
    for record in event["Records"]:
        key = unquote_plus(record["s3"]["object"]["key"])  # event keys are URL-encoded
        parts = key.split("/")
        if len(parts) != 3 or parts[0] != "uploads":
            continue  # not an object this API handed out
        try:
            TABLE.update_item(
                Key={"fileId": parts[1]},
                UpdateExpression="SET #s = :uploaded, #z = :size",
                ConditionExpression="#s = :pending AND #k = :key",
                ExpressionAttributeNames={"#s": "status", "#z": "size", "#k": "key"},
                ExpressionAttributeValues={
                    ":uploaded": "UPLOADED",
                    ":pending": "PENDING",
                    ":key": key,
                    ":size": int(record["s3"]["object"]["size"]),
                },
            )
            recorded.append(key)
        except ClientError as exc:
            if exc.response["Error"]["Code"] != "ConditionalCheckFailedException":
                raise  # Lambda retries, then the on-failure destination keeps the event
    return {"recorded": recorded}
