"""Worker function: does each queued job and writes its outcome to the jobs table.

SQS delivers at least once, so the outcome is written only while the job is still PENDING: a
redelivered job changes nothing. Bad input is a permanent failure (FAILED, no retry); any
other error returns the job to the queue, and after five receives to the dead-letter queue.
"""

from __future__ import annotations

import json
import os
from decimal import Decimal
from typing import Any

import boto3
from botocore.exceptions import ClientError

TABLE = boto3.resource("dynamodb").Table(os.environ["TABLE_NAME"])


def work(job: dict[str, Any]) -> dict[str, Any]:
    """The slow part, here a stand-in: total the priced lines of a report."""
    lines = job["lines"]
    total = sum(Decimal(str(line["price"])) * int(line["quantity"]) for line in lines)
    return {"lines": len(lines), "total": total}


def finish(job_id: str, outcome: dict[str, Any]) -> None:
    names = {"#s": "status"}
    values: dict[str, Any] = {":pending": "PENDING"}
    sets = []
    for i, (field, value) in enumerate(outcome.items()):
        names[f"#f{i}"], values[f":v{i}"] = field, value
        sets.append(f"#f{i} = :v{i}")
    try:
        TABLE.update_item(
            Key={"jobId": job_id},
            UpdateExpression="SET " + ", ".join(sets),
            ConditionExpression="#s = :pending",
            ExpressionAttributeNames=names,
            ExpressionAttributeValues=values,
        )
    except ClientError as exc:
        if exc.response["Error"]["Code"] != "ConditionalCheckFailedException":
            raise  # already finished by an earlier delivery: nothing to do


def handler(event: dict[str, Any], context: object) -> dict[str, list[dict[str, str]]]:
    failures = []
    for record in event["Records"]:
        try:
            job = json.loads(record["body"])
            try:
                outcome = {"status": "SUCCEEDED", "result": work(job)}
            except (KeyError, TypeError, ValueError, ArithmeticError) as exc:
                outcome = {"status": "FAILED", "error": f"bad input: {exc!r}"}
            finish(job["jobId"], outcome)
        except (ClientError, KeyError, ValueError):
            failures.append({"itemIdentifier": record["messageId"]})
    return {"batchItemFailures": failures}
