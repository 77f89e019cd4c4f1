"""``make new-pattern``: in a temporary copy of the repository, a scaffolded pattern passes the
check, renders, builds strictly and shows up in the nav, the catalog and its own page; refused
requests write nothing."""

from __future__ import annotations

import datetime
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from conftest import ROOT, build_site, clone_tree, reused_runs, run_sitekit
from test_check import check, copy_repository

from sitekit.checks.config import plain


@pytest.fixture(scope="module")
def pristine(tmp_path_factory) -> Path:
    root = copy_repository(tmp_path_factory.mktemp("scaffold") / "repo")
    for name in ("Makefile", "requirements.txt"):
        shutil.copy2(ROOT / name, root / name)
    return root


@pytest.fixture
def repo(pristine, tmp_path) -> Path:
    return clone_tree(pristine, tmp_path / "repo")


def make(root: Path, target: str, **variables: str) -> subprocess.CompletedProcess:
    """Run a Makefile target in ``root`` with this interpreter; set-up is taken as done."""
    command = ["make", "-s", "-C", str(root), "-o", "setup", target, f"PY={sys.executable}"]
    command += [f"{name}={value}" for name, value in variables.items()]
    env = {k: v for k, v in os.environ.items() if k not in ("SLUG", "TITLE", "CATEGORY")}
    return subprocess.run(command, capture_output=True, text=True, env=env)


def snapshot(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in root.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    }


def test_new_pattern_checks_renders_builds_and_appears(repo, tmp_path):
    config_before = (repo / "mkdocs.yml").read_text(encoding="utf-8")
    done = make(
        repo,
        "new-pattern",
        SLUG="scaffold-probe",
        TITLE="Scaffold probe",
        CATEGORY="messaging-and-events",
    )
    assert done.returncode == 0, done.stdout + done.stderr
    page = repo / "docs/patterns/scaffold-probe.md"
    module = repo / "diagrams/patterns/scaffold-probe.py"
    assert page.is_file() and module.is_file()
    # The new page says its facts were checked today, the day its author starts checking them.
    assert f"\nfacts_checked: {datetime.date.today().isoformat()}  #" in page.read_text()

    # Only the nav line was added to mkdocs.yml, in alphabetical order.
    config_after = (repo / "mkdocs.yml").read_text(encoding="utf-8")
    added = [line for line in config_after.splitlines() if line not in config_before.splitlines()]
    assert added == ["      - Scaffold probe: patterns/scaffold-probe.md"]
    assert config_after.replace(added[0] + "\n", "", 1) == config_before
    patterns = next(
        s["Patterns"]
        for s in plain(yaml.compose(config_after))["nav"]
        if isinstance(s, dict) and "Patterns" in s
    )
    titles = [next(iter(entry)) for entry in patterns]
    assert titles == sorted(titles, key=str.casefold) and "Scaffold probe" in titles

    # `make check` passes at once, and fast.
    started = time.perf_counter()
    done = make(repo, "check")
    elapsed = time.perf_counter() - started
    assert done.returncode == 0, done.stdout + done.stderr
    assert "check: " in done.stdout and ": OK" in done.stdout
    # The check itself stays well under a second or two; the whole target also renders the
    # new diagram (wide and tall layouts, light and dark PNGs) and expands its new stack.
    checked = float(re.search(r"^check: .*\((\d+(?:\.\d+)?) s\)$", done.stdout, re.M)[1])
    assert checked < 2, f"the check took {checked:.2f} s"
    assert elapsed < 15, f"make check took {elapsed:.1f} s"

    # The template's prose is the project's own, and the module is a real diagram.
    assert reused_runs(page) == [] and reused_runs(module) == []
    assert 'role="' in module.read_text() and "step(2," in module.read_text()

    # Strict build and link check pass; the page, its diagram and the catalog entry appear.
    site = tmp_path / "site"
    built = build_site(repo, site)
    assert built.returncode == 0, built.stderr
    links = run_sitekit("linkcheck", str(site), cwd=repo, check=False)
    assert links.returncode == 0, links.stdout + links.stderr
    html = (site / "patterns/scaffold-probe/index.html").read_text(encoding="utf-8")
    assert '<figure class="diagram" id="d-patterns-scaffold-probe"' in html
    assert re.search(r'<ol class="diagram-steps"[^>]*>\s*<li data-step="1"', html)
    assert len(re.findall(r"<li data-step=", html)) == 2
    assert re.search(r'<h2 id="sources">.*?</h2>\s*<p class="facts-checked">', html, re.S)
    assert (site / "assets/diagrams/patterns/scaffold-probe.svg").is_file()
    assert 'href="patterns/scaffold-probe/"' in (site / "index.html").read_text(encoding="utf-8")
    assert "Scaffold probe" in (site / "patterns/backend-api/index.html").read_text(
        encoding="utf-8"
    )


@pytest.mark.parametrize(
    ("title", "slug", "expected"),
    [
        ("Aardvark first", "aardvark", "      - Aardvark first: patterns/aardvark.md"),
        ("Zeta: the last one", "zeta", '      - "Zeta: the last one": patterns/zeta.md'),
    ],
    ids=["top", "bottom-and-quoted"],
)
def test_nav_entry_goes_in_alphabetical_place(repo, title, slug, expected):
    before = (repo / "mkdocs.yml").read_text(encoding="utf-8").splitlines()
    done = run_sitekit(
        "new-pattern",
        "--slug",
        slug,
        "--title",
        title,
        "--category",
        "resilience",
        cwd=repo,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    after = (repo / "mkdocs.yml").read_text(encoding="utf-8").splitlines()
    index = after.index(expected)
    assert after[:index] + after[index + 1 :] == before
    if slug == "aardvark":  # first in the section
        assert after[index - 1] == "  - Patterns:"
    else:  # last in the section: the next line is the next top-level entry
        assert after[index + 1].startswith("  - ")
    meta = yaml.safe_load((repo / f"docs/patterns/{slug}.md").read_text().split("---")[1])
    assert meta["title"] == title
    status, problems, summary = check(repo)
    assert status == 0, "\n".join(problems)


EXISTING = "backend-api"
REFUSALS = {
    "existing-slug": (EXISTING, "Another backend", "api-and-web", "already exists"),
    "slug-with-a-dot": ("backend-api.websocket", "Sockets", "api-and-web", "invalid slug"),
    "upper-case-slug": ("Fan_Out", "Fan-out", "messaging-and-events", "invalid slug"),
    "slug-with-double-hyphen": ("fan--out", "Fan-out", "messaging-and-events", "invalid slug"),
    "empty-slug": ("", "Fan-out", "messaging-and-events", "invalid slug"),
    "unknown-category": ("fan-out", "Fan-out", "messaging", "unknown category 'messaging'"),
    "title-already-used": ("backend-api-2", "Backend API", "api-and-web", "already used"),
    "empty-title": ("fan-out", "", "messaging-and-events", "invalid title"),
    "title-with-quotes": ("fan-out", 'The "fan"', "messaging-and-events", "invalid title"),
}


@pytest.mark.parametrize("case", REFUSALS)
def test_refusal_writes_nothing(pristine, case):
    slug, title, category, message = REFUSALS[case]
    before = snapshot(pristine)
    done = make(pristine, "new-pattern", SLUG=slug, TITLE=title, CATEGORY=category)
    assert done.returncode != 0
    assert "error: " in done.stderr and message in done.stderr, done.stderr
    assert snapshot(pristine) == before, "a refused request changed files"


def test_leftover_module_blocks_the_slug(repo):
    (repo / "diagrams/patterns/scaffold-probe.choreography.py").write_text('"""Left over."""\n')
    before = snapshot(repo)
    done = run_sitekit(
        "new-pattern",
        "--slug",
        "scaffold-probe",
        "--title",
        "Scaffold probe",
        "--category",
        "messaging-and-events",
        cwd=repo,
        check=False,
    )
    assert done.returncode == 1
    assert "taken by diagrams/patterns/scaffold-probe.choreography.py" in done.stderr
    assert snapshot(repo) == before


def test_templates_and_contributing_guide_are_in_our_own_words():
    """The guide is shown on the site (docs/contributing.md includes it) and the templates
    become pages: none may repeat the source article."""
    templates = ROOT / "scripts" / "sitekit" / "templates"
    for path in [ROOT / "CONTRIBUTING.md", *sorted(templates.iterdir())]:
        assert reused_runs(path) == [], path
    assert '--8<-- "CONTRIBUTING.md"' in (ROOT / "docs" / "contributing.md").read_text()
