"""Run a stack's Step Functions definition (JSONPath flavour) against its emulated resources.

moto stores state machines but does not run them, so the tests walk the definition from the
template themselves: Task (Lambda invoke with the function's own handler, DynamoDB PutItem and
SNS Publish through boto3), Choice, Pass, Succeed and Fail, with Parameters, ResultSelector,
ResultPath, OutputPath, Catch and the States.Format intrinsic. Retries are not replayed: a
Task that raises goes straight to its Catch, as it would after its last retry.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable
from typing import Any

import boto3


class WorkflowFailed(Exception):
    def __init__(self, error: str, cause: str):
        super().__init__(f"{error}: {cause}")
        self.error, self.cause = error, cause


def path_get(data: Any, path: str, context: dict) -> Any:
    root, _, rest = (context, "", path[2:]) if path.startswith("$$") else (data, "", path[1:])
    for part in filter(None, rest.split(".")):
        root = root[part]
    return root


def path_set(data: Any, path: str | None, value: Any) -> Any:
    if path is None:
        return data
    if path == "$":
        return value
    data = copy.deepcopy(data)
    node = data
    parts = path[2:].split(".")
    for part in parts[:-1]:
        node = node.setdefault(part, {})
    node[parts[-1]] = value
    return data


def resolve(template: Any, data: Any, context: dict) -> Any:
    """Parameters / ResultSelector: keys ending in ``.$`` take a path or an intrinsic."""
    if isinstance(template, dict):
        out = {}
        for key, value in template.items():
            if key.endswith(".$"):
                out[key[:-2]] = _evaluate(value, data, context)
            else:
                out[key] = resolve(value, data, context)
        return out
    if isinstance(template, list):
        return [resolve(v, data, context) for v in template]
    return template


def _evaluate(expression: str, data: Any, context: dict) -> Any:
    match = re.fullmatch(r"States\.Format\('([^']*)',\s*(.*)\)", expression)
    if match:
        values = [path_get(data, p.strip(), context) for p in match.group(2).split(",")]
        return match.group(1).replace("{}", "%s") % tuple(values)
    return path_get(data, expression, context)


def run(
    definition: dict,
    data: dict,
    invoke: Callable[[str, dict], Any],
    names: dict[str, str],
    execution: str = "test-execution",
) -> tuple[dict, list[str]]:
    """Walk ``definition`` from its StartAt; returns the output and the states visited.
    ``invoke(logical_id, payload)`` runs a function; ``names`` maps logical IDs to physical
    names for the service integrations."""
    context = {"Execution": {"Name": execution}}
    state_name, visited = definition["StartAt"], []
    while True:
        visited.append(state_name)
        state = definition["States"][state_name]
        kind = state["Type"]
        if kind == "Succeed":
            return data, visited
        if kind == "Fail":
            raise WorkflowFailed(state.get("Error", ""), state.get("Cause", ""))
        if kind == "Pass":
            data = path_set(data, state.get("ResultPath", "$"), state.get("Result", data))
        elif kind == "Choice":
            state_name = next(
                (c["Next"] for c in state["Choices"] if _matches(c, data, context)),
                state.get("Default"),
            )
            continue
        elif kind == "Task":
            try:
                result = _task(state, data, context, invoke, names)
            except Exception as exc:  # noqa: BLE001 - a Catch decides, as in Step Functions
                catch = next(
                    (c for c in state.get("Catch", []) if "States.ALL" in c["ErrorEquals"]), None
                )
                if catch is None:
                    raise
                error = {"Error": type(exc).__name__, "Cause": str(exc)}
                data = path_set(data, catch.get("ResultPath", "$"), error)
                state_name = catch["Next"]
                continue
            if "ResultSelector" in state:
                result = resolve(state["ResultSelector"], result, context)
            data = path_set(data, state.get("ResultPath", "$"), result)
            if "OutputPath" in state:
                data = path_get(data, state["OutputPath"], context)
        else:
            raise NotImplementedError(f"state type {kind}")
        if state.get("End"):
            return data, visited
        state_name = state["Next"]


def _matches(choice: dict, data: Any, context: dict) -> bool:
    value = path_get(data, choice["Variable"], context)
    if "BooleanEquals" in choice:
        return value is choice["BooleanEquals"]
    if "StringEquals" in choice:
        return value == choice["StringEquals"]
    raise NotImplementedError(json.dumps(choice))


def _logical(reference: Any) -> str:
    if isinstance(reference, dict):
        inner = reference.get("Fn::GetAtt") or reference.get("Ref")
        return inner[0] if isinstance(inner, list) else str(inner).split(".")[0]
    return str(reference)


def _task(state: dict, data: Any, context: dict, invoke, names: dict[str, str]) -> Any:
    resource = state["Resource"]
    parameters = state.get("Parameters", {})
    if resource.endswith(":lambda:invoke"):
        payload = resolve(
            {k: v for k, v in parameters.items() if k != "FunctionName"}, data, context
        )
        payload = payload.get("Payload", payload)
        return {"Payload": invoke(_logical(parameters["FunctionName"]), payload)}
    resolved = resolve(
        {k: v for k, v in parameters.items() if k not in ("TableName", "TopicArn")}, data, context
    )
    if resource.endswith(":dynamodb:putItem"):
        table = names[_logical(parameters["TableName"])]
        return boto3.client("dynamodb").put_item(TableName=table, Item=resolved["Item"])
    if resource.endswith(":sns:publish"):
        topic = names[_logical(parameters["TopicArn"])]
        return boto3.client("sns").publish(TopicArn=topic, Message=resolved["Message"])
    raise NotImplementedError(resource)
