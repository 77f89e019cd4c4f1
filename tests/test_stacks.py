"""The AWS SAM stack behind every diagram: it agrees with its diagram, is safe, lints clean,
deploys into moto's emulated CloudFormation, and its handlers do their step.

Each template is read and expanded once and each stack deployed once, into one emulated
account shared by the whole module (fixtures below), to keep `make test` fast. Handler tests
in tests/test_stacks_handlers.py use the same deployments through ``stack_world``.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

pytest.register_assert_rewrite("stack_world")
from stack_world import IDS, STACKS, load_handler, stack_paths  # noqa: E402

from sitekit.stacks import StackError, StackPaths, agreement, safety  # noqa: E402
from sitekit.stacks.cli import missing_stacks, page_problems, prepare  # noqa: E402
from sitekit.stacks.lint import lint  # noqa: E402
from sitekit.stacks.publish import stack_zip  # noqa: E402
from sitekit.stacks.template import dangling_references, load  # noqa: E402
from sitekit.stacks.transform import dependency_cycles  # noqa: E402

# One pytest-xdist worker runs this module: lints, expands and deploys every stack once (session fixtures).
pytestmark = pytest.mark.xdist_group("stacks")

ROOT = Path(__file__).resolve().parents[1]
pytest_plugins = ["stack_world"]  # the shared, once-per-session fixtures


def test_every_diagram_has_a_stack_and_every_stack_a_diagram():
    assert missing_stacks() == []
    assert len(STACKS) == len(list((ROOT / "diagrams").rglob("*.py")))


@pytest.mark.parametrize("stack_id", IDS)
def test_reads_and_expands(prepared, stack_id):
    assert prepared[stack_id].problems == []
    assert prepared[stack_id].expanded["Resources"]


@pytest.mark.parametrize("stack_id", IDS)
def test_agrees_with_its_diagram(prepared, stack_id):
    stack = prepared[stack_id]
    assert agreement.check(stack.template, stack.expanded) == []
    assert page_problems(stack.stack) == []


@pytest.mark.parametrize("stack_id", IDS)
def test_is_safe(prepared, stack_id):
    stack = prepared[stack_id]
    assert safety.check(stack.template, stack.expanded) == []


@pytest.mark.parametrize("stack_id", IDS)
def test_lints_clean(lints, stack_id):
    assert lints[stack_id] == []


@pytest.mark.parametrize("stack_id", IDS)
def test_uses_the_newest_python_runtime_on_arm64(prepared, stack_id):
    functions = [
        r["Properties"]
        for r in prepared[stack_id].expanded["Resources"].values()
        if r["Type"] == "AWS::Lambda::Function"
    ]
    for function in functions:
        assert function["Runtime"] == "python3.14"
        assert function["Architectures"] == ["arm64"]


@pytest.mark.parametrize("stack_id", IDS)
def test_deploys_in_moto(deployments, prepared, stack_id):
    """CREATE_COMPLETE, and every resource moto can create is described through boto3. The
    types moto cannot create are listed by name in a visible skip, never dropped."""
    result = deployments(stack_id)
    assert result.status == "CREATE_COMPLETE"
    assert result.problems == []
    expanded = prepared[stack_id].expanded["Resources"]
    # moto keeps no record of these: they live inside a role, queue or topic described above.
    inside = {"AWS::IAM::Policy", "AWS::SQS::QueuePolicy", "AWS::SNS::Subscription"}
    described = [
        n
        for n, r in expanded.items()
        if not _skipped(r["Type"], n, result) and r["Type"] not in inside
    ]
    assert [n for n in described if n not in result.physical] == []
    if result.skipped:
        reasons = "; ".join(f"{kind} ({why})" for kind, why in sorted(result.skipped.items()))
        pytest.skip(f"{stack_id}: deployed, but moto does not emulate: {reasons}")


def _skipped(kind: str, name: str, result) -> bool:
    return kind in result.skipped or f"{kind} {name}" in result.skipped


@pytest.mark.parametrize("stack_id", IDS)
def test_every_function_imports(deployments, prepared, stack_id):
    result = deployments(stack_id)
    template = prepared[stack_id].template
    for name, resource in template.resources.items():
        if resource["Type"] == "AWS::Serverless::Function":
            assert callable(load_handler(stack_id, name, result).handler)


@pytest.mark.parametrize("stack_id", IDS)
def test_zip_is_byte_identical_wherever_it_is_built(tmp_path, stack_id):
    original = stack_paths(stack_id)
    copy = tmp_path / "stacks" / stack_id
    shutil.copytree(original.folder, copy, ignore=shutil.ignore_patterns("__pycache__"))
    for path in copy.rglob("*"):  # other dates and modes, as on another machine
        path.chmod(0o755 if path.is_dir() else 0o600)
    rebuilt = stack_zip(StackPaths(copy, tmp_path / "stacks"))
    assert rebuilt == stack_zip(original)
    assert rebuilt == stack_zip(original)


# --- Bad input: each names its file and line -----------------------------------------------


@pytest.fixture
def broken(tmp_path):
    """A copy of the backend API stack to break; returns (StackPaths, template text)."""
    copy = tmp_path / "stacks" / "patterns" / "backend-api"
    shutil.copytree(stack_paths("patterns/backend-api").folder, copy)
    stack = StackPaths(copy, tmp_path / "stacks")
    return stack, stack.template.read_text(encoding="utf-8")


def _line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


def test_yaml_error_names_its_line(broken):
    stack, text = broken
    bad = text.replace("  OrdersTable:\n", "  OrdersTable: [\n", 1)
    stack.template.write_text(bad)
    with pytest.raises(StackError, match=r"template\.yaml:\d+: not valid YAML") as raised:
        load(stack)
    line = int(str(raised.value).split(".yaml:")[1].split(":")[0])
    assert abs(line - _line_of(bad, "OrdersTable: [")) <= 2  # YAML notices a line or two on


def test_binding_to_a_missing_logical_id(broken):
    stack, text = broken
    bad = text.replace("Orders table: [OrdersTable]", "Orders table: [OrderTable]")
    stack.template.write_text(bad)
    problems = agreement.check(load(stack), None)
    line = _line_of(bad, "Orders table: [OrderTable]")
    assert any(
        p.startswith(f"{stack.rel}:{line}: ") and "'OrderTable'" in p and "OrdersTable" in p
        for p in problems
    ), problems


def test_undrawn_resource_and_unbound_node(broken):
    stack, text = broken
    bad = text.replace("      Orders table: [OrdersTable]\n", "")
    stack.template.write_text(bad)
    problems = agreement.check(load(stack), None)
    line = _line_of(bad, "  OrdersTable:")
    assert any(
        p.startswith(f"{stack.rel}:{line}: OrdersTable (table) is not drawn") for p in problems
    )
    assert any("node 'Orders table'" in p and "bound to no resource" in p for p in problems)


def test_step_without_a_reference(broken):
    """Once the environment variable is gone, only the function's role links it to the table.
    No node binds the role: the check follows the function's Role property. Take the table
    out of the role and step 3 has no reference left."""
    stack, text = broken
    assert "[OrderFunctionRole" not in text and ", OrderFunctionRole" not in text
    unnamed = text.replace(
        "          TABLE_NAME: !Ref OrdersTable\n", "          TABLE_NAME: orders\n"
    )
    stack.template.write_text(unnamed)
    assert agreement.check(load(stack), prepare(stack).expanded) == []
    bad = unnamed.replace(
        "Resource: !GetAtt OrdersTable.Arn",
        'Resource: !Sub "arn:${AWS::Partition}:dynamodb:${AWS::Region}:${AWS::AccountId}:table/x"',
    )
    stack.template.write_text(bad)
    problems = agreement.check(load(stack), prepare(stack).expanded)
    line = _line_of(bad, "Order function: [OrderFunction]")
    assert any(
        p.startswith(f"{stack.rel}:{line}: step 3 (Order function -> Orders table")
        for p in problems
    ), problems


def test_unknown_type_fails_the_lint(broken):
    stack, text = broken
    bad = text.replace("Type: AWS::DynamoDB::Table", "Type: AWS::DynamoDB::Tabel")
    stack.template.write_text(bad)
    line = _line_of(bad, "AWS::DynamoDB::Tabel")
    assert any(p.startswith(f"{stack.rel}:{line}: cfn-lint E3006") for p in lint(stack))


def test_dangling_references_fail_the_check(broken):
    stack, text = broken
    bad = text.replace("TABLE_NAME: !Ref OrdersTable", "TABLE_NAME: !Ref OrdersTabel").replace(
        "!GetAtt OrdersApiAccessLogs.Arn", "!GetAtt OrdersApiAccessLog.Arn"
    )
    stack.template.write_text(bad)
    problems = dangling_references(load(stack))
    assert problems == [
        f"{stack.rel}:{_line_of(bad, 'DestinationArn')}: 'OrdersApiAccessLog' is referenced but "
        "is not a resource or parameter of this template",
        f"{stack.rel}:{_line_of(bad, '!Ref OrdersTabel')}: 'OrdersTabel' is referenced but is "
        "not a resource or parameter of this template",
    ]


@pytest.mark.parametrize("stack_id", IDS)
def test_no_dangling_references(prepared, stack_id):
    assert dangling_references(prepared[stack_id].template) == []


@pytest.mark.parametrize("stack_id", IDS)
def test_no_dependency_cycles(prepared, stack_id):
    stack = prepared[stack_id]
    assert dependency_cycles(stack.template, stack.expanded) == []


def test_log_group_named_after_its_function_is_a_cycle(broken):
    """The role names the log group, so a group named after the function closes a circle
    (function -> role -> group -> function) that cfn-lint and moto both let through."""
    stack, text = broken
    bad = text.replace(
        "LogGroupName: !Sub /aws/lambda/${AWS::StackName}/OrderFunction",
        "LogGroupName: !Sub /aws/lambda/${OrderFunction}",
    )
    stack.template.write_text(bad)
    prepared = prepare(stack)
    assert dependency_cycles(prepared.template, prepared.expanded) == [
        f"{stack.rel}:{_line_of(bad, '  OrderFunction:')}: dependency cycle between "
        "OrderFunction, OrderFunctionLogs, OrderFunctionRole: CloudFormation cannot create any "
        "of them first. A log group named after its function (/aws/lambda/${Function}) whose "
        "role names that group is the usual one: name the group otherwise and set the "
        "function's LoggingConfig: LogGroup"
    ]


def test_wildcard_policy_is_unsafe(broken):
    stack, text = broken
    bad = text.replace(
        "                Action: dynamodb:PutItem\n                Resource: !GetAtt OrdersTable.Arn",
        '                Action: dynamodb:*\n                Resource: "*"',
    )
    stack.template.write_text(bad)
    problems = safety.check(load(stack), prepare(stack).expanded)
    line = _line_of(bad, "  OrderFunctionRole:")
    assert any(p.startswith(f"{stack.rel}:{line}: IAM action 'dynamodb:*'") for p in problems)
    assert any(p.startswith(f"{stack.rel}:{line}: IAM resource '*'") for p in problems)


def test_function_on_sams_automatic_role_is_unsafe(broken):
    """Without `Role:`, SAM gives the function a role with AWSLambdaBasicExecutionRole, whose
    log actions reach every log group."""
    stack, text = broken
    bad = text.replace("      Role: !GetAtt OrderFunctionRole.Arn\n", "").replace(
        "  OrderFunctionRole:", "  UnusedRole:"
    )
    stack.template.write_text(bad)
    problems = safety.check(load(stack), prepare(stack).expanded)
    line = _line_of(bad, "  OrderFunction:")
    assert f"{stack.rel}:{line}: function without an explicit role" in "\n".join(problems)
    assert any(
        p.startswith(f"{stack.rel}:{line}: managed policy 'AWSLambdaBasicExecutionRole'")
        for p in problems
    )


def test_policies_beside_an_explicit_role_are_reported(broken):
    stack, text = broken
    bad = text.replace(
        "      Role: !GetAtt OrderFunctionRole.Arn\n",
        "      Role: !GetAtt OrderFunctionRole.Arn\n      Policies:\n"
        "        - DynamoDBWritePolicy:\n            TableName: !Ref OrdersTable\n",
    )
    stack.template.write_text(bad)
    problems = safety.check(load(stack), prepare(stack).expanded)
    assert problems == [
        f"{stack.rel}:{_line_of(bad, '  OrderFunction:')}: Policies on a function with an "
        "explicit Role: SAM ignores them, so they grant nothing; write the statements in the role"
    ]


def test_role_logging_elsewhere_or_with_a_managed_policy_is_unsafe(broken):
    stack, text = broken
    bad = text.replace(
        "Resource: !GetAtt OrderFunctionLogs.Arn", "Resource: !GetAtt OrdersApiAccessLogs.Arn"
    ).replace(
        "      Policies:\n        - PolicyName: order-function",
        "      ManagedPolicyArns:\n"
        '        - !Sub "arn:${AWS::Partition}:iam::aws:policy/service-role/'
        'AWSLambdaBasicExecutionRole"\n'
        "      Policies:\n        - PolicyName: order-function",
    )
    stack.template.write_text(bad)
    problems = safety.check(load(stack), prepare(stack).expanded)
    where = f"{stack.rel}:{_line_of(bad, '  OrderFunctionRole:')}: "
    assert where + "a function's role attaches a managed policy: write it inline" in problems
    assert any(
        p.startswith(where + "managed policy 'AWSLambdaBasicExecutionRole' is not allowed")
        for p in problems
    )
    assert any(
        p.startswith(where + "logs:CreateLogStream, logs:PutLogEvents on something other than")
        for p in problems
    )
    assert any(p.startswith(where + "the role cannot write its function's logs") for p in problems)


def test_unencrypted_queue_and_public_bucket_are_unsafe(tmp_path):
    copy = tmp_path / "stacks" / "patterns" / "event-driven"
    shutil.copytree(stack_paths("patterns/event-driven").folder, copy)
    stack = StackPaths(copy, tmp_path / "stacks")
    text = stack.template.read_text(encoding="utf-8")
    bad = text.replace("      SqsManagedSseEnabled: true\n", "", 1).replace(
        "        RestrictPublicBuckets: true\n", "        RestrictPublicBuckets: false\n", 1
    )
    stack.template.write_text(bad)
    problems = safety.check(load(stack), prepare(stack).expanded)
    assert any(
        p.startswith(f"{stack.rel}:{_line_of(bad, '  OnFailureQueue:')}: queue not encrypted")
        for p in problems
    )
    assert any(
        p.startswith(f"{stack.rel}:{_line_of(bad, '  InputBucket:')}: bucket without a full")
        for p in problems
    )


def test_handler_that_does_not_import_names_its_line(deployments, tmp_path, monkeypatch):
    result = deployments("patterns/backend-api")
    source = stack_paths("patterns/backend-api").folder / "src" / "order" / "app.py"
    broken_handler = tmp_path / "app.py"
    broken_handler.write_text(source.read_text() + "\nimport a_module_that_does_not_exist\n")
    monkeypatch.setattr("stack_world.handler_file", lambda *_: broken_handler)
    with pytest.raises(AssertionError, match=r"app\.py:\d+: ModuleNotFoundError"):
        load_handler("patterns/backend-api", "OrderFunction", result)


def test_new_pattern_stack_skeleton_lints_is_safe_and_deploys(tmp_path, deployments):
    """`make new-pattern` writes this skeleton; the scaffold tests check it agrees with the
    scaffolded diagram, this one that it passes the other stack checks."""
    templates = ROOT / "scripts" / "sitekit" / "templates"
    folder = tmp_path / "stacks" / "patterns" / "skeleton-probe"
    files = {
        "template.yaml": "stack.yaml",
        "src/worker/app.py": "stack_app.py",
        "events/request.json": "stack_event.json",
    }
    for target, source in files.items():
        text = (templates / source).read_text(encoding="utf-8")
        for placeholder, value in (("__TITLE__", "Probe"), ("__SLUG__", "skeleton-probe")):
            text = text.replace(placeholder, value)
        (folder / target).parent.mkdir(parents=True, exist_ok=True)
        (folder / target).write_text(text.replace("__NAME__", "skeleton-probe"))
    stack = StackPaths(folder, tmp_path / "stacks")
    prepared = prepare(stack)
    assert prepared.problems == []
    assert dangling_references(prepared.template) == []
    assert safety.check(prepared.template, prepared.expanded) == []
    assert lint(stack) == []
    from sitekit.stacks.emulate import deploy_into

    result = deploy_into(deployments.client, prepared.template, prepared.expanded)
    assert result.status == "CREATE_COMPLETE" and result.problems == []


def test_a_getatt_of_a_type_moto_lacks_becomes_a_named_placeholder(deployments):
    # moto fails a whole stack on such a GetAtt; the emulator names the value instead, and the
    # type is still reported as skipped.
    deployment = deployments("patterns/cache-aside")
    assert "AWS::ElastiCache::ServerlessCache" in deployment.skipped
    environment = deployment.environments["ReadFunction"]
    assert environment["CACHE_HOST"] == "emulated-ProductsCache-Endpoint.Address"
    assert environment["TABLE_NAME"] == deployment.physical["ProductsTable"]  # a real value


def test_types_moto_only_stubs_are_skipped_by_name():
    """moto accepts a wait-condition handle and creates nothing (and logs "No Moto
    CloudFormation support" for types it lacks), yet reports CREATE_COMPLETE: both kinds are
    reported as skipped, each with its reason, never counted as deployed."""
    from sitekit.stacks.emulate import _unsupported

    reasons = _unsupported(
        {"AWS::CloudFormation::WaitConditionHandle", "AWS::Pipes::Pipe", "AWS::SQS::Queue"}
    )
    assert reasons == {
        "AWS::CloudFormation::WaitConditionHandle": (
            "moto's CloudFormation only stubs this type: it creates nothing"
        ),
        "AWS::Pipes::Pipe": "moto's CloudFormation has no model for this type",
    }


def test_an_inline_policy_is_found_on_its_role(deployments):
    deployment = deployments("patterns/wait-for-callback")
    assert deployment.problems == []
    policy = "DecisionFunctionAnswerPolicy"
    assert policy in deployment.physical
    from sitekit.stacks.emulate import _describe_inline_policy

    missing = {
        "Properties": {"PolicyName": "no-such-policy", "Roles": [{"Ref": "DecisionFunctionRole"}]}
    }
    _describe_inline_policy(deployments.client, "Probe", missing, deployment)
    assert deployment.problems == [
        "Probe (AWS::IAM::Policy): role DecisionFunctionRole holds no 'no-such-policy'"
    ]
    deployment.problems.clear()


def test_websocket_api_needs_an_authorizer_on_connect_only(tmp_path):
    """API Gateway takes an authorizer only on a WebSocket API's $connect route: an open
    $disconnect is fine, an open $connect is not."""
    copy = tmp_path / "stacks" / "patterns" / "websocket-push"
    shutil.copytree(stack_paths("patterns/websocket-push").folder, copy)
    stack = StackPaths(copy, tmp_path / "stacks")
    text = stack.template.read_text(encoding="utf-8")
    assert safety.check(load(stack), prepare(stack).expanded) == []
    bad = text.replace("AuthorizationType: AWS_IAM", "AuthorizationType: NONE", 1)
    stack.template.write_text(bad)
    problems = safety.check(load(stack), prepare(stack).expanded)
    assert problems == [
        f"{stack.rel}:{_line_of(bad, '  ConnectRoute:')}: route without an authorizer: "
        "set AuthorizationType"
    ]
