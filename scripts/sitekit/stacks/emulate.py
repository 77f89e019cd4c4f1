"""Deploy an expanded template into moto's CloudFormation (in-process, no AWS account).

moto reports CREATE_COMPLETE even for resource types it cannot create (it only warns), so a
status proves nothing for those: each type moto lacks is reported by name as skipped, and
every other resource is described through boto3 to prove it exists. moto's CloudFormation
also ignores a REST API's OpenAPI ``Body``, so the API has no methods and its deployment
fails; such deployments are skipped and reported the same way.
"""

from __future__ import annotations

import contextlib
import io
import json
import logging
import os
import warnings
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from sitekit.stacks import StackError
from sitekit.stacks.template import Template
from sitekit.stacks.transform import CODE_BUCKET, REGION, code_key

FAKE_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": REGION,
    "AWS_REGION": REGION,
}
SKIPPED_PREFIX = "Sitekit::NotEmulated::"

# How to prove a resource exists: client, operation, and the parameter given the physical ID.
DESCRIBE = {
    "AWS::Lambda::Function": ("lambda", "get_function", "FunctionName"),
    "AWS::Lambda::EventSourceMapping": ("lambda", "get_event_source_mapping", "UUID"),
    # A published version (SAM's AutoPublishAlias): see _describe_version.
    "AWS::Lambda::Version": None,
    "AWS::DynamoDB::Table": ("dynamodb", "describe_table", "TableName"),
    "AWS::SQS::Queue": ("sqs", "get_queue_attributes", "QueueUrl"),
    "AWS::SNS::Topic": ("sns", "get_topic_attributes", "TopicArn"),
    "AWS::S3::Bucket": ("s3", "head_bucket", "Bucket"),
    "AWS::IAM::Role": ("iam", "get_role", "RoleName"),
    "AWS::Logs::LogGroup": ("logs", "describe_log_groups", "logGroupNamePrefix"),
    "AWS::Events::EventBus": ("events", "describe_event_bus", "Name"),
    "AWS::Events::Rule": ("events", "describe_rule", "Name"),
    "AWS::StepFunctions::StateMachine": (
        "stepfunctions",
        "describe_state_machine",
        "stateMachineArn",
    ),
    "AWS::Kinesis::Stream": ("kinesis", "describe_stream_summary", "StreamName"),
    "AWS::ApiGateway::RestApi": ("apigateway", "get_rest_api", "restApiId"),
    "AWS::Lambda::Permission": None,  # a statement in the function's policy: see below
    "AWS::IAM::Policy": None,  # an inline policy of the roles described above: see below
    "AWS::SQS::QueuePolicy": None,  # attributes of a queue described above
    "AWS::SNS::Subscription": None,
}


@dataclass
class Deployment:
    """What the emulated deployment did with each resource of the expanded template."""

    status: str = ""
    stack_name: str = ""
    physical: dict[str, str] = field(default_factory=dict)  # logical -> physical ID
    skipped: dict[str, str] = field(default_factory=dict)  # type -> why it was not emulated
    problems: list[str] = field(default_factory=list)
    environments: dict[str, dict[str, str]] = field(default_factory=dict)  # function env vars

    @property
    def full(self) -> bool:
        return not self.skipped and not self.problems


def zip_folder(folder: Path) -> bytes:
    """A deterministic zip of ``folder``'s files (what `sam build` would package, minus
    dependencies: the handlers need only the runtime's boto3)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            if "__pycache__" in path.parts:
                continue
            info = zipfile.ZipInfo(path.relative_to(folder).as_posix(), (1980, 1, 1, 0, 0, 0))
            info.external_attr = 0o644 << 16
            archive.writestr(info, path.read_bytes())
    return buffer.getvalue()


_SESSION = None


def _clients(boto3):
    """One botocore session for every emulated deployment: moto resets boto3's default
    session each time, which would load every service model again (a tenth of a second each)."""
    global _SESSION
    if _SESSION is None:
        _SESSION = boto3.session.Session(region_name=REGION)
    made: dict = {}

    def client(service: str):
        if service not in made:
            made[service] = _SESSION.client(service)
        return made[service]

    return client


def _unsupported(types: set[str]) -> dict[str, str]:
    """The types moto's CloudFormation cannot create, each with the reason: those it has no
    model for (it logs "No Moto CloudFormation support" and still reports CREATE_COMPLETE)
    and those it only stubs (it accepts them and creates nothing)."""
    from moto.cloudformation.parsing import NULL_MODELS, get_model_map

    known = get_model_map()
    reasons = {}
    for kind in types:
        if kind in NULL_MODELS:
            reasons[kind] = "moto's CloudFormation only stubs this type: it creates nothing"
        elif kind not in known:
            reasons[kind] = "moto's CloudFormation has no model for this type"
    return reasons


@contextlib.contextmanager
def emulated_account() -> Iterator:
    """A fresh moto account for as long as the block runs; yields a function that returns a
    boto3 client for a service. Many stacks can be deployed into one account."""
    os.environ.update(FAKE_CREDENTIALS)
    import boto3
    from moto import mock_aws

    # moto warns about each type it lacks; deploy_into reports those as skipped.
    quiet = logging.getLogger("moto").level
    logging.getLogger("moto").setLevel(logging.ERROR)
    try:
        with warnings.catch_warnings(), mock_aws():
            warnings.simplefilter("ignore", UserWarning)
            client = _clients(boto3)
            client("s3").create_bucket(Bucket=CODE_BUCKET)
            yield client
    finally:
        logging.getLogger("moto").setLevel(quiet)


def deploy_into(client, template: Template, expanded: dict) -> Deployment:
    """Deploy ``expanded`` into the active emulated account and describe every resource."""
    with warnings.catch_warnings():  # moto warns per type it lacks: result.skipped has them
        warnings.simplefilter("ignore", UserWarning)
        return _deploy_into(client, template, expanded)


def _deploy_into(client, template: Template, expanded: dict) -> Deployment:
    stack = template.stack
    body = json.loads(json.dumps(expanded))
    # Outputs are for readers; moto fails on one that reads an attribute of a skipped type.
    body.pop("Outputs", None)
    resources = body["Resources"]
    result = Deployment()
    for resource in resources.values():
        if resource["Type"] == "AWS::ApiGateway::Deployment":
            result.skipped[resource["Type"]] = (
                "moto's CloudFormation ignores the REST API's OpenAPI Body, so there are no "
                "methods to deploy"
            )
            resource["Type"] = SKIPPED_PREFIX + "ApiGatewayDeployment"
    for kind, reason in sorted(_unsupported({r["Type"] for r in resources.values()}).items()):
        if not kind.startswith(SKIPPED_PREFIX):
            result.skipped[kind] = reason
    skipped = {
        n
        for n, r in resources.items()
        if r["Type"] in result.skipped or r["Type"].startswith(SKIPPED_PREFIX)
    }
    # Other dependants of a skipped resource are skipped on a second attempt (see _create);
    # roles and functions never are, so they get stand-ins instead.
    for name, resource in resources.items():
        if resource["Type"] in ("AWS::IAM::Role", "AWS::Lambda::Function") and name not in skipped:
            _placeholder_attributes(resource.get("Properties") or {}, skipped)
    for name, resource in template.resources.items():
        uri = (resource.get("Properties") or {}).get("CodeUri")
        if resource["Type"] == "AWS::Serverless::Function" and isinstance(uri, str):
            code = zip_folder(stack.folder / uri)
            client("s3").put_object(Bucket=CODE_BUCKET, Key=code_key(stack.name, name), Body=code)
    cloudformation = client("cloudformation")
    stack_name = result.stack_name = _create(cloudformation, template, body, result)
    try:
        described = cloudformation.describe_stacks(StackName=stack_name)["Stacks"][0]
    except Exception as exc:  # noqa: BLE001 - moto's own errors surface here too
        raise StackError(f"{template.where()}: moto cannot describe the stack: {exc}") from None
    result.status = described["StackStatus"]
    for item in cloudformation.describe_stack_resources(StackName=stack_name)["StackResources"]:
        if "PhysicalResourceId" in item:
            result.physical[item["LogicalResourceId"]] = item["PhysicalResourceId"]
    for name, resource in resources.items():
        kind = resource["Type"]
        if kind.startswith(SKIPPED_PREFIX) or kind in result.skipped:
            continue
        _describe(client, name, resource, result)
    for name, resource in resources.items():
        if resource["Type"] == "AWS::Lambda::Function" and name in result.physical:
            config = client("lambda").get_function_configuration(FunctionName=result.physical[name])
            result.environments[name] = (config.get("Environment") or {}).get("Variables", {})
    return result


def _parameters(body: dict) -> list[dict[str, str]]:
    """A value for each parameter without a default, as a reader would type one (a secret
    of the minimum length, say)."""
    values = []
    for name, spec in (body.get("Parameters") or {}).items():
        if "Default" not in spec:
            value = "emulated-" + name.lower()
            value = value.ljust(int(spec.get("MinLength", 0)), "x")
            values.append({"ParameterKey": name, "ParameterValue": value})
    return values


def _create(cloudformation, template: Template, body: dict, result: Deployment) -> str:
    """Create the stack; when moto fails on a resource that takes its input from one moto
    cannot create (an event source mapping reading a stream consumer), skip that resource
    too, say why, and try once more under a new name."""
    from sitekit.stacks.agreement import references

    capabilities = ["CAPABILITY_IAM", "CAPABILITY_NAMED_IAM", "CAPABILITY_AUTO_EXPAND"]
    resources = body["Resources"]
    for attempt in (1, 2):
        name = template.stack.name if attempt == 1 else f"{template.stack.name}-retry"
        try:
            cloudformation.create_stack(
                StackName=name,
                TemplateBody=json.dumps(body),
                Capabilities=capabilities,
                Parameters=_parameters(body),
            )
            return name
        except Exception as exc:  # noqa: BLE001 - moto raises its own and botocore errors
            unsupported = {n for n, r in resources.items() if r["Type"] in result.skipped}
            dependent = {
                n: sorted(references(r.get("Properties")) & unsupported)
                for n, r in resources.items()
                if n not in unsupported
                and references(r.get("Properties")) & unsupported
                and not r["Type"].startswith(SKIPPED_PREFIX)
                and r["Type"] not in ("AWS::IAM::Role", "AWS::Lambda::Function")
            }
            if attempt == 2 or not dependent:
                raise StackError(
                    f"{template.where()}: moto could not create the stack: {exc}"
                ) from None
            for dependant, sources in dependent.items():
                kind = resources[dependant]["Type"]
                result.skipped[f"{kind} {dependant}"] = (
                    f"{dependant} takes its input from {', '.join(sources)}, "
                    "which moto cannot create"
                )
                resources[dependant]["Type"] = SKIPPED_PREFIX + kind.replace("::", "")
    raise AssertionError("unreachable")


def _placeholder_attributes(value, skipped: set[str]):
    """Replace, in place, each ``Fn::GetAtt`` of a resource moto cannot create with a string
    naming it: moto fails the whole stack on such a GetAtt (a function's environment reading
    a cache endpoint, a role naming a guardrail). The resource itself is still reported as
    skipped."""
    if isinstance(value, dict):
        items = list(value.items())
    elif isinstance(value, list):
        items = list(enumerate(value))
    else:
        return
    for key, inner in items:
        if isinstance(inner, dict) and set(inner) == {"Fn::GetAtt"}:
            target = inner["Fn::GetAtt"]
            name, attribute = target if isinstance(target, list) else target.split(".", 1)
            if name in skipped:
                value[key] = f"emulated-{name}-{attribute}"
                continue
        _placeholder_attributes(inner, skipped)


def _describe(client, name: str, resource: dict, result: Deployment) -> None:
    kind = resource["Type"]
    if kind == "AWS::Lambda::Permission":
        _describe_permission(client, name, resource, result)
        return
    if kind == "AWS::Lambda::Version":
        _describe_version(client, name, resource, result)
        return
    if kind == "AWS::IAM::Policy":
        _describe_inline_policy(client, name, resource, result)
        return
    if kind not in DESCRIBE:
        result.problems.append(f"{name} ({kind}): no way to describe this type: add it to DESCRIBE")
        return
    if DESCRIBE[kind] is None:
        return
    physical = result.physical.get(name)
    if physical is None and kind == "AWS::Events::EventBus":
        # moto keeps no physical ID for a bus: find it by the name it resolved.
        buses = client("events").list_event_buses()["EventBuses"]
        claimed = set(result.physical.values())
        found = [
            b["Name"]
            for b in buses
            if b["Name"].startswith(f"{result.stack_name}-") and b["Name"] not in claimed
        ]
        if found:
            result.physical[name] = found[0]
            return
    if physical is None:
        result.problems.append(f"{name} ({kind}): moto created no physical resource")
        return
    service, operation, parameter = DESCRIBE[kind]
    service_client = client(service)
    if kind == "AWS::Events::Rule":  # a rule is found on its bus: look on each one
        buses = [b["Name"] for b in service_client.list_event_buses()["EventBuses"]]
        if any(
            service_client.list_rules(EventBusName=b, NamePrefix=physical)["Rules"] for b in buses
        ):
            return
    try:
        answer = getattr(service_client, operation)(**{parameter: physical})
    except Exception as exc:  # noqa: BLE001 - any error means the resource is not there
        result.problems.append(f"{name} ({kind}): {operation} failed: {exc}")
        return
    if kind == "AWS::Logs::LogGroup" and not any(
        g["logGroupName"] == physical for g in answer.get("logGroups", [])
    ):
        result.problems.append(f"{name} ({kind}): no log group {physical!r}")


def _describe_inline_policy(client, name: str, resource: dict, result: Deployment) -> None:
    """An AWS::IAM::Policy exists when each role it names holds a policy of its name."""
    from sitekit.stacks.agreement import references

    properties = resource.get("Properties") or {}
    policy = properties.get("PolicyName")
    for role in sorted(references(properties.get("Roles"))):
        role_name = result.physical.get(role)
        held = (
            client("iam").list_role_policies(RoleName=role_name)["PolicyNames"] if role_name else []
        )
        if policy not in held:
            result.problems.append(f"{name} (AWS::IAM::Policy): role {role} holds no {policy!r}")


def _describe_version(client, name: str, resource: dict, result: Deployment) -> None:
    """moto gives a version no physical ID: find a published version of its function and
    record its qualified ARN as the version's physical ID."""
    from sitekit.stacks.agreement import references

    functions = references((resource.get("Properties") or {}).get("FunctionName"))
    physical = [result.physical[f] for f in functions if f in result.physical]
    versions = []
    for function in physical:
        listed = client("lambda").list_versions_by_function(FunctionName=function)["Versions"]
        versions += [v["FunctionArn"] for v in listed if v["Version"] != "$LATEST"]
    if not versions:
        result.problems.append(f"{name} (AWS::Lambda::Version): no published version")
    else:
        result.physical.setdefault(name, versions[-1])


def _describe_permission(client, name: str, resource: dict, result: Deployment) -> None:
    """moto gives a permission no physical ID: find its statement in the function's policy."""
    from sitekit.stacks.agreement import references

    properties = resource.get("Properties") or {}
    functions = [
        result.physical[f]
        for f in references(properties.get("FunctionName"))
        if f in result.physical
    ]
    if not functions:
        result.problems.append(f"{name} (AWS::Lambda::Permission): its function was not created")
        return
    try:
        policy = json.loads(client("lambda").get_policy(FunctionName=functions[0])["Policy"])
    except Exception as exc:  # noqa: BLE001 - no policy means no permission
        result.problems.append(f"{name} (AWS::Lambda::Permission): get_policy failed: {exc}")
        return
    principal = properties.get("Principal")
    if not any(
        principal in json.dumps(statement.get("Principal")) for statement in policy["Statement"]
    ):
        result.problems.append(f"{name} (AWS::Lambda::Permission): no statement for {principal}")
    else:
        result.physical.setdefault(name, f"{functions[0]} policy")


def deploy(template: Template, expanded: dict) -> Deployment:
    """Deploy and describe in an account of its own, then tear the account down."""
    with emulated_account() as client:
        return deploy_into(client, template, expanded)
