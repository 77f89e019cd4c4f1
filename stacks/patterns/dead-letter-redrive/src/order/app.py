"""Order worker: forwards each order in a batch to the warehouse API and reports failures.

Only the orders that failed go back to the queue (ReportBatchItemFailures); the queue's redrive
policy moves an order that keeps failing to the dead-letter queue after five receives. The
order ID travels as the warehouse's idempotency key, so an order redriven after a partial
success is not shipped twice.
"""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.request
from typing import Any

WAREHOUSE_URL = os.environ["WAREHOUSE_URL"]


def forward(order: dict[str, Any]) -> None:
    call = urllib.request.Request(
        WAREHOUSE_URL,
        data=json.dumps({"orderId": order["orderId"], "items": order["items"]}).encode(),
        method="POST",
        headers={"Content-Type": "application/json", "Idempotency-Key": str(order["orderId"])},
    )
    with urllib.request.urlopen(call, timeout=5):  # noqa: S310 - the warehouse's URL
        pass  # urlopen raises HTTPError for any 4xx or 5xx answer


def handler(event: dict[str, Any], context: object) -> dict[str, list[dict[str, str]]]:
    failures = []
    for record in event["Records"]:
        try:
            forward(json.loads(record["body"]))
        except (KeyError, TypeError, ValueError, urllib.error.URLError, TimeoutError):
            failures.append({"itemIdentifier": record["messageId"]})
    return {"batchItemFailures": failures}
