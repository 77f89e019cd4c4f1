"""GraphQL API: AWS AppSync resolves each field from DynamoDB or Lambda and pushes mutations to subscribed clients."""

from sitekit.draw import Cluster, Diagram, node, step


def draw():
    with Diagram("GraphQL API", direction="TB"):
        app = node(
            "mobile",
            "Web and mobile apps",
            role="Ask for exactly the fields a screen needs, in one request, and place orders "
            "with mutations.",
        )
        watchers = node(
            "users",
            "Subscribed apps",
            role="Hold a subscription open and receive each new order as it is placed.",
        )
        with Cluster("AWS account, one Region"):
            api = node(
                "appsync",
                "GraphQL API",
                role="Validates each request against the schema, authorizes it and runs one "
                "resolver per field; JavaScript resolvers talk to DynamoDB directly.",
            )
            table = node(
                "dynamodb",
                "Orders table",
                role="Holds the orders that the order query reads and the placeOrder "
                "mutation writes.",
            )
            quote = node(
                "lambda",
                "Quote function",
                role="Resolves the shippingQuote field, for a whole batch of orders in one "
                "invocation.",
            )
        step(
            1,
            app,
            api,
            "The app sends the mutation `placeOrder`, signed with SigV4.",
        )
        step(
            2,
            api,
            table,
            "A JavaScript resolver writes the order with a condition, so the same order ID is "
            "never stored twice. No function runs.",
        )
        step(
            3,
            api,
            watchers,
            "AppSync pushes the mutation's result over WebSocket to every app subscribed to "
            "`onOrderPlaced`.",
            asynchronous=True,
        )
        step(
            4,
            app,
            api,
            "Later the app asks `order(id)` for the status, the items and the `shippingQuote`, "
            "in one query.",
        )
        step(5, api, table, "A resolver reads the order item from the table.")
        step(
            6,
            api,
            quote,
            "The nested `shippingQuote` field goes to Lambda; with batching, one invocation "
            "answers for a batch of parent orders (up to the resolver's `MaxBatchSize`, 10 here).",
        )
