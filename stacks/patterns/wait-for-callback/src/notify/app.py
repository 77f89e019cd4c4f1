"""Notify function: ask a person to approve, and park the workflow's task token.

Step Functions invokes this function with `.waitForTaskToken` and a task token, then waits.
The function stores the token under a random decision ID (an unguessable, single-use
capability that expires with the task) and emails the approver a link that carries only
that ID, never the token itself.
"""

from __future__ import annotations

import os
import secrets
import time
from typing import Any

import boto3

TABLE = boto3.resource("dynamodb").Table(os.environ["TABLE_NAME"])
SNS = boto3.client("sns")
TOPIC_ARN = os.environ["TOPIC_ARN"]
DECISION_URL = os.environ["DECISION_URL"]
WAIT_SECONDS = int(os.environ["WAIT_SECONDS"])


def handler(event: dict[str, Any], context: object) -> dict[str, str]:
    expense = event["expense"]
    decision_id = secrets.token_urlsafe(24)  # 192 random bits
    TABLE.put_item(
        Item={
            "id": f"decision#{decision_id}",
            "taskToken": event["taskToken"],
            "expenseId": str(expense["expenseId"]),
            "summary": f"{expense['requester']} asks for {expense['amount']} ({expense['reason']})",
            "expiresAt": int(time.time()) + WAIT_SECONDS,  # DynamoDB TTL removes it later
        },
        ConditionExpression="attribute_not_exists(id)",
    )
    link = f"{DECISION_URL.rstrip('/')}/?id={decision_id}"
    SNS.publish(
        TopicArn=TOPIC_ARN,
        Subject=f"Approve expense {expense['expenseId']}?",
        Message=(
            f"{expense['requester']} asks for {expense['amount']} for {expense['reason']}.\n\n"
            f"Open this link to approve or reject: {link}\n"
            f"It works once and expires in {WAIT_SECONDS // 3600} hours."
        ),
    )
    return {"decisionId": decision_id}
