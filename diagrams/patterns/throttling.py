"""Throttling and load shedding: limits at the API, the function, the queue and its consumer."""

from sitekit.draw import Cluster, Diagram, node, step


def draw():
    with Diagram("Throttling and load shedding", direction="LR"):
        partner = node(
            "client",
            "Partner app",
            role="Calls with its own API key and retries 429 and 503 answers with "
            "exponential backoff and jitter.",
        )
        with Cluster("AWS account, one Region"):
            api = node(
                "api-gateway",
                "Orders API",
                role="REST API whose usage plan gives each key a token bucket and a daily "
                "quota; a stage throttle caps all keys together. Excess requests get 429.",
            )
            intake = node(
                "lambda",
                "Intake function",
                role="Runs with reserved concurrency; queues the order, or sheds it with "
                "503 and Retry-After while the backlog is too deep.",
            )
            queue = node(
                "sqs",
                "Orders queue",
                role="Absorbs what the intake accepted; its dead-letter queue keeps orders "
                "that failed five times.",
            )
            worker = node(
                "lambda",
                "Worker function",
                role="Polled through an event source mapping whose maximum concurrency "
                "keeps the downstream load flat.",
            )
            table = node(
                "dynamodb",
                "Orders table",
                role="Stands in for the downstream system that must not be overrun; each "
                "order is written once.",
            )
        step(
            1,
            partner,
            api,
            "The partner sends `POST /orders` with its `x-api-key`. Over its plan's rate, "
            "burst or quota, or over the stage throttle, API Gateway answers `429` at once.",
        )
        step(
            2,
            api,
            intake,
            "Within the limits, API Gateway invokes the intake function, which never runs "
            "more than five copies at once.",
        )
        step(
            3,
            intake,
            queue,
            "The function reads the queue's backlog: above the threshold it answers `503` "
            "with `Retry-After: 30`; otherwise it sends the order and answers `202`.",
        )
        step(
            4,
            queue,
            worker,
            "Lambda's pollers hand batches to the worker, at most two at a time.",
            asynchronous=True,
        )
        step(5, worker, table, "The worker records each order once, keyed by its `orderId`.")
