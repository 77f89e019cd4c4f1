"""Publish-subscribe over a stream: producers write to Kinesis Data Streams and several Lambda consumers read every record independently."""

from sitekit.draw import Cluster, Diagram, link, node, step


def draw():
    with Diagram("Publish-subscribe with Kinesis Data Streams", direction="LR"):
        producers = node(
            "mobile",
            "Producers",
            role="Apps and devices that write click, sensor or payment events "
            "with a partition key.",
        )
        with Cluster("AWS account, one Region"):
            stream = node(
                "kinesis-data-streams",
                "events stream",
                role="Stores records in order per shard and keeps them for the "
                "retention period, so each consumer reads at its own position.",
            )
            with Cluster("Consumers, one event source mapping each"):
                c_agg = node(
                    "lambda",
                    "Aggregator",
                    role="Reads every shard with a parallelization factor above 1 to "
                    "keep up at peak.",
                )
                c_fraud = node(
                    "lambda",
                    "Fraud check",
                    role="Reads through an enhanced fan-out consumer, so it gets its "
                    "own read throughput per shard.",
                )
                c_archive = node(
                    "lambda", "Archiver", role="Reads large batches and writes them to S3."
                )
            table = node(
                "dynamodb",
                "Counters table",
                role="Holds the running totals the aggregator computes.",
            )
            lake = node(
                "s3", "Raw events bucket", role="Keeps a copy of every record for later analysis."
            )
            failed = node(
                "sqs",
                "On-failure queue",
                role="Receives metadata about batches a consumer gave up on.",
            )
        step(
            1,
            producers,
            stream,
            "Producers call `PutRecords`; the partition key decides the "
            "shard, and records with the same key stay in order.",
        )
        step(
            2,
            stream,
            c_agg,
            "Each consumer's event source mapping polls every shard and "
            "invokes its function with a batch, independently of the other "
            "consumers.",
            asynchronous=True,
        )
        step(
            3,
            c_agg,
            table,
            "The aggregator updates counters; a failed batch is retried, "
            "split in two, then sent to the on-failure destination.",
        )
        link(stream, c_fraud, "enhanced fan-out", asynchronous=True)
        link(stream, c_archive, asynchronous=True)
        link(c_archive, lake)
        link(c_agg, failed, "on failure", asynchronous=True)
