"""Saga, orchestrated: a Step Functions workflow runs local transactions in three services and compensates in reverse on failure."""

from sitekit.draw import Cluster, Diagram, link, node, step


def draw():
    with Diagram("Saga: orchestration"):
        api = node(
            "api-gateway",
            "Checkout API",
            role="Starts one saga execution per checkout and returns its ID.",
        )
        with Cluster("Orchestrator"):
            saga = node(
                "step-functions",
                "Order saga",
                role="Calls each service in turn and, when a step fails, runs the "
                "compensating steps in reverse order.",
            )
        with Cluster("Services, each with its own database"):
            orders = node(
                "lambda",
                "Order service",
                role="Creates the order and, as compensation, cancels it.",
            )
            payments = node(
                "lambda",
                "Payment service",
                role="Charges the card and, as compensation, refunds it.",
            )
            inventory = node(
                "lambda",
                "Inventory service",
                role="Reserves stock; here it is the step that fails.",
            )
            orders_db = node(
                "dynamodb",
                "Orders table",
                role="Holds orders; only the order service writes to it.",
            )
            payments_db = node(
                "dynamodb",
                "Payments table",
                role="Holds charges and refunds; only the payment service writes to it.",
            )
            inventory_db = node(
                "dynamodb",
                "Stock table",
                role="Holds stock levels; only the inventory service writes to it.",
            )
        step(1, api, saga, "Checkout starts a Standard execution and gets its ID back.")
        step(
            2,
            saga,
            orders,
            "The order service creates the order as `PENDING`, a local "
            "transaction in its own table.",
        )
        step(3, saga, payments, "The payment service charges the card.")
        step(
            4,
            saga,
            inventory,
            "The inventory service tries to reserve stock and fails: the item is sold out.",
        )
        step(
            5,
            saga,
            payments,
            "A Catch on the reservation step starts the compensations in "
            "reverse order: the payment service refunds the charge.",
        )
        step(
            6,
            saga,
            orders,
            "The order service marks the order `CANCELLED`, and the execution "
            "ends in a Fail state that names the cause.",
        )
        link(orders, orders_db, "local transaction")
        link(payments, payments_db, "local transaction")
        link(inventory, inventory_db, "local transaction")
