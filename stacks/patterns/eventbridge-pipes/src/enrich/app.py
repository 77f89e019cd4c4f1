"""Enrichment function: the pipe hands it a batch of SQS records that passed the filter; it
returns one order per record with the customer's record added.

The pipe waits for the answer (enrichment is synchronous) and sends what this returns to the
target. Reading is naturally idempotent: a redelivered batch is enriched the same way.
"""

from __future__ import annotations

import json
import os
from typing import Any

import boto3

TABLE = boto3.resource("dynamodb").Table(os.environ["CUSTOMERS_TABLE"])


class UnknownCustomer(Exception):
    """An order names a customer the table does not hold: fail the batch, so the pipe retries
    it and, after maxReceiveCount, the queue moves it to the dead-letter queue."""


def handler(event: list[dict[str, Any]], context: object) -> list[dict[str, Any]]:
    orders = [json.loads(record["body"]) for record in event]
    enriched = []
    for order in orders:
        item = TABLE.get_item(Key={"customerId": order["customerId"]}).get("Item")
        if item is None:
            raise UnknownCustomer(f"order {order['orderId']}: no customer {order['customerId']}")
        customer = {k: item[k] for k in ("customerId", "tier", "email")}
        enriched.append(
            {"orderId": order["orderId"], "total": order["total"], "customer": customer}
        )
    return enriched
