"""Inventory service: returns a product's stock level (a small built-in table stands in for
the service's own store)."""

from __future__ import annotations

from typing import Any

STOCK = {"42": 17, "43": 0}


def handler(event: dict[str, Any], context: object) -> dict[str, Any]:
    available = STOCK.get(str(event["productId"]), 0)
    return {"available": available, "inStock": available > 0}
