"""Glue ETL job: cleans the raw events and writes them to the curated zone as Parquet.

Runs in AWS Glue (Spark), which provides the ``awsglue`` library. Job bookmarks make each run
read only raw files it has not processed, and duplicates are dropped by event ID, so a rerun
does not duplicate curated rows.
"""

import sys

from awsglue.context import GlueContext
from awsglue.job import Job
from awsglue.utils import getResolvedOptions
from pyspark.context import SparkContext
from pyspark.sql import functions as F

args = getResolvedOptions(sys.argv, ["JOB_NAME", "database", "raw_table", "curated_path"])
glue = GlueContext(SparkContext.getOrCreate())
job = Job(glue)
job.init(args["JOB_NAME"], args)

raw = glue.create_dynamic_frame.from_catalog(
    database=args["database"], table_name=args["raw_table"], transformation_ctx="raw"
).toDF()
curated = (
    raw.where(F.col("event_id").isNotNull())
    .dropDuplicates(["event_id"])
    .select(
        "event_id",
        F.lower(F.col("source")).alias("source"),
        F.lower(F.col("type")).alias("event_type"),
        F.to_timestamp("occurred_at").alias("occurred_at"),
        "dt",
    )
)
curated.write.mode("append").partitionBy("dt").parquet(args["curated_path"])
job.commit()
