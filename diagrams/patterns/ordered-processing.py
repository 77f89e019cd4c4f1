"""Ordered processing: an SQS FIFO queue keeps each account's transactions in order for Lambda."""

from sitekit.draw import Cluster, Diagram, link, node, step


def draw():
    with Diagram("Ordered processing", direction="LR"):
        producers = node(
            "client",
            "Producers",
            role="Send each account's transactions, numbered per account, with the account "
            "as message group ID and a deduplication ID.",
        )
        with Cluster("AWS account, one Region"):
            queue = node(
                "sqs",
                "Transactions queue",
                role="A FIFO queue in high throughput mode: drops repeats within five minutes "
                "and releases one group's messages strictly one after another.",
            )
            ledger = node(
                "lambda",
                "Ledger function",
                role="Applies a batch in order, skips transactions already applied and stops "
                "at the first error so that nothing overtakes it.",
            )
            table = node(
                "dynamodb",
                "Ledger table",
                role="Holds each account's balance and the sequence number of the last "
                "transaction applied to it.",
            )
            dlq = node(
                "sqs",
                "Dead-letter queue",
                role="A FIFO queue that keeps transactions which failed five times, for "
                "inspection and redrive.",
            )
        step(
            1,
            producers,
            queue,
            "A producer sends a transaction with `MessageGroupId` set to the account and "
            "`MessageDeduplicationId` set to the account and sequence number; a resend "
            "within the deduplication interval is accepted but not queued again.",
        )
        step(
            2,
            queue,
            ledger,
            "Lambda's event source mapping receives a batch of up to ten messages. Several "
            "accounts can be in flight at once, but never two messages of the same account.",
            asynchronous=True,
        )
        step(
            3,
            ledger,
            table,
            "The function adds each amount to the balance only if the transaction's sequence "
            "number is higher than the last one applied, so a redelivery changes nothing.",
        )
        step(
            4,
            ledger,
            queue,
            "On a failure it reports that message and every later one in the batch; they "
            "return to the queue and come back in the same order.",
        )
        link(queue, dlq, "after maxReceiveCount", asynchronous=True)
