"""Does a stack build what its diagram draws? The check no other catalog has.

A template binds each node of its diagram to the resources that implement it, under
``Metadata: Diagram:``::

    Diagram:
      Nodes:                     # node label -> logical IDs
        Orders API: [OrdersApi]
      Outside:                   # node label -> why the stack does not create it
        Web or mobile client: You play the client with curl.

Every AWS node must be bound or listed under Outside (actors outside AWS may be left out);
every bound ID must exist; every resource of a drawable type must be bound; and every numbered
step between two bound nodes needs a reference between their resources after the SAM transform
(an event source, integration, target, subscription, environment variable or IAM policy).

A function's explicit execution role (``Role: !GetAtt XRole.Arn``) counts as part of the
function without being bound: derived from the Role property, it cannot drift from the
binding. Binding it to the function's node as well does no harm.
"""

from __future__ import annotations

import difflib
import json
import re
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from sitekit import services
from sitekit.paths import GENERATED, repo_relative
from sitekit.stacks import StackPaths
from sitekit.stacks.template import Mapping, Template
from sitekit.stacks.transform import owner

# Types a reader would expect to see drawn: each must implement some node.
DRAWABLE = {
    "AWS::Serverless::Function": "function",
    "AWS::Lambda::Function": "function",
    "AWS::Serverless::SimpleTable": "table",
    "AWS::DynamoDB::Table": "table",
    "AWS::SQS::Queue": "queue",
    "AWS::SNS::Topic": "topic",
    "AWS::Events::EventBus": "event bus",
    "AWS::Events::Rule": "rule",
    "AWS::Scheduler::Schedule": "schedule",
    "AWS::Pipes::Pipe": "pipe",
    "AWS::Serverless::StateMachine": "state machine",
    "AWS::StepFunctions::StateMachine": "state machine",
    "AWS::Kinesis::Stream": "stream",
    "AWS::KinesisFirehose::DeliveryStream": "delivery stream",
    "AWS::S3::Bucket": "bucket",
    "AWS::Serverless::Api": "API",
    "AWS::Serverless::HttpApi": "API",
    "AWS::ApiGateway::RestApi": "API",
    "AWS::ApiGatewayV2::Api": "API",
    "AWS::CloudFront::Distribution": "distribution",
    "AWS::CloudFront::Function": "CloudFront function",
    "AWS::Cognito::UserPool": "user pool",
    "AWS::WAFv2::WebACL": "web ACL",
    "AWS::Glue::Job": "Glue job",
    "AWS::Glue::Crawler": "Glue crawler",
    "AWS::Glue::Database": "Glue database",
    "AWS::Athena::WorkGroup": "Athena workgroup",
    "AWS::Lambda::EventSourceMapping": "event source mapping",
    "AWS::AppSync::GraphQLApi": "GraphQL API",
    "AWS::AppSync::Api": "AppSync Events API",
    "AWS::DAX::Cluster": "DAX cluster",
    "AWS::ElastiCache::ServerlessCache": "serverless cache",
    "AWS::Bedrock::KnowledgeBase": "knowledge base",
    "AWS::Bedrock::Guardrail": "guardrail",
    "AWS::CodeDeploy::Application": "CodeDeploy application",
    "AWS::Route53::HealthCheck": "health check",
}


@dataclass(frozen=True)
class Node:
    label: str
    service: str
    line: int  # where the module creates it


@dataclass(frozen=True)
class Step:
    number: int
    source: str  # node labels
    target: str


def diagram_of(stack: StackPaths) -> tuple[list[Node], list[Step]] | None:
    """Nodes and steps of the stack's diagram, from what `make diagrams` recorded (or by
    recording the module here); None when the module is missing or does not draw."""
    if not stack.module.exists():
        return None
    meta_path = GENERATED / "meta" / f"{stack.stack_id}.json"
    if meta_path.exists():
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        nodes, steps = meta["nodes"], meta["steps"]
    else:
        try:
            from sitekit import draw
            from sitekit.render import load_module

            recording = draw.record(repo_relative(stack.module), load_module(stack.module).draw)
        except Exception:  # noqa: BLE001 - `make diagrams` reports a broken module
            return None
        nodes = [vars(n) for n in recording.nodes]
        steps = [vars(s) for s in recording.steps]
    source = stack.module.read_text(encoding="utf-8").splitlines()
    labels = {n["node_id"]: n["label"] for n in nodes}
    found = []
    for n in nodes:
        quoted = json.dumps(n["label"])
        line = next((i for i, text in enumerate(source, 1) if quoted in text), 1)
        found.append(Node(n["label"], n["service"], line))
    return found, [Step(s["number"], labels[s["source"]], labels[s["target"]]) for s in steps]


def references(value: Any) -> set[str]:
    """Logical IDs that ``value`` refers to through Ref, Fn::GetAtt or Fn::Sub."""
    found: set[str] = set()
    if isinstance(value, dict):
        for key, inner in value.items():
            if key == "Ref" and isinstance(inner, str):
                found.add(inner)
            elif key == "Fn::GetAtt":
                target = inner[0] if isinstance(inner, list) else str(inner).split(".")[0]
                found.add(str(target))
            elif key == "Fn::Sub":
                text = inner[0] if isinstance(inner, list) else inner
                found.update(m.split(".")[0] for m in re.findall(r"\$\{([^}!]+)\}", str(text)))
                found |= references(inner[1] if isinstance(inner, list) else None)
            else:
                found |= references(inner)
    elif isinstance(value, list):
        for inner in value:
            found |= references(inner)
    return {f for f in found if not f.startswith("AWS::")}


def execution_roles(resources: dict, function: str) -> set[str]:
    """The template's own roles that a function runs with (its ``Role`` property): part of
    the function, so a step its role grants (reading a queue, writing a table) is the
    function's step, whether or not the role is also bound to the node."""
    resource = resources.get(function) or {}
    if resource.get("Type") not in ("AWS::Serverless::Function", "AWS::Lambda::Function"):
        return set()
    role = (resource.get("Properties") or {}).get("Role")
    return {r for r in references(role) if (resources.get(r) or {}).get("Type") == "AWS::IAM::Role"}


def linked_owners(expanded: dict, authored: list[str]) -> set[frozenset[str]]:
    """Pairs of authored resources joined by a reference in the expanded template."""
    pairs = set()
    resources = expanded.get("Resources", {})
    for name, resource in resources.items():
        here = owner(name, authored)
        body = {k: v for k, v in resource.items() if k != "DependsOn"}
        for target in references(body):
            if target in resources:
                there = owner(target, authored)
                if there != here:
                    pairs.add(frozenset((here, there)))
    return pairs


def check(template: Template, expanded: dict | None) -> list[str]:
    """Every disagreement between the stack and its diagram, as ``path:line: message``."""
    stack = template.stack
    drawn = diagram_of(stack)
    if drawn is None:
        return [
            f"{stack.rel}:1: no diagram module {repo_relative(stack.module)} draws this stack: "
            "name the folder like its module (stacks/patterns/x/ for diagrams/patterns/x.py)"
        ]
    nodes, steps = drawn
    by_label = {n.label: n for n in nodes}
    problems = []
    section = template.metadata("Diagram")
    if not isinstance(section, Mapping):
        return [
            f"{template.where('Metadata')}: add 'Metadata: Diagram: Nodes:' binding each node of "
            f"{repo_relative(stack.module)} to its logical IDs"
        ]
    bound = section.get("Nodes") or Mapping()
    outside = section.get("Outside") or Mapping()
    if not isinstance(bound, Mapping) or not isinstance(outside, Mapping):
        return [f"{template.where('Metadata', 'Diagram')}: Nodes and Outside are mappings"]
    resources = template.resources
    for kind, table in (("Nodes", bound), ("Outside", outside)):
        for label in table:
            if label not in by_label:
                close = difflib.get_close_matches(str(label), list(by_label), n=1)
                hint = f" (did you mean {close[0]!r}?)" if close else ""
                problems.append(
                    f"{template.where('Metadata', 'Diagram', kind, label)}: {label!r} is not a "
                    f"node of {repo_relative(stack.module)}{hint}"
                )
    for label, ids in bound.items():
        where = template.where("Metadata", "Diagram", "Nodes", label)
        if not isinstance(ids, list) or not ids:
            problems.append(f"{where}: bind {label!r} to a list of logical IDs, e.g. [MyQueue]")
            continue
        for logical_id in ids:
            if logical_id not in resources:
                close = difflib.get_close_matches(str(logical_id), list(resources), n=1)
                hint = f" (did you mean {close[0]!r}?)" if close else ""
                problems.append(
                    f"{where}: node {label!r} is bound to {logical_id!r}, which is not a "
                    f"resource of this template{hint}"
                )
        if label in outside:
            problems.append(f"{where}: {label!r} is both bound and listed under Outside")
    for node in nodes:
        if services.is_aws(node.service) and node.label not in bound and node.label not in outside:
            problems.append(
                f"{template.where('Metadata', 'Diagram', 'Nodes')}: node {node.label!r} "
                f"({repo_relative(stack.module)}:{node.line}) is bound to no resource: list its "
                "logical IDs under Nodes, or say under Outside why the stack leaves it out"
            )
    implemented = {i for ids in bound.values() if isinstance(ids, list) for i in ids}
    for name, resource in resources.items():
        kind = DRAWABLE.get(resource["Type"])
        if kind and name not in implemented:
            problems.append(
                f"{template.where('Resources', name)}: {name} ({kind}) is not drawn: bind it to "
                f"the node of {repo_relative(stack.module)} it implements, or draw it"
            )
    if expanded is None or problems:
        return problems
    groups: dict[str, set[str]] = defaultdict(set)
    for label, ids in bound.items():
        groups[label].update(ids)
        groups[label].update(i for f in ids for i in execution_roles(resources, f))
    pairs = linked_owners(expanded, list(resources))
    for step in steps:
        if step.source not in groups or step.target not in groups or step.source == step.target:
            continue
        if not any(
            frozenset((a, b)) in pairs for a in groups[step.source] for b in groups[step.target]
        ):
            problems.append(
                f"{template.where('Metadata', 'Diagram', 'Nodes', step.source)}: step "
                f"{step.number} ({step.source} -> {step.target}, {repo_relative(stack.module)}) "
                f"has no reference between {sorted(groups[step.source])} and "
                f"{sorted(groups[step.target])} after the SAM transform: add the event source, "
                "integration, target, subscription, environment variable or IAM policy that "
                "makes the hop"
            )
    return problems
