"""Push function: posts one update to every connection that follows its channel.

A connection that closed without a $disconnect answers 410 Gone: it is deleted, so the next
push skips it. Posting is idempotent enough for a retried event: a client may see an update
twice and should treat updates as "latest state", not as increments.
"""

from __future__ import annotations

import json
import os
from typing import Any

import boto3
from boto3.dynamodb.conditions import Key

TABLE = boto3.resource("dynamodb").Table(os.environ["TABLE_NAME"])
MAX_BYTES = 128 * 1024  # API Gateway's largest WebSocket message


def connections(channel: str):
    """Every connection ID that follows the channel, page by page."""
    query = {"IndexName": "byChannel", "KeyConditionExpression": Key("channel").eq(channel)}
    while True:
        page = TABLE.query(**query)
        yield from (item["connectionId"] for item in page["Items"])
        if "LastEvaluatedKey" not in page:
            return
        query["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def handler(event: dict[str, Any], context: object) -> dict[str, int]:
    client = boto3.client(
        "apigatewaymanagementapi", endpoint_url=os.environ["CONNECTIONS_ENDPOINT"]
    )
    detail = event["detail"]
    message = json.dumps({"type": event["detail-type"], "data": detail}).encode()
    if len(message) > MAX_BYTES:
        raise ValueError(f"{len(message)} bytes: send a link to the data, not the data")
    sent = gone = 0
    for connection_id in connections(str(detail["channel"])):
        try:
            client.post_to_connection(ConnectionId=connection_id, Data=message)
            sent += 1
        except client.exceptions.GoneException:
            TABLE.delete_item(Key={"connectionId": connection_id})
            gone += 1
    return {"sent": sent, "gone": gone}
