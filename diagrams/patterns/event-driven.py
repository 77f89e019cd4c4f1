"""Event-driven processing: an IoT camera uploads images to S3, and each upload event invokes a Lambda function asynchronously."""

from sitekit.draw import Cluster, Diagram, link, node, step


def draw():
    with Diagram("Event-driven image processing", direction="LR"):
        camera = node(
            "iot-device",
            "IoT camera",
            role="Takes pictures and uploads each one to S3 with a short-lived presigned URL.",
        )
        with Cluster("AWS account, one Region"):
            inbox = node(
                "s3",
                "Input bucket",
                role="Receives raw images and emits an event for each new object "
                "under the `incoming/` prefix.",
            )
            worker = node(
                "lambda",
                "Image processor",
                role="Is invoked asynchronously for each upload, analyses or "
                "resizes the image and writes the result elsewhere.",
            )
            outbox = node(
                "s3",
                "Output bucket",
                role="Holds processed images; it has no notification that could "
                "invoke the processor again.",
            )
            failed = node(
                "sqs",
                "On-failure queue",
                role="Receives the event and error details when every retry has "
                "failed or the event grew too old.",
            )
        step(1, camera, inbox, "The camera uploads `incoming/cam-42/1700000000.jpg` over HTTPS.")
        step(
            2,
            inbox,
            worker,
            "S3 sends an `ObjectCreated` event; Lambda queues it internally "
            "and invokes the function asynchronously.",
            asynchronous=True,
        )
        step(
            3,
            worker,
            outbox,
            "The function reads the image, processes it and writes the "
            "result to the output bucket.",
        )
        link(worker, failed, "on failure", asynchronous=True)
