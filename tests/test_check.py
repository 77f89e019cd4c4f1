"""``make check``: each kind of mistake a contributor can make, fed into a temporary copy of the
repository, gives a message that names the file and the line, and a non-zero exit."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import ROOT, copy_sources, run_sitekit


def copy_repository(dest: Path) -> Path:
    """Copy the sources and the rendered output into ``dest``: nothing points back at ROOT."""
    copy_sources(dest)
    for name in ("CONTRIBUTING.md", "README.md"):
        if (ROOT / name).exists():
            shutil.copy2(ROOT / name, dest / name)
    ignore = shutil.ignore_patterns("*.tmp", ".*")
    # Copies of what `make` generated, so the render in the copy is incremental.
    for folder in ("generated", "docs/assets/diagrams", "docs/assets/vendor", "docs/services"):
        if (ROOT / folder).is_dir():
            shutil.copytree(ROOT / folder, dest / folder, ignore=ignore, dirs_exist_ok=True)
    for command in ("diagrams", "pages"):
        done = run_sitekit(command, cwd=dest, check=False)
        assert done.returncode == 0, done.stdout + done.stderr
    return dest


def check(root: Path) -> tuple[int, list[str], str]:
    done = run_sitekit("check", cwd=root, check=False)
    return done.returncode, done.stderr.splitlines(), done.stdout


@pytest.fixture(scope="session")
def pristine(tmp_path_factory) -> tuple[Path, set[str]]:
    """A rendered copy of the repository and the problems it already has (none, normally)."""
    root = copy_repository(tmp_path_factory.mktemp("check") / "repo")
    return root, set(check(root)[1])


@pytest.fixture
def repo(pristine, tmp_path) -> Path:
    return Path(shutil.copytree(pristine[0], tmp_path / "repo"))


def edit(root: Path, name: str, old: str, new: str, count: int = 1) -> None:
    path = root / name
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{name} no longer contains {old!r}: update this test"
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def line_of(root: Path, name: str, needle: str) -> int:
    lines = (root / name).read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, start=1) if needle in line)


PAGE = "docs/patterns/backend-api.md"
MODULE = "diagrams/patterns/backend-api.py"


def set_key(root: Path, name: str, key: str, value: str) -> None:
    path = root / name
    text, count = re.subn(rf"(?m)^{key}: .*$", f"{key}: {value}", path.read_text())
    assert count == 1, f"{name} has no '{key}:' line"
    path.write_text(text, encoding="utf-8")


def move_first_pattern_after(root: Path, path: str) -> None:
    """Move the first entry of the Patterns nav below the entry for ``path``."""
    lines = (root / "mkdocs.yml").read_text(encoding="utf-8").splitlines(keepends=True)
    first = lines.pop(lines.index("  - Patterns:\n") + 1)
    target = next(i for i, line in enumerate(lines) if line.rstrip().endswith(": " + path))
    lines.insert(target + 1, first)
    (root / "mkdocs.yml").write_text("".join(lines), encoding="utf-8")


def _new_page(root: Path, name: str, text: str) -> None:
    (root / name).parent.mkdir(parents=True, exist_ok=True)
    (root / name).write_text(text, encoding="utf-8")


# Each case: (mutation, file, line or a needle to find the line in the mutated file, words the
# message must contain). One test per kind of mistake; the ids say which.
CASES: dict[str, tuple[Callable[[Path], None], str, int | str, list[str]]] = {
    "front-matter-missing-key": (
        lambda r: edit(r, PAGE, "\nsummary: ", "\nsumary: "),
        PAGE,
        1,
        ["has no 'summary'", "add 'summary: ...'"],
    ),
    "front-matter-unknown-key": (
        lambda r: edit(r, PAGE, "\nsummary: ", "\nsumary: "),
        PAGE,
        "sumary:",
        ["unknown front-matter key 'sumary'", "did you mean 'summary'"],
    ),
    "front-matter-wrong-type": (
        lambda r: edit(
            r,
            PAGE,
            "related: [single-page-application, storage-first, hosting-microservices]",
            "related: storage-first",
        ),
        PAGE,
        "related:",
        ["'related' has the wrong type", "list of 2-4 slugs"],
    ),
    "front-matter-summary-too-short": (
        lambda r: set_key(r, PAGE, "summary", "Too short."),
        PAGE,
        "summary:",
        ["summary is 10 characters", "60-200 characters"],
    ),
    "front-matter-summary-too-long": (
        lambda r: set_key(r, PAGE, "summary", "Very long words. " * 15),
        PAGE,
        "summary:",
        ["characters: write one sentence of 60-200 characters"],
    ),
    "front-matter-unknown-category": (
        lambda r: edit(r, PAGE, "category: api-and-web", "category: api-web"),
        PAGE,
        "category:",
        ["unknown category 'api-web'", "did you mean 'api-and-web'", "messaging-and-events"],
    ),
    "front-matter-related-slug-missing": (
        lambda r: edit(r, PAGE, "storage-first,", "storage-frist,"),
        PAGE,
        "related:",
        ["related pattern 'storage-frist' does not exist", "did you mean 'storage-first'"],
    ),
    "front-matter-related-self": (
        lambda r: edit(r, PAGE, "storage-first,", "backend-api,"),
        PAGE,
        "related:",
        ["related lists this page itself"],
    ),
    "front-matter-invalid-yaml": (
        lambda r: edit(r, PAGE, "category: api-and-web", "category: [api-and-web"),
        PAGE,
        "related:",
        ["front matter is not valid YAML"],
    ),
    "front-matter-absent": (
        lambda r: (r / PAGE).write_text((r / PAGE).read_text().split("---\n", 2)[2]),
        PAGE,
        1,
        ["no front matter", "title: ..."],
    ),
    "h1-differs-from-title": (
        lambda r: edit(r, PAGE, "\n# Backend API\n", "\n# Backend APIs\n"),
        PAGE,
        "# Backend APIs",
        ["H1 '# Backend APIs' differs from the front-matter title"],
    ),
    "section-missing": (
        lambda r: edit(r, PAGE, "## Trade-offs\n", "### Trade-offs\n"),
        PAGE,
        "## Limits that matter",
        ["missing section '## Trade-offs'", "add it after '## Limits that matter'"],
    ),
    "section-out-of-order": (
        lambda r: (
            edit(r, PAGE, "## Cost drivers\n", "## COST\n"),
            edit(r, PAGE, "## When to use it\n", "## Cost drivers\n"),
            edit(r, PAGE, "## COST\n", "## When to use it\n"),
        ),
        PAGE,
        "## When to use it",
        ["section '## When to use it' is out of order", "move it after '## Trade-offs'"],
    ),
    "section-unknown": (
        lambda r: edit(r, PAGE, "## When to use it\n", "## When to use\n"),
        PAGE,
        "## When to use",
        ["unexpected section '## When to use'", "did you mean 'When to use it'"],
    ),
    "pattern-page-without-module": (
        lambda r: (r / MODULE).unlink(),
        PAGE,
        1,
        ["no diagram module: create diagrams/patterns/backend-api.py"],
    ),
    "module-without-page": (
        lambda r: shutil.copy(r / MODULE, r / "diagrams/patterns/back-end-api.py"),
        "diagrams/patterns/back-end-api.py",
        1,
        ["orphan module", "no page docs/patterns/back-end-api.md"],
    ),
    "module-figure-not-shown": (
        lambda r: edit(r, PAGE, '--8<-- "figure/patterns/backend-api.md"\n', ""),
        PAGE,
        "## Solution",
        [
            "does not show the figure of diagrams/patterns/backend-api.py",
            '--8<-- "figure/patterns/backend-api.md"',
        ],
    ),
    "module-steps-not-shown": (
        lambda r: edit(r, PAGE, '--8<-- "steps/patterns/backend-api.md"\n', ""),
        PAGE,
        "## Solution",
        ["does not show the numbered steps", '--8<-- "steps/patterns/backend-api.md"'],
    ),
    "variant-module-not-shown": (
        lambda r: shutil.copy(r / MODULE, r / "diagrams/patterns/backend-api.websocket.py"),
        PAGE,
        "## Solution",
        [
            "figure of diagrams/patterns/backend-api.websocket.py",
            "figure/patterns/backend-api.websocket.md",
        ],
    ),
    "steps-without-how-it-works": (
        lambda r: edit(r, PAGE, "### How it works\n", ""),
        PAGE,
        '--8<-- "steps/',
        ["'How it works' heading"],
    ),
    "step-without-caption": (
        lambda r: edit(
            r,
            MODULE,
            'step(3, handler, table, "The function writes the order to the table.")',
            "step(3, handler, table)",
        ),
        MODULE,
        "step(3, handler, table)",
        ["step 3 has no caption", "fourth argument"],
    ),
    "step-misnumbered": (
        lambda r: edit(r, MODULE, "step(3, handler, table", "step(4, handler, table"),
        MODULE,
        "step(4, handler, table",
        ["step 4 should be step 3"],
    ),
    "unknown-service": (
        lambda r: edit(r, MODULE, 'node("dynamodb"', 'node("dynamo-db"'),
        MODULE,
        'node("dynamo-db"',
        [
            "unknown service 'dynamo-db'",
            "did you mean 'dynamodb'",
            "scripts/sitekit/data/services.yml",
        ],
    ),
    "module-not-rendered": (
        lambda r: (r / "generated/meta/patterns/backend-api.json").unlink(),
        MODULE,
        1,
        ["no rendered output", "make diagrams"],
    ),
    "page-not-in-nav": (
        lambda r: _new_page(
            r,
            "docs/glossary.md",
            "---\ntitle: Glossary\nsummary: Every "
            "abbreviation the site uses, with what it stands for.\n---\n\n"
            "# Glossary\n",
        ),
        "docs/glossary.md",
        1,
        ["not in the navigation", "- Glossary: glossary.md"],
    ),
    "nav-entry-without-file": (
        lambda r: edit(
            r,
            "mkdocs.yml",
            "      - Saga: patterns/saga.md\n",
            "      - Saga: patterns/saga.md\n      - Sagas: patterns/sagas.md\n",
        ),
        "mkdocs.yml",
        "patterns/sagas.md",
        ["nav entry 'patterns/sagas.md' has no file"],
    ),
    "nav-not-alphabetical": (
        lambda r: move_first_pattern_after(r, "patterns/saga.md"),
        "mkdocs.yml",
        "patterns/aggregator.md",
        ["alphabetical by title", "before 'Saga'"],
    ),
    "nav-title-differs": (
        lambda r: edit(r, "mkdocs.yml", "- Backend API: patterns", "- Backend: patterns"),
        "mkdocs.yml",
        "- Backend: patterns",
        ["nav title 'Backend' differs", "'Backend API'"],
    ),
    "stray-file-in-docs": (
        lambda r: (r / "docs/assets/old-diagram.png").write_bytes(b"\x89PNG"),
        "docs/assets/old-diagram.png",
        1,
        ["stray file", "delete it"],
    ),
    "stray-file-in-diagrams": (
        lambda r: (r / "diagrams/patterns/notes.txt").write_text("to do\n"),
        "diagrams/patterns/notes.txt",
        1,
        ["stray file", "diagrams/ holds only diagram modules"],
    ),
    "stray-include": (
        lambda r: (r / "includes/old-links.md").write_text("[x]: https://example.com/\n"),
        "includes/old-links.md",
        1,
        ["stray file", "auto_append"],
    ),
    "diagrams-package": (
        lambda r: (r / "diagrams/__init__.py").write_text(""),
        "diagrams/__init__.py",
        1,
        ["must not be a package"],
    ),
    "link-reference-without-target": (
        lambda r: edit(r, PAGE, "[lambda-timeout]", "[lambda-timeouts]"),
        PAGE,
        "[lambda-timeouts]",
        [
            "link reference [lambda-timeouts] has no target",
            "did you mean 'lambda-timeout'",
            "includes/links.md",
        ],
    ),
    "link-key-defined-twice": (
        lambda r: (r / "includes/links.md").write_text(
            (r / "includes/links.md").read_text()
            + "[lambda-pricing]: https://docs.aws.amazon.com/lambda/\n"
        ),
        "includes/links.md",
        "[lambda-pricing]: https://docs.aws.amazon.com/lambda/\n".strip(),
        ["link key [lambda-pricing] is defined twice"],
    ),
    "snippet-that-does-not-exist": (
        lambda r: edit(r, PAGE, "## Sources\n", '## Sources\n\n--8<-- "sources/backend.md"\n'),
        PAGE,
        "sources/backend.md",
        ["does not exist in any snippet folder"],
    ),
    "related-snippet-missing": (
        lambda r: edit(r, PAGE, '--8<-- "related/patterns/backend-api.md"\n', ""),
        PAGE,
        "## Related patterns",
        ['add --8<-- "related/patterns/backend-api.md"'],
    ),
}


@pytest.mark.parametrize("kind", CASES)
def test_mistake_is_reported_with_file_and_line(pristine, repo, kind):
    mutate, name, where, words = CASES[kind]
    mutate(repo)
    line = where if isinstance(where, int) else line_of(repo, name, where)
    status, problems, summary = check(repo)
    new = [p for p in problems if p not in pristine[1]]
    assert status == 1, f"check passed despite {kind}:\n{summary}"
    matching = [p for p in new if p.startswith(f"{name}:{line}: ")]
    assert matching, f"no problem reported at {name}:{line}; new problems:\n" + "\n".join(new)
    assert any(all(w in p for w in words) for p in matching), "\n".join(matching)
    assert re.fullmatch(r"check: .*\d+ problems?: fix each one above \(\d+\.\d\d s\)\n", summary)


def test_the_repository_passes_quickly(pristine):
    root, problems = pristine
    status, _, summary = check(root)
    assert problems == set() and status == 0, "\n".join(sorted(problems))
    seconds = float(re.search(r"\((\d+\.\d+) s\)", summary).group(1))
    assert seconds < 1.0, f"the check took {seconds} s; it must stay fast"


def test_every_problem_is_reported_in_one_run(pristine, repo):
    CASES["unknown-service"][0](repo)
    CASES["section-unknown"][0](repo)
    CASES["stray-file-in-docs"][0](repo)
    _, problems, _ = check(repo)
    new = [p for p in problems if p not in pristine[1]]
    for expected in (MODULE, PAGE, "docs/assets/old-diagram.png"):
        assert any(p.startswith(expected + ":") for p in new), "\n".join(new)


def test_old_pages_are_checked_too(pristine, repo):
    """Not just changed files: an untouched page with a mistake still fails."""
    edit(repo, "docs/patterns/saga.md", "\ncategory: ", "\ncategory: sagas-")
    _, problems, _ = check(repo)
    assert any(p.startswith("docs/patterns/saga.md:") for p in problems)


def test_no_false_alarms_for_comments_and_code(pristine, repo):
    """A YAML comment in the front matter and a heading or link inside a code block are not
    headings or links of the page."""
    edit(repo, PAGE, "\ncategory: ", "\n# the catalog groups pages by category\ncategory: ")
    edit(repo, PAGE, "## Sources\n", "## Sources\n\n```md\n## Example\n[text][nowhere]\n```\n")
    status, problems, _ = check(repo)
    assert [p for p in problems if p not in pristine[1]] == []
    assert status == (1 if pristine[1] else 0)
