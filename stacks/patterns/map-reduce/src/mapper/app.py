"""Mapper: counts the words in one batch of input objects and writes the partial result.

The partial's key derives from the batch's object keys, so a retried batch overwrites its own
partial instead of adding a second one.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections import Counter
from typing import Any

import boto3

S3 = boto3.client("s3")
INTERMEDIATE_BUCKET = os.environ["INTERMEDIATE_BUCKET"]


def handler(event: dict[str, Any], context: object) -> dict[str, str]:
    bucket = event["BatchInput"]["bucket"]
    keys = sorted(item["Key"] for item in event["Items"])
    counts: Counter[str] = Counter()
    for key in keys:
        text = S3.get_object(Bucket=bucket, Key=key)["Body"].read().decode("utf-8", "replace")
        counts.update(re.findall(r"[a-z0-9']+", text.lower()))
    batch = hashlib.sha256("\n".join(keys).encode()).hexdigest()[:16]
    partial = f"partials/{batch}.json"
    S3.put_object(Bucket=INTERMEDIATE_BUCKET, Key=partial, Body=json.dumps(counts).encode())
    return {"partial": partial}
