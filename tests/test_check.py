"""``make check``: each kind of mistake a contributor can make, fed into a temporary copy of the
repository, gives a message that names the file and the line, and a non-zero exit."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import ROOT, clone_tree, copy_sources, run_sitekit


def copy_repository(dest: Path) -> Path:
    """Copy the sources and the rendered output into ``dest``: nothing points back at ROOT."""
    copy_sources(dest)
    for name in ("CONTRIBUTING.md", "README.md"):
        if (ROOT / name).exists():
            shutil.copy2(ROOT / name, dest / name)
    ignore = shutil.ignore_patterns("*.tmp", ".*")
    # Copies of what `make` generated, so the render in the copy is incremental.
    generated = (
        "generated",
        "docs/assets/diagrams",
        "docs/assets/icons",
        "docs/assets/sources",
        "docs/assets/vendor",
    )
    for folder in (*generated, "docs/services"):
        if (ROOT / folder).is_dir():
            clone_tree(ROOT / folder, dest / folder, ignore=ignore, dirs_exist_ok=True)
    for command in ("diagrams", "pages"):
        done = run_sitekit(command, cwd=dest, check=False)
        assert done.returncode == 0, done.stdout + done.stderr
    return dest


def check(root: Path) -> tuple[int, list[str], str]:
    done = run_sitekit("check", cwd=root, check=False)
    return done.returncode, done.stderr.splitlines(), done.stdout


@pytest.fixture(scope="session")
def pristine(tmp_path_factory) -> tuple[Path, set[str]]:
    """A rendered copy of the repository with one scaffolded pattern, the page the mistakes
    go into, and the problems the copy already has (none, normally)."""
    root = copy_repository(tmp_path_factory.mktemp("check") / "repo")
    run_sitekit(
        "new-pattern",
        "--slug",
        SLUG,
        "--title",
        "Check fixture",
        "--category",
        "resilience",
        cwd=root,
    )
    return root, set(check(root)[1])


@pytest.fixture
def repo(pristine, tmp_path) -> Path:
    return clone_tree(pristine[0], tmp_path / "repo")


def edit(root: Path, name: str, old: str, new: str, count: int = 1) -> None:
    path = root / name
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{name} no longer contains {old!r}: update this test"
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def line_of(root: Path, name: str, needle: str) -> int:
    lines = (root / name).read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, start=1) if needle in line)


# Mistakes go into a page and module made by `make new-pattern`, so these tests do not
# depend on the wording of the catalog's pages.
SLUG = "check-fixture"
PAGE = f"docs/patterns/{SLUG}.md"
MODULE = f"diagrams/patterns/{SLUG}.py"


def set_key(root: Path, name: str, key: str, value: str) -> None:
    path = root / name
    text, count = re.subn(rf"(?m)^{key}: .*$", f"{key}: {value}", path.read_text())
    assert count == 1, f"{name} has no '{key}:' line"
    path.write_text(text, encoding="utf-8")


def replace_call(root: Path, start: str, new: str) -> None:
    """Replace the one-line call in MODULE that starts with ``start``."""
    text = (root / MODULE).read_text(encoding="utf-8")
    text, count = re.subn(rf"{re.escape(start)}.*\)$", new, text, count=1, flags=re.MULTILINE)
    assert count == 1, f"no one-line call starting {start!r} in {MODULE}"
    (root / MODULE).write_text(text, encoding="utf-8")


def move_nav_entry(root: Path, path: str, below: str) -> None:
    """Move the nav entry for ``path`` to just below the entry for ``below``."""
    lines = (root / "mkdocs.yml").read_text(encoding="utf-8").splitlines(keepends=True)
    entry = next(i for i, line in enumerate(lines) if line.rstrip().endswith(": " + path))
    moved = lines.pop(entry)
    target = next(i for i, line in enumerate(lines) if line.rstrip().endswith(": " + below))
    lines.insert(target + 1, moved)
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
        lambda r: set_key(r, PAGE, "related", "storage-first"),
        PAGE,
        "related:",
        ["'related' has the wrong type", "list of 2-6 slugs"],
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
        lambda r: set_key(r, PAGE, "category", "api-web"),
        PAGE,
        "category:",
        ["unknown category 'api-web'", "did you mean 'api-and-web'", "messaging-and-events"],
    ),
    "front-matter-related-slug-missing": (
        lambda r: set_key(r, PAGE, "related", "[backend-api, storage-frist]"),
        PAGE,
        "related:",
        ["related pattern 'storage-frist' does not exist", "did you mean 'storage-first'"],
    ),
    "front-matter-related-self": (
        lambda r: set_key(r, PAGE, "related", f"[backend-api, {SLUG}]"),
        PAGE,
        "related:",
        ["related lists this page itself"],
    ),
    "front-matter-invalid-yaml": (
        lambda r: set_key(r, PAGE, "category", "[resilience"),
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
        lambda r: edit(r, PAGE, "\n# Check fixture\n", "\n# Check fixtures\n"),
        PAGE,
        "# Check fixtures",
        ["H1 '# Check fixtures' differs from the front-matter title"],
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
        [f"no diagram module: create {MODULE}"],
    ),
    "module-without-page": (
        lambda r: shutil.copy(r / MODULE, r / "diagrams/patterns/check-fixtures.py"),
        "diagrams/patterns/check-fixtures.py",
        1,
        ["orphan module", "no page docs/patterns/check-fixtures.md"],
    ),
    "module-figure-not-shown": (
        lambda r: edit(r, PAGE, f'--8<-- "figure/patterns/{SLUG}.md"\n', ""),
        PAGE,
        "## Solution",
        [f"does not show the figure of {MODULE}", f'--8<-- "figure/patterns/{SLUG}.md"'],
    ),
    "module-steps-not-shown": (
        lambda r: edit(r, PAGE, f'--8<-- "steps/patterns/{SLUG}.md"\n', ""),
        PAGE,
        "## Solution",
        ["does not show the numbered steps", f'--8<-- "steps/patterns/{SLUG}.md"'],
    ),
    "variant-module-not-shown": (
        lambda r: shutil.copy(r / MODULE, r / f"diagrams/patterns/{SLUG}.websocket.py"),
        PAGE,
        "## Solution",
        [
            f"figure of diagrams/patterns/{SLUG}.websocket.py",
            f"figure/patterns/{SLUG}.websocket.md",
        ],
    ),
    "steps-without-how-it-works": (
        lambda r: edit(r, PAGE, "### How it works\n", ""),
        PAGE,
        '--8<-- "steps/',
        ["'How it works' heading"],
    ),
    "step-without-caption": (
        lambda r: replace_call(r, "step(2,", "step(2, api, worker)"),
        MODULE,
        "step(2, api, worker)",
        ["step 2 has no caption", "fourth argument"],
    ),
    "step-misnumbered": (
        lambda r: edit(r, MODULE, "step(2, ", "step(3, "),
        MODULE,
        "step(3, ",
        ["step 3 should be step 2"],
    ),
    "unknown-service": (
        lambda r: edit(r, MODULE, 'node("client"', 'node("clients"'),
        MODULE,
        'node("clients"',
        ["unknown service 'clients'", "did you mean 'client'", "scripts/sitekit/data/services.yml"],
    ),
    "node-without-role": (
        lambda r: replace_call(r, 'client = node("client"', 'client = node("client", "Client")'),
        MODULE,
        'client = node("client", "Client")',
        ["node() needs role="],
    ),
    "module-without-docstring": (
        lambda r: edit(r, MODULE, '"""Check fixture: ', "# Check fixture: "),
        MODULE,
        1,
        ["no module docstring"],
    ),
    "module-with-syntax-error": (
        lambda r: edit(r, MODULE, "def draw():", "def draw()"),
        MODULE,
        "def draw()",
        ["syntax error"],
    ),
    "module-not-rendered": (
        lambda r: (r / f"generated/meta/patterns/{SLUG}.json").unlink(),
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
            f"      - Check fixture: patterns/{SLUG}.md\n",
            f"      - Check fixture: patterns/{SLUG}.md\n"
            "      - Check fixtures: patterns/check-fixtures.md\n",
        ),
        "mkdocs.yml",
        "patterns/check-fixtures.md",
        ["nav entry 'patterns/check-fixtures.md' has no file"],
    ),
    "nav-not-alphabetical": (
        lambda r: move_nav_entry(r, f"patterns/{SLUG}.md", below="patterns/saga.md"),
        "mkdocs.yml",
        f"patterns/{SLUG}.md",
        ["alphabetical by title", "move 'Check fixture'"],
    ),
    "nav-title-differs": (
        lambda r: edit(r, "mkdocs.yml", "- Check fixture: patterns", "- Checks: patterns"),
        "mkdocs.yml",
        "- Checks: patterns",
        ["nav title 'Checks' differs", "'Check fixture'"],
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
        lambda r: edit(r, PAGE, "[lambda-quotas]", "[lambda-quota]"),
        PAGE,
        "[lambda-quota]",
        [
            "link reference [lambda-quota] has no target",
            "did you mean 'lambda-quotas'",
            "includes/links.md",
        ],
    ),
    "link-key-defined-twice": (
        lambda r: (r / "includes/links.md").write_text(
            (r / "includes/links.md").read_text()
            + "[lambda-pricing]: https://docs.aws.amazon.com/lambda/\n"
        ),
        "includes/links.md",
        "[lambda-pricing]: https://docs.aws.amazon.com/lambda/",
        ["link key [lambda-pricing] is defined twice"],
    ),
    "snippet-that-does-not-exist": (
        lambda r: edit(r, PAGE, "## Sources\n", '## Sources\n\n--8<-- "sources/fixture.md"\n'),
        PAGE,
        "sources/fixture.md",
        ["does not exist in any snippet folder"],
    ),
    "facts-checked-missing": (
        lambda r: edit(r, PAGE, "\nfacts_checked: ", "\n# facts_checked: "),
        PAGE,
        1,
        ["facts_checked: missing on a page with sources", "facts_checked: YYYY-MM-DD"],
    ),
    "facts-checked-not-a-date": (
        lambda r: set_key(r, PAGE, "facts_checked", "last week"),
        PAGE,
        "facts_checked:",
        ["'last week' is not a date", "as YYYY-MM-DD"],
    ),
    "facts-checked-impossible-date": (
        lambda r: set_key(r, PAGE, "facts_checked", "2026-02-30"),
        PAGE,
        "facts_checked:",
        ["'2026-02-30' is not a day of the calendar"],
    ),
    "facts-checked-in-the-future": (
        lambda r: set_key(r, PAGE, "facts_checked", "2999-01-01"),
        PAGE,
        "facts_checked:",
        ["2999-01-01 is in the future", "today is"],
    ),
    "facts-checked-not-shown": (
        lambda r: edit(r, PAGE, f'--8<-- "facts/patterns/{SLUG}.md"\n', ""),
        PAGE,
        "## Sources",
        [f"add --8<-- \"facts/patterns/{SLUG}.md\" under '## Sources'"],
    ),
    "facts-checked-shown-elsewhere": (
        lambda r: (
            edit(
                r,
                PAGE,
                f'--8<-- "facts/patterns/{SLUG}.md"\n',
                "",
            )
            or edit(
                r, PAGE, "## Trade-offs\n", f'## Trade-offs\n\n--8<-- "facts/patterns/{SLUG}.md"\n'
            )
        ),
        PAGE,
        f'"facts/patterns/{SLUG}.md"',
        ["belongs in the '## Sources' section"],
    ),
    "related-snippet-missing": (
        lambda r: edit(r, PAGE, f'--8<-- "related/patterns/{SLUG}.md"\n', ""),
        PAGE,
        "## Related patterns",
        [f'add --8<-- "related/patterns/{SLUG}.md"'],
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
    edit(repo, "docs/patterns/backend-api.md", "\ncategory: ", "\ncategory: old-")
    _, problems, _ = check(repo)
    assert any(p.startswith("docs/patterns/backend-api.md:") for p in problems)


def test_no_false_alarms_for_comments_and_code(pristine, repo):
    """A YAML comment in the front matter and a heading or link inside a code block are not
    headings or links of the page."""
    edit(repo, PAGE, "\ncategory: ", "\n# the catalog groups pages by category\ncategory: ")
    edit(repo, PAGE, "## Sources\n", "## Sources\n\n```md\n## Example\n[text][nowhere]\n```\n")
    status, problems, _ = check(repo)
    assert [p for p in problems if p not in pristine[1]] == []
    assert status == (1 if pristine[1] else 0)


def test_a_figure_included_twice_is_reported_at_the_second_include(pristine, repo):
    include = f'--8<-- "figure/patterns/{SLUG}.md"'
    edit(repo, PAGE, "### How it works\n", f"{include}\n\n### How it works\n")
    second = [
        n
        for n, text in enumerate((repo / PAGE).read_text(encoding="utf-8").splitlines(), 1)
        if text.strip() == include
    ][-1]
    status, problems, _ = check(repo)
    assert status == 1
    assert any(p.startswith(f"{PAGE}:{second}: ") and "included again" in p for p in problems), (
        problems
    )
