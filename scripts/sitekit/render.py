"""``make diagrams``: render every diagram module that changed, in parallel, atomically.

For each module under diagrams/ this writes the download SVG and PNG (docs/assets/diagrams/),
the figure and step-list snippets the page includes, and a metadata file for the service
explorer (generated/). A content hash of the module and of this package decides whether a
diagram is stale, so a no-op run only reads files.
"""

from __future__ import annotations

import hashlib
import html
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import time
import traceback
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict
from pathlib import Path

from sitekit.paths import DIAGRAM_ASSETS, DIAGRAMS, GENERATED, ROOT, DiagramPaths, \
    atomic_write, diagram_modules

PACKAGE = Path(__file__).parent


class RenderError(Exception):
    """A diagram that could not be rendered; the message starts with ``path:line:``."""


def _toolchain_hash() -> bytes:
    """Hash of the pipeline itself: changing it re-renders everything."""
    digest = hashlib.sha256()
    for path in sorted(PACKAGE.rglob("*")):
        if path.suffix in (".py", ".yml") and "__pycache__" not in path.parts:
            digest.update(path.relative_to(PACKAGE).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.digest()


def input_hash(diagram: DiagramPaths, toolchain: bytes) -> str:
    return hashlib.sha256(toolchain + diagram.module.read_bytes()).hexdigest()


def is_fresh(diagram: DiagramPaths, digest: str) -> bool:
    return all(p.exists() for p in diagram.outputs()) and \
        diagram.stamp.read_text(encoding="utf-8").strip() == digest


def _relative(path: str | Path) -> str:
    try:
        return Path(path).resolve().relative_to(ROOT).as_posix()
    except ValueError:
        return str(path)


def _where(exc: BaseException, module: Path) -> str:
    """``diagrams/x.py:LINE`` for the innermost frame in the module, else the module itself."""
    if isinstance(exc, SyntaxError) and exc.filename:
        return f"{_relative(exc.filename)}:{exc.lineno}"
    line = 1
    for frame in traceback.extract_tb(exc.__traceback__):
        if Path(frame.filename).resolve() == module.resolve():
            line = frame.lineno
    return f"{_relative(module)}:{line}"


def load_module(module: Path):
    name = "diagram_" + "".join(c if c.isalnum() else "_" for c in _relative(module))
    spec = importlib.util.spec_from_file_location(name, module)
    loaded = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(loaded)
    if not callable(getattr(loaded, "draw", None)):
        raise RenderError(f"{_relative(module)}:1: define a draw() function that builds the diagram")
    return loaded


def run_dot(source: str, fmt: str) -> bytes:
    if shutil.which("dot") is None:
        raise RenderError("Graphviz 'dot' not found: run 'make setup' (installs Debian's graphviz)")
    done = subprocess.run(["dot", f"-T{fmt}"], input=source.encode("utf-8"),
                          capture_output=True, check=False)
    if done.returncode != 0:
        raise RenderError(f"dot failed: {done.stderr.decode(errors='replace').strip()}")
    return done.stdout


def figure_snippet(diagram: DiagramPaths, inline_svg: str, title: str) -> str:
    """The Markdown snippet a page includes: the inline SVG, downloads, and the source code."""
    asset = f"{diagram.page_root}assets/diagrams/{diagram.diagram_id}"
    module = _relative(diagram.module)
    return (
        f'<figure class="diagram" id="{diagram.dom_id}" data-diagram="{diagram.diagram_id}">\n'
        f'<div class="diagram__canvas">\n{inline_svg}</div>\n'
        f'<figcaption class="diagram__caption"><span class="diagram__title">{html.escape(title)}'
        f'</span> <span class="diagram__downloads">Download: '
        f'<a href="{asset}.svg" download>SVG</a> · <a href="{asset}.png" download>PNG</a>'
        f"</span></figcaption>\n</figure>\n\n"
        f'??? example "The code that drew this diagram: `{module}`"\n\n'
        f'    ```python\n    --8<-- "{module}"\n    ```\n'
    )


def steps_snippet(diagram: DiagramPaths, recording) -> str:
    """The numbered "How it works" list, written once in the module, shown on the page."""
    items = "\n".join(
        f'<li data-step="{s.number}" markdown="span">{s.caption}</li>' for s in recording.steps
    )
    return (f'<ol class="diagram-steps" data-diagram-ref="{diagram.dom_id}" markdown>\n'
            f"{items}\n</ol>\n")


def render_one(diagram: DiagramPaths) -> dict:
    """Render one module; on any failure remove its outputs and raise RenderError."""
    from sitekit import draw, svg  # imported here so a no-op run never loads diagrams

    try:
        module = load_module(diagram.module)
        recording = draw.record(_relative(diagram.module), module.draw)
        raw = run_dot(recording.source, "svg")
        png = run_dot(recording.source, "png")
        inline = svg.clean(raw, recording, diagram.dom_id, diagram.page_root)
        download = svg.clean(raw, recording, diagram.dom_id, None)
    except RenderError:
        remove_outputs(diagram)
        raise
    except draw.DiagramError as exc:
        remove_outputs(diagram)
        raise RenderError(str(exc)) from None
    except BaseException as exc:  # a broken module must not stop the others
        remove_outputs(diagram)
        raise RenderError(f"{_where(exc, diagram.module)}: {type(exc).__name__}: {exc}") from None
    meta = {
        "id": diagram.diagram_id, "page": diagram.page, "dom_id": diagram.dom_id,
        "title": recording.title, "nodes": [asdict(n) for n in recording.nodes],
        "steps": [asdict(s) for s in recording.steps],
    }
    atomic_write(diagram.svg, '<?xml version="1.0" encoding="UTF-8"?>\n' + download)
    atomic_write(diagram.png, png)
    atomic_write(diagram.figure, figure_snippet(diagram, inline, recording.title))
    atomic_write(diagram.steps, steps_snippet(diagram, recording))
    atomic_write(diagram.meta, json.dumps(meta, indent=1, sort_keys=True) + "\n")
    return meta


def remove_outputs(diagram: DiagramPaths) -> None:
    for path in diagram.outputs():
        path.unlink(missing_ok=True)


def prune(known: list[DiagramPaths]) -> list[Path]:
    """Delete outputs whose module is gone (renamed or removed)."""
    keep = {p for d in known for p in d.outputs()}
    removed = []
    for folder in (DIAGRAM_ASSETS, GENERATED / "figure", GENERATED / "steps",
                   GENERATED / "meta", GENERATED / "stamps"):
        for path in folder.rglob("*") if folder.exists() else []:
            if path.is_file() and path not in keep:
                path.unlink()
                removed.append(path)
    return removed


def render_all(force: bool = False, only: list[Path] | None = None, quiet: bool = False) -> int:
    """Render stale diagrams; print progress; return the number of failures."""
    started = time.perf_counter()
    known = diagram_modules()
    prune(known)
    toolchain = _toolchain_hash()
    todo = []
    for diagram in known:
        if only is not None and diagram.module.resolve() not in only:
            continue
        digest = input_hash(diagram, toolchain)
        if force or not is_fresh(diagram, digest):
            todo.append((diagram, digest))
    failures = []

    def job(item):
        diagram, digest = item
        begun = time.perf_counter()
        render_one(diagram)
        atomic_write(diagram.stamp, digest + "\n")
        return time.perf_counter() - begun

    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        futures = [(item[0], pool.submit(job, item)) for item in todo]
        for diagram, future in futures:
            try:
                seconds = future.result()
                if not quiet:
                    print(f"  rendered {diagram.diagram_id} ({seconds:.2f} s)", flush=True)
            except RenderError as exc:
                failures.append(str(exc))
                print(f"error: {exc}", file=sys.stderr, flush=True)
    total = time.perf_counter() - started
    print(f"diagrams: {len(todo) - len(failures)} rendered, {len(known) - len(todo)} up to date, "
          f"{len(failures)} failed in {total:.2f} s", flush=True)
    return len(failures)
