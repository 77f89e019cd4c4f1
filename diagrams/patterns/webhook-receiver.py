"""Webhook receiver: a function URL checks the signature, records the delivery and queues the work."""

from sitekit.draw import Cluster, Diagram, link, node, step


def draw():
    with Diagram("Webhook receiver", direction="LR"):
        provider = node(
            "third-party-api",
            "Payment provider",
            role="Calls your endpoint with a signed event and retries when it gets no 2xx "
            "answer in time.",
        )
        with Cluster("AWS account, one Region"):
            with Cluster("Answer fast"):
                receiver = node(
                    "lambda",
                    "Receiver function",
                    role="Behind a public function URL: checks the HMAC signature and the "
                    "timestamp, records the delivery ID, queues the event and answers 202.",
                )
                secret = node(
                    "secrets-manager",
                    "Signing secret",
                    role="Holds the secret shared with the provider; the receiver caches it "
                    "for a few minutes.",
                )
                deliveries = node(
                    "dynamodb",
                    "Deliveries table",
                    role="One item per delivery ID with a TTL: a replayed or retried delivery "
                    "fails the conditional write.",
                )
                queue = node(
                    "sqs",
                    "Events queue",
                    role="Holds accepted events until the worker has applied them.",
                )
            with Cluster("Work at your own pace"):
                worker = node(
                    "lambda",
                    "Worker function",
                    role="Applies each event to the payments table, ignoring events older "
                    "than the state it already holds.",
                )
                payments = node(
                    "dynamodb",
                    "Payments table",
                    role="The state the webhooks keep up to date.",
                )
                dlq = node(
                    "sqs",
                    "Dead-letter queue",
                    role="Keeps events the worker failed to apply five times.",
                )
        step(
            1,
            provider,
            receiver,
            "The provider posts the event with its delivery ID, a timestamp and an HMAC "
            "signature in the headers.",
        )
        step(
            2,
            receiver,
            secret,
            "The receiver reads the signing secret (cached between invocations) and checks "
            "the signature over the timestamp and the raw body, and the timestamp's age.",
        )
        step(
            3,
            receiver,
            deliveries,
            "A conditional write records the delivery ID; if it exists, the receiver answers "
            "200 and stops: a duplicate.",
        )
        step(
            4,
            receiver,
            queue,
            "The receiver queues the event and answers `202 Accepted` within milliseconds.",
        )
        step(
            5,
            queue,
            worker,
            "Lambda's event source mapping delivers batches to the worker.",
            asynchronous=True,
        )
        step(6, worker, payments, "The worker applies each event with a conditional update.")
        link(queue, dlq, "after maxReceiveCount", asynchronous=True)
