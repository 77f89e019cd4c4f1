"""Claim check: the payload waits in S3 while only a small pointer travels through SQS."""

from sitekit.draw import Cluster, Diagram, link, node, step


def draw():
    with Diagram("Claim check", direction="LR"):
        upstream = node(
            "client",
            "Upstream service",
            role="Hands over a large document, such as a scanned contract or a full order history.",
        )
        with Cluster("AWS account, one Region"):
            producer = node(
                "lambda",
                "Producer function",
                role="Stores the payload in S3 under a key derived from its content and "
                "queues a small claim check that names the object.",
            )
            bucket = node(
                "s3",
                "Payload bucket",
                role="Keeps each payload until a lifecycle rule expires it; the queue never "
                "sees the bytes.",
            )
            queue = node(
                "sqs",
                "Claims queue",
                role="Carries the claim checks: bucket, key, size and checksum, a few hundred "
                "bytes each.",
            )
            dlq = node(
                "sqs",
                "Dead-letter queue",
                role="Keeps claim checks that failed too often, for inspection and redrive.",
            )
            consumer = node(
                "lambda",
                "Consumer function",
                role="Redeems each claim check: fetches the object, verifies its checksum and "
                "processes it.",
            )
            table = node(
                "dynamodb",
                "Results table",
                role="Records one result per payload, written once even if a claim check "
                "arrives twice.",
            )
        step(1, upstream, producer, "The upstream service invokes the producer with a document.")
        step(
            2,
            producer,
            bucket,
            "The producer writes the document to `payloads/<sha256>.json`; the same bytes "
            "always land on the same key.",
        )
        step(
            3,
            producer,
            queue,
            "It sends the claim check `{bucket, key, size, sha256}` to the queue. Small "
            "documents skip S3 and travel inline.",
        )
        step(
            4,
            queue,
            consumer,
            "Lambda's event source mapping polls the queue and invokes the consumer with a "
            "batch of claim checks.",
            asynchronous=True,
        )
        step(
            5,
            consumer,
            bucket,
            "The consumer fetches each object by its key and checks the hash before it "
            "trusts the bytes.",
        )
        step(
            6,
            consumer,
            table,
            "It writes the result, conditional on the checksum being new.",
        )
        link(queue, dlq, "after maxReceiveCount", asynchronous=True)
