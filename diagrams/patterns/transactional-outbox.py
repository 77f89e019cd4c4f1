"""Transactional outbox: the order and its event commit in one DynamoDB transaction; a pipe publishes the event."""

from sitekit.draw import Cluster, Diagram, link, node, step


def draw():
    with Diagram("Transactional outbox", direction="LR"):
        checkout = node(
            "client", "Checkout", role="Places an order and needs to know that it was saved."
        )
        with Cluster("Order service"):
            service = node(
                "lambda",
                "Order function",
                role="Writes the order and the `OrderPlaced` event together with "
                "`TransactWriteItems`; it never calls the event bus itself.",
            )
            orders = node("dynamodb", "Orders table", role="Holds the state: one item per order.")
            outbox = node(
                "dynamodb",
                "Outbox table",
                role="Holds events waiting to be published; its stream feeds the pipe and a "
                "TTL clears old items.",
            )
        with Cluster("Publishing"):
            pipe = node(
                "eventbridge-pipes",
                "Outbox pipe",
                role="Reads the outbox table's stream, keeps new items only, reshapes each "
                "into an event and puts it on the bus, in order, with retries.",
            )
            failed = node(
                "sqs",
                "Unpublished events queue",
                role="Keeps stream records the pipe could not deliver after its retries.",
            )
            bus = node(
                "eventbridge",
                "Orders event bus",
                role="Routes `OrderPlaced` to every service that subscribed with a rule.",
            )
            shipping = node(
                "sqs",
                "Shipping queue",
                role="Stands in for a subscriber: the shipping service's inbox.",
            )
        step(1, checkout, service, "Checkout invokes the order function with the order.")
        step(
            2,
            service,
            orders,
            "One `TransactWriteItems` call puts the order, on condition that it is new...",
        )
        step(
            3,
            service,
            outbox,
            "...and puts its `OrderPlaced` event in the outbox: both items commit, or neither.",
        )
        step(
            4,
            outbox,
            pipe,
            "The new outbox item appears on the table's stream; the pipe reads it and "
            "filters on `INSERT`.",
            asynchronous=True,
        )
        step(
            5,
            pipe,
            bus,
            "The pipe turns the item into an `OrderPlaced` event and puts it on the bus.",
        )
        step(
            6,
            bus,
            shipping,
            "A rule matches `OrderPlaced` and delivers it to the shipping queue.",
            asynchronous=True,
        )
        link(pipe, failed, "after its retries", asynchronous=True)
