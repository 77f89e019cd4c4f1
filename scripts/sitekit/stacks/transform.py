"""Expand a SAM template to plain CloudFormation offline, as `sam deploy` would in the cloud.

The SAM translator wants packaged code, so each function's local ``CodeUri`` is pointed at an
object in ``CODE_BUCKET`` first (the emulated deployment uploads the zipped folder there). It
needs no AWS account: the Region is given, and AWS managed policies are named by ARN only.
Results are cached under generated/stacks/ by the template's bytes and the translator's version,
so ``make check`` imports the translator only when a template changed.
"""

from __future__ import annotations

import copy
import functools
import hashlib
import importlib.metadata
import json
import logging
import re

from sitekit.paths import GENERATED, atomic_write
from sitekit.stacks import STACKS, StackError
from sitekit.stacks.template import Template

# The translator records usage metrics for AWS and, with nowhere to publish them offline,
# warns about them on every run of `make check`: noise, not a problem with a template.
logging.getLogger("samtranslator.metrics.metrics").setLevel(logging.ERROR)

REGION = "us-east-1"
CODE_BUCKET = "sitekit-stack-code"
CACHE = GENERATED / "stacks" / "transformed"


def code_key(stack_name: str, function: str) -> str:
    return f"{stack_name}/{function}.zip"


def packaged(template: Template) -> dict:
    """The template as plain data with every local CodeUri pointed at CODE_BUCKET."""
    data = json.loads(json.dumps(template.data))
    for name, resource in data["Resources"].items():
        properties = resource.get("Properties") or {}
        if resource["Type"] == "AWS::Serverless::Function" and isinstance(
            properties.get("CodeUri"), str
        ):
            properties["CodeUri"] = {
                "Bucket": CODE_BUCKET,
                "Key": code_key(template.stack.name, name),
            }
    return data


@functools.cache
def _translator_version() -> str:
    return importlib.metadata.version("aws-sam-translator")  # slow: read once, not per stack


def _cache_key(template: Template) -> str:
    version = _translator_version()
    digest = hashlib.sha256(f"{version}\n{CODE_BUCKET}\n{REGION}\n".encode())
    digest.update(template.text.encode("utf-8"))
    return digest.hexdigest()


def expand(template: Template) -> dict:
    """The template after the SAM transform; raises StackError at the line of the cause."""
    if template.stack.root != STACKS:  # a copy under test: never touch the real cache
        return _translate(template)
    key = _cache_key(template)
    cached = CACHE / f"{template.stack.stack_id}.json"
    if cached.exists():
        stored = json.loads(cached.read_text(encoding="utf-8"))
        if stored.get("key") == key:
            return stored["template"]
    result = _translate(template)
    atomic_write(cached, json.dumps({"key": key, "template": result}, sort_keys=True))
    return copy.deepcopy(result)


def _translate(template: Template) -> dict:
    import boto3.session
    from samtranslator.model.exceptions import InvalidDocumentException
    from samtranslator.parser.parser import Parser
    from samtranslator.translator.translator import Translator

    session = boto3.session.Session(region_name=REGION)
    translator = Translator(None, Parser(), boto_session=session)
    try:
        return translator.translate(
            packaged(template), parameter_values={}, get_managed_policy_map=lambda: {}
        )
    except InvalidDocumentException as exc:
        messages = [cause.message for cause in exc.causes] or [str(exc)]
        problems = []
        for message in messages:
            named = re.search(r"Resource with id \[([^\]]+)\]", message)
            where = template.where("Resources", named.group(1)) if named else template.where()
            problems.append(f"{where}: the SAM transform fails: {message}")
        raise StackError("\n".join(problems)) from None
    except Exception as exc:  # the translator's own bugs still name the template
        raise StackError(
            f"{template.where()}: the SAM transform fails: {type(exc).__name__}: {exc}"
        ) from None


def owner(logical_id: str, authored: list[str]) -> str:
    """The authored resource a transformed resource came from: itself, or the longest
    authored ID it starts with (``OrderFunctionRole`` came from ``OrderFunction``)."""
    if logical_id in authored:
        return logical_id
    prefixes = [a for a in authored if logical_id.startswith(a)]
    return max(prefixes, key=len) if prefixes else logical_id


def dependency_cycles(template: Template, expanded: dict) -> list[str]:
    """``path:line:`` for each set of resources that depend on each other in a circle, after
    the transform (Ref, Fn::GetAtt, ${Name} in Fn::Sub, DependsOn). CloudFormation refuses such
    a stack, but neither cfn-lint (inside SAM resources) nor moto notices."""
    from sitekit.stacks.agreement import references

    resources = expanded.get("Resources", {})
    edges: dict[str, set[str]] = {}
    for name, resource in resources.items():
        body = {k: v for k, v in resource.items() if k != "DependsOn"}
        depends = resource.get("DependsOn", [])
        depends = [depends] if isinstance(depends, str) else list(depends)
        edges[name] = (references(body) | set(depends)) & set(resources)
    # Tarjan's strongly connected components, iteratively.
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []
    counter = 0
    for root in sorted(edges):
        if root in index:
            continue
        work = [(root, iter(sorted(edges[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1 or node in edges[node]:
                    cycles.append(sorted(component))
    authored = list(template.resources)
    problems = []
    for component in cycles:
        owners = sorted({owner(c, authored) for c in component})
        problems.append(
            f"{template.where('Resources', owners[0])}: dependency cycle between "
            f"{', '.join(component)}: CloudFormation cannot create any of them first. A log "
            "group named after its function (/aws/lambda/${Function}) whose role names that "
            "group is the usual one: name the group otherwise and set the function's "
            "LoggingConfig: LogGroup"
        )
    return problems
