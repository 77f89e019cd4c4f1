"""Read function: cache-aside in front of the products table.

It asks the Valkey cache first; on a miss it reads DynamoDB and stores the item with a TTL, so
the next reader (any function instance) gets it from memory. A broken or slow cache is never
fatal: the function falls back to the table. The Cache-Control header lets CloudFront keep
the answer at the edge for a shorter time still.
"""

from __future__ import annotations

import json
import os
import socket
import ssl
from decimal import Decimal
from typing import Any
from urllib.parse import quote

import boto3
from botocore.auth import SigV4QueryAuth
from botocore.awsrequest import AWSRequest

TABLE = boto3.resource("dynamodb").Table(os.environ["TABLE_NAME"])
CACHE_TTL = int(os.environ.get("CACHE_TTL_SECONDS", "300"))
EDGE_TTL = int(os.environ.get("EDGE_TTL_SECONDS", "60"))


class CacheError(Exception):
    pass


class Valkey:
    """The three commands this function needs, over TLS 1.3 with an IAM token (RESP2)."""

    def __init__(self) -> None:
        host, port = os.environ["CACHE_HOST"], int(os.environ["CACHE_PORT"])
        context = ssl.create_default_context()
        context.minimum_version = ssl.TLSVersion.TLSv1_3  # public endpoints require TLS 1.3
        raw = socket.create_connection((host, port), timeout=0.5)
        self.sock = context.wrap_socket(raw, server_hostname=host)
        self.reader = self.sock.makefile("rb")
        user = os.environ["CACHE_USER"]
        self.call("AUTH", user, iam_token(os.environ["CACHE_NAME"], user))

    def call(self, *args: str) -> Any:
        parts = [a.encode() for a in args]
        frame = b"*%d\r\n" % len(parts) + b"".join(b"$%d\r\n%s\r\n" % (len(p), p) for p in parts)
        self.sock.sendall(frame)
        line = self.reader.readline().rstrip(b"\r\n")
        kind, rest = line[:1], line[1:]
        if kind == b"+":
            return rest.decode()
        if kind == b":":
            return int(rest)
        if kind == b"$":
            size = int(rest)
            return None if size < 0 else self.reader.read(size + 2)[:-2].decode()
        raise CacheError(rest.decode() or "connection closed")


def iam_token(cache_name: str, user: str) -> str:
    """A SigV4-presigned 'connect' request, valid 15 minutes, used as the AUTH password."""
    url = f"http://{cache_name}/?Action=connect&User={quote(user)}&ResourceType=ServerlessCache"
    request = AWSRequest(method="GET", url=url)
    credentials = boto3.Session().get_credentials()
    region = os.environ["AWS_REGION"]
    SigV4QueryAuth(credentials, "elasticache", region, expires=900).add_auth(request)
    return request.url.removeprefix("http://")


_cache: Valkey | None = None


def cache(*args: str) -> Any:
    """Run one command, reconnecting once; None when the cache cannot answer."""
    global _cache
    for _ in range(2):
        try:
            _cache = _cache or Valkey()
            return _cache.call(*args)
        except (OSError, CacheError):
            _cache = None
    return None


def plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def answer(status: int, body: str, source: str, max_age: int) -> dict[str, Any]:
    headers = {
        "Content-Type": "application/json",
        "Cache-Control": f"public, max-age={max_age}",
        "X-Cache-Source": source,
    }
    return {"statusCode": status, "headers": headers, "body": body}


def handler(event: dict[str, Any], context: object) -> dict[str, Any]:
    product_id = event["pathParameters"]["id"]
    key = f"product:{product_id}"
    cached = cache("GET", key)
    if cached is not None:
        return answer(200, cached, "cache", EDGE_TTL)
    item = TABLE.get_item(Key={"productId": product_id}).get("Item")
    if item is None:  # a short TTL, so a product created a moment later shows up soon
        return answer(404, json.dumps({"message": "no such product"}), "table", 10)
    body = json.dumps({k: plain(v) for k, v in item.items()}, sort_keys=True)
    cache("SET", key, body, "EX", str(CACHE_TTL))
    return answer(200, body, "table", EDGE_TTL)
