"""EventBridge Pipes: one pipe reads an SQS queue, filters, enriches with Lambda and starts a workflow."""

from sitekit.draw import Cluster, Diagram, link, node, step


def draw():
    with Diagram("Point-to-point integration with Pipes", direction="LR"):
        shop = node(
            "client",
            "Order service",
            role="Puts every order event on the queue, whatever its type, and moves on.",
        )
        with Cluster("AWS account, one Region"):
            queue = node(
                "sqs",
                "Orders queue",
                role="Holds order events until the pipe has delivered them; its redrive policy "
                "moves an event that keeps failing to the dead-letter queue.",
            )
            dlq = node(
                "sqs",
                "Dead-letter queue",
                role="Keeps events that failed enrichment or delivery too many times.",
            )
            with Cluster("The pipe and its enrichment"):
                pipe = node(
                    "eventbridge-pipes",
                    "Orders pipe",
                    role="Polls the queue, drops events that do not match its filter, calls "
                    "the enrichment, reshapes each record and starts the workflow.",
                )
                enrich = node(
                    "lambda",
                    "Enrichment function",
                    role="Adds the customer's tier and e-mail address to each order, "
                    "answering synchronously.",
                )
            customers = node(
                "dynamodb",
                "Customers table",
                role="The customer records the enrichment reads.",
            )
            workflow = node(
                "step-functions",
                "Fulfilment workflow",
                role="A Standard workflow that records each order once in its own table and "
                "carries on with fulfilment.",
            )
        step(1, shop, queue, "The order service sends an order event to the queue.")
        step(
            2,
            queue,
            pipe,
            "The pipe polls a batch and keeps only events whose body has "
            '`"type": "order.placed"`; the rest are dropped without running any code.',
            asynchronous=True,
        )
        step(
            3,
            pipe,
            enrich,
            "The pipe invokes the enrichment function synchronously with the filtered batch.",
        )
        step(
            4,
            enrich,
            customers,
            "The function reads each order's customer and returns the enriched orders.",
        )
        step(
            5,
            pipe,
            workflow,
            "An input template reshapes each record, and the pipe starts the workflow "
            "asynchronously (`FIRE_AND_FORGET`, the only mode a Standard workflow accepts).",
            asynchronous=True,
        )
        link(queue, dlq, "after maxReceiveCount", asynchronous=True)
