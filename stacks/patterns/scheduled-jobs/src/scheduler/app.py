"""Scheduling function: creates the one-time schedule that reminds a customer of a reservation.

The schedule is named after the reservation, so a repeated request finds it already there
instead of creating a second reminder. Its time is the customer's local time, in the
customer's time zone; EventBridge Scheduler deletes it after it has run.
"""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import boto3

SCHEDULER = boto3.client("scheduler")


def handler(event: dict[str, Any], context: object) -> dict[str, Any]:
    reservation = event["reservationId"]
    try:
        zone = ZoneInfo(event["timeZone"])
    except (ZoneInfoNotFoundError, ValueError):
        return {"status": "REJECTED", "reason": f"unknown time zone {event['timeZone']!r}"}
    starts = datetime.fromisoformat(event["startsAt"])  # local wall-clock time, no offset
    remind_at = starts - timedelta(hours=int(event.get("remindBeforeHours", 24)))
    if remind_at.replace(tzinfo=zone) <= datetime.now(UTC):
        return {"status": "TOO_LATE", "reservationId": reservation}
    name = f"reminder-{reservation}"
    try:
        SCHEDULER.create_schedule(
            Name=name,
            GroupName=os.environ["SCHEDULE_GROUP"],
            ScheduleExpression=f"at({remind_at.strftime('%Y-%m-%dT%H:%M:%S')})",
            ScheduleExpressionTimezone=event["timeZone"],
            FlexibleTimeWindow={"Mode": "OFF"},  # a reminder should not drift
            ActionAfterCompletion="DELETE",
            Target={
                "Arn": os.environ["REMINDER_FUNCTION_ARN"],
                "RoleArn": os.environ["SCHEDULE_ROLE_ARN"],
                "Input": json.dumps({"reservationId": reservation}),
                "RetryPolicy": {"MaximumRetryAttempts": 5, "MaximumEventAgeInSeconds": 3600},
                "DeadLetterConfig": {"Arn": os.environ["FAILED_JOBS_QUEUE_ARN"]},
            },
        )
    except SCHEDULER.exceptions.ConflictException:
        return {"status": "ALREADY_SCHEDULED", "schedule": name}
    return {"status": "SCHEDULED", "schedule": name, "at": remind_at.isoformat()}
