"""Reducer: merges the mappers' partial word counts and writes the final result."""

from __future__ import annotations

import json
import os
from collections import Counter
from typing import Any

import boto3

S3 = boto3.client("s3")
INTERMEDIATE_BUCKET = os.environ["INTERMEDIATE_BUCKET"]
OUTPUT_BUCKET = os.environ["OUTPUT_BUCKET"]


def handler(event: dict[str, Any], context: object) -> dict[str, Any]:
    total: Counter[str] = Counter()
    for entry in event["partials"]:
        body = S3.get_object(Bucket=INTERMEDIATE_BUCKET, Key=entry["partial"])["Body"].read()
        total.update(json.loads(body))
    key = f"output/{event['run']}/word-counts.json"
    ranked = dict(total.most_common())
    S3.put_object(Bucket=OUTPUT_BUCKET, Key=key, Body=json.dumps(ranked, indent=1).encode())
    return {"output": key, "distinctWords": len(ranked)}
