"""``make new-pattern``: start a pattern page and its diagram module from the templates.

Writes ``docs/patterns/<slug>.md`` (front matter and every required section, with guidance),
``diagrams/patterns/<slug>.py`` (a small working diagram with two numbered steps), the AWS SAM
stack that builds it (``stacks/patterns/<slug>/``: template, handler, sample event), and adds the
page to the Patterns section of ``mkdocs.yml``'s nav, alphabetically by title, by inserting one
line (the rest of the file stays byte-identical). The catalog and service pages are generated
from the front matter and the diagram, so rendering the new diagram and regenerating the pages
registers it there. Every argument is validated before anything is written: a refused request
leaves the tree untouched.
"""

from __future__ import annotations

import datetime
import re
import shutil
import string
import sys
from dataclasses import dataclass
from pathlib import Path

import yaml

from sitekit.checks.config import mapping_get, nav_key
from sitekit.checks.report import RELATED_COUNT, SLUG
from sitekit.pages import FRONT_MATTER, categories, load_front_matter
from sitekit.paths import DIAGRAMS, DOCS, ROOT, atomic_write
from sitekit.stacks import STACKS

TEMPLATES = Path(__file__).parent / "templates"
CONFIG = ROOT / "mkdocs.yml"
USAGE = 'usage: make new-pattern SLUG=<slug> TITLE="<Title>" CATEGORY=<category>'


class ScaffoldError(Exception):
    """A request the scaffold refuses; nothing has been written."""


@dataclass
class Plan:
    page: Path
    page_text: str
    module: Path
    module_text: str
    config_text: str
    nav_line: int
    stack_files: dict[Path, str]


def _patterns() -> dict[str, tuple[str, str]]:
    """slug -> (title, category) of every existing pattern page."""
    found = {}
    for path in sorted((DOCS / "patterns").glob("*.md")):
        match = FRONT_MATTER.match(path.read_text(encoding="utf-8"))
        try:
            meta = load_front_matter(match.group(1)) if match else {}
        except yaml.YAMLError:
            meta = {}
        meta = meta if isinstance(meta, dict) else {}
        found[path.stem] = (str(meta.get("title", path.stem)), str(meta.get("category", "")))
    return found


def validate(slug: str, title: str, category: str) -> None:
    if not slug or not SLUG.match(slug) or len(slug) > 60:
        raise ScaffoldError(
            f"invalid slug {slug!r}: use lower-case letters and digits in words joined by single "
            "hyphens, at most 60 characters, e.g. SLUG=fan-out\n" + USAGE
        )
    names = categories()
    if category not in names:
        raise ScaffoldError(
            f"unknown category {category!r}: use one of {', '.join(names)} "
            "(scripts/sitekit/data/categories.yml)\n" + USAGE
        )
    if not title.strip() or title != title.strip() or len(title) > 80:
        raise ScaffoldError(
            f"invalid title {title!r}: give a short title (1-80 characters, no surrounding "
            'spaces), e.g. TITLE="Fan-out"\n' + USAGE
        )
    if re.search(r'["\\\x00-\x1f\x7f]', title):
        raise ScaffoldError(f"invalid title {title!r}: leave out double quotes and backslashes")
    page = DOCS / "patterns" / f"{slug}.md"
    if page.exists():
        raise ScaffoldError(
            f"pattern {slug!r} already exists ({page.relative_to(ROOT)}): choose another slug, "
            "or edit that page"
        )
    modules = sorted((DIAGRAMS / "patterns").glob(f"{slug}.py")) + sorted(
        (DIAGRAMS / "patterns").glob(f"{slug}.*.py")
    )
    if modules:
        raise ScaffoldError(
            f"slug {slug!r} is taken by {modules[0].relative_to(ROOT)}: choose another slug, or "
            "remove that module if it is left over"
        )
    for other, (other_title, _) in _patterns().items():
        if other_title.casefold() == title.casefold():
            raise ScaffoldError(
                f"title {title!r} is already used by docs/patterns/{other}.md: choose another"
            )


def nav_insertion(config_text: str, slug: str, title: str) -> tuple[str, int]:
    """mkdocs.yml with ``- <title>: patterns/<slug>.md`` inserted into the Patterns section,
    alphabetically by title; and the 1-based line number of the new line."""
    try:
        root = yaml.compose(config_text)
    except yaml.YAMLError as exc:
        raise ScaffoldError(f"mkdocs.yml is not valid YAML, fix it first: {exc}") from None
    nav = mapping_get(root, "nav")
    section = None
    for item in nav.value if isinstance(nav, yaml.SequenceNode) else []:
        value = mapping_get(item, "Patterns")
        if isinstance(value, yaml.SequenceNode) and value.value:
            section = value
    if section is None:
        raise ScaffoldError(
            "mkdocs.yml has no 'Patterns' section with entries in its nav: add "
            "'  - Patterns:' with at least one '- Title: patterns/<slug>.md' under it"
        )
    for item in section.value:
        if isinstance(item, yaml.MappingNode):
            target = item.value[0][1]
            if isinstance(target, yaml.ScalarNode) and target.value == f"patterns/{slug}.md":
                raise ScaffoldError(
                    f"mkdocs.yml already lists patterns/{slug}.md (line "
                    f"{item.start_mark.line + 1}): choose another slug or remove that entry"
                )
    lines = config_text.splitlines(keepends=True)
    first = lines[section.value[0].start_mark.line]
    indent = first[: len(first) - len(first.lstrip(" \t"))]
    newline = "\r\n" if first.endswith("\r\n") else "\n"
    at = None
    for item in section.value:
        key = item.value[0][0].value if isinstance(item, yaml.MappingNode) else item.value
        if str(key).casefold() > title.casefold():
            at = item.start_mark.line
            break
    if at is None:  # after the last entry (its value may wrap onto more lines)
        last = section.value[-1]
        end = last.value[0][1] if isinstance(last, yaml.MappingNode) else last
        at = end.end_mark.line + 1
        if at >= len(lines) and not lines[-1].endswith("\n"):
            lines[-1] += newline
    entry = f"{indent}- {nav_key(title)}: patterns/{slug}.md{newline}"
    lines.insert(at, entry)
    return "".join(lines), at + 1


def related_for(slug: str, category: str) -> list[str]:
    """Placeholder related patterns that exist: same category first, then alphabetical."""
    existing = {s: c for s, (_, c) in _patterns().items() if s != slug}
    ranked = sorted(existing, key=lambda s: (existing[s] != category, s))
    return ranked[: RELATED_COUNT[0]]


def plan(slug: str, title: str, category: str) -> Plan:
    validate(slug, title, category)
    values = {
        "title": title,
        "title_yaml": nav_key(title),
        "slug": slug,
        "category": category,
        "related": ", ".join(related_for(slug, category)),
        "today": datetime.date.today().isoformat(),
    }
    page_text = string.Template((TEMPLATES / "pattern.md").read_text(encoding="utf-8"))
    module_text = (TEMPLATES / "pattern.py").read_text(encoding="utf-8")
    # validate() refused quotes and backslashes, so the title is a valid Python string as is.
    module_text = module_text.replace("__TITLE__", title)
    config_text, nav_line = nav_insertion(CONFIG.read_text(encoding="utf-8"), slug, title)
    stack = STACKS / "patterns" / slug
    if stack.exists():
        raise ScaffoldError(
            f"{stack.relative_to(ROOT)} already exists: remove it or pick another slug"
        )
    stack_files = {
        stack / "template.yaml": (TEMPLATES / "stack.yaml").read_text(encoding="utf-8"),
        stack / "src" / "worker" / "app.py": (TEMPLATES / "stack_app.py").read_text(
            encoding="utf-8"
        ),
        stack / "events" / "request.json": (TEMPLATES / "stack_event.json").read_text(
            encoding="utf-8"
        ),
    }
    for path, text in stack_files.items():
        stack_files[path] = (
            text.replace("__TITLE__", title).replace("__SLUG__", slug).replace("__NAME__", slug)
        )
    return Plan(
        page=DOCS / "patterns" / f"{slug}.md",
        page_text=page_text.substitute(values),
        module=DIAGRAMS / "patterns" / f"{slug}.py",
        module_text=module_text,
        config_text=config_text,
        nav_line=nav_line,
        stack_files=stack_files,
    )


def write(planned: Plan) -> None:
    """Create the page and the module (never overwriting), then update mkdocs.yml."""
    created: list[Path] = []
    try:
        for path, text in (
            (planned.page, planned.page_text),
            (planned.module, planned.module_text),
            *planned.stack_files.items(),
        ):
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open("x", encoding="utf-8", newline="\n") as out:
                created.append(path)
                out.write(text)
        atomic_write(CONFIG, planned.config_text)
    except BaseException:
        for path in created:
            path.unlink(missing_ok=True)
        stack = next(iter(planned.stack_files)).parent  # plan() checked it did not exist
        shutil.rmtree(stack, ignore_errors=True)
        raise


def main(slug: str, title: str, category: str) -> int:
    try:
        planned = plan(slug, title, category)
        write(planned)
    except (ScaffoldError, FileExistsError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    # Register it in the catalog and the service pages right away, as `make pages` would.
    from sitekit.generate import generate_all
    from sitekit.render import render_all

    failed = render_all(only=[planned.module.resolve()])
    generate_all()
    page, module = (p.relative_to(ROOT).as_posix() for p in (planned.page, planned.module))
    stack = (STACKS / "patterns" / slug).relative_to(ROOT).as_posix()
    print(
        f"new-pattern: created {page}, {module} and the stack {stack}/; added '{title}' to the Patterns nav "
        f"(mkdocs.yml line {planned.nav_line}).\n"
        "Next: run 'make serve' and open the page; replace the guidance in each section and "
        "draw the real architecture in the module and build it in the stack; set 'summary' and 'related'; cite an AWS "
        "page for every number; then run 'make check' and 'make test'."
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:4]))
