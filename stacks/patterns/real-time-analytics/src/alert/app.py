"""Alert function: publishes one on-call alert per anomaly the Flink application detected.

Each alert carries a key made of the anomaly's sensor and window, so whoever receives the
alerts can drop the repeats that a retried batch sends.
"""

from __future__ import annotations

import base64
import json
import os
from typing import Any

import boto3

SNS = boto3.client("sns")
TOPIC_ARN = os.environ["TOPIC_ARN"]


def handler(event: dict[str, Any], context: object) -> dict[str, int]:
    sent = 0
    for record in event["Records"]:
        anomaly = json.loads(base64.b64decode(record["kinesis"]["data"]))
        key = f"{anomaly['sensor']}@{anomaly['window']}"
        SNS.publish(
            TopicArn=TOPIC_ARN,
            Subject=f"Anomaly on {anomaly['sensor']}"[:100],
            Message=json.dumps({**anomaly, "alertKey": key}, indent=1),
            MessageAttributes={"alertKey": {"DataType": "String", "StringValue": key}},
        )
        sent += 1
    return {"alerts": sent}
