"""Thumbnail function: writes a 128-pixel JPEG thumbnail of an uploaded image.

Invoked asynchronously by S3 (a ``Records`` event) or by an EventBridge rule (a
``ThumbnailRequested`` event naming a bucket and key). Raising makes Lambda retry the event,
then send it to the on-failure destination.
"""

from __future__ import annotations

import io
import os
import urllib.parse
from typing import Any

import boto3
from PIL import Image

S3 = boto3.client("s3")
THUMBNAILS_BUCKET = os.environ["THUMBNAILS_BUCKET"]
SIZE = (128, 128)


def _objects(event: dict[str, Any]) -> list[tuple[str, str]]:
    if "Records" in event:
        return [
            (r["s3"]["bucket"]["name"], urllib.parse.unquote_plus(r["s3"]["object"]["key"]))
            for r in event["Records"]
        ]
    detail = event["detail"]
    return [(detail["bucket"], detail["key"])]


def handler(event: dict[str, Any], context: object) -> dict[str, list[str]]:
    written = []
    for bucket, key in _objects(event):
        image = Image.open(io.BytesIO(S3.get_object(Bucket=bucket, Key=key)["Body"].read()))
        image.thumbnail(SIZE)
        out = io.BytesIO()
        image.convert("RGB").save(out, format="JPEG", quality=80)
        # Same key in, same key out: a retried event overwrites its own thumbnail.
        target = f"thumbnails/{key.rsplit('.', 1)[0]}.jpg"
        S3.put_object(Bucket=THUMBNAILS_BUCKET, Key=target, Body=out.getvalue())
        written.append(target)
    # Returned to the on-success destination (the results bus) inside the invocation record.
    return {"thumbnails": written}
