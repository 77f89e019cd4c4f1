"""CQRS: commands change a DynamoDB write table; a stream projects it into a read table for queries."""

from sitekit.draw import Cluster, Diagram, link, node, step


def draw():
    with Diagram("Command and query responsibility segregation", direction="LR"):
        client = node(
            "client",
            "Client",
            role="Places and cancels orders, then lists them, passing the version it was "
            "given when it needs to see its own change.",
        )
        with Cluster("AWS account, one Region"):
            api = node(
                "api-gateway",
                "Orders API",
                role="Routes POST requests (commands) to the write side and GET requests "
                "(queries) to the read side.",
            )
            with Cluster("Command side"):
                command = node(
                    "lambda",
                    "Command function",
                    role="Checks each command and changes one order under a condition, "
                    "raising its version.",
                )
                orders = node(
                    "dynamodb",
                    "Orders table",
                    role="The write model and source of truth, keyed by order, with a stream "
                    "of every change.",
                )
            with Cluster("Query side"):
                projector = node(
                    "lambda",
                    "Projector function",
                    role="Reshapes each changed order into a row of its customer's list; "
                    "older versions never overwrite newer ones.",
                )
                view = node(
                    "dynamodb",
                    "Customer orders view",
                    role="The read model, keyed by customer, so a customer's orders are one "
                    "query; it trails the orders table slightly.",
                )
                query = node(
                    "lambda",
                    "Query function",
                    role="Reads only the view and reports whether it already shows the "
                    "version the client asked for.",
                )
                failures = node(
                    "sqs",
                    "On-failure queue",
                    role="Describes stream batches the projector could not apply, so the "
                    "view can be repaired.",
                )
        step(1, client, api, "The client sends a command such as `POST /orders`.")
        step(2, api, command, "API Gateway invokes the command function.")
        step(
            3,
            command,
            orders,
            "The function writes the order on condition (not placed yet, or still open) "
            "and answers with the order's new version.",
        )
        step(
            4,
            orders,
            projector,
            "DynamoDB Streams passes the changed order to the projector through Lambda's "
            "event source mapping, in near real time but never within the command.",
            asynchronous=True,
        )
        step(
            5,
            projector,
            view,
            "The projector writes the customer's row unless the view already holds that "
            "version or a newer one.",
        )
        step(
            6,
            api,
            query,
            "`GET /customers/{id}/orders` goes to the query function, with `minVersion` when "
            "the client wants to see its own change.",
        )
        step(
            7,
            query,
            view,
            "The query function reads the customer's rows and answers with "
            '`"consistent": false` and `Retry-After` if the view is still behind.',
        )
        link(projector, failures, "after the retries", asynchronous=True)
