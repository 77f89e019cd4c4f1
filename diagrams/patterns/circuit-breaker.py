"""Circuit breaker: a Step Functions workflow checks circuit state in a DynamoDB table with TTL before it calls a flaky downstream service."""

from sitekit.draw import Cluster, Diagram, link, node, step


def draw():
    with Diagram("Circuit breaker"):
        caller = node(
            "lambda",
            "Caller service",
            role="Needs the downstream service and asks the workflow to call it on its behalf.",
        )
        provider = node(
            "third-party-api",
            "Payment provider",
            role="The flaky downstream dependency the circuit protects.",
        )
        with Cluster("AWS account, one Region"):
            breaker = node(
                "step-functions",
                "Circuit-breaker workflow",
                role="Reads the circuit state, fails fast while it is open, and opens "
                "it after the call keeps failing.",
            )
            status = node(
                "dynamodb",
                "CircuitStatus table",
                role="Holds one item per degraded service, with an expiry time that "
                "TTL later cleans up.",
            )
            client_fn = node(
                "lambda",
                "Provider client",
                role="Makes the actual call to the provider, with a short timeout.",
            )
            alarms = node(
                "cloudwatch", "Alarms", role="Alerts operators when a circuit opens and stays open."
            )
        step(1, caller, breaker, "The caller starts the workflow and names the service it needs.")
        step(
            2,
            breaker,
            status,
            "A `GetItem` task reads that service's item. If it exists and its "
            "expiry time is still ahead, the circuit is open: a Choice state "
            "returns a fallback at once.",
        )
        step(
            3,
            breaker,
            client_fn,
            "No item, or an expired one, means closed: a Task invokes the "
            "client function, with a Retry for brief errors.",
        )
        step(4, client_fn, provider, "The function calls the provider's API.")
        step(
            5,
            breaker,
            status,
            "If the call still fails after the retries, a Catch writes an "
            "item that expires a few minutes ahead, which opens the circuit "
            "for every caller.",
        )
        link(breaker, alarms, "metrics", asynchronous=True)
