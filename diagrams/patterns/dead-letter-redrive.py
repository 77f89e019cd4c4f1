"""Dead-letter queues and redrive: failed messages and events are parked, alarmed on and sent back."""

from sitekit.draw import Cluster, Diagram, link, node, step


def draw():
    with Diagram("Dead-letter queues and redrive", direction="LR"):
        shop = node(
            "client",
            "Shop",
            role="Queues each order, and asks for a receipt with an asynchronous invocation.",
        )
        with Cluster("Poll-based: an SQS queue and its dead-letter queue"):
            queue = node(
                "sqs",
                "Orders queue",
                role="Holds orders until the worker deletes them; its redrive policy names "
                "the dead-letter queue and `maxReceiveCount`.",
            )
            worker = node(
                "lambda",
                "Order worker",
                role="Forwards each order to the warehouse and reports the ones that failed.",
            )
            dlq = node(
                "sqs",
                "Orders DLQ",
                role="Keeps orders that failed five receives, for 14 days; its redrive allow "
                "policy accepts only the orders queue as a source.",
            )
        with Cluster("Asynchronous: Lambda's own queue and a destination"):
            receipt = node(
                "lambda",
                "Receipt function",
                role="Emails a receipt; Lambda retries it twice and then gives up on the event.",
            )
            failed = node(
                "sqs",
                "Failed receipts queue",
                role="The on-failure destination: receives each event that used up its retries "
                "or its maximum age, with the error.",
            )
        alarms = node(
            "cloudwatch",
            "Dead-letter alarms",
            role="Fire as soon as either failure queue holds a message.",
        )
        warehouse = node(
            "third-party-api", "Warehouse API", role="Someone else's API; sometimes it is down."
        )
        mail = node("third-party-api", "Email service", role="Sends the receipt emails.")
        step(1, shop, queue, "The shop sends each order to the orders queue.")
        step(
            2,
            queue,
            worker,
            "Lambda polls a batch; the worker sends each order to the warehouse and returns "
            "the failed ones as `batchItemFailures`.",
            asynchronous=True,
        )
        step(3, worker, warehouse, "The warehouse API accepts the order, or fails.")
        step(
            4,
            queue,
            dlq,
            "A message received five times without being deleted moves to the dead-letter "
            "queue, and the rest of the queue keeps flowing.",
            asynchronous=True,
        )
        step(
            5,
            shop,
            receipt,
            "The shop invokes the receipt function with `InvocationType=Event`; Lambda queues "
            "the event and answers at once.",
            asynchronous=True,
        )
        step(6, receipt, mail, "The function asks the email service to send the receipt.")
        step(
            7,
            receipt,
            failed,
            "After the first attempt and two retries, or once the event is an hour old, "
            "Lambda sends the event and its error to the on-failure destination.",
            asynchronous=True,
        )
        step(
            8,
            dlq,
            alarms,
            "`ApproximateNumberOfMessagesVisible` above zero on either queue sets off an alarm.",
        )
        step(
            9,
            dlq,
            queue,
            "Once the cause is fixed, a redrive (`StartMessageMoveTask`) moves the orders back "
            "to their source queue at a rate you choose.",
            asynchronous=True,
        )
        link(failed, alarms, "watched")
