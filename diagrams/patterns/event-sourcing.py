"""Event sourcing: commands append events to a DynamoDB log; a stream keeps a view of them current."""

from sitekit.draw import Cluster, Diagram, link, node, step


def draw():
    with Diagram("Event sourcing", direction="LR"):
        client = node("client", "Client", role="Sends commands such as a deposit or a withdrawal.")
        with Cluster("Write side"):
            api = node(
                "api-gateway",
                "Commands API",
                role="Authenticates each command and passes it to the command function.",
            )
            command = node(
                "lambda",
                "Command function",
                role="Rebuilds the account from its snapshot and the events since, checks the "
                "command against that state and appends the resulting event.",
            )
            store = node(
                "dynamodb",
                "Event store",
                role="The append-only log and the system of record: partition key is the "
                "account, sort key the version; its stream publishes every new event.",
            )
            snapshots = node(
                "dynamodb",
                "Snapshots table",
                role="Holds each account's state as of a recent version, so that loading it "
                "reads a few events instead of all of them.",
            )
        with Cluster("Read side"):
            projector = node(
                "lambda",
                "Projector function",
                role="Folds new events into the view, each account's events in version order, "
                "skipping any it has already applied.",
            )
            view = node(
                "dynamodb",
                "Balances view",
                role="A projection: the current balance per account, disposable and rebuilt "
                "from the event store whenever its shape changes.",
            )
            failures = node(
                "sqs",
                "On-failure queue",
                role="Describes stream batches the projector gave up on, so the view can be "
                "repaired from the log.",
            )
        step(1, client, api, "The client sends `POST /accounts/{id}/events` with a command.")
        step(
            2,
            api,
            command,
            "API Gateway invokes the command function and waits for its answer.",
        )
        step(
            3,
            command,
            snapshots,
            "The function reads the account's latest snapshot, if there is one.",
        )
        step(
            4,
            command,
            store,
            "It queries the events after the snapshot's version, applies them, decides, and "
            "puts the new event at the next version on condition that no item has that key; "
            "a concurrent writer that got there first turns this into `409 Conflict`.",
        )
        step(
            5,
            store,
            projector,
            "DynamoDB Streams delivers each inserted event to the projector through Lambda's "
            "event source mapping.",
            asynchronous=True,
        )
        step(
            6,
            projector,
            view,
            "The projector applies the event only if it is the next version for that account.",
        )
        link(command, snapshots, "writes one every 50 events", asynchronous=True)
        link(projector, failures, "after the retries", asynchronous=True)
