"""Aggregator: answers GET /product-page/{productId} by calling four sources at once.

Each source has its own deadline; one that fails or misses it is left out of the answer and
named under ``missing``, so a slow carrier never breaks the page.
"""

from __future__ import annotations

import json
import os
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor, wait
from typing import Any

import boto3

LAMBDA = boto3.client("lambda")
DEADLINE_SECONDS = 2.0


def invoke(function: str, product_id: str) -> dict[str, Any]:
    answer = LAMBDA.invoke(FunctionName=function, Payload=json.dumps({"productId": product_id}))
    if answer.get("FunctionError"):
        raise RuntimeError(f"{function} failed")
    return json.loads(answer["Payload"].read())


def fetch(url: str, product_id: str) -> dict[str, Any]:
    query = urllib.parse.urlencode({"productId": product_id})
    with urllib.request.urlopen(f"{url}?{query}", timeout=DEADLINE_SECONDS) as response:  # noqa: S310
        return json.loads(response.read())


def handler(event: dict[str, Any], context: object) -> dict[str, Any]:
    product_id = (event.get("pathParameters") or {}).get("productId", "")
    calls = {
        "catalog": (invoke, os.environ["CATALOG_FUNCTION"]),
        "inventory": (invoke, os.environ["INVENTORY_FUNCTION"]),
        "price": (fetch, os.environ["PRICING_URL"]),
        "delivery": (fetch, os.environ["CARRIER_URL"]),
    }
    page: dict[str, Any] = {"productId": product_id, "missing": []}
    pool = ThreadPoolExecutor(max_workers=len(calls))
    futures = {
        name: pool.submit(call, target, product_id) for name, (call, target) in calls.items()
    }
    wait(futures.values(), timeout=DEADLINE_SECONDS)
    for name, future in futures.items():
        if future.done() and future.exception() is None:
            page[name] = future.result()
        else:
            page["missing"].append(name)
    pool.shutdown(wait=False, cancel_futures=True)
    status = 404 if "catalog" in page["missing"] else 200
    return {
        "statusCode": status,
        "headers": {"Content-Type": "application/json"},
        "body": json.dumps(page),
    }
