"""Data lake on AWS: ingest, store in S3 zones, catalog, process, query, visualise, search and govern."""

from sitekit.draw import Cluster, Diagram, link, node, step


def draw():
    with Diagram("Data lake services overview", direction="LR"):
        sources = node(
            "client",
            "Apps, devices and logs",
            role="Produce the events and records the lake collects.",
        )
        with Cluster("Ingest"):
            firehose = node(
                "data-firehose",
                "Delivery stream",
                role="Buffers incoming records and writes them to S3 in batches, "
                "optionally converted to Parquet.",
            )
        with Cluster("Store: raw"):
            raw = node(
                "s3",
                "Raw zone",
                role="Keeps the data exactly as it arrived, versioned, as the source "
                "of truth you can reprocess.",
            )
        with Cluster("Store: curated"):
            curated = node(
                "s3",
                "Curated zone",
                role="Holds cleaned, partitioned, columnar data ready for analysts.",
            )
        with Cluster("Catalog and govern"):
            catalog = node(
                "glue",
                "Glue Data Catalog",
                role="The crawler infers schemas and partitions; the Data Catalog "
                "keeps the table definitions every engine reads.",
            )
            governance = node(
                "lake-formation",
                "Lake Formation",
                role="Grants database, table, column, row and cell permissions "
                "that integrated engines enforce.",
            )
        with Cluster("Process"):
            etl = node(
                "glue",
                "Glue ETL job",
                role="A serverless Spark job that validates, deduplicates and converts "
                "raw data into the curated zone.",
            )
            emr = node(
                "emr", "EMR", role="Runs large or custom Spark and Hive jobs over the same S3 data."
            )
        with Cluster("Query"):
            athena = node(
                "athena",
                "Athena",
                role="Runs ad hoc SQL directly on S3, billed by the data it scans.",
            )
            redshift = node(
                "redshift",
                "Redshift (Spectrum)",
                role="A warehouse for heavy, repeated reporting; Spectrum joins its "
                "tables with data left in S3.",
            )
        with Cluster("Visualise"):
            dashboards = node(
                "quicksight",
                "Quick Sight dashboards",
                role="Business-intelligence dashboards built on Athena or "
                "Redshift (formerly Amazon QuickSight, now part of Amazon "
                "Quick Suite).",
            )
        with Cluster("Search"):
            search = node(
                "opensearch",
                "OpenSearch Service",
                role="Indexes a copy of log and text data for full-text search and "
                "near-real-time exploration.",
            )
        step(
            1,
            sources,
            firehose,
            "Applications and devices send records to a Firehose "
            "stream (or to Kinesis Data Streams in front of it).",
        )
        step(2, firehose, raw, "Firehose buffers the records and writes them to the raw zone.")
        step(
            3,
            raw,
            catalog,
            "A Glue crawler scans the new objects and registers tables and "
            "partitions in the Data Catalog.",
        )
        step(4, raw, etl, "A Glue ETL job reads the raw tables, cleans and deduplicates them.")
        step(
            5,
            etl,
            curated,
            "The job writes partitioned Parquet to the curated zone and updates the catalog.",
        )
        step(
            6,
            curated,
            athena,
            "Analysts query the curated tables with SQL in Athena, through the catalog.",
        )
        step(7, athena, dashboards, "Quick Sight dashboards use Athena as their data source.")
        link(governance, catalog, "permissions")
        link(raw, emr, "Spark jobs")
        link(curated, redshift, "Spectrum")
        link(firehose, search, "search copy", asynchronous=True)
