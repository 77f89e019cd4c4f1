"""MapReduce with Step Functions Distributed Map: mappers process S3 objects in parallel, a reducer combines their partial results."""

from sitekit.draw import Cluster, Diagram, node, step


def draw():
    with Diagram("Serverless MapReduce", direction="LR"):
        with Cluster("AWS account, one Region"):
            trigger = node(
                "eventbridge",
                "Nightly schedule",
                role="Starts the job on a schedule or when a batch of input lands.",
            )
            coordinator = node(
                "step-functions",
                "Coordinator workflow",
                role="Lists the input objects, runs a Distributed Map over them, "
                "then runs the reduce step; it holds retries and failure "
                "thresholds.",
            )
            source = node(
                "s3",
                "Input dataset",
                role="Holds the raw data as many objects (or one large CSV or JSON "
                "Lines file) under a prefix.",
            )
            mapper = node(
                "lambda",
                "Mapper",
                role="Processes one item or batch of items and writes a partial "
                "result; thousands of copies run at once.",
            )
            staging = node(
                "s3",
                "Intermediate results",
                role="Stores the mappers' partial results and the map run's manifest.",
            )
            reducer = node(
                "lambda",
                "Reducer",
                role="Reads the partial results and combines them into the final answer.",
            )
            output = node(
                "s3",
                "Output bucket",
                role="Stores the final result for reports, Athena queries or the next job.",
            )
        step(
            1,
            trigger,
            coordinator,
            "A schedule starts the coordinator workflow with the input bucket and prefix.",
            asynchronous=True,
        )
        step(
            2,
            coordinator,
            source,
            "The Distributed Map state's item reader lists the "
            "objects under the prefix and groups them into batches.",
        )
        step(
            3,
            coordinator,
            mapper,
            "The map run starts one child workflow per batch, many in "
            "parallel; each invokes the mapper.",
        )
        step(
            4,
            mapper,
            staging,
            "Each mapper writes its partial result, keyed by batch, to the intermediate prefix.",
        )
        step(
            5,
            coordinator,
            reducer,
            "When the map run ends, the workflow invokes the "
            "reducer with the list of partial results.",
        )
        step(
            6,
            reducer,
            output,
            "The reducer merges the partial results and writes the final output.",
        )
