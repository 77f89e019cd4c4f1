"""Real-time updates: browsers hold WebSocket connections to API Gateway; a function pushes each event to every connection that follows its channel."""

from sitekit.draw import Cluster, Diagram, link, node, step


def draw():
    with Diagram("Real-time updates with WebSockets", direction="LR"):
        browsers = node(
            "users",
            "Browsers",
            role="Open one WebSocket each and follow a channel, such as one order, instead of "
            "polling for changes.",
        )
        backend = node(
            "client",
            "Back-end service",
            role="Any service that announces a change; it knows nothing about who is connected.",
        )
        with Cluster("AWS account, one Region"):
            api = node(
                "api-gateway",
                "WebSocket API",
                role="Keeps the open connections, authorizes each one on $connect and delivers "
                "what the push function posts to a connection ID.",
            )
            connection = node(
                "lambda",
                "Connection function",
                role="Records a connection and its channel on $connect and forgets it on "
                "$disconnect.",
            )
            table = node(
                "dynamodb",
                "Connections table",
                role="One item per open connection, found by channel through an index; a TTL "
                "removes what a lost $disconnect left behind.",
            )
            bus = node(
                "eventbridge",
                "Updates bus",
                role="Receives change events from the back end and routes the ones clients "
                "care about to the push function.",
            )
            push = node(
                "lambda",
                "Push function",
                role="Finds every connection following the event's channel and posts the "
                "message to each through the @connections API.",
            )
            failed = node(
                "sqs",
                "Failed events",
                role="Keeps events the push function could not deliver after Lambda's retries.",
            )
        step(
            1,
            browsers,
            api,
            "A browser opens `wss://…/live?channel=order-42`, signed with SigV4.",
        )
        step(
            2,
            api,
            connection,
            "API Gateway checks the signature and runs the `$connect` route's function.",
        )
        step(
            3,
            connection,
            table,
            "The function stores the connection ID with its channel; on `$disconnect` it "
            "deletes it.",
        )
        step(4, backend, bus, "A back-end service publishes `OrderStatusChanged` for order 42.")
        step(
            5,
            bus,
            push,
            "A rule on the bus sends the event to the push function.",
            asynchronous=True,
        )
        step(6, push, table, "The function queries the connections that follow `order-42`.")
        step(
            7,
            push,
            api,
            "It posts the message to each connection with `PostToConnection`; a connection "
            "that is gone (`410`) is deleted from the table.",
        )
        step(8, api, browsers, "API Gateway sends the message down each open socket.")
        link(push, failed, "after retries", asynchronous=True)
