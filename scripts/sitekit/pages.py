"""The site's Markdown pages and their front matter (the one home of a pattern's metadata)."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from sitekit.paths import DOCS, SERVICE_PAGES

CATEGORIES_PATH = Path(__file__).parent / "data" / "categories.yml"
FRONT_MATTER = re.compile(r"\A---\n(.*?\n)---\n", re.DOTALL)


class FrontMatterLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """YAML's safe loader (libyaml's when installed: cost models make front matter long),
    except that an impossible date (``2026-02-30``) stays text instead of raising ValueError,
    so `make check` can name the file and line."""


def _timestamp(loader: FrontMatterLoader, node: yaml.Node):
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except ValueError:
        return loader.construct_scalar(node)


FrontMatterLoader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp)


def load_front_matter(text: str):
    return yaml.load(text, Loader=FrontMatterLoader)  # a SafeLoader: builds no objects


@functools.cache
def categories() -> dict[str, str]:
    with CATEGORIES_PATH.open(encoding="utf-8") as handle:
        return yaml.load(handle, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


@dataclass
class Page:
    path: Path
    meta: dict
    body: str
    body_line: int  # 1-based line number where the body starts
    errors: list[str] = field(default_factory=list)

    @property
    def rel(self) -> str:
        """``patterns/backend-api.md``"""
        return self.path.relative_to(DOCS).as_posix()

    @property
    def url(self) -> str:
        """``patterns/backend-api/``, the page's URL relative to the site root."""
        stem = self.rel.removesuffix(".md")
        if stem == "index":
            return ""
        return stem.removesuffix("/index") + "/"

    @property
    def slug(self) -> str:
        return self.rel.removesuffix(".md")

    @property
    def is_pattern(self) -> bool:
        return self.rel.startswith("patterns/")

    @property
    def title(self) -> str:
        return str(self.meta.get("title", self.slug))


def parse(path: Path) -> Page:
    text = path.read_text(encoding="utf-8")
    match = FRONT_MATTER.match(text)
    if not match:
        return Page(
            path,
            {},
            text,
            1,
            [
                f"{path}:1: no front matter: start the page with "
                "'---', the keys (title, summary, ...), then '---'"
            ],
        )
    try:
        meta = load_front_matter(match.group(1)) or {}
    except yaml.YAMLError as exc:
        line = getattr(getattr(exc, "problem_mark", None), "line", 0) + 2
        return Page(
            path,
            {},
            text[match.end() :],
            match.group(0).count("\n") + 1,
            [f"{path}:{line}: front matter is not valid YAML: {exc}"],
        )
    if not isinstance(meta, dict):
        meta = {}
    return Page(path, meta, text[match.end() :], match.group(0).count("\n") + 1)


def authored_pages() -> list[Page]:
    """Every hand-written page (generated service pages excluded)."""
    return [parse(p) for p in sorted(DOCS.rglob("*.md")) if SERVICE_PAGES not in p.parents]


def pattern_pages() -> list[Page]:
    return [p for p in authored_pages() if p.is_pattern]
