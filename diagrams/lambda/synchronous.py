"""Synchronous Lambda invocation: the caller holds the connection open until the function answers."""

from sitekit.draw import Cluster, Diagram, link, node, step


def draw():
    with Diagram("Synchronous invocation", direction="TB"):
        browser = node(
            "client",
            "Web or mobile client",
            role="Sends an HTTPS request and waits for the answer; it owns any retry.",
        )
        service = node(
            "client",
            "Backend service (SDK)",
            role="Calls the Lambda Invoke API with InvocationType RequestResponse "
            "and blocks until the result or the error comes back.",
        )
        with Cluster("AWS account, one Region"):
            api = node(
                "api-gateway",
                "REST or HTTP API",
                role="Accepts the request, invokes the function and holds the client "
                "connection until the function returns or the integration timeout hits.",
            )
            alb = node(
                "elb",
                "Load balancer (ALB)",
                role="An alternative front door: a target group with the function as its "
                "target turns each HTTP request into a synchronous invocation.",
            )
            function = node(
                "lambda",
                "Order function",
                role="Runs once per request and returns a response object, or throws; "
                "Lambda itself never retries a synchronous call.",
            )
            table = node(
                "dynamodb",
                "Orders table",
                role="Holds the data the function reads while the caller waits.",
            )
        step(1, browser, api, "The client sends `GET /orders/42` and keeps the connection open.")
        step(
            2,
            api,
            function,
            "API Gateway invokes the function synchronously (`RequestResponse`) and waits for it.",
        )
        step(3, function, table, "The function reads the order from the table.")
        step(
            4,
            function,
            api,
            "The function returns a result, or an error, and API Gateway "
            "passes it back as the HTTP response. Lambda does not retry; on an "
            "error or a timeout the client alone decides whether to try again.",
        )
        link(alb, function, "target group")
        link(service, function, "Invoke (RequestResponse)")
