"""Image processor: for each uploaded JPEG, writes a copy at most 512 pixels wide."""

from __future__ import annotations

import io
import os
import urllib.parse
from typing import Any

import boto3
from PIL import Image

S3 = boto3.client("s3")
OUTPUT_BUCKET = os.environ["OUTPUT_BUCKET"]
MAX_SIZE = (512, 512)


def handler(event: dict[str, Any], context: object) -> dict[str, list[str]]:
    written = []
    for record in event["Records"]:
        bucket = record["s3"]["bucket"]["name"]
        key = urllib.parse.unquote_plus(record["s3"]["object"]["key"])
        original = S3.get_object(Bucket=bucket, Key=key)["Body"].read()
        image = Image.open(io.BytesIO(original))
        image.thumbnail(MAX_SIZE)
        out = io.BytesIO()
        image.convert("RGB").save(out, format="JPEG", quality=85)
        # The output key derives from the input key: a retried event overwrites, never duplicates.
        target = "resized/" + key.removeprefix("incoming/")
        S3.put_object(
            Bucket=OUTPUT_BUCKET, Key=target, Body=out.getvalue(), ContentType="image/jpeg"
        )
        written.append(target)
    return {"written": written}
