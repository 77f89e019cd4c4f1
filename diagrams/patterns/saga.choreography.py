"""Saga, choreographed: services react to each other's events on an EventBridge bus and compensate by publishing events."""

from sitekit.draw import Cluster, Diagram, node, step


def draw():
    with Diagram("Saga: choreography", direction="TB"):
        api = node("api-gateway", "Checkout API", role="Passes each checkout to the order service.")
        with Cluster("AWS account, one Region"):
            orders = node(
                "lambda",
                "Order service",
                role="Creates orders, cancels them on a failure event, and publishes "
                "`OrderCreated`.",
            )
            bus = node(
                "eventbridge",
                "Orders event bus",
                role="Matches each event against rules and delivers it to every service "
                "that subscribed; it holds no saga state.",
            )
            payments = node(
                "lambda",
                "Payment service",
                role="Charges on `OrderCreated`, refunds on `InventoryFailed`, and "
                "publishes the result of each.",
            )
            inventory = node(
                "lambda",
                "Inventory service",
                role="Reserves stock on `PaymentCompleted` and publishes "
                "`InventoryReserved` or `InventoryFailed`.",
            )
        step(
            1,
            api,
            orders,
            "Checkout calls the order service, which saves a `PENDING` order in its own table.",
        )
        step(2, orders, bus, "The order service publishes `OrderCreated`.", asynchronous=True)
        step(
            3,
            bus,
            payments,
            "A rule delivers `OrderCreated` to the payment service, which charges the card.",
            asynchronous=True,
        )
        step(
            4, payments, bus, "The payment service publishes `PaymentCompleted`.", asynchronous=True
        )
        step(
            5,
            bus,
            inventory,
            "A rule delivers `PaymentCompleted` to the inventory service, "
            "which finds the item sold out.",
            asynchronous=True,
        )
        step(
            6,
            inventory,
            bus,
            "The inventory service publishes `InventoryFailed`.",
            asynchronous=True,
        )
        step(
            7,
            bus,
            payments,
            "A rule delivers `InventoryFailed` to the payment service, which refunds the charge.",
            asynchronous=True,
        )
        step(
            8,
            bus,
            orders,
            "Another rule delivers `InventoryFailed` to the order service, which "
            "marks the order `CANCELLED`.",
            asynchronous=True,
        )
