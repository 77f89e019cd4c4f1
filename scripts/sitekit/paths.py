"""Where things live in the repository, and how a diagram module maps to its page and outputs."""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DIAGRAMS = ROOT / "diagrams"
DOCS = ROOT / "docs"
# Snippets the pages include (figures, step lists, catalog); never served on their own.
GENERATED = ROOT / "generated"
# Standalone SVG and PNG files offered for download; served with the site.
DIAGRAM_ASSETS = DOCS / "assets" / "diagrams"
SERVICE_PAGES = DOCS / "services"


@dataclass(frozen=True)
class DiagramPaths:
    """Everything derived from one module path, e.g. diagrams/patterns/saga.choreography.py."""

    module: Path

    @property
    def diagram_id(self) -> str:
        """``patterns/saga.choreography``: the module path without folder and suffix."""
        return self.module.relative_to(DIAGRAMS).with_suffix("").as_posix()

    @property
    def page(self) -> str:
        """The page the diagram belongs to, ``patterns/saga`` (a ``.variant`` is dropped)."""
        folder, _, name = self.diagram_id.rpartition("/")
        stem = name.split(".", 1)[0]
        return f"{folder}/{stem}" if folder else stem

    @property
    def page_file(self) -> Path:
        return DOCS / f"{self.page}.md"

    @property
    def dom_id(self) -> str:
        """An HTML id unique across the site; prefixes every id inside the SVG."""
        return "d-" + self.diagram_id.replace("/", "-").replace(".", "-")

    @property
    def page_root(self) -> str:
        """Relative URL from the page (``/patterns/saga/``) back to the site root."""
        url = self.page.removesuffix("index").rstrip("/")  # `lambda/index` is served at /lambda/
        return "../" * (url.count("/") + 1) if url else ""

    @property
    def svg(self) -> Path:
        return DIAGRAM_ASSETS / f"{self.diagram_id}.svg"

    @property
    def png(self) -> Path:
        return DIAGRAM_ASSETS / f"{self.diagram_id}.png"

    @property
    def dark_png(self) -> Path:
        """The PNG in the dark palette's colours, linked while the page shows that palette."""
        return DIAGRAM_ASSETS / f"{self.diagram_id}.dark.png"

    @property
    def figure(self) -> Path:
        return GENERATED / "figure" / f"{self.diagram_id}.md"

    @property
    def steps(self) -> Path:
        return GENERATED / "steps" / f"{self.diagram_id}.md"

    @property
    def meta(self) -> Path:
        return GENERATED / "meta" / f"{self.diagram_id}.json"

    @property
    def stamp(self) -> Path:
        return GENERATED / "stamps" / f"{self.diagram_id}.sha256"

    def outputs(self) -> list[Path]:
        return [self.svg, self.png, self.dark_png, self.figure, self.steps, self.meta, self.stamp]


def repo_relative(path: str | Path) -> str:
    """``diagrams/x.py`` rather than a machine-specific absolute path, for messages."""
    try:
        return Path(path).resolve().relative_to(ROOT).as_posix()
    except ValueError:
        return str(path)


def diagram_modules() -> list[DiagramPaths]:
    return [DiagramPaths(p) for p in sorted(DIAGRAMS.rglob("*.py")) if p.name != "__init__.py"]


def atomic_write(path: Path, data: bytes | str) -> None:
    """Write via a temporary file and rename, so a reader never sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    with os.fdopen(handle, "wb") as out:
        out.write(data.encode("utf-8") if isinstance(data, str) else data)
    os.chmod(tmp, 0o644)
    os.replace(tmp, path)


def write_if_changed(path: Path, data: bytes | str) -> bool:
    """Atomic write that leaves an identical file untouched (keeps live reload quiet)."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    if path.exists() and path.read_bytes() == raw:
        return False
    atomic_write(path, raw)
    return True
