"""Invalidator function: when a product changes in the table, drop its cached copies.

DynamoDB Streams delivers the changed keys (at least once, in order per item). The function
deletes each key from Valkey and asks CloudFront to invalidate the product's path. The
invalidation's CallerReference is the batch's last sequence number, so a retried batch
returns the invalidation already made instead of paying for a second one.
"""

from __future__ import annotations

import os
import socket
import ssl
from typing import Any
from urllib.parse import quote

import boto3
from botocore.auth import SigV4QueryAuth
from botocore.awsrequest import AWSRequest

CLOUDFRONT = boto3.client("cloudfront")


def iam_token(cache_name: str, user: str) -> str:
    """A SigV4-presigned 'connect' request, valid 15 minutes, used as the AUTH password."""
    url = f"http://{cache_name}/?Action=connect&User={quote(user)}&ResourceType=ServerlessCache"
    request = AWSRequest(method="GET", url=url)
    credentials = boto3.Session().get_credentials()
    SigV4QueryAuth(credentials, "elasticache", os.environ["AWS_REGION"], expires=900).add_auth(
        request
    )
    return request.url.removeprefix("http://")


def delete_keys(keys: list[str]) -> int:
    """DEL the keys over TLS 1.3 (RESP2); raises on any failure so the batch is retried."""
    host, port = os.environ["CACHE_HOST"], int(os.environ["CACHE_PORT"])
    user = os.environ["CACHE_USER"]
    context = ssl.create_default_context()
    context.minimum_version = ssl.TLSVersion.TLSv1_3
    with socket.create_connection((host, port), timeout=2) as raw:
        with context.wrap_socket(raw, server_hostname=host) as sock:
            reader = sock.makefile("rb")
            replies = []
            for command in (
                ["AUTH", user, iam_token(os.environ["CACHE_NAME"], user)],
                ["DEL", *keys],
            ):
                parts = [c.encode() for c in command]
                sock.sendall(
                    b"*%d\r\n" % len(parts)
                    + b"".join(b"$%d\r\n%s\r\n" % (len(p), p) for p in parts)
                )
                replies.append(reader.readline().rstrip(b"\r\n"))
    if replies[0] != b"+OK" or not replies[1].startswith(b":"):
        raise RuntimeError(f"cache refused: {replies!r}")
    return int(replies[1][1:])


def handler(event: dict[str, Any], context: object) -> dict[str, Any]:
    records = event["Records"]
    ids = sorted({r["dynamodb"]["Keys"]["productId"]["S"] for r in records})
    if not ids:
        return {"invalidated": []}
    delete_keys([f"product:{i}" for i in ids])
    CLOUDFRONT.create_invalidation(
        DistributionId=os.environ["DISTRIBUTION_ID"],
        InvalidationBatch={
            "Paths": {"Quantity": len(ids), "Items": [f"/products/{i}" for i in ids]},
            "CallerReference": records[-1]["dynamodb"]["SequenceNumber"],
        },
    )
    return {"invalidated": ids}
