"""The Markdown view `make check` works on: headings, snippets and link references with their
lines, outside code fences."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from sitekit.checks.report import Report
from sitekit.pages import FRONT_MATTER, load_front_matter
from sitekit.paths import DOCS, repo_relative

# --- Markdown ----------------------------------------------------------------------------------

SNIPPET = re.compile(r"^[ \t]*(?P<escape>;*)-+8<-+[ \t]+(?P<q>[\"'])(?P<path>.+?)(?P=q)[ \t]*$")
HEADING = re.compile(r"^(#{1,6})[ \t]+(.+?)[ \t]*(?:\{[^}]*\})?[ \t]*#*[ \t]*$")
FENCE = re.compile(r"^[ \t]*(`{3,}|~{3,})(.*)$")
LINK_REF = re.compile(r"!?\[((?:[^\[\]\n]|\[[^\[\]\n]*\])+)\]\[([^\[\]\n]*)\]")
LINK_DEF = re.compile(r"^[ ]{0,3}\[([^\]\n]+)\]:[ \t]*\S")
INLINE_CODE = re.compile(r"(`+).*?\1")


def link_key(text: str) -> str:
    return " ".join(text.lower().split())


@dataclass
class Heading:
    level: int
    text: str
    line: int


@dataclass
class Markdown:
    """What the check needs from a Markdown file, with 1-based line numbers."""

    headings: list[Heading] = field(default_factory=list)
    snippets: list[tuple[str, int]] = field(default_factory=list)
    link_refs: list[tuple[str, int]] = field(default_factory=list)
    link_defs: list[tuple[str, int]] = field(default_factory=list)

    @classmethod
    def scan(cls, text: str) -> Markdown:
        found = cls()
        fence = ""
        front = FRONT_MATTER.match(text)
        skip = front[0].count("\n") if front else 0  # YAML comments are not headings
        for number, line in enumerate(text.splitlines(), start=1):
            if number <= skip:
                continue
            # Snippets expand everywhere, inside code fences too (that is how a figure shows its
            # module's source), unless escaped with a leading ';'.
            snippet = SNIPPET.match(line)
            if snippet and not snippet["escape"]:
                found.snippets.append((snippet["path"], number))
            marker = FENCE.match(line)
            if fence:
                if marker and marker[1][0] == fence[0] and len(marker[1]) >= len(fence):
                    fence = "" if not marker[2].strip() else fence
                continue
            if marker:
                fence = marker[1]
                continue
            heading = HEADING.match(line)
            if heading:
                found.headings.append(Heading(len(heading[1]), heading[2].strip(), number))
                continue
            definition = LINK_DEF.match(line)
            if definition:
                found.link_defs.append((link_key(definition[1]), number))
                continue
            for ref in LINK_REF.finditer(INLINE_CODE.sub("", line)):
                key = ref[2] or ref[1]
                if not key.startswith("^"):  # footnotes are not links
                    found.link_refs.append((link_key(key), number))
        return found


@dataclass
class Page:
    path: Path
    meta: dict
    text: str
    block: str | None  # the front matter, when it parsed
    md: Markdown

    @property
    def rel(self) -> str:
        """``patterns/saga.md``, relative to docs/."""
        return self.path.relative_to(DOCS).as_posix()

    @property
    def slug(self) -> str:
        return self.rel.removesuffix(".md")

    @property
    def file(self) -> str:
        return repo_relative(self.path)

    @property
    def is_pattern(self) -> bool:
        return self.rel.startswith("patterns/")

    def section_at(self, line: int) -> str | None:
        """The H2 that ``line`` falls under."""
        current = None
        for heading in self.md.headings:
            if heading.line > line:
                break
            if heading.level == 2:
                current = heading.text
        return current

    def h2_line(self, text: str) -> int | None:
        return next((h.line for h in self.md.headings if h.level == 2 and h.text == text), None)


def read_page(path: Path, report: Report) -> Page:
    text = path.read_text(encoding="utf-8")
    page = Page(path, {}, text, None, Markdown.scan(text))
    match = FRONT_MATTER.match(text)
    if not match:
        report(page.file, 1, "no-front-matter")
        return page
    try:
        meta = load_front_matter(match[1])
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc)
        report(page.file, mark.line + 2 if mark else 1, "bad-yaml", problem=problem)
        return page
    if not isinstance(meta, dict):
        report(page.file, 2, "not-mapping")
        return page
    page.meta, page.block = meta, match[1]
    return page
