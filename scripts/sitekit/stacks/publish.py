"""What a page shows under "Deploy it", generated from the stack so it cannot drift.

For each stack: a snippet (generated/deploy/<id>.md) with the table of resources and the
nodes they implement, what the stack leaves out and why, the template itself (included from
its file, collapsed), a link to the stack folder as a zip (docs/assets/stacks/<id>.zip,
byte-identical on every machine: sorted entries, fixed dates and modes, stored uncompressed),
and the SAM CLI commands to build, deploy, try, watch and delete it.
"""

from __future__ import annotations

import io
import sys
import zipfile
from pathlib import Path

from sitekit import sources
from sitekit.paths import DOCS, GENERATED, DiagramPaths, write_if_changed
from sitekit.stacks import STACKS, StackError, StackPaths, stack_folders
from sitekit.stacks.agreement import execution_roles
from sitekit.stacks.template import Template, load

SNIPPETS = GENERATED / "deploy"
ZIPS = DOCS / "assets" / "stacks"
# Left out of the download: what `sam build` and Python write next to the sources.
EXCLUDED_PARTS = {"__pycache__", ".aws-sam", ".pytest_cache"}


def zip_path(stack: StackPaths) -> Path:
    return ZIPS / f"{stack.stack_id}.zip"


def stack_zip(stack: StackPaths) -> bytes:
    """The stack folder as a zip whose bytes depend only on the files' names and contents."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        files = sorted(
            p
            for p in stack.folder.rglob("*")
            if p.is_file()
            and not EXCLUDED_PARTS & set(p.relative_to(stack.folder).parts)
            and p.suffix not in (".pyc", ".tmp")
        )
        for path in files:
            name = f"{stack.name}/{path.relative_to(stack.folder).as_posix()}"
            info = zipfile.ZipInfo(name, (1980, 1, 1, 0, 0, 0))
            info.external_attr = 0o644 << 16
            info.create_system = 3  # Unix, whatever machine builds it
            archive.writestr(info, path.read_bytes())
    return buffer.getvalue()


def _cell(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def resource_table(template: Template) -> str:
    bound = template.metadata("Diagram", "Nodes") or {}
    nodes_of: dict[str, list[str]] = {}
    for label, ids in bound.items():
        ids = ids if isinstance(ids, list) else []
        # A function's explicit role belongs to the function's node, bound there or not.
        roles = {r for i in ids for r in execution_roles(template.resources, i)}
        for logical_id in [*ids, *sorted(roles - set(ids))]:
            nodes_of.setdefault(logical_id, []).append(label)
    rows = [
        f"| `{name}` | `{resource['Type']}` | {_cell(', '.join(nodes_of.get(name, [])) or '-')} |"
        for name, resource in template.resources.items()
    ]
    return (
        "| Logical ID | Type | Node in the diagram |\n| --- | --- | --- |\n"
        + "\n".join(rows)
        + "\n"
    )


def snippet(template: Template, heading: str | None) -> str:
    stack = template.stack
    page_dir = DiagramPaths(stack.module).page_file.parent
    download = Path(
        *[".."] * len(page_dir.relative_to(DOCS).parts), "assets", "stacks", f"{stack.stack_id}.zip"
    ).as_posix()
    folder = stack.folder.relative_to(STACKS.parent).as_posix()
    deploy = template.metadata("Deploy") or {}
    parts = [f"### {heading}\n\n" if heading else ""]
    functions = sum(r["Type"] == "AWS::Serverless::Function" for r in template.resources.values())
    runtime = (
        " Its functions run Python 3.14 (`python3.14`, the newest Python runtime on the "
        "[Lambda runtimes][lambda-runtimes] page) on arm64 (Graviton) processors, each with "
        "its own role, written in the template, that may write only to its own log group."
        if functions
        else ""
    )
    parts.append(
        f"The stack in `{folder}/` (AWS SAM) creates these resources; the SAM transform adds "
        f"the permissions, API stages and state machine roles that go with them.{runtime}\n\n"
        + resource_table(template)
    )
    outside = template.metadata("Diagram", "Outside") or {}
    if outside:
        parts.append(
            "\nWhat the stack leaves out, and why:\n\n"
            + "\n".join(f"- **{_cell(label)}**: {reason}" for label, reason in outside.items())
            + "\n"
        )
    parts.append(
        f"\n**While idle:** {deploy.get('Idle', 'not stated')} "
        f"**After `sam delete`:** {deploy.get('Leaves', 'not stated')}\n"
    )
    if deploy.get("Simplified"):
        parts.append(f"\n**Where the stack does less than the diagram:** {deploy['Simplified']}\n")
    if deploy.get("OpenApi"):
        parts.append(f"\n**Why the API has no authorizer:** {deploy['OpenApi']}\n")
    # The template loads when the reader opens its block (sitekit.sources): pages stay light.
    parts.append(
        "\n"
        + sources.details(
            stack.folder / "template.yaml",
            DiagramPaths(stack.module).page_root,
            f"The template: <code>{folder}/template.yaml</code>",
            f"{DiagramPaths(stack.module).dom_id}-template",
        )
    )
    tries = "\n".join(deploy.get("Try") or [])
    parts.append(
        f"\n[Download the stack folder]({download}){{ download }} (zip), then run these with "
        "your own [AWS SAM CLI][sam-cli] and AWS credentials:\n\n"
        "```sh\n"
        f"unzip {stack.name}.zip && cd {stack.name}\n"
        "sam build                # package the functions for arm64\n"
        f"sam deploy --guided --stack-name {stack.name}   # answer the prompts, confirm the changes\n"
        f"{tries}\n"
        f"sam logs --stack-name {stack.name} --tail   # watch the functions' logs\n"
        f"sam delete --stack-name {stack.name}        # remove everything the stack created\n"
        "```\n"
    )
    return "".join(parts)


def _titles() -> dict[str, int]:
    """How many stacks each page has: pages with two diagrams get an H3 per stack."""
    counts: dict[str, int] = {}
    for stack in stack_folders():
        page = DiagramPaths(stack.module).page
        counts[page] = counts.get(page, 0) + 1
    return counts


def publish_all() -> int:
    """Write every snippet and zip that changed; report unreadable templates."""
    counts = _titles()
    failures = 0
    for stack in stack_folders():
        try:
            template = load(stack)
        except StackError as exc:
            print(f"error: {exc}", file=sys.stderr)
            failures += 1
            continue
        heading = None
        if counts[DiagramPaths(stack.module).page] > 1:
            heading = f"{template.metadata('Deploy', 'Title') or stack.stack_id} stack"
        write_if_changed(SNIPPETS / f"{stack.stack_id}.md", snippet(template, heading))
        write_if_changed(zip_path(stack), stack_zip(stack))
    known = {SNIPPETS / f"{s.stack_id}.md" for s in stack_folders()} | {
        zip_path(s) for s in stack_folders()
    }
    for folder in (SNIPPETS, ZIPS):
        for path in folder.rglob("*") if folder.exists() else []:
            if path.is_file() and path not in known:
                path.unlink()
    return 1 if failures else 0
