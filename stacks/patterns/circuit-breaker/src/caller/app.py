"""Caller service: starts the circuit-breaker workflow and names the service it needs.

The workflow is a Standard one, so the caller gets the execution ARN back at once and reads
the outcome (the provider's answer, or the fallback) with DescribeExecution.
"""

from __future__ import annotations

import json
import os
from typing import Any

import boto3

STATES = boto3.client("stepfunctions")
WORKFLOW_ARN = os.environ["WORKFLOW_ARN"]


def handler(event: dict[str, Any], context: object) -> dict[str, str]:
    request = {"serviceName": event.get("serviceName", "payments"), "charge": event["charge"]}
    # The execution name is the request ID: a retried call starts no second execution.
    started = STATES.start_execution(
        stateMachineArn=WORKFLOW_ARN, name=str(event["requestId"]), input=json.dumps(request)
    )
    return {"executionArn": started["executionArn"]}
