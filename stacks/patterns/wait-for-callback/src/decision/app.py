"""Decision function: the approver's link. GET shows a confirmation page; POST decides.

A GET never decides, because mail scanners and link previews open links on their own.
The POST claims the decision with a conditional update (the first answer wins, an expired
one is refused), then resumes the waiting workflow with SendTaskSuccess or SendTaskFailure.
"""

from __future__ import annotations

import base64
import html
import json
import os
import time
from typing import Any
from urllib.parse import parse_qs

import boto3
from botocore.exceptions import ClientError

TABLE = boto3.resource("dynamodb").Table(os.environ["TABLE_NAME"])
SFN = boto3.client("stepfunctions")
ACTIONS = {"approve", "reject"}


def page(status: int, title: str, body: str = "") -> dict[str, Any]:
    text = (
        f"<!doctype html><meta charset=utf-8><title>{html.escape(title)}</title>"
        f"<h1>{html.escape(title)}</h1>{body}"
    )
    return {"statusCode": status, "headers": {"Content-Type": "text/html"}, "body": text}


def form_fields(event: dict[str, Any]) -> dict[str, str]:
    raw = event.get("body") or ""
    if event.get("isBase64Encoded"):
        raw = base64.b64decode(raw).decode()
    return {k: v[0] for k, v in parse_qs(raw).items()}


def handler(event: dict[str, Any], context: object) -> dict[str, Any]:
    decision_id = (event.get("queryStringParameters") or {}).get("id", "")
    key = {"id": f"decision#{decision_id}"}
    item = TABLE.get_item(Key=key).get("Item") if decision_id else None
    if not item or item["expiresAt"] < time.time():
        return page(404, "This link is unknown or has expired")
    if event["requestContext"]["http"]["method"] == "GET":
        buttons = "".join(
            f'<button name="action" value="{a}">{a.capitalize()}</button>' for a in sorted(ACTIONS)
        )
        return page(
            200,
            "Expense approval",
            f'<p>{html.escape(item["summary"])}</p><form method="post">{buttons}</form>',
        )
    action = form_fields(event).get("action")
    if action not in ACTIONS:
        return page(400, "Choose approve or reject")
    try:  # the first answer wins; a second click or a replayed POST changes nothing
        TABLE.update_item(
            Key=key,
            UpdateExpression="SET decision = :a, decidedAt = :now",
            ConditionExpression="attribute_not_exists(decidedAt) AND expiresAt > :now",
            ExpressionAttributeValues={":a": action, ":now": int(time.time())},
        )
    except ClientError as exc:
        if exc.response["Error"]["Code"] == "ConditionalCheckFailedException":
            return page(409, "This expense was already decided")
        raise
    token = item["taskToken"]
    try:
        if action == "approve":
            SFN.send_task_success(
                taskToken=token,
                output=json.dumps({"approved": True, "decidedAt": int(time.time())}),
            )
        else:
            SFN.send_task_failure(taskToken=token, error="Rejected", cause="The approver said no.")
    except ClientError as exc:
        if exc.response["Error"]["Code"] in ("TaskTimedOut", "TaskDoesNotExist"):
            return page(410, "The request timed out before your answer")
        TABLE.update_item(Key=key, UpdateExpression="REMOVE decision, decidedAt")  # try again
        raise
    return page(200, f"Recorded: {action}d")
