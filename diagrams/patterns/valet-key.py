"""Valet key: the API signs a short-lived S3 URL for one object, and the client uploads or downloads it directly."""

from sitekit.draw import Cluster, Diagram, link, node, step


def draw():
    with Diagram("Valet key (presigned URLs)", direction="LR"):
        client = node(
            "client",
            "Client",
            role="Asks the API for permission, then moves the file's bytes straight to or "
            "from S3 with the signed URL it got.",
        )
        with Cluster("AWS account, one Region"):
            api = node(
                "api-gateway",
                "Files API",
                role="Authenticates the caller; carries only small JSON requests, never the "
                "file itself.",
            )
            valet = node(
                "lambda",
                "Valet function",
                role="Decides what the caller may do and signs a presigned POST (upload) or "
                "GET (download) for exactly one object key, valid for five minutes.",
            )
            bucket = node(
                "s3",
                "Files bucket",
                role="A private, encrypted bucket. It checks each signed request's signature, "
                "expiry and conditions itself.",
            )
            record = node(
                "lambda",
                "Record function",
                role="Learns from S3's event that an upload really landed, and records its "
                "actual size.",
            )
            failed = node(
                "sqs",
                "Failed events",
                role="Keeps S3 events the record function could not handle after Lambda's retries.",
            )
            table = node(
                "dynamodb",
                "Files table",
                role="One item per upload, with its owner, object key, status (PENDING, UPLOADED) and size.",
            )
        step(
            1,
            client,
            api,
            "The client asks `POST /uploads` for permission to upload a file, giving its name, "
            "type and size.",
        )
        step(2, api, valet, "API Gateway invokes the valet function with the caller's identity.")
        step(
            3,
            valet,
            table,
            "The function picks the object key itself, records the file as `PENDING` for this "
            "caller, and returns a presigned POST: the URL plus signed form fields that pin "
            "the key, the content type and a `content-length-range`.",
        )
        step(
            4,
            client,
            bucket,
            "The client posts the file straight to S3 with those fields. S3 refuses it if the "
            "signature has expired or the file breaks a condition; no byte passes through API "
            "Gateway or Lambda.",
        )
        step(
            5,
            bucket,
            record,
            "S3 reports the new object to the record function.",
            asynchronous=True,
        )
        step(
            6,
            record,
            table,
            "The function marks the file `UPLOADED` with its real size, only if it was `PENDING`.",
        )
        step(
            7,
            valet,
            bucket,
            "Later, `GET /files/{fileId}` reaches the valet function, which checks the owner and "
            "status and answers with a presigned GET URL for that one object; the client "
            "downloads it from S3 directly.",
        )
        link(record, failed, "after retries", asynchronous=True)
