"""Run a stack's Step Functions definition against its emulated resources.

moto stores state machines but does not run them, so the tests walk the definition from the
template themselves: Task (Lambda invoke with the function's own handler, DynamoDB GetItem
and PutItem and SNS Publish through boto3), Choice, Pass, Succeed and Fail, and in the
JSONPath flavour Map (inline or distributed, with an S3 listing as ItemReader and
ItemBatcher; batches run one after the other). In the JSONPath
flavour with Parameters, ResultSelector, ResultPath, OutputPath, Catch and the States.Format
intrinsic; in the JSONata flavour (``QueryLanguage: JSONata``) with Arguments, Output, Assign,
Condition and Catch, its expressions evaluated by jsonata-python (a port of the reference
JSONata implementation): anything else in a definition raises NotImplementedError rather than
guess. ``DefinitionSubstitutions`` are
applied first. Retries are not replayed: a Task that raises goes straight to its Catch, as it
would after its last retry.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable
from typing import Any

import boto3
import jsonata


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
    substitutions: dict[str, str] | None = None,
) -> tuple[dict, list[str]]:
    """Walk ``definition`` from its StartAt; returns the output and the states visited.
    ``invoke(logical_id, payload)`` runs a function; ``names`` maps logical IDs to physical
    names for the service integrations; ``substitutions`` replace ``${Name}`` in the
    definition (a logical ID, or a parameter's value)."""
    if substitutions:
        text = json.dumps(definition)
        for key, value in substitutions.items():
            text = text.replace("${" + key + "}", value)
        definition = json.loads(text)
    if definition.get("QueryLanguage") == "JSONata":
        return _run_jsonata(definition, data, invoke, names)
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
        elif kind in ("Task", "Map"):
            try:
                if kind == "Map":
                    result = _map(state, data, context, invoke, names, execution)
                else:
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


def _map(state: dict, data: Any, context: dict, invoke, names: dict[str, str], execution: str):
    """A Map state, inline or distributed: its items (from an S3 listing with ItemReader, or
    ItemsPath), in batches with ItemBatcher, each run through its ItemProcessor in turn.
    Any failing item fails the Map (ToleratedFailurePercentage 0, the default)."""
    reader = state.get("ItemReader")
    if reader:
        if not reader["Resource"].endswith(":s3:listObjectsV2"):
            raise NotImplementedError(reader["Resource"])
        listing = resolve(reader.get("Parameters", {}), data, context)
        pages = boto3.client("s3").get_paginator("list_objects_v2").paginate(**listing)
        items = [
            {"Key": o["Key"], "Size": o["Size"], "ETag": o["ETag"]}
            for page in pages
            for o in page.get("Contents", [])
        ]
    else:
        items = path_get(data, state.get("ItemsPath", "$"), context)
    batcher = state.get("ItemBatcher")
    if batcher:
        size = batcher["MaxItemsPerBatch"]
        batch_input = resolve(batcher.get("BatchInput", {}), data, context)
        items = [
            {"BatchInput": batch_input, "Items": items[i : i + size]}
            for i in range(0, len(items), size)
        ]
    if state.get("ToleratedFailurePercentage", 0) or state.get("ToleratedFailureCount", 0):
        raise NotImplementedError("tolerated failures in a Map state")
    processor = state.get("ItemProcessor") or state["Iterator"]
    return [run(processor, item, invoke, names, execution)[0] for item in items]


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


# --- JSONata ---------------------------------------------------------------------------------


def _run_jsonata(
    definition: dict, data: Any, invoke: Callable[[str, dict], Any], names: dict[str, str]
) -> tuple[Any, list[str]]:
    variables: dict[str, Any] = {}
    state_name, visited = definition["StartAt"], []
    while True:
        visited.append(state_name)
        state = definition["States"][state_name]
        kind = state["Type"]
        if state.get("QueryLanguage", "JSONata") != "JSONata":
            raise NotImplementedError(f"{state_name}: a JSONPath state in a JSONata workflow")
        scope = {**variables, "states": {"input": data}}
        if kind == "Succeed":
            return jsonata_template(state.get("Output", "{% $states.input %}"), scope), visited
        if kind == "Fail":
            raise WorkflowFailed(state.get("Error", ""), state.get("Cause", ""))
        if kind == "Choice":
            state_name = next(
                (
                    c["Next"]
                    for c in state["Choices"]
                    if jsonata_template(c["Condition"], scope) is True
                ),
                state.get("Default"),
            )
            continue
        if kind == "Task":
            arguments = jsonata_template(state.get("Arguments", {}), scope)
            try:
                result = _jsonata_task(state["Resource"], arguments, invoke, names)
            except Exception as exc:  # noqa: BLE001 - a Catch decides, as in Step Functions
                catch = next(
                    (c for c in state.get("Catch", []) if "States.ALL" in c["ErrorEquals"]), None
                )
                if catch is None:
                    raise
                error = {"Error": type(exc).__name__, "Cause": str(exc)}
                scope["states"]["errorOutput"] = error
                variables.update(jsonata_template(catch.get("Assign", {}), scope))
                data = jsonata_template(catch.get("Output", "{% $states.errorOutput %}"), scope)
                state_name = catch["Next"]
                continue
            scope["states"]["result"] = result
            default = "{% $states.result %}"
        elif kind == "Pass":
            default = "{% $states.input %}"
        else:
            raise NotImplementedError(f"state type {kind}")
        # Assign and Output both see the state's input and result, not each other.
        assigned = jsonata_template(state.get("Assign", {}), scope)
        data = jsonata_template(state.get("Output", default), scope)
        variables.update(assigned)
        if state.get("End"):
            return data, visited
        state_name = state["Next"]


def _jsonata_task(resource: str, arguments: dict, invoke, names: dict[str, str]) -> Any:
    if resource.endswith(":lambda:invoke"):
        return {"Payload": invoke(_logical(arguments["FunctionName"]), arguments["Payload"])}
    table = names.get(_logical(arguments.get("TableName", "")))
    if resource.endswith(":dynamodb:getItem"):
        return boto3.client("dynamodb").get_item(TableName=table, Key=arguments["Key"])
    if resource.endswith(":dynamodb:putItem"):
        return boto3.client("dynamodb").put_item(TableName=table, Item=arguments["Item"])
    raise NotImplementedError(resource)


def jsonata_template(value: Any, scope: dict) -> Any:
    """A JSONata state field: strings written ``{% expression %}`` are evaluated, the rest is
    taken as written."""
    if isinstance(value, str):
        match = re.fullmatch(r"\{%(.*)%\}", value, flags=re.DOTALL)
        # None stands for JSONata's undefined (a path into nothing).
        return jsonata.Jsonata(match.group(1)).evaluate(None, scope) if match else value
    if isinstance(value, dict):
        return {k: jsonata_template(v, scope) for k, v in value.items()}
    if isinstance(value, list):
        return [jsonata_template(v, scope) for v in value]
    return value
