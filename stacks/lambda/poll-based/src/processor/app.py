"""Order processor: validates each order message of a batch from SQS.

Only the messages reported in ``batchItemFailures`` return to the queue; the others are
deleted by the poller. After five receives SQS moves a failing message to the dead-letter
queue, so one bad message cannot block the rest.
"""

from __future__ import annotations

import json
from typing import Any


def valid(order: dict[str, Any]) -> bool:
    return bool(order.get("orderId")) and float(order.get("total", -1)) >= 0


def handler(event: dict[str, Any], context: object) -> dict[str, list[dict[str, str]]]:
    failures = []
    for record in event["Records"]:
        try:
            order = json.loads(record["body"])
            if not valid(order):
                raise ValueError("an order needs an orderId and a total of zero or more")
            print(json.dumps({"accepted": order["orderId"]}))
        except (TypeError, ValueError) as exc:
            print(json.dumps({"rejected": record["messageId"], "why": str(exc)}))
            failures.append({"itemIdentifier": record["messageId"]})
    return {"batchItemFailures": failures}
