"""Scheduled jobs: EventBridge Scheduler runs a nightly workflow and one-time reminders in local time."""

from sitekit.draw import Cluster, Diagram, link, node, step


def draw():
    with Diagram("Scheduled jobs", direction="LR"):
        booking = node(
            "client",
            "Booking service",
            role="Asks for a reminder when a customer books a table.",
        )
        with Cluster("AWS account, one Region"):
            with Cluster("One-time jobs, created at run time"):
                planner = node(
                    "lambda",
                    "Scheduling function",
                    role="Creates one one-time schedule per reservation, named after it, in "
                    "the customer's time zone, deleted after it has run.",
                )
                reminders = node(
                    "eventbridge-scheduler",
                    "Reminder schedules",
                    role="A schedule group holding one `at()` schedule per reservation, each "
                    "with a retry policy and a dead-letter queue.",
                )
                reminder = node(
                    "lambda",
                    "Reminder function",
                    role="Records that the reminder went out, once, unless the reservation "
                    "was cancelled.",
                )
            with Cluster("A recurring job"):
                nightly = node(
                    "eventbridge-scheduler",
                    "Nightly schedule",
                    role="A cron schedule at 03:00 Europe/Berlin with a 30-minute flexible window.",
                )
                cleanup = node(
                    "step-functions",
                    "Cleanup workflow",
                    role="Releases table holds that expired before the scheduled time, with "
                    "no function of its own.",
                )
            table = node(
                "dynamodb",
                "Reservations table",
                role="The reservations, their holds and whether a reminder was sent.",
            )
            dlq = node(
                "sqs",
                "Failed jobs queue",
                role="Invocations that the schedules could not deliver after their retries.",
            )
        step(
            1,
            booking,
            planner,
            "The booking service asks for a reminder 24 hours before the reservation.",
        )
        step(
            2,
            planner,
            reminders,
            "The function creates an `at()` schedule in the customer's time zone with "
            "`ActionAfterCompletion: DELETE`; a repeated request finds the name taken.",
        )
        step(
            3,
            reminders,
            reminder,
            "At that minute, the schedule invokes the reminder function asynchronously with the "
            "reservation ID.",
            asynchronous=True,
        )
        step(
            4,
            reminder,
            table,
            "A conditional update marks the reminder as sent, so a retried invocation sends "
            "nothing twice.",
        )
        step(
            5,
            nightly,
            cleanup,
            "Every night, within its flexible window, the schedule starts the workflow with "
            "its scheduled time as input.",
            asynchronous=True,
        )
        step(
            6,
            cleanup,
            table,
            "The workflow finds expired holds and releases each one with a conditional update.",
        )
        link(reminders, dlq, "undeliverable", asynchronous=True)
        link(nightly, dlq, "undeliverable", asynchronous=True)
