"""Command function: decides whether a command may happen and, if so, appends its event.

The account's state is never stored as such: it is rebuilt from the latest snapshot plus the
events after it. The new event's key is (account, next version), and the put is conditional
on that key being free, so two writers that read the same version cannot both append:
the loser gets 409 and retries with fresh state (optimistic concurrency).
"""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

import boto3
from boto3.dynamodb.conditions import Key
from botocore.exceptions import ClientError

dynamodb = boto3.resource("dynamodb")
EVENTS = dynamodb.Table(os.environ["EVENTS_TABLE"])
SNAPSHOTS = dynamodb.Table(os.environ["SNAPSHOTS_TABLE"])
EVENT_FOR = {"Deposit": "Deposited", "Withdraw": "Withdrawn"}


def evolve(balance: Decimal, event: dict[str, Any]) -> Decimal:
    """The one place that says what an event does to an account."""
    amount = Decimal(event["amount"])
    return balance + amount if event["type"] == "Deposited" else balance - amount


def load(account: str) -> tuple[Decimal, int]:
    """Balance and version: the snapshot, then every event after it, in version order."""
    snapshot = SNAPSHOTS.get_item(Key={"accountId": account}, ConsistentRead=True).get("Item")
    balance = Decimal(snapshot["balance"]) if snapshot else Decimal(0)
    version = int(snapshot["version"]) if snapshot else 0
    query = {
        "KeyConditionExpression": Key("accountId").eq(account) & Key("version").gt(version),
        "ConsistentRead": True,
    }
    while True:
        page = EVENTS.query(**query)
        for event in page["Items"]:
            balance, version = evolve(balance, event), int(event["version"])
        if "LastEvaluatedKey" not in page:
            return balance, version
        query["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def answer(status: int, body: dict[str, Any]) -> dict[str, Any]:
    return {"statusCode": status, "body": json.dumps(body, default=str)}


def handler(event: dict[str, Any], context: object) -> dict[str, Any]:
    account = event["pathParameters"]["accountId"]
    try:
        body = json.loads(event.get("body") or "{}")
        kind = EVENT_FOR[body["command"]]
        amount = Decimal(str(body["amount"]))
        expected = body.get("expectedVersion")
        expected = None if expected is None else int(expected)
    except (KeyError, TypeError, ValueError, InvalidOperation):
        return answer(400, {"error": "send command Deposit or Withdraw and a positive amount"})
    if not amount.is_finite() or amount <= 0:
        return answer(400, {"error": "amount must be positive"})

    balance, version = load(account)
    if expected is not None and expected != version:
        return answer(409, {"error": "stale version", "version": version})
    if kind == "Withdrawn" and amount > balance:
        return answer(422, {"error": "insufficient funds", "balance": balance})

    new = {
        "accountId": account,
        "version": version + 1,
        "type": kind,
        "amount": amount,
        "at": datetime.now(UTC).isoformat(),
    }
    try:
        EVENTS.put_item(Item=new, ConditionExpression="attribute_not_exists(version)")
    except ClientError as exc:
        if exc.response["Error"]["Code"] == "ConditionalCheckFailedException":
            return answer(409, {"error": "another command won the race", "version": version + 1})
        raise
    balance = evolve(balance, new)

    if new["version"] % int(os.environ.get("SNAPSHOT_EVERY", "50")) == 0:
        try:
            SNAPSHOTS.put_item(
                Item={"accountId": account, "version": new["version"], "balance": balance},
                ConditionExpression="attribute_not_exists(version) OR version < :v",
                ExpressionAttributeValues={":v": new["version"]},
            )
        except ClientError as exc:  # a newer snapshot is already there: nothing to do
            if exc.response["Error"]["Code"] != "ConditionalCheckFailedException":
                raise
    return answer(201, {"accountId": account, "version": new["version"], "balance": balance})
