"""Asynchronous request-reply: the API answers 202 with a status URL at once, a worker does the job from a queue, and the client polls the status."""

from sitekit.draw import Cluster, Diagram, link, node, step


def draw():
    with Diagram("Asynchronous request-reply", direction="LR"):
        client = node(
            "client",
            "Client",
            role="Starts a long job, keeps the status URL it gets back and asks it for the "
            "outcome from time to time.",
        )
        with Cluster("AWS account, one Region"):
            api = node(
                "api-gateway",
                "Jobs API",
                role="A REST API with two routes: POST /jobs to start a job and GET "
                "/jobs/{jobId} to read its status. No call waits for the job itself.",
            )
            submit = node(
                "lambda",
                "Submit function",
                role="Records the job as PENDING, queues it and answers 202 Accepted with "
                "the status URL, in milliseconds.",
            )
            queue = node(
                "sqs",
                "Jobs queue",
                role="Holds accepted jobs until the worker takes them, so bursts wait here "
                "instead of failing.",
            )
            worker = node(
                "lambda",
                "Worker function",
                role="Does the slow part of each job and writes the outcome to the jobs table.",
            )
            dlq = node(
                "sqs",
                "Dead-letter queue",
                role="Keeps jobs that failed five times, for inspection and redrive.",
            )
            table = node(
                "dynamodb",
                "Jobs table",
                role="One item per job: its status, its result and an expiry time after "
                "which DynamoDB deletes it.",
            )
            status = node(
                "lambda",
                "Status function",
                role="Reads one job and answers with its status, and with the result once "
                "the job has succeeded.",
            )
        step(1, client, api, "The client sends `POST /jobs` with the job's input.")
        step(2, api, submit, "API Gateway invokes the submit function.")
        step(
            3,
            submit,
            table,
            "The function records the job as `PENDING`; a repeated `Idempotency-Key` finds "
            "the existing job instead of creating a second one.",
        )
        step(
            4,
            submit,
            queue,
            "It queues the job and answers `202 Accepted` with `Location: /jobs/{jobId}` "
            "and a `Retry-After` hint. The client's request is over.",
        )
        step(
            5,
            queue,
            worker,
            "Lambda polls the queue and hands the worker a batch of jobs.",
            asynchronous=True,
        )
        step(
            6,
            worker,
            table,
            "The worker does the job and writes `SUCCEEDED` with the result, or `FAILED` "
            "with the reason, only if the job is still `PENDING`.",
        )
        step(
            7,
            api,
            status,
            "The client polls `GET /jobs/{jobId}`, waiting as long as `Retry-After` says "
            "between tries.",
        )
        step(
            8,
            status,
            table,
            "The status function reads the job and answers `200` with its status, and "
            "with the result once it is there.",
        )
        link(queue, dlq, "after 5 failed receives", asynchronous=True)
