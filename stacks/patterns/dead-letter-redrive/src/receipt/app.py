"""Receipt function: asks the email service to send an order's receipt.

Lambda invokes it asynchronously. An exception here is not lost: Lambda retries the event
twice, and then sends it with the error to the on-failure destination, the failed receipts
queue. The order ID is the email service's idempotency key, because a retry may follow a send
that succeeded.
"""

from __future__ import annotations

import json
import os
import urllib.request
from typing import Any

EMAIL_URL = os.environ["EMAIL_URL"]


def handler(event: dict[str, Any], context: object) -> dict[str, str]:
    order_id, address = str(event["orderId"]), str(event["email"])
    if "@" not in address:
        raise ValueError(f"not an email address: {address!r}")
    message = {"to": address, "template": "receipt", "orderId": order_id}
    call = urllib.request.Request(
        EMAIL_URL,
        data=json.dumps(message).encode(),
        method="POST",
        headers={"Content-Type": "application/json", "Idempotency-Key": f"receipt-{order_id}"},
    )
    with urllib.request.urlopen(call, timeout=5):  # noqa: S310 - the email service's URL
        pass  # urlopen raises for any 4xx or 5xx answer: Lambda then retries the event
    return {"sent": order_id}
