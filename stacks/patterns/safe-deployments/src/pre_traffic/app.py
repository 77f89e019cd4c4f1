"""Pre-traffic hook: tries the new version with a test order before CodeDeploy shifts any traffic."""

from __future__ import annotations

import json
from typing import Any

import boto3

lambda_client = boto3.client("lambda")
codedeploy = boto3.client("codedeploy")


def target(deployment_id: str) -> dict[str, str]:
    """The function, alias and versions this deployment moves, from its AppSpec."""
    revision = codedeploy.get_deployment(deploymentId=deployment_id)["deploymentInfo"]["revision"]
    content = (revision.get("appSpecContent") or revision.get("string") or {})["content"]
    [resource] = json.loads(content)["Resources"]
    return next(iter(resource.values()))["Properties"]


def invoke(function: str, version: str, request: dict[str, Any]) -> int:
    """The status code ``version`` answers ``request`` with (500 if it failed)."""
    answer = lambda_client.invoke(
        FunctionName=function, Qualifier=version, Payload=json.dumps(request).encode()
    )
    if answer.get("FunctionError"):
        return 500
    return json.loads(answer["Payload"].read())["statusCode"]


def handler(event: dict[str, Any], context: Any) -> dict[str, str]:
    new = target(event["DeploymentId"])
    # A test order named after the deployment: the post-traffic hook reads it back.
    order = {"orderId": f"deploy-check-{event['DeploymentId']}", "item": "test", "quantity": 1}
    good = {"httpMethod": "POST", "body": json.dumps(order)}
    bad = {"httpMethod": "POST", "body": json.dumps({"item": "no id"})}
    answers = [invoke(new["Name"], new["TargetVersion"], r) for r in (good, bad)]
    status = "Succeeded" if answers == [201, 400] else "Failed"
    codedeploy.put_lifecycle_event_hook_execution_status(
        deploymentId=event["DeploymentId"],
        lifecycleEventHookExecutionId=event["LifecycleEventHookExecutionId"],
        status=status,
    )
    return {"status": status}
