"""Real-time analytics: a Kinesis data stream feeds a Managed Service for Apache Flink application whose results drive alerts, an S3 archive and OpenSearch dashboards."""

from sitekit.draw import Cluster, Diagram, link, node, step


def draw():
    with Diagram("Real-time analytics", direction="LR"):
        producers = node(
            "client",
            "Producers",
            role="Stand for the apps, log shippers and clickstream collectors that emit "
            "events continuously through an SDK or an agent.",
        )
        with Cluster("AWS account, one Region"):
            stream = node(
                "kinesis-data-streams",
                "Events stream",
                role="Ingests and orders the raw events and lets several applications read them.",
            )
            flink = node(
                "managed-flink",
                "Flink application",
                role="Computes windowed aggregates and flags anomalies, keeping "
                "state between events.",
            )
            alerts_stream = node(
                "kinesis-data-streams",
                "Anomalies stream",
                role="Carries only the anomalies the application detected.",
            )
            alerter = node(
                "lambda",
                "Alert function",
                role="Enriches each anomaly and decides whether to notify.",
            )
            topic = node(
                "sns",
                "On-call topic",
                role="Sends alerts by email, SMS or chat to whoever subscribed.",
            )
            firehose = node(
                "data-firehose",
                "Delivery stream",
                role="Buffers the aggregates and delivers them in batches to S3 and OpenSearch.",
            )
            archive = node(
                "s3",
                "Analytics archive",
                role="Keeps every aggregate for Athena queries and reprocessing.",
            )
            search = node(
                "opensearch",
                "Dashboards",
                role="Indexes recent aggregates for near-real-time dashboards.",
            )
        step(1, producers, stream, "Producers write events to the stream with `PutRecords`.")
        step(
            2,
            stream,
            flink,
            "The Flink application reads the stream and computes "
            "per-minute windows and anomaly scores.",
        )
        step(3, flink, alerts_stream, "It writes each detected anomaly to a second stream.")
        step(
            4,
            alerts_stream,
            alerter,
            "An event source mapping invokes the alert function with the anomalies.",
            asynchronous=True,
        )
        step(
            5,
            alerter,
            topic,
            "The function publishes an alert to the on-call topic.",
            asynchronous=True,
        )
        step(
            6,
            flink,
            firehose,
            "The application also sends every window's aggregates to Amazon Data Firehose.",
        )
        step(
            7,
            firehose,
            search,
            "Firehose delivers batches to OpenSearch for dashboards and to S3 for history.",
        )
        link(firehose, archive, "batches")
