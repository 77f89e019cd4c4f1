"""Source files shown on the pages (each diagram's module), served beside the site and loaded
into the page only when a reader opens them.

Highlighted code is the heaviest part of a page (every token is a <span>): inlined, two
diagram modules were 19 KB of /patterns/publish-subscribe/, and its two stack templates more. Instead, `make pages` writes each
file twice under docs/assets/sources/: ``<path>.html``, highlighted by the same Markdown
extensions as the pages (so the theme styles it), and ``<path>.txt``, the plain text. A page
shows a collapsed block whose link opens the text file; docs/assets/javascripts/source.js
fetches the highlighted version into the block the first time it is opened, with a copy
button.
"""

from __future__ import annotations

import html
from pathlib import Path

import markdown

from sitekit.paths import DOCS, ROOT, diagram_modules

SOURCES = DOCS / "assets" / "sources"
LANGUAGES = {".py": "python", ".yaml": "yaml", ".yml": "yaml", ".json": "json"}


def shown_files() -> list[Path]:
    """Every repository file a page shows the source of: each diagram module and each
    stack's template."""
    from sitekit.stacks import stack_folders

    templates = [s.folder / "template.yaml" for s in stack_folders()]
    return [d.module for d in diagram_modules()] + [t for t in templates if t.is_file()]


def highlighted(path: Path) -> str:
    fence = "`" * 4
    text = path.read_text(encoding="utf-8")
    language = LANGUAGES.get(path.suffix, "text")
    return markdown.markdown(
        f"{fence}{language}\n{text}\n{fence}",
        extensions=["pymdownx.highlight", "pymdownx.superfences"],
    )


def outputs() -> dict[Path, str]:
    found: dict[Path, str] = {}
    for path in shown_files():
        rel = path.relative_to(ROOT).as_posix()
        found[SOURCES / f"{rel}.html"] = highlighted(path) + "\n"
        found[SOURCES / f"{rel}.txt"] = path.read_text(encoding="utf-8")
    return found


def stale(wanted: dict[Path, str]) -> list[Path]:
    """Files under docs/assets/sources/ that no shown file produces any more."""
    if not SOURCES.exists():
        return []
    return sorted(p for p in SOURCES.rglob("*") if p.is_file() and p not in wanted)


def details(path: Path, page_root: str, summary: str, block_id: str) -> str:
    """The collapsed block a page shows (raw HTML; styled as the theme's "example" admonition).
    Without JavaScript its link opens the plain text."""
    rel = path.relative_to(ROOT).as_posix()
    base = f"{page_root}assets/sources/{rel}"
    return (
        f'<details class="example source" id="{block_id}" data-source="{base}.html">\n'
        f"<summary>{summary}</summary>\n"
        f'<p class="source__fallback"><a href="{base}.txt">Open <code>{html.escape(rel)}</code> '
        "as plain text</a></p>\n</details>\n"
    )
