"""Connection function: remembers who is connected to which channel.

API Gateway calls it on $connect (after checking the caller's signature) and on $disconnect.
The item expires after two hours, the longest a WebSocket connection lives, so a $disconnect
that never arrives leaves nothing behind for long.
"""

from __future__ import annotations

import os
import re
import time
from typing import Any

import boto3

TABLE = boto3.resource("dynamodb").Table(os.environ["TABLE_NAME"])
CHANNEL = re.compile(r"^[a-z0-9-]{1,64}$")
LIFETIME = 2 * 60 * 60  # seconds: API Gateway closes every connection after two hours


def handler(event: dict[str, Any], context: object) -> dict[str, Any]:
    request = event["requestContext"]
    connection_id = request["connectionId"]
    if request["eventType"] == "DISCONNECT":
        TABLE.delete_item(Key={"connectionId": connection_id})
        return {"statusCode": 200}
    channel = (event.get("queryStringParameters") or {}).get("channel", "")
    if not CHANNEL.match(channel):
        return {"statusCode": 400, "body": "connect with ?channel=<lower-case name>"}
    TABLE.put_item(
        Item={
            "connectionId": connection_id,
            "channel": channel,
            "caller": (request.get("identity") or {}).get("userArn", ""),
            "expiresAt": int(time.time()) + LIFETIME,
        }
    )
    return {"statusCode": 200}
