"""mkdocs.yml: the navigation, and files in docs/ and includes/ that nothing uses."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from sitekit.checks.markdown import Page
from sitekit.checks.report import CONFIG, GENERATED_IN_DOCS, INCLUDES, Report
from sitekit.paths import DOCS, ROOT, repo_relative

# --- mkdocs.yml --------------------------------------------------------------------------------


def plain(node):
    """A composed YAML node as Python data (tags such as ``!!python/name:`` are ignored)."""
    if isinstance(node, yaml.MappingNode):
        return {plain(k): plain(v) for k, v in node.value}
    if isinstance(node, yaml.SequenceNode):
        return [plain(v) for v in node.value]
    return None if node is None else node.value


def nav_key(title: str) -> str:
    """``title`` as YAML (a nav key or a value): plain when it reads back unchanged."""
    try:
        if yaml.safe_load(f"{title}: x") == {title: "x"}:
            return title
    except yaml.YAMLError:
        pass
    return json.dumps(title, ensure_ascii=False)


def mapping_get(node, key: str):
    for k, v in node.value if isinstance(node, yaml.MappingNode) else []:
        if isinstance(k, yaml.ScalarNode) and k.value == key:
            return v
    return None


@dataclass
class NavEntry:
    title: str | None
    path: str
    line: int
    section: tuple[str, ...]


@dataclass
class Config:
    text: str = ""
    nav: list[NavEntry] | None = None
    patterns_line: int | None = None
    snippet_bases: list[Path] = field(default_factory=lambda: [ROOT])
    auto_append: list[str] = field(default_factory=list)


def load_config(report: Report) -> Config:
    config = Config(CONFIG.read_text(encoding="utf-8") if CONFIG.exists() else "")
    try:
        root = yaml.compose(config.text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        report("mkdocs.yml", mark.line + 1 if mark else 1, "config-yaml", error=exc)
        return config
    for extension in plain(mapping_get(root, "markdown_extensions")) or []:
        if isinstance(extension, dict) and "pymdownx.snippets" in extension:
            options = extension["pymdownx.snippets"] or {}
            base = options.get("base_path", ["."])
            config.snippet_bases = [ROOT / b for b in ([base] if isinstance(base, str) else base)]
            config.auto_append = list(options.get("auto_append") or [])
    nav = mapping_get(root, "nav")
    if not isinstance(nav, yaml.SequenceNode):
        report("mkdocs.yml", 1, "no-nav")
        return config
    config.nav = []

    def walk(sequence: yaml.SequenceNode, section: tuple[str, ...]) -> None:
        for item in sequence.value:
            line = item.start_mark.line + 1
            if isinstance(item, yaml.ScalarNode):
                config.nav.append(NavEntry(None, item.value, line, section))
                continue
            if not (isinstance(item, yaml.MappingNode) and len(item.value) == 1):
                report("mkdocs.yml", line, "nav-entry")
                continue
            key, value = item.value[0]
            if isinstance(value, yaml.SequenceNode):
                if not section and key.value == "Patterns":
                    config.patterns_line = line
                walk(value, (*section, key.value))
            elif isinstance(value, yaml.ScalarNode):
                config.nav.append(NavEntry(key.value, value.value, line, section))
            else:
                report("mkdocs.yml", line, "nav-entry")

    walk(nav, ())
    return config


def check_nav(config: Config, pages: dict[str, Page], report: Report) -> None:
    if config.nav is None:
        return
    seen: dict[str, int] = {}
    for entry in config.nav:
        if re.match(r"^[a-z]+://", entry.path):
            continue
        if entry.path in seen:
            report("mkdocs.yml", entry.line, "nav-twice", path=entry.path, first=seen[entry.path])
            continue
        seen[entry.path] = entry.line
        if not (DOCS / entry.path).is_file():
            report("mkdocs.yml", entry.line, "nav-no-file", path=entry.path)
    patterns = [e for e in config.nav if e.section == ("Patterns",)]
    for before, entry in zip(patterns, patterns[1:], strict=False):
        if (entry.title or "").casefold() < (before.title or "").casefold():
            report("mkdocs.yml", entry.line, "nav-order", title=entry.title, before=before.title)
    for entry in patterns:
        page = pages.get(entry.path.removesuffix(".md"))
        page_title = page.meta.get("title") if page else None
        if entry.title and isinstance(page_title, str) and page_title != entry.title:
            report(
                "mkdocs.yml",
                entry.line,
                "nav-title",
                title=entry.title,
                page_title=page_title,
                path=entry.path,
            )
    for page in pages.values():
        if page.rel not in seen:
            where = "to 'nav'"
            if page.is_pattern:
                line = f" (line {config.patterns_line})" if config.patterns_line else ""
                where = f"to the Patterns section{line}, alphabetically by title,"
            title = nav_key(str(page.meta.get("title", "Title")))
            report(page.file, 1, "not-in-nav", title=title, path=page.rel, where=where)


def generated(path: Path) -> bool:
    return any(folder == path or folder in path.parents for folder in GENERATED_IN_DOCS)


def check_orphans(config: Config, pages: dict[str, Page], report: Report) -> None:
    """Files in docs/ and includes/ that no page, stylesheet, script, theme override or
    mkdocs.yml uses."""
    assets = sorted(
        p
        for p in DOCS.rglob("*")
        if p.is_file()
        and p.suffix != ".md"
        and not generated(p)
        and not any(part.startswith(".") or part == "__pycache__" for part in p.parts)
    )
    sources = {CONFIG: config.text, **{p.path: p.text for p in pages.values()}}
    sources.update(
        (p, p.read_text(encoding="utf-8", errors="ignore"))
        for p in assets
        if p.suffix in (".css", ".js", ".html", ".svg")
    )
    overrides = ROOT / "overrides"  # the theme's custom_dir (search worker, language)
    sources.update((p, p.read_text(encoding="utf-8")) for p in sorted(overrides.rglob("*.html")))
    for asset in assets:
        name = re.compile(rf"(?<![\w.-]){re.escape(asset.name)}(?![\w-])")
        if not any(name.search(text) for path, text in sources.items() if path != asset):
            report(repo_relative(asset), 1, "stray-asset")
    included = {Path(s).name for p in pages.values() for s, _ in p.md.snippets}
    for path in sorted(INCLUDES.rglob("*")) if INCLUDES.is_dir() else []:
        if path.is_file() and not path.name.startswith("."):
            if path.name not in config.auto_append and path.name not in included:
                report(repo_relative(path), 1, "stray-include")
