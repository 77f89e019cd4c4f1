"""Backend API: API Gateway in front of Lambda functions that keep their data in DynamoDB."""

from sitekit.draw import Cluster, Diagram, link, node, step


def draw():
    with Diagram("Backend API"):
        client = node(
            "client",
            "Web or mobile client",
            role="Calls the API over HTTPS and waits for the answer.",
        )
        with Cluster("AWS account, one Region"):
            api = node(
                "api-gateway",
                "Orders API",
                role="Authorizes, throttles and validates each request, then invokes "
                "the function that owns the route.",
            )
            handler = node(
                "lambda",
                "Order function",
                role="Runs the business logic for one route with a least-privilege execution role.",
            )
            table = node(
                "dynamodb",
                "Orders table",
                role="Stores orders; reads and writes take single-digit milliseconds.",
            )
            logs = node(
                "cloudwatch",
                "Logs and metrics",
                role="Collects the function's logs and the API's metrics and alarms.",
            )
        step(1, client, api, "The client sends `POST /orders` with its token.")
        step(2, api, handler, "API Gateway invokes the function synchronously and waits.")
        step(3, handler, table, "The function writes the order to the table.")
        step(
            4,
            handler,
            api,
            "The function returns a response, which API Gateway passes back to the client.",
        )
        link(handler, logs, "logs", asynchronous=True)
