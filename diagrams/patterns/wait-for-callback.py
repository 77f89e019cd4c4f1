"""Wait for a callback: a workflow pauses on a task token until a person answers a link."""

from sitekit.draw import Cluster, Diagram, link, node, step


def draw():
    with Diagram("Wait for a callback (human approval)", direction="LR"):
        requester = node("client", "Requester", role="Submits an expense that needs a yes or no.")
        approver = node(
            "users", "Approver", role="Gets an email and answers through a single-use link."
        )
        with Cluster("AWS account, one Region"):
            api = node(
                "api-gateway",
                "Expenses API",
                role="REST API that starts one workflow execution per expense.",
            )
            workflow = node(
                "step-functions",
                "Approval workflow",
                role="Standard workflow that pauses on a task token until the answer or "
                "the task's timeout arrives, then records the outcome.",
            )
            notify = node(
                "lambda",
                "Notify function",
                role="Saves the task token under a random decision ID and sends the "
                "approval request.",
            )
            table = node(
                "dynamodb",
                "Approvals table",
                role="Holds each waiting token (removed by TTL after its deadline) and the "
                "final status of each expense.",
            )
            topic = node(
                "sns",
                "Approval requests",
                role="Emails the approver a link that carries the decision ID, never the token.",
            )
            decision = node(
                "lambda",
                "Decision function",
                role="Behind a function URL: shows a confirmation page, then claims the "
                "decision once and resumes the workflow.",
            )
        step(1, requester, api, "The requester sends `POST /expenses`, signed with SigV4.")
        step(
            2,
            api,
            workflow,
            "API Gateway starts an execution and answers with its ARN at once.",
        )
        step(
            3,
            workflow,
            notify,
            "The *Ask for approval* task invokes the function with "
            "`.waitForTaskToken`, passing `$$.Task.Token`; the execution now waits, "
            "for three days at most.",
        )
        step(
            4,
            notify,
            table,
            "The function stores the token under a random decision ID that expires with the task.",
        )
        step(5, notify, topic, "It publishes the request with a link to the decision page.")
        step(6, topic, approver, "SNS emails the approver.", asynchronous=True)
        step(
            7,
            approver,
            decision,
            "The approver opens the link (a `GET` only shows the page) and presses "
            "*Approve* or *Reject* (a `POST`).",
        )
        step(
            8,
            decision,
            table,
            "The function claims the decision with a conditional update, so only the "
            "first answer counts, and reads the token.",
        )
        step(
            9,
            decision,
            workflow,
            "`SendTaskSuccess` or `SendTaskFailure` resumes the execution; without an "
            "answer, the task's timeout ends it as expired.",
            constraint=False,
        )
        link(workflow, table, "records the outcome")
