"""Shared set-up for the stack tests: every stack read and expanded once, linted once, and
deployed once into one emulated (moto) account, plus a loader that imports a function's
handler with the environment its deployment gave it.

Test modules load it with ``pytest_plugins = ["stack_world"]``, so pytest registers the
fixtures once and each session fixture runs once, whichever stack test module uses it.
"""

from __future__ import annotations

import importlib.util
import os
import traceback
from pathlib import Path

import pytest

from sitekit.stacks import StackPaths, stack_folders
from sitekit.stacks.cli import Prepared, lint_all, prepare

STACKS = stack_folders()
IDS = [s.stack_id for s in STACKS]


def stack_paths(stack_id: str) -> StackPaths:
    return next(s for s in STACKS if s.stack_id == stack_id)


@pytest.fixture(scope="session")
def prepared() -> dict[str, Prepared]:
    return {s.stack_id: prepare(s) for s in STACKS}


@pytest.fixture(scope="session")
def lints() -> dict[str, list[str]]:
    return lint_all(STACKS)


@pytest.fixture(scope="session")
def deployments(prepared):
    """``deployments(stack_id)``: that stack deployed in the shared emulated account (on
    first use); the account lives until the end of the test session."""
    from sitekit.stacks.emulate import deploy_into, emulated_account

    done = {}
    with emulated_account() as client:

        def deployed(stack_id: str):
            if stack_id not in done:
                stack = prepared[stack_id]
                done[stack_id] = deploy_into(client, stack.template, stack.expanded)
            return done[stack_id]

        deployed.client = client
        yield deployed


def handler_file(stack_id: str, function: str) -> Path:
    stack = stack_paths(stack_id)
    resource = prepare(stack).template.resources[function]
    return stack.folder / resource["Properties"]["CodeUri"] / "app.py"


def load_handler(stack_id: str, function: str, deployment, **overrides: str):
    """Import ``function``'s app.py afresh with the environment variables its emulated
    deployment resolved (table names, queue URLs...), then ``overrides`` (the URL of a
    service outside the stack, say). A module that does not import fails
    the test with ``path:line: error``."""
    path = handler_file(stack_id, function)
    os.environ.update({**deployment.environments.get(function, {}), **overrides})
    name = f"handler_{stack_id}_{function}".replace("/", "_").replace(".", "_").replace("-", "_")
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(module)
    except Exception as exc:  # noqa: BLE001 - reported with the failing line
        frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename == str(path)]
        line = frames[-1].lineno if frames else 1
        raise AssertionError(f"{path}:{line}: {type(exc).__name__}: {exc}") from None
    return module
