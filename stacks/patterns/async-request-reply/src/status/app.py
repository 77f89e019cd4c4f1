"""Status function: answers GET /jobs/{jobId} with the job's status, and its result once done."""

from __future__ import annotations

import json
import os
from decimal import Decimal
from typing import Any

import boto3

TABLE = boto3.resource("dynamodb").Table(os.environ["TABLE_NAME"])


def plain(value: Any) -> Any:
    """DynamoDB numbers come back as Decimal; JSON wants int or float."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def handler(event: dict[str, Any], context: object) -> dict:
    job_id = (event.get("pathParameters") or {}).get("jobId", "")
    item = TABLE.get_item(Key={"jobId": job_id}).get("Item") if job_id else None
    if not item:
        return {"statusCode": 404, "body": json.dumps({"message": f"no job {job_id!r}"})}
    body = {k: plain(item[k]) for k in ("jobId", "status", "result", "error") if k in item}
    headers = {"Content-Type": "application/json"}
    if item["status"] == "PENDING":
        headers["Retry-After"] = "5"  # ask again in five seconds
    return {"statusCode": 200, "headers": headers, "body": json.dumps(body)}
