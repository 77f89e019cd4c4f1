"""Validate order: the first Task of the workflow. Returns a verdict; never raises for a bad
order, so the workflow's Choice state decides what happens next."""

from __future__ import annotations

from typing import Any


def handler(event: dict[str, Any], context: object) -> dict[str, Any]:
    items = event.get("items") or []
    if not event.get("orderId"):
        return {"valid": False, "reason": "the order has no orderId"}
    if not items:
        return {"valid": False, "reason": "the order has no items"}
    total = sum(float(i["price"]) * int(i["quantity"]) for i in items)
    if total <= 0:
        return {"valid": False, "reason": "the total must be positive"}
    return {"valid": True, "reason": f"total {total:.2f}"}
