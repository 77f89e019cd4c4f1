"""Catalog service: returns a product's details (a small built-in catalog stands in for the
service's own store)."""

from __future__ import annotations

from typing import Any

PRODUCTS = {
    "42": {"name": "Espresso beans, 1 kg", "roast": "dark", "origin": "Brazil"},
    "43": {"name": "Filter papers", "roast": None, "origin": "Germany"},
}


class UnknownProduct(Exception):
    """No such product: the aggregator marks the catalog part missing."""


def handler(event: dict[str, Any], context: object) -> dict[str, Any]:
    product = PRODUCTS.get(str(event["productId"]))
    if product is None:
        raise UnknownProduct(event["productId"])
    return {"productId": str(event["productId"]), **product}
