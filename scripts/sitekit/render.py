"""``make diagrams``: render every diagram module that changed, in parallel, atomically.

For each module under diagrams/ this writes the download SVG and PNG (docs/assets/diagrams/),
the figure and step-list snippets the page includes, and a metadata file for the service
explorer (generated/). A content hash of the module and of this package decides whether a
diagram is stale, so a no-op run only reads files.
"""

from __future__ import annotations

import hashlib
import html
import importlib.metadata
import importlib.util
import io
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

from sitekit import palettes, sources
from sitekit.paths import (
    DIAGRAM_ASSETS,
    GENERATED,
    DiagramPaths,
    atomic_write,
    diagram_modules,
    repo_relative,
)

PACKAGE = Path(__file__).parent


class RenderError(Exception):
    """A diagram that could not be rendered; the message starts with ``path:line:``."""


# The files that shape a rendered diagram; editing other tooling re-renders nothing.
RENDER_INPUTS = (
    "draw.py",
    "render.py",
    "svg.py",
    "layouts.py",
    "icons.py",
    "sources.py",
    "services.py",
    "paths.py",
    "palettes.py",
    "data/services.yml",
)


def toolchain_hash() -> bytes:
    """Hash of the rendering code, the service table and the versions of the libraries and
    Graphviz that draw: changing any of them re-renders all."""
    digest = hashlib.sha256()
    for name in RENDER_INPUTS:
        digest.update(name.encode())
        digest.update((PACKAGE / name).read_bytes())
    for library in ("diagrams", "pillow"):
        digest.update(f"{library}=={importlib.metadata.version(library)}".encode())
    digest.update(_dot_version().encode())
    return digest.digest()


def _dot_version() -> str:
    if shutil.which("dot") is None:
        return "no dot"  # render_one reports the missing tool with its fix
    done = subprocess.run(["dot", "-V"], capture_output=True, text=True, check=False)
    return done.stderr.strip()


def input_hash(diagram: DiagramPaths, toolchain: bytes) -> str:
    return hashlib.sha256(toolchain + diagram.module.read_bytes()).hexdigest()


def is_fresh(diagram: DiagramPaths, digest: str) -> bool:
    return (
        all(p.exists() for p in diagram.outputs())
        and diagram.stamp.read_text(encoding="utf-8").strip() == digest
    )


def _where(exc: BaseException, module: Path) -> str:
    """``diagrams/x.py:LINE`` for the innermost frame in the module, else the module itself."""
    if isinstance(exc, SyntaxError) and exc.filename:
        return f"{repo_relative(exc.filename)}:{exc.lineno}"
    line = 1
    for frame in traceback.extract_tb(exc.__traceback__):
        if Path(frame.filename).resolve() == module.resolve():
            line = frame.lineno
    return f"{repo_relative(module)}:{line}"


def load_module(module: Path):
    name = "diagram_" + "".join(c if c.isalnum() else "_" for c in repo_relative(module))
    spec = importlib.util.spec_from_file_location(name, module)
    loaded = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(loaded)
    if not callable(getattr(loaded, "draw", None)):
        raise RenderError(
            f"{repo_relative(module)}:1: define a draw() function that builds the diagram"
        )
    return loaded


# The PNG download is opened in image viewers of any colour: an opaque background keeps its
# dark labels readable on a dark viewer, and twice Graphviz's 96 dpi keeps it sharp on
# high-density screens and in slides. One per palette, on that palette's background
# (sitekit.palettes recolours the dark one); the page links the one the reader sees.
PNG_OPTIONS = ("-Gdpi=192",)


def opaque_png(data: bytes, background: str = "#ffffff") -> bytes:
    """Cairo leaves a partly transparent last column when the size rounds: flatten it all."""
    from PIL import Image

    with Image.open(io.BytesIO(data)) as image:
        rgba = image.convert("RGBA")
    flat = Image.new("RGB", rgba.size, background)
    flat.paste(rgba, mask=rgba.getchannel("A"))
    out = io.BytesIO()
    flat.save(out, format="PNG", compress_level=3)  # level 6 takes 3x as long for 20% less
    return out.getvalue()


def run_dot(source: str, fmt: str, *options: str) -> bytes:
    if shutil.which("dot") is None:
        raise RenderError("Graphviz 'dot' not found: run 'make setup' (installs Debian's graphviz)")
    done = subprocess.run(
        ["dot", f"-T{fmt}", *options],
        input=source.encode("utf-8"),
        capture_output=True,
        check=False,
    )
    if done.returncode != 0:
        raise RenderError(f"dot failed: {done.stderr.decode(errors='replace').strip()}")
    return done.stdout


def _single_quoted(text: str) -> str:
    return html.escape(text, quote=False).replace("'", "&#x27;")


def figure_snippet(
    diagram: DiagramPaths, inline_svg: str, title: str, step_count: int = 0, tall: str = ""
) -> str:
    """The Markdown snippet a page includes: the inline SVG (with, for a wide
    diagram, the coordinates of its top-to-bottom layout, which diagram.js applies when that
    reads better on the screen), downloads, the source."""
    asset = f"{diagram.page_root}assets/diagrams/{diagram.diagram_id}"
    module = repo_relative(diagram.module)
    dom_id = diagram.dom_id
    return (
        f'<figure class="diagram" id="{dom_id}" data-diagram="{diagram.diagram_id}" '
        f'data-steps="{step_count}"'
        # JSON in single quotes: its many double quotes need no escaping (and no bytes).
        + (f" data-tall='{_single_quoted(tall)}'" if tall else "")
        + ">\n"
        # diagram.js builds the toolbar above the status line: without JavaScript its buttons
        # would do nothing, so the page carries none of its markup.
        # Filled by diagram.js with the current step's caption; read out when it changes
        # (a live region must be in the page, not hidden, before its text changes).
        + f'<p class="diagram__status" id="{dom_id}-status" aria-live="polite"></p>\n'
        f'<div class="diagram__canvas"><div class="diagram__viewport">\n{inline_svg}</div></div>\n'
        f'<figcaption class="diagram__caption"><span class="diagram__title">{html.escape(title)}'
        f'</span> <span class="diagram__downloads">Download: '
        f'<a href="{asset}.svg" download>SVG</a> · <a class="diagram__png" href="{asset}.png" '
        # diagram.js points the link at the dark file while the page shows the dark palette.
        f'data-dark-href="{asset}.dark.png" download>PNG</a>'
        f"</span></figcaption>\n</figure>\n\n"
        # The module's code loads when the reader opens the block (sitekit.sources).
        + sources.details(
            diagram.module,
            diagram.page_root,
            f"The code that drew this diagram: <code>{html.escape(module)}</code>",
            f"{dom_id}-source",
        )
    )


def steps_snippet(diagram: DiagramPaths, recording) -> str:
    """The numbered "How it works" list, written once in the module, shown on the page.
    Each item's id (``<dom id>-step-N``) is a link target: ``#d-...-step-3`` opens the page
    with step 3 highlighted."""
    dom_id = diagram.dom_id
    items = "\n".join(
        f'<li data-step="{s.number}" id="{dom_id}-step-{s.number}" markdown="span">{s.caption}</li>'
        for s in recording.steps
    )
    return (
        f'<ol class="diagram-steps" id="{dom_id}-steps" data-diagram-ref="{dom_id}" '
        f"markdown>\n{items}\n</ol>\n"
    )


def render_one(diagram: DiagramPaths) -> dict:
    """Render one module; on any failure remove its outputs and raise RenderError."""
    from sitekit import draw, layouts, svg  # imported here: a no-op run never loads diagrams

    try:
        module = load_module(diagram.module)
        recording = draw.record(repo_relative(diagram.module), module.draw)
        raw = run_dot(recording.source, "svg")
        png = opaque_png(run_dot(recording.source, "png", *PNG_OPTIONS))
        dark_png = _dark_png(recording)
        inline = svg.clean(raw, recording, diagram.dom_id, diagram.page_root)
        tall = ""
        if recording.direction == "LR":  # drawn wide: also lay it out for narrow screens
            narrow = draw.record(repo_relative(diagram.module), module.draw, layout="TB")
            tall_svg = svg.clean(
                run_dot(narrow.source, "svg"), narrow, diagram.dom_id, diagram.page_root
            )
            tall = layouts.tall_layout(inline, tall_svg, diagram.dom_id)
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
        "id": diagram.diagram_id,
        "page": diagram.page,
        "dom_id": diagram.dom_id,
        "title": recording.title,
        "nodes": [asdict(n) for n in recording.nodes],
        "steps": [asdict(s) for s in recording.steps],
    }
    atomic_write(diagram.svg, '<?xml version="1.0" encoding="UTF-8"?>\n' + download)
    atomic_write(diagram.png, png)
    atomic_write(diagram.dark_png, dark_png)
    atomic_write(
        diagram.figure,
        figure_snippet(diagram, inline, recording.title, len(recording.steps), tall),
    )
    atomic_write(diagram.steps, steps_snippet(diagram, recording))
    atomic_write(diagram.meta, json.dumps(meta, indent=1, sort_keys=True) + "\n")
    return meta


def _dark_png(recording) -> bytes:
    from sitekit import services

    actors = [n.node_id for n in recording.nodes if not services.is_aws(n.service)]
    with palettes.icon_folder() as icons:
        try:
            source = palettes.dark_source(recording.source, actors, Path(icons))
        except palettes.UnknownColour as exc:
            raise RenderError(
                f"{recording.module_path}:1: {exc} (add it to sitekit/palettes.py)"
            ) from None
        data = run_dot(source, "png", *PNG_OPTIONS, *palettes.DARK_OPTIONS)
    return opaque_png(data, palettes.DARK_BACKGROUND)


def remove_outputs(diagram: DiagramPaths) -> None:
    for path in diagram.outputs():
        path.unlink(missing_ok=True)


def prune(known: list[DiagramPaths]) -> list[Path]:
    """Delete outputs whose module is gone (renamed or removed)."""
    from sitekit.icons import STAMP

    keep = {p for d in known for p in d.outputs()} | {STAMP}
    removed = []
    for folder in (
        DIAGRAM_ASSETS,
        GENERATED / "figure",
        GENERATED / "steps",
        GENERATED / "meta",
        GENERATED / "stamps",
    ):
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
    toolchain = toolchain_hash()
    todo, checked = [], 0
    for diagram in known:
        if only is not None and diagram.module.resolve() not in only:
            continue
        checked += 1
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
    from sitekit import icons

    icons.sync(toolchain)  # the shared icon files the inline figures reference
    total = time.perf_counter() - started
    print(
        f"diagrams: {len(todo) - len(failures)} rendered, {checked - len(todo)} up to date, "
        f"{len(failures)} failed in {total:.2f} s",
        flush=True,
    )
    return len(failures)
