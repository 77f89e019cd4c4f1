"""Valet function: hands out a presigned POST (upload) or GET (download) for one object.

The caller never chooses the object key: the function does, under uploads/<fileId>/, and
records the file for its owner first. The signed POST pins the key, the content type and a
content-length-range, so S3 itself refuses anything else. The URL carries this function's
role's permissions, which is why that role can reach nothing but uploads/.
"""

from __future__ import annotations

import json
import os
import re
import time
import uuid
from typing import Any

import boto3
from botocore.config import Config

# Signature Version 4, explicitly: S3 has deprecated Signature Version 2.
S3 = boto3.client("s3", config=Config(signature_version="s3v4"))
TABLE = boto3.resource("dynamodb").Table(os.environ["TABLE_NAME"])
BUCKET = os.environ["BUCKET_NAME"]
SECONDS = int(os.environ.get("URL_SECONDS", "300"))
MAX_BYTES = int(os.environ.get("MAX_BYTES", str(25 * 1024 * 1024)))
TYPES = {"application/pdf", "image/jpeg", "image/png", "text/csv"}


def answer(status: int, body: dict[str, Any]) -> dict:
    return {
        "statusCode": status,
        "headers": {"Content-Type": "application/json", "Cache-Control": "no-store"},
        "body": json.dumps(body),
    }


def caller(event: dict[str, Any]) -> str:
    return ((event.get("requestContext") or {}).get("identity") or {}).get("userArn") or ""


def upload(event: dict[str, Any]) -> dict:
    try:
        ask = json.loads(event.get("body") or "")
        name = re.sub(r"[^A-Za-z0-9._-]", "_", str(ask["fileName"]))[:100]
        content_type, size = str(ask["contentType"]), int(ask["size"])
    except (ValueError, KeyError, TypeError):
        return answer(400, {"message": "send fileName, contentType and size"})
    if content_type not in TYPES:
        return answer(415, {"message": f"type must be one of {sorted(TYPES)}"})
    if not 0 < size <= MAX_BYTES:
        return answer(413, {"message": f"size must be 1 to {MAX_BYTES} bytes"})
    file_id = uuid.uuid4().hex
    key = f"uploads/{file_id}/{name}"
    TABLE.put_item(
        Item={
            "fileId": file_id,
            "owner": caller(event),
            "key": key,
            "contentType": content_type,
            "status": "PENDING",
            "createdAt": int(time.time()),
        },
        ConditionExpression="attribute_not_exists(fileId)",
    )
    post = S3.generate_presigned_post(
        Bucket=BUCKET,
        Key=key,
        Fields={"Content-Type": content_type},
        Conditions=[
            {"Content-Type": content_type},
            # The declared size is the ceiling: S3 rejects a larger (or empty) body.
            ["content-length-range", 1, size],
        ],
        ExpiresIn=SECONDS,
    )
    return answer(201, {"fileId": file_id, "url": post["url"], "fields": post["fields"]})


def download(event: dict[str, Any]) -> dict:
    file_id = (event.get("pathParameters") or {}).get("fileId", "")
    item = TABLE.get_item(Key={"fileId": file_id}).get("Item") if file_id else None
    if not item or item["owner"] != caller(event):
        return answer(404, {"message": "no such file"})  # the same answer: no probing
    if item["status"] != "UPLOADED":
        return answer(409, {"message": "the upload has not arrived yet", "status": item["status"]})
    url = S3.generate_presigned_url(
        "get_object", Params={"Bucket": BUCKET, "Key": item["key"]}, ExpiresIn=SECONDS
    )
    return answer(200, {"fileId": file_id, "url": url, "expiresIn": SECONDS})


def handler(event: dict[str, Any], context: object) -> dict:
    if event.get("httpMethod") == "POST":
        return upload(event)
    return download(event)
