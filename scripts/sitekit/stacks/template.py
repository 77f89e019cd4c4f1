"""Read a SAM template with the line of every key, so each problem can name its line.

CloudFormation's short tags (``!Ref``, ``!Sub``, ``!GetAtt`` ...) become their long forms
(``{"Ref": ...}``), as the SAM translator and CloudFormation read them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from sitekit.stacks import StackError, StackPaths

# Short tags and the intrinsic function each stands for.
TAGS = {
    "!Ref": "Ref",
    "!Condition": "Condition",
    "!GetAZs": "Fn::GetAZs",
    "!Base64": "Fn::Base64",
    "!Cidr": "Fn::Cidr",
    "!FindInMap": "Fn::FindInMap",
    "!GetAtt": "Fn::GetAtt",
    "!ImportValue": "Fn::ImportValue",
    "!Join": "Fn::Join",
    "!Select": "Fn::Select",
    "!Split": "Fn::Split",
    "!Sub": "Fn::Sub",
    "!Transform": "Fn::Transform",
    "!And": "Fn::And",
    "!Equals": "Fn::Equals",
    "!If": "Fn::If",
    "!Not": "Fn::Not",
    "!Or": "Fn::Or",
    "!ToJsonString": "Fn::ToJsonString",
    "!Length": "Fn::Length",
}


class Mapping(dict):
    """A YAML mapping that remembers the 1-based line of each of its keys."""

    lines: dict[str, int]
    line: int


# The C parser when PyYAML has it (ten times faster: `make check` reads every template).
class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    pass


def _mapping(loader: _Loader, node: yaml.MappingNode) -> Mapping:
    loader.flatten_mapping(node)
    result = Mapping()
    result.lines = {}
    result.line = node.start_mark.line + 1
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in result:
            raise yaml.MarkedYAMLError(
                problem=f"duplicate key {key!r}", problem_mark=key_node.start_mark
            )
        result[key] = loader.construct_object(value_node, deep=True)
        result.lines[key] = key_node.start_mark.line + 1
    return result


def _intrinsic(name: str):
    def construct(loader: _Loader, node: yaml.Node) -> dict:
        if isinstance(node, yaml.ScalarNode):
            value: Any = loader.construct_scalar(node)
            if name == "Fn::GetAtt":
                value = value.split(".", 1)
        elif isinstance(node, yaml.SequenceNode):
            value = loader.construct_sequence(node, deep=True)
        else:
            value = _mapping(loader, node)
        return {name: value}

    return construct


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)
for _tag, _name in TAGS.items():
    _Loader.add_constructor(_tag, _intrinsic(_name))


@dataclass
class Template:
    """A stack's template as read from disk: the data, and where each part of it is."""

    stack: StackPaths
    data: Mapping
    text: str = field(repr=False)

    @property
    def resources(self) -> Mapping:
        resources = self.data.get("Resources")
        return resources if isinstance(resources, Mapping) else Mapping()

    def line(self, *keys: str) -> int:
        """Line of the deepest key of ``keys`` that exists (``line("Resources", "Queue")``)."""
        node: Any = self.data
        found = 1
        for key in keys:
            if not isinstance(node, Mapping) or key not in node:
                break
            found = node.lines[key]
            node = node[key]
        return found

    def where(self, *keys: str) -> str:
        return f"{self.stack.rel}:{self.line(*keys)}"

    def metadata(self, *keys: str) -> Any:
        node: Any = self.data.get("Metadata", {})
        for key in keys:
            node = node.get(key) if isinstance(node, dict) else None
        return node


def load(stack: StackPaths) -> Template:
    """Read and parse ``stack``'s template; raise StackError naming the line of a YAML error."""
    try:
        text = stack.template.read_text(encoding="utf-8")
    except OSError as exc:
        raise StackError(f"{stack.rel}:1: cannot read the template: {exc.strerror}") from None
    try:
        data = yaml.load(text, Loader=_Loader)  # noqa: S506 - a SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        raise StackError(f"{stack.rel}:{line}: not valid YAML: {exc.problem}") from None
    except yaml.YAMLError as exc:
        raise StackError(f"{stack.rel}:1: not valid YAML: {exc}") from None
    if not isinstance(data, Mapping) or not isinstance(data.get("Resources"), Mapping):
        raise StackError(f"{stack.rel}:1: a template is a mapping with a 'Resources' section")
    for name, resource in data["Resources"].items():
        if not isinstance(resource, Mapping) or not isinstance(resource.get("Type"), str):
            line = data["Resources"].lines[name]
            raise StackError(f"{stack.rel}:{line}: resource {name!r} needs a 'Type'")
    return Template(stack, data, text)


def dangling_references(template: Template) -> list[str]:
    """``path:line:`` for each Ref, Fn::GetAtt or ${Name} in Fn::Sub that names no resource,
    parameter or pseudo parameter (cfn-lint misses these inside SAM resources)."""
    known = set(template.resources) | set(template.data.get("Parameters") or {})
    # SAM names a function's URL <Function>Url (FunctionUrlConfig).
    known |= {
        f"{name}Url"
        for name, resource in template.resources.items()
        if "FunctionUrlConfig" in (resource.get("Properties") or {})
    }
    problems: list[str] = []

    def check(name: str, line: int, local: set[str]) -> None:
        if name.startswith("AWS::") or name in known or name in local:
            return
        problems.append(
            f"{template.stack.rel}:{line}: {name!r} is referenced but is not a resource or "
            "parameter of this template"
        )

    def walk(node: Any, line: int) -> None:
        if isinstance(node, dict):
            lines = getattr(node, "lines", {})
            for key, value in node.items():
                here = lines.get(key, line)
                if key == "Ref" and isinstance(value, str):
                    # SAM's `!Ref Function.Version` and `!Ref Function.Alias` (AutoPublishAlias)
                    # and `!Ref Api.Stage` name resources SAM generates from the named one.
                    name = value
                    if value.endswith((".Version", ".Alias", ".Stage")):
                        name = value.rsplit(".", 1)[0]
                    check(name, here, set())
                elif key == "Fn::GetAtt":
                    target = value[0] if isinstance(value, list) else str(value).split(".")[0]
                    check(str(target), here, set())
                elif key == "Fn::Sub":
                    text, local = (
                        (value[0], set(value[1])) if isinstance(value, list) else (value, set())
                    )
                    for name in re.findall(r"\$\{([^}!]+)\}", str(text)):
                        check(name.split(".")[0], here, local)
                    if isinstance(value, list):
                        walk(value[1], here)
                else:
                    walk(value, here)
        elif isinstance(node, list):
            for item in node:
                walk(item, line)

    for section in ("Resources", "Outputs", "Conditions"):
        walk(template.data.get(section) or {}, template.line(section))
    return problems
