"""Asynchronous Lambda invocation: an event goes into Lambda's own queue and the sender moves on."""

from sitekit.draw import Cluster, Diagram, link, node, step


def draw():
    with Diagram("Asynchronous invocation", direction="LR"):
        with Cluster("Event sources"):
            uploads = node(
                "s3",
                "Uploads bucket",
                role="Emits an event notification for each new object and does not "
                "wait for the function.",
            )
            bus = node(
                "eventbridge",
                "Default event bus",
                role="A rule on the bus can target the function; EventBridge also hands "
                "the event over asynchronously.",
            )
            caller = node(
                "client",
                "Backend service (SDK)",
                role="Calls Invoke with InvocationType Event and gets an "
                "acknowledgement, never the function's result.",
            )
        with Cluster("Managed by Lambda: event queue and retries", dashed=True):
            function = node(
                "lambda",
                "Thumbnail function",
                role="Takes events from Lambda's internal queue; if it fails, Lambda "
                "runs it again with the same event.",
            )
        thumbs = node("s3", "Thumbnails bucket", role="Receives the image the function produces.")
        with Cluster("Destinations"):
            failed = node(
                "sqs",
                "Failed-events queue",
                role="On-failure destination: keeps an invocation record (request, "
                "response, error) for every event Lambda gave up on.",
            )
            done = node(
                "eventbridge",
                "Results event bus",
                role="On-success destination: announces each processed event to "
                "whoever subscribes.",
            )
        step(
            1,
            uploads,
            function,
            "S3 hands the event to Lambda, which puts it in the "
            "function's event queue and acknowledges at once.",
            asynchronous=True,
        )
        step(
            2,
            function,
            thumbs,
            "A poller inside Lambda takes the event from the queue and "
            "runs the function, which writes the thumbnail.",
        )
        step(
            3,
            function,
            done,
            "On success, Lambda sends an invocation record to the on-success destination.",
            asynchronous=True,
        )
        step(
            4,
            function,
            failed,
            "If every retry fails or the event grows too old, Lambda "
            "sends the record to the on-failure destination instead.",
            asynchronous=True,
        )
        link(bus, function, "rule target", asynchronous=True)
        link(caller, function, "Invoke (Event)", asynchronous=True)
