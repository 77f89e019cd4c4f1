"""Reminder function: invoked by a one-time schedule; records that the reminder went out.

Scheduler may deliver an invocation more than once (it retries), so the update is
conditional: the first call marks the reservation, later ones change nothing. A real system
would send the e-mail or SMS here, after the mark, keyed by the reservation ID.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from typing import Any

import boto3
from botocore.exceptions import ClientError

TABLE = boto3.resource("dynamodb").Table(os.environ["RESERVATIONS_TABLE"])


def handler(event: dict[str, Any], context: object) -> dict[str, Any]:
    reservation = event["reservationId"]
    try:
        TABLE.update_item(
            Key={"reservationId": reservation},
            UpdateExpression="SET reminderSentAt = :now",
            ConditionExpression="attribute_exists(reservationId) AND #s <> :cancelled "
            "AND attribute_not_exists(reminderSentAt)",
            ExpressionAttributeNames={"#s": "status"},
            ExpressionAttributeValues={
                ":now": datetime.now(UTC).isoformat(timespec="seconds"),
                ":cancelled": "CANCELLED",
            },
        )
    except ClientError as error:
        if error.response["Error"]["Code"] != "ConditionalCheckFailedException":
            raise
        item = TABLE.get_item(Key={"reservationId": reservation}).get("Item")
        if item and "reminderSentAt" in item:
            return {"status": "ALREADY_SENT", "reservationId": reservation}
        return {"status": "SKIPPED", "reservationId": reservation}  # gone or cancelled
    return {"status": "SENT", "reservationId": reservation}
