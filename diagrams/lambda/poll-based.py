"""Poll-based invocation: event source mappings read a stream and a queue and call functions with batches."""

from sitekit.draw import Cluster, Diagram, link, node, step


def draw():
    with Diagram("Poll-based invocation (event source mappings)", direction="LR"):
        producers = node(
            "client",
            "Producers",
            role="Write records to the stream and messages to the queue; they never "
            "call the functions themselves.",
        )
        with Cluster("Stream"):
            stream = node(
                "kinesis-data-streams",
                "Clickstream",
                role="Keeps records in order within each shard for the retention "
                "period, so a consumer can re-read them.",
            )
        with Cluster("Queue"):
            queue = node(
                "sqs",
                "Orders queue",
                role="Holds each message until a consumer deletes it; a received "
                "message stays hidden for the visibility timeout.",
            )
            dlq = node(
                "sqs",
                "Orders dead-letter queue",
                role="Receives messages that failed more times than the redrive policy allows.",
            )
        with Cluster("Event source mapping (managed by Lambda)", dashed=True):
            stream_poller = node(
                "lambda-event-source-mapping",
                "Shard poller",
                role="Reads each shard in order, builds batches and retries, "
                "splits or discards a failing batch as configured.",
            )
            queue_poller = node(
                "lambda-event-source-mapping",
                "Queue poller",
                role="Long-polls the queue, scales its pollers with the backlog "
                "and deletes messages once the function succeeds.",
            )
        with Cluster("Functions"):
            clicks = node(
                "lambda",
                "Click aggregator",
                role="Receives a batch of stream records per invocation.",
            )
            orders = node(
                "lambda",
                "Order processor",
                role="Receives a batch of messages and reports which ones failed.",
            )
        failures = node(
            "s3",
            "Discarded batches",
            role="On-failure destination of the stream mapping: keeps the failed "
            "batch and its metadata for replay.",
        )
        step(1, producers, queue, "Producers send order messages to the queue.")
        step(
            2,
            queue,
            queue_poller,
            "The queue pollers long-poll the queue, receive messages "
            "in batches and add pollers while the backlog grows.",
        )
        step(
            3,
            queue_poller,
            orders,
            "They invoke the function synchronously with each batch, "
            "then delete the messages that succeeded; failed ones "
            "reappear after the visibility timeout.",
        )
        step(4, producers, stream, "Producers put click records on the stream.")
        step(
            5,
            stream,
            stream_poller,
            "The shard poller reads each shard in order and gathers "
            "records until the batch is full or the batching window "
            "ends.",
        )
        step(
            6,
            stream_poller,
            clicks,
            "It invokes the function synchronously with the batch; "
            "until that batch succeeds or is discarded, the shard "
            "waits.",
        )
        link(stream_poller, failures, "on failure", asynchronous=True)
        link(queue, dlq, "redrive", asynchronous=True)
