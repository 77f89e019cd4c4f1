"""Producer function: checks a large document into S3 and queues only a claim check for it.

The object key is the SHA-256 of the document's bytes, so a retried invocation overwrites the
same object with the same bytes instead of leaving a second copy. Documents at or under
INLINE_LIMIT_BYTES travel inline in the message: a claim check only pays off for big ones.
"""

from __future__ import annotations

import hashlib
import json
import os
from typing import Any

import boto3

S3 = boto3.client("s3")
SQS = boto3.client("sqs")
BUCKET = os.environ["BUCKET_NAME"]
QUEUE_URL = os.environ["QUEUE_URL"]
INLINE_LIMIT = int(os.environ.get("INLINE_LIMIT_BYTES", "262144"))


def handler(event: dict[str, Any], context: object) -> dict[str, Any]:
    document_id = str(event["documentId"])
    body = json.dumps(event["document"], separators=(",", ":"), sort_keys=True).encode()
    digest = hashlib.sha256(body).hexdigest()
    message: dict[str, Any] = {"documentId": document_id, "sha256": digest}
    if len(body) <= INLINE_LIMIT:
        message["inline"] = event["document"]
    else:
        key = f"payloads/{digest}.json"
        S3.put_object(Bucket=BUCKET, Key=key, Body=body, ContentType="application/json")
        message["claimCheck"] = {"bucket": BUCKET, "key": key, "size": len(body)}
    sent = SQS.send_message(QueueUrl=QUEUE_URL, MessageBody=json.dumps(message))
    return {"messageId": sent["MessageId"], "claimCheck": message.get("claimCheck")}
