"""The GitHub workflows, pre-commit hooks and issue/PR templates: valid YAML, and they call the
same ``make`` targets a developer runs, so CI cannot drift from the README."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import ROOT

from sitekit.checks.config import plain
from sitekit.checks.report import SECTIONS
from sitekit.pages import categories

GITHUB = ROOT / ".github"
WORKFLOWS = sorted((GITHUB / "workflows").glob("*.yml"))
# Commands a workflow may run besides `make <target>`: installing from the distribution
# and telling git to trust the checkout.
PLUMBING = re.compile(r"^(apt-get |git config )")


def load(path: Path) -> dict:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict), f"{path.name} is not a YAML mapping"
    return data


def triggers(workflow: dict) -> dict:
    # YAML 1.1 reads the key `on` as True.
    value = workflow.get("on", workflow.get(True))
    return {value: None} if isinstance(value, str) else value


def run_commands(workflow: dict) -> list[str]:
    commands = []
    for job in workflow["jobs"].values():
        for step in job.get("steps", []):
            for part in re.split(r"\s*(?:&&|\n)\s*", step.get("run", "")):
                if part.strip():
                    commands.append(part.strip())
    return commands


def makefile_targets() -> dict[str, str]:
    """Targets listed by `make help` (the ones with a ## description)."""
    text = (ROOT / "Makefile").read_text(encoding="utf-8")
    return dict(re.findall(r"^([a-z-]+):.*?## (.*)$", text, re.MULTILINE))


def make_targets(commands: list[str]) -> list[str]:
    return [t for c in commands for t in re.findall(r"^make ([a-z-]+)$", c)]


@pytest.mark.parametrize("path", sorted(GITHUB.rglob("*.yml")), ids=lambda p: p.name)
def test_github_files_are_valid_yaml(path):
    load(path)


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_workflow_jobs_only_call_make_targets_a_developer_runs(path):
    workflow = load(path)
    commands = run_commands(workflow)
    targets = make_targets(commands)
    assert targets, f"{path.name} runs no make target"
    listed = makefile_targets()
    for target in targets:
        assert target in listed, f"{path.name}: 'make {target}' is not a target in `make help`"
    others = [c for c in commands if not c.startswith("make ") and not PLUMBING.match(c)]
    assert others == [], f"{path.name} runs tools directly instead of make: {others}"


def test_pull_requests_run_make_test_like_ci_and_the_readme():
    workflow = load(GITHUB / "workflows" / "test.yml")
    assert "pull_request" in triggers(workflow)
    assert make_targets(run_commands(workflow)) == ["test"]
    assert "make test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "make test" in (ROOT / "README.md").read_text(encoding="utf-8")


def test_deploy_builds_with_make_and_publishes_to_pages_from_main():
    workflow = load(GITHUB / "workflows" / "deploy.yml")
    assert triggers(workflow)["push"]["branches"] == ["main"]
    commands = run_commands(workflow)
    # `make linkcheck` builds strictly, then checks site/: nothing is published unchecked.
    assert make_targets(commands) == ["linkcheck"]
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"^linkcheck: build\b", makefile, re.M), "linkcheck must build first"
    assert re.search(r"^linkcheck:.*\n(\t.*\n)*\t.*SITEKIT\) linkcheck site", makefile, re.M)
    assert any(re.match(r"apt-get install .*\bgraphviz\b", c) for c in commands), commands
    steps = [s for job in workflow["jobs"].values() for s in job.get("steps", [])]
    upload = next(s for s in steps if s.get("uses", "").startswith("actions/upload-pages"))
    site_dir = plain(yaml.compose((ROOT / "mkdocs.yml").read_text())).get("site_dir", "site")
    if isinstance(site_dir, list):  # !ENV [VARIABLE, default]
        site_dir = site_dir[-1]
    assert upload["with"]["path"] == site_dir, "the artifact is not the folder `make build` fills"
    deploy = next(
        j
        for j in workflow["jobs"].values()
        if any(s.get("uses", "").startswith("actions/deploy-pages") for s in j.get("steps", []))
    )
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["environment"]["name"] == "github-pages"


def test_pre_commit_runs_pinned_ruff_and_make_check_without_downloads():
    config = load(ROOT / ".pre-commit-config.yaml")
    hooks = [h for repo in config["repos"] for h in repo["hooks"]]
    assert all(repo["repo"] == "local" for repo in config["repos"]), "hooks must not download"
    entries = [h["entry"] for h in hooks]
    assert any(e.startswith(".venv/bin/ruff format") for e in entries)
    assert any(e.startswith(".venv/bin/ruff check") for e in entries)
    assert "make check" in entries
    assert re.search(r"^ruff==\S+$", (ROOT / "requirements.txt").read_text(), re.MULTILINE)
    done = subprocess.run(
        [
            str(Path(sys.executable).parent / "pre-commit"),
            "validate-config",
            ".pre-commit-config.yaml",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_new_pattern_issue_form_matches_the_page_template():
    form = load(GITHUB / "ISSUE_TEMPLATE" / "new-pattern.yml")
    fields = {b.get("id"): b for b in form["body"] if b["type"] != "markdown"}
    assert fields["category"]["attributes"]["options"] == list(categories())
    labels = [b["attributes"]["label"] for b in form["body"] if b["type"] != "markdown"]
    sections = [label for label in labels if label in SECTIONS]
    assert sections == [s for s in SECTIONS if s in labels]
    assert set(SECTIONS) - set(labels) == set(), f"missing: {set(SECTIONS) - set(labels)}"


def test_correction_form_and_pull_request_template_name_the_sections():
    form = load(GITHUB / "ISSUE_TEMPLATE" / "content-correction.yml")
    options = next(b for b in form["body"] if b.get("id") == "section")["attributes"]["options"]
    assert options[: len(SECTIONS)] == SECTIONS
    template = (GITHUB / "pull_request_template.md").read_text(encoding="utf-8")
    text = " ".join(template.split())
    positions = [text.find(section) for section in SECTIONS]
    assert -1 not in positions and positions == sorted(positions), "sections missing or reordered"
    for target in ("make check", "make test", "make new-pattern"):
        assert target in template


def test_contact_link_points_at_the_contributing_page():
    links = load(GITHUB / "ISSUE_TEMPLATE" / "config.yml")["contact_links"]
    site_url = plain(yaml.compose((ROOT / "mkdocs.yml").read_text()))["site_url"]
    assert links[0]["url"] == site_url.rstrip("/") + "/contributing/"
    assert (ROOT / "docs" / "contributing.md").is_file()


def test_readme_explains_deploying_with_the_sites_own_spa_pattern():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "\n## Deploying\n" in readme
    deploying = readme.split("\n## Deploying\n", 1)[1]
    for workflow in re.findall(r"\.github/workflows/[\w-]+\.yml", deploying):
        assert (ROOT / workflow).is_file(), f"README names a missing {workflow}"
    pages = re.findall(r"\]\((docs/patterns/[\w-]+\.md)\)", deploying)
    assert "docs/patterns/single-page-application.md" in pages
    assert all((ROOT / page).is_file() for page in pages)
    assert "origin access control" in " ".join(deploying.split()) and "make build" in deploying
