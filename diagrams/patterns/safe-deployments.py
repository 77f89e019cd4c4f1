"""Safe deployments: CodeDeploy shifts a Lambda alias to a new version step by step, checked by hooks and an alarm."""

from sitekit.draw import Cluster, Diagram, link, node, step


def draw():
    with Diagram("Safe deployments", direction="LR"):
        developer = node(
            "users",
            "Developer",
            role="Runs `sam deploy` with new code; never edits the live alias by hand.",
        )
        with Cluster("AWS account, one Region"):
            deployer = node(
                "codedeploy",
                "CodeDeploy",
                role="Moves the alias's traffic weights from the old version to the new one, "
                "runs the hooks and rolls back when a hook fails or the alarm fires.",
            )
            pre = node(
                "lambda",
                "Pre-traffic hook",
                role="Invokes the new version directly with a test order before any "
                "customer reaches it, and reports Succeeded or Failed.",
            )
            post = node(
                "lambda",
                "Post-traffic hook",
                role="Checks the new version again once it takes all the traffic.",
            )
            alarm = node(
                "cloudwatch",
                "Error alarm",
                role="Watches the errors of the live alias while traffic shifts.",
            )
            with Cluster("Request path"):
                api = node(
                    "api-gateway",
                    "Orders API",
                    role="Always invokes the `live` alias, never a version number.",
                )
                function = node(
                    "lambda",
                    "Order function (live alias)",
                    role="Two published versions behind one alias; the alias's weights "
                    "decide which version serves each request.",
                )
                table = node("dynamodb", "Orders table", role="Stores the orders.")
        step(
            1,
            developer,
            deployer,
            "`sam deploy` publishes a new version of the function; instead of moving the "
            "alias, CloudFormation asks CodeDeploy to do it.",
        )
        step(
            2,
            deployer,
            pre,
            "CodeDeploy runs the pre-traffic hook, which calls the new version with a test "
            "order; a `Failed` report ends the deployment before any customer sees it.",
        )
        step(
            3,
            deployer,
            function,
            "CodeDeploy gives the new version 10% of the alias's weight, waits five minutes "
            "(`Canary10Percent5Minutes`), then moves the rest.",
        )
        step(
            4,
            api,
            function,
            "Meanwhile every request still goes to `live`; Lambda picks the old or the new "
            "version by weight.",
        )
        step(
            5,
            alarm,
            deployer,
            "If the alarm on the alias's errors goes to `ALARM` during the shift, CodeDeploy "
            "puts all the weight back on the old version.",
            asynchronous=True,
        )
        step(
            6,
            deployer,
            post,
            "With all traffic on the new version, the post-traffic hook runs a last check; "
            "`Failed` rolls back too.",
        )
        link(pre, function, "tries the new version")
        link(function, table, "writes orders")
