"""The service icons the inline diagrams share: one file each under docs/assets/icons/.

Inline SVGs reference ``assets/icons/<path in the diagrams library>.png`` instead of carrying
the image bytes, so the browser downloads each icon once and caches it for every page. This
module writes exactly the icons the rendered figures reference, shrunk as for the downloadable
SVG (same bytes on every run), and removes icons no figure uses any more.
"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

from sitekit.paths import DOCS, GENERATED, write_if_changed

ICONS = DOCS / "assets" / "icons"
STAMP = GENERATED / "stamps" / "icons.sha256"  # the toolchain that wrote the icon files
REFERENCE = re.compile(r"assets/icons/([\w./-]+?\.png)")


def library_resources() -> Path:
    """The ``resources`` folder the diagrams library installs beside itself."""
    spec = importlib.util.find_spec("diagrams")
    return Path(spec.origin).resolve().parents[1] / "resources"


def referenced() -> set[str]:
    names: set[str] = set()
    for figure in sorted((GENERATED / "figure").rglob("*.md")):
        names.update(REFERENCE.findall(figure.read_text(encoding="utf-8")))
    return names


def sync(toolchain: bytes = b"") -> int:
    """Write every referenced icon that is missing or stale, delete unreferenced ones; returns
    how many files changed. An icon file that exists was written by the same toolchain (the
    render hash covers this module, svg.py and the libraries), so only missing ones are
    encoded: a no-op run stays fast."""
    from sitekit.svg import icon_png

    wanted = referenced()
    resources = library_resources()
    changed = 0
    fresh = STAMP.exists() and STAMP.read_text(encoding="utf-8").strip() == toolchain.hex()
    for name in sorted(wanted):
        if fresh and (ICONS / name).exists():
            continue
        source = (resources / name).resolve()
        if resources not in source.parents:  # a figure must not reach outside the library
            raise ValueError(f"icon outside the diagrams library: {name}")
        changed += write_if_changed(ICONS / name, icon_png(str(source)))
    for path in sorted(ICONS.rglob("*.png")) if ICONS.exists() else []:
        if path.relative_to(ICONS).as_posix() not in wanted:
            path.unlink()
            changed += 1
    write_if_changed(STAMP, toolchain.hex() + "\n")
    return changed
