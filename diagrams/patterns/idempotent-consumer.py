"""Idempotent consumer: a DynamoDB record with a TTL makes a redelivered message charge the card only once."""

from sitekit.draw import Cluster, Diagram, link, node, step


def draw():
    with Diagram("Idempotent consumer", direction="LR"):
        checkout = node(
            "client",
            "Checkout",
            role="Sends a charge request with an idempotency key: the order ID.",
        )
        with Cluster("AWS account, one Region"):
            queue = node(
                "sqs",
                "Payments queue",
                role="Delivers each request at least once, so sometimes twice.",
            )
            dlq = node(
                "sqs",
                "Dead-letter queue",
                role="Keeps requests that failed five times, including ones whose key was reused "
                "with a different payload.",
            )
            consumer = node(
                "lambda",
                "Payment consumer",
                role="Claims each key before it acts, charges once, and records the result.",
            )
            records = node(
                "dynamodb",
                "Idempotency table",
                role="One record per key: in progress or completed, the payload's hash, the "
                "result, and a TTL that removes it after the retention window.",
            )
        provider = node(
            "third-party-api",
            "Payment provider",
            role="Someone else's API that is not idempotent: each call is a new charge.",
        )
        step(1, checkout, queue, "Checkout sends `ChargeRequested` with its `idempotencyKey`.")
        step(
            2,
            queue,
            consumer,
            "Lambda polls the queue and invokes the consumer with a batch; a retry or a "
            "duplicate send brings the same key again.",
            asynchronous=True,
        )
        step(
            3,
            consumer,
            records,
            "A conditional `PutItem` claims the key as `IN_PROGRESS`: it succeeds only if no "
            "record exists or an earlier claim's lock has expired.",
        )
        step(
            4,
            consumer,
            provider,
            "Only the invocation that won the claim calls the provider and charges the card.",
        )
        step(
            5,
            consumer,
            records,
            "It marks the record `COMPLETED` with the charge ID; a duplicate now finds the "
            "result and stops.",
        )
        link(queue, dlq, "after maxReceiveCount", asynchronous=True)
