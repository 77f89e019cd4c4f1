"""Post-traffic hook: reads the test order back through the live alias, which must now run the new version."""

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


def handler(event: dict[str, Any], context: Any) -> dict[str, str]:
    new = target(event["DeploymentId"])
    request = {
        "httpMethod": "GET",
        "pathParameters": {"orderId": f"deploy-check-{event['DeploymentId']}"},
    }
    # Through the alias customers use: after the shift, the new version must answer.
    answer = lambda_client.invoke(
        FunctionName=new["Name"], Qualifier=new["Alias"], Payload=json.dumps(request).encode()
    )
    found = not answer.get("FunctionError") and (
        json.loads(answer["Payload"].read())["statusCode"] == 200
    )
    on_new = answer.get("ExecutedVersion") == new["TargetVersion"]
    status = "Succeeded" if found and on_new else "Failed"
    codedeploy.put_lifecycle_event_hook_execution_status(
        deploymentId=event["DeploymentId"],
        lifecycleEventHookExecutionId=event["LifecycleEventHookExecutionId"],
        status=status,
    )
    return {"status": status}
