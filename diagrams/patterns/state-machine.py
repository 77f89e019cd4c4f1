"""State machine: AWS Step Functions orchestrates Lambda functions and direct service integrations with a Choice, retries and a Catch."""

from sitekit.draw import Cluster, Diagram, link, node, step


def draw():
    with Diagram("State machine"):
        client = node(
            "client", "Checkout client", role="Submits an order and later reads its status."
        )
        with Cluster("AWS account, one Region"):
            api = node(
                "api-gateway",
                "Orders API",
                role="Starts a workflow execution for each order and returns its ID at once.",
            )
            workflow = node(
                "step-functions",
                "Order workflow",
                role="Holds the order's state and decides, state by state, what runs "
                "next, how often to retry and where errors go.",
            )
            topic = node(
                "sns",
                "Customer notifications",
                role="Tells the customer the outcome; the workflow publishes to it directly.",
            )
            table = node(
                "dynamodb",
                "Orders table",
                role="Receives the order status straight from the workflow, with no "
                "function in between.",
            )
            payment = node(
                "lambda",
                "Charge payment",
                role="Calls the payment provider and reports success or a typed error.",
            )
            validate = node(
                "lambda",
                "Validate order",
                role="Checks the order and returns whether it can be accepted.",
            )
            logs = node(
                "cloudwatch",
                "History and logs",
                role="Keeps execution events, metrics and alarms for every run.",
            )
        step(1, client, api, "The client sends `POST /orders`.")
        step(
            2,
            api,
            workflow,
            "API Gateway calls `StartExecution` and returns the execution ID; "
            "the workflow carries on without the client waiting.",
        )
        step(
            3,
            workflow,
            validate,
            "A Task state invokes the validation function. Its Retry backs "
            "off and tries again on throttling and timeouts.",
        )
        step(
            4,
            workflow,
            payment,
            "A Choice state reads the result: valid orders move on to the "
            "payment Task, invalid ones skip to the status update.",
        )
        step(
            5,
            workflow,
            table,
            "A DynamoDB `PutItem` task records the final status. If payment "
            "failed, the payment Task's Catch routed here with `FAILED`.",
        )
        step(
            6,
            workflow,
            topic,
            "An SNS `Publish` task notifies the customer, then the execution "
            "ends in a Succeed or Fail state.",
        )
        link(workflow, logs, "history, metrics", asynchronous=True)
