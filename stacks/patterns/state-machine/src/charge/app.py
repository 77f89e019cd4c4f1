"""Charge payment: charges the order's total. A declined card raises PaymentDeclined, which
the workflow's Catch turns into the status FAILED.

The charge ID derives from the order ID, so a retried Task charges once (the idempotency key
a real payment provider takes).
"""

from __future__ import annotations

import hashlib
from typing import Any


class PaymentDeclined(Exception):
    """The provider refused the charge."""


def handler(event: dict[str, Any], context: object) -> dict[str, Any]:
    if event.get("card") == "declined":
        raise PaymentDeclined(f"card declined for order {event['orderId']}")
    total = sum(float(i["price"]) * int(i["quantity"]) for i in event["items"])
    charge_id = "ch_" + hashlib.sha256(event["orderId"].encode()).hexdigest()[:16]
    return {"chargeId": charge_id, "amount": round(total, 2)}
