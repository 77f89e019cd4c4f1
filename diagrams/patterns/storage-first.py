"""Storage first: API Gateway writes each request straight into an SQS queue; Lambda drains it later."""

from sitekit.draw import Cluster, Diagram, link, node, step


def draw():
    with Diagram("Storage first", direction="LR"):
        client = node(
            "client", "Client", role="Sends a request and only needs to know that it was accepted."
        )
        with Cluster("AWS account, one Region"):
            api = node(
                "api-gateway",
                "HTTP API",
                role="Authorizes the request and writes it to the queue through a direct "
                "service integration, with no function in between.",
            )
            queue = node(
                "sqs",
                "Requests queue",
                role="Holds every accepted request durably until a consumer deletes it.",
            )
            worker = node(
                "lambda",
                "Worker function",
                role="Processes batches of messages at the pace that its concurrency "
                "setting and the downstream systems allow.",
            )
            dlq = node(
                "sqs",
                "Dead-letter queue",
                role="Keeps messages that failed too many times, for inspection and redrive.",
            )
            table = node(
                "dynamodb", "Results table", role="Stores the outcome of each processed request."
            )
        step(1, client, api, "The client sends `POST /orders`; API Gateway checks its token.")
        step(
            2,
            api,
            queue,
            "The `SQS-SendMessage` integration puts the request body on the "
            "queue, and API Gateway answers `200` with the message ID as soon as "
            "SQS has stored it. None of your code has run yet.",
        )
        step(
            3,
            queue,
            worker,
            "Lambda's event source mapping polls the queue and invokes the "
            "function with a batch of messages.",
            asynchronous=True,
        )
        step(
            4,
            worker,
            table,
            "The function processes each message and writes the result; "
            "messages it reports as failed go back to the queue.",
        )
        link(queue, dlq, "after maxReceiveCount", asynchronous=True)
