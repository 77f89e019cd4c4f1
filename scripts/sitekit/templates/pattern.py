"""__TITLE__: replace this line with what the diagram shows."""

from sitekit.draw import Cluster, Diagram, node, step


def draw():
    # Everything happens inside draw(): nothing is drawn when the module is imported.
    # "LR" lays the flow out left to right; try "TB" (top to bottom) for tall diagrams.
    with Diagram("__TITLE__", direction="LR"):
        # node(service key from scripts/sitekit/data/services.yml, label, role=...).
        # Name each variable for its role; the role is the node's tooltip on the page.
        client = node("client", "Client", role="Sends the request that starts the flow.")
        # A Cluster draws a boundary; give each cluster on a diagram its own label.
        with Cluster("AWS account, one Region"):
            api = node(
                "api-gateway",
                "Entry point",
                role="Receives the request and passes it to the function.",
            )
            worker = node(
                "lambda",
                "Worker function",
                role="Does the work this pattern is about; replace it with your services.",
            )
        # Numbered steps are the main flow, 1, 2, 3, ... in order. Each caption becomes an
        # item of "How it works" on the page, so write it as a full sentence.
        # Pass asynchronous=True for a hop nobody waits on (drawn dashed); use
        # link(a, b, "label") for a connection that is not a step.
        step(1, client, api, "The client sends a request to the entry point.")
        step(2, api, worker, "The entry point invokes the worker function and waits for it.")
