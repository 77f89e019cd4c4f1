"""The small vocabulary diagram modules use to describe an architecture.

A diagram module defines ``draw()``; inside it, ``Diagram`` opens the canvas, ``node`` places
a service from the service table with its role in this pattern, ``step`` draws a numbered hop
of the main flow with its caption, and ``link`` draws any other connection. Nothing is drawn at
import time: the pipeline (``sitekit.render``) calls ``draw()`` and turns the recorded graph
into SVG and PNG itself, so no temporary files are written next to the module.
"""

from __future__ import annotations

import contextvars
import html
import importlib
import inspect
import textwrap
from dataclasses import dataclass, field

import diagrams

from sitekit import services
from sitekit.paths import repo_relative

# Everything one draw() call records; the pipeline reads it back after draw() returns.
_recording: contextvars.ContextVar[Recording] = contextvars.ContextVar("sitekit_recording")

STEP_COLOUR = "#E7157B"  # AWS "application integration" pink: numbered hops stand out
LINK_COLOUR = "#7B8894"  # the diagrams library's own grey for supporting connections

# Sizes in points (the SVG's user units). Labels are large next to the icons so that, once a
# wide diagram is shrunk into the text column, they stay readable; icons only need to be
# recognisable. Long labels wrap so a node is not much wider than its icon.
LABEL_FONT = 16
STEP_FONT = 18
TITLE_FONT = 18
ICON_INCHES = 0.7
LABEL_WRAP = 15  # characters per line


class DiagramError(Exception):
    """A mistake in a diagram module, with the module's path and line."""


@dataclass
class NodeInfo:
    node_id: str
    service: str
    label: str
    role: str


@dataclass
class StepInfo:
    number: int
    source: str
    target: str
    caption: str
    asynchronous: bool


@dataclass
class Recording:
    module_path: str
    title: str = ""
    direction: str = ""  # as the module wrote it
    layout: str = ""  # a direction the pipeline asks for instead (the narrow-screen layout)
    source: str = ""
    nodes: list[NodeInfo] = field(default_factory=list)
    steps: list[StepInfo] = field(default_factory=list)
    edge_count: int = 0
    cluster_count: int = 0


def _caller_line() -> str:
    """``path:line`` of the diagram-module line that called into this module."""
    for frame in inspect.stack(0)[2:]:
        if not frame.filename.endswith(("sitekit/draw.py", "contextlib.py")):
            return f"{repo_relative(frame.filename)}:{frame.lineno}"
    return "<unknown>"


def _current() -> Recording:
    try:
        return _recording.get()
    except LookupError:
        raise DiagramError(
            f"{_caller_line()}: node(), step() and link() only work inside draw(), "
            "under 'with Diagram(...)'"
        ) from None


class Diagram(diagrams.Diagram):
    """The diagram canvas, with the site's defaults: tight padding, transparent background."""

    def __init__(self, title: str, direction: str = "LR"):
        recording = _current()
        recording.title = title
        recording.direction = direction
        super().__init__(
            title,
            filename="unused",
            direction=recording.layout or direction,
            show=False,
            outformat="svg",
            # Horizontal pad: labels wider than their fixed-size node spill past the graph box.
            graph_attr={
                "pad": "0.2,0.2",
                "bgcolor": "transparent",
                "labelloc": "t",
                "fontsize": str(TITLE_FONT),
                "splines": "spline",
                "nodesep": "0.35",
                "ranksep": "0.45",
            },
            node_attr={"fontsize": str(LABEL_FONT)},
        )

    def __exit__(self, exc_type, exc_value, traceback):
        # Unlike the library, render nothing here: the pipeline runs Graphviz itself.
        if exc_type is None:
            _current().source = self.dot.source
        diagrams.setdiagram(None)


class Cluster(diagrams.Cluster):
    """A boundary (account, Region, edge vs origin, legacy vs new)."""

    def __init__(self, label: str, *, dashed: bool = False):
        attrs = {"style": "rounded,dashed"} if dashed else {}
        super().__init__(label, graph_attr={"fontsize": str(LABEL_FONT), "margin": "10", **attrs})
        # The library names a cluster after its label, so two "AWS account" boxes would merge.
        recording = _current()
        recording.cluster_count += 1
        self.name = self.dot.name = f"cluster_{recording.cluster_count}"


def _icon_class(dotted: str):
    module_name, _, class_name = dotted.rpartition(".")
    return getattr(importlib.import_module(module_name), class_name)


def node(service: str, label: str, *, role: str):
    """Place ``service`` (a key of the service table) labelled ``label``; ``role`` is its job here."""
    where = _caller_line()
    recording = _current()
    entry = services.get(service)
    if entry is None:
        raise DiagramError(
            f"{where}: unknown service {service!r}: add it to "
            f"{services.TABLE_PATH.as_posix()} or use one of: {', '.join(services.keys())}"
        )
    if not role.strip():
        raise DiagramError(f"{where}: node {label!r} needs a role: say what it does here")
    node_id = f"n{len(recording.nodes) + 1}"
    recording.nodes.append(NodeInfo(node_id, service, label, role.strip()))
    return diagrams.Node(
        _node_label(_icon_class(entry["icon"]), label),
        nodeid=node_id,
        shape="plaintext",
        margin="0",
        fixedsize="false",
        width="0",
        height="0",
    )


def _node_label(icon_class, label: str) -> str:
    """An HTML-like label: the icon above the wrapped text. Unlike the library's image nodes,
    the node's box then holds its whole label, so clusters and edges make room for it."""
    icon = icon_class._load_icon(icon_class)  # the library's own lookup of the icon file
    side = round(ICON_INCHES * 72)
    lines = textwrap.wrap(label, LABEL_WRAP, break_on_hyphens=False) or [""]
    text = "<BR/>".join(html.escape(line) for line in lines)
    return (
        '<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="2" CELLPADDING="0">'
        f'<TR><TD FIXEDSIZE="TRUE" WIDTH="{side}" HEIGHT="{side}">'
        f'<IMG SRC="{html.escape(icon)}" SCALE="TRUE"/></TD></TR>'
        f"<TR><TD>{text}</TD></TR></TABLE>>"
    )


def _connect(source, target, attrs: dict) -> None:
    recording = _current()
    recording.edge_count += 1
    attrs = {"id": f"e{recording.edge_count}", **attrs}
    source >> diagrams.Edge(**attrs) >> target


def step(
    number: int,
    source,
    target,
    caption: str,
    *,
    asynchronous: bool = False,
    constraint: bool = True,
) -> None:
    """Draw hop ``number`` of the main flow; ``caption`` explains it on the page.
    ``constraint=False`` keeps a hop that points back up the flow (an invalidation, a
    callback) from pulling its target after its source in the layout."""
    where = _caller_line()
    recording = _current()
    expected = len(recording.steps) + 1
    if number != expected:
        raise DiagramError(
            f"{where}: step {number} should be step {expected}: number steps 1, 2, 3, ... in order"
        )
    if not caption.strip():
        raise DiagramError(f"{where}: step {number} needs a caption")
    recording.steps.append(
        StepInfo(number, source.nodeid, target.nodeid, caption.strip(), asynchronous)
    )
    _connect(
        source,
        target,
        {
            "label": f" {number} ",
            "color": STEP_COLOUR,
            "fontcolor": STEP_COLOUR,
            "penwidth": "2",
            "fontsize": str(STEP_FONT),
            "style": "dashed" if asynchronous else "solid",
            "class": f"step step-{number}",
            **({} if constraint else {"constraint": "false"}),
        },
    )


def link(source, target, label: str = "", *, asynchronous: bool = False) -> None:
    """Draw a supporting connection that is not a numbered step of the main flow."""
    _connect(
        source,
        target,
        {
            "label": label,
            "color": LINK_COLOUR,
            "fontsize": str(LABEL_FONT),
            "style": "dashed" if asynchronous else "solid",
            "class": "link",
        },
    )


def record(module_path: str, draw, layout: str = "") -> Recording:
    """Run a module's ``draw()`` and return what it recorded (used by the pipeline);
    ``layout="TB"`` lays the same diagram out top to bottom, whatever the module chose."""
    recording = Recording(module_path, layout=layout)
    token = _recording.set(recording)
    try:
        draw()
    finally:
        _recording.reset(token)
        diagrams.setdiagram(None)
        diagrams.setcluster(None)
    if not recording.source:
        raise DiagramError(f"{module_path}:1: draw() must open 'with Diagram(...)'")
    return recording
