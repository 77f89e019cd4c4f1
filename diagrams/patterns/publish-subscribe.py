"""Publish-subscribe fan-out: an S3 upload event goes to an SNS topic that copies it to three SQS queues, each drained by its own Lambda function."""

from sitekit.draw import Cluster, Diagram, link, node, step


def draw():
    with Diagram("Publish-subscribe with SNS and SQS", direction="LR"):
        uploader = node(
            "users", "Uploader", role="Uploads a video file and does not wait for any processing."
        )
        with Cluster("AWS account, one Region"):
            source = node(
                "s3",
                "Uploads bucket",
                role="Stores the original video and publishes an event when an object is created.",
            )
            topic = node(
                "sns",
                "video-uploaded topic",
                role="Copies every event to each subscribed queue; it knows nothing "
                "about what the subscribers do.",
            )
            with Cluster("Subscribers, one queue each"):
                q_resize = node(
                    "sqs",
                    "Resize queue",
                    role="Buffers events for the resize worker, with its own dead-letter queue.",
                )
                q_thumb = node(
                    "sqs", "Thumbnail queue", role="Buffers events for the thumbnail worker."
                )
                q_trans = node(
                    "sqs",
                    "Transcode queue",
                    role="Buffers events for the transcode worker; a filter policy "
                    "can limit it to certain file types.",
                )
                f_resize = node(
                    "lambda",
                    "Resize",
                    role="Reads the original from S3 and writes smaller renditions.",
                )
                f_thumb = node(
                    "lambda", "Thumbnail", role="Extracts a still frame and writes it as an image."
                )
                f_trans = node(
                    "lambda",
                    "Transcode",
                    role="Converts short clips to another format; long videos belong "
                    "in a dedicated media service.",
                )
            output = node(
                "s3",
                "Renditions bucket",
                role="Receives every worker's output; it has no notification back to the topic.",
            )
        step(1, uploader, source, "The uploader puts `video.mp4` into the uploads bucket.")
        step(
            2,
            source,
            topic,
            "An S3 event notification for `s3:ObjectCreated:*` publishes a message to the topic.",
            asynchronous=True,
        )
        step(
            3,
            topic,
            q_resize,
            "SNS delivers a copy to every subscribed queue (resize, "
            "thumbnail and transcode), applying each subscription's "
            "filter policy.",
            asynchronous=True,
        )
        step(
            4,
            q_resize,
            f_resize,
            "Each queue's event source mapping invokes its own function "
            "with a batch; the three workers scale and fail "
            "independently.",
            asynchronous=True,
        )
        step(
            5,
            f_resize,
            output,
            "Each function fetches the original from the uploads bucket "
            "and writes its result to the renditions bucket.",
        )
        link(topic, q_thumb, asynchronous=True)
        link(topic, q_trans, asynchronous=True)
        link(q_thumb, f_thumb, asynchronous=True)
        link(q_trans, f_trans, asynchronous=True)
        link(f_thumb, output)
        link(f_trans, output)
