"""Turn Graphviz's SVG into a clean, self-contained, deterministic, accessible figure.

Graphviz points each icon at an absolute path in site-packages, gives clusters the graph's id,
and adds a version comment. Here every icon is defined once per SVG (a <symbol> in <defs>,
drawn with <use>): in the SVG inlined in a page, the symbol points at the shared, cacheable
file /assets/icons/<library path>.png that sitekit.icons writes, so a page carries no image
bytes; in the downloadable SVG it is a shrunken PNG data URI, so the file stands alone. Every
id gets the diagram's prefix, nodes and steps get data attributes for the page script, and a
<title>/<desc> text alternative is added.
"""

from __future__ import annotations

import base64
import functools
import io
import re
import xml.etree.ElementTree as ET
from pathlib import Path

from PIL import Image

from sitekit import services
from sitekit.draw import Recording

SVG = "http://www.w3.org/2000/svg"
XLINK = "http://www.w3.org/1999/xlink"
ET.register_namespace("", SVG)
ET.register_namespace("xlink", XLINK)

# SVG references use xlink:href, not SVG 2's plain href: Material's instant navigation
# rewrites every element matching [href] by assigning its .href property, which is read-only
# on SVG elements (the page script then fails). Every browser still supports xlink:href.
HREF = f"{{{XLINK}}}href"

ICON_PIXELS = 128  # drawn at ~101 CSS px; 128 keeps icons crisp at zoom without 300 px files


def _q(tag: str) -> str:
    return f"{{{SVG}}}{tag}"


@functools.cache
def icon_png(path: str) -> bytes:
    """The icon shrunk to ICON_PIXELS square, as PNG bytes (the same on every run)."""
    with Image.open(path) as image:
        small = image.convert("RGBA").resize((ICON_PIXELS, ICON_PIXELS), Image.LANCZOS)
    buffer = io.BytesIO()
    small.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def icon_data_uri(path: str) -> str:
    return "data:image/png;base64," + base64.b64encode(icon_png(path)).decode("ascii")


def icon_name(path: str) -> str:
    """``aws/compute/lambda.png`` from ``.../site-packages/resources/aws/compute/lambda.png``:
    the icon's path in the diagrams library, which is also its path under /assets/icons/."""
    return path.split("/resources/", 1)[-1]


def _icon_key(path: str) -> str:
    """``aws-compute-lambda`` from ``.../site-packages/resources/aws/compute/lambda.png``."""
    return re.sub(r"[^a-z0-9]+", "-", Path(icon_name(path)).with_suffix("").as_posix().lower())


def _text_of(element: ET.Element) -> str:
    return "".join(element.itertext()).strip()


def plain(markdown: str) -> str:
    """Caption Markdown as plain text: links keep their words, code loses its backticks but
    keeps its characters (`/api/*` stays /api/*), emphasis loses its markers."""
    text = re.sub(r"\[([^\]]*)\](?:\([^)]*\)|\[[^\]]*\])", r"\1", markdown)
    parts = re.split(r"(`[^`]+`)", text)
    return "".join(
        part[1:-1]
        if part.startswith("`") and part.endswith("`") and len(part) > 1
        else re.sub(r"(?<!\w)[*_]+|[*_]+(?!\w)", "", part)
        for part in parts
    )


def alt_text(recording: Recording) -> str:
    names = {n.node_id: n.label for n in recording.nodes}
    steps = " ".join(
        f"Step {s.number}: {names[s.source]} to {names[s.target]}. {plain(s.caption)}"
        for s in recording.steps
    )
    return f"Architecture diagram: {recording.title}. {steps}".strip()


def _names(key: str) -> set[str]:
    """How a caption may name a service: "Amazon S3" or "S3", "AWS WAF" or "WAF"."""
    name = services.get(key)["name"]
    return {name, re.sub(r"^(Amazon|AWS) ", "", name)}


def mentioned_nodes(step, recording: Recording) -> list[str]:
    """Nodes whose service the caption names although neither end of the step is that
    service ("Firehose delivers ... to S3"): the page highlights them with the step."""
    by_id = {n.node_id: n for n in recording.nodes}
    ends = {by_id[step.source].service, by_id[step.target].service}
    caption = plain(step.caption)
    named = {
        key
        for key in {n.service for n in recording.nodes} - ends
        if any(re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", caption) for name in _names(key))
    }
    return [n.node_id for n in recording.nodes if n.service in named]


def _reading_order(recording: Recording) -> list[str]:
    """Node ids in the order a reader follows the flow: the ends of step 1, 2, ...; nodes no
    step touches come last (the caller keeps them in drawing order)."""
    order: list[str] = []
    for step in recording.steps:
        for node_id in (step.source, step.target):
            if node_id not in order:
                order.append(node_id)
    return order


def _position(group: ET.Element) -> tuple[float, float]:
    """Top-left-most coordinate drawn in a node group (reading order: top to bottom, left to
    right)."""
    for element in group.iter():
        if element.get("x") is not None and element.get("y") is not None:
            return float(element.get("y")), float(element.get("x"))
    return 0.0, 0.0


def clean(raw_svg: bytes, recording: Recording, dom_id: str, page_root: str | None) -> str:
    """Rewrite Graphviz output. With ``page_root`` set, nodes link to their service pages
    relative to the page that inlines the SVG; without it (the download file) nothing links."""
    root = ET.fromstring(raw_svg)
    nodes = {n.node_id: n for n in recording.nodes}

    root.set("id", f"{dom_id}-svg")
    if page_root is None:
        root.set("role", "img")
        root.set("aria-labelledby", f"{dom_id}-title {dom_id}-desc")
    else:
        # On the page the nodes are links: a "group" keeps them in the accessibility tree
        # (an "img" would hide everything inside it from screen readers).
        root.set("role", "group")
        root.set("aria-labelledby", f"{dom_id}-title")
        root.set("aria-describedby", f"{dom_id}-desc")
    root.set("class", "diagram__svg")
    title = ET.Element(_q("title"), id=f"{dom_id}-title")
    title.text = recording.title
    desc = ET.Element(_q("desc"), id=f"{dom_id}-desc")
    desc.text = alt_text(recording)
    defs = ET.Element(_q("defs"))
    root.insert(0, defs)
    root.insert(0, desc)
    root.insert(0, title)

    graph = root.find(_q("g"))
    graph.set("id", f"{dom_id}-graph")
    for old_title in graph.findall(_q("title")):
        graph.remove(old_title)
    # Graphviz draws a background polygon even when it is transparent: drop it.
    for polygon in graph.findall(_q("polygon")):
        if polygon.get("fill") in ("transparent", "none"):
            graph.remove(polygon)

    steps = {step.number: step for step in recording.steps}
    icons: dict[str, str] = {}
    cluster_count = 0
    for group in list(graph.iter(_q("g"))):
        kind = group.get("class", "").split()[0] if group.get("class") else ""
        label = group.find(_q("title"))
        if kind == "cluster":
            cluster_count += 1
            group.set("id", f"{dom_id}-c{cluster_count}")
            if label is not None:
                group.remove(label)
        elif kind == "node":
            node = nodes[_text_of(label)]
            entry = services.get(node.service)
            group.set("id", f"{dom_id}-{node.node_id}")
            actor = "" if services.is_aws(node.service) else " node--actor"
            group.set("class", f"node service-{node.service}{actor}")
            group.set("data-node", node.node_id)
            group.set("data-service", node.service)
            role = plain(node.role)  # Markdown on the service page, plain text here
            group.set("data-role", role)
            group.set("data-service-name", entry["name"])
            label.text = f"{entry['name']}: {role}"
            name = f"{node.label} ({entry['name']}): {role}"
            if page_root is not None and services.is_aws(node.service):
                _wrap_in_link(group, label, f"{page_root}services/{node.service}/", name)
            elif page_root is not None:
                # An actor (client, users, ...) has no page, but keyboard users still need
                # its tooltip: make it a focusable, labelled graphic.
                group.set("tabindex", "0")
                group.set("role", "img")
                group.set("aria-label", name)
        elif kind == "edge":
            edge_id = group.get("id")  # e<N> from sitekit.draw
            group.set("id", f"{dom_id}-{edge_id}")
            classes = group.get("class", "").split()
            step_class = next((c for c in classes if c.startswith("step-")), None)
            if step_class:
                step = steps[int(step_class[5:])]
                group.set("data-step", str(step.number))
                group.set("data-from", step.source)
                group.set("data-to", step.target)
                mentioned = mentioned_nodes(step, recording)
                if mentioned:
                    group.set("data-mentions", " ".join(mentioned))
                label.text = f"Step {step.number}: {plain(step.caption)}"
                _put_number_on_arrow(group)
            else:
                group.remove(label)
    for image in list(root.iter(_q("image"))):
        href = image.get(f"{{{XLINK}}}href")
        key = _icon_key(href)
        # Short ids: each is written once per node that draws the icon.
        symbol_id = icons.get(key, f"{dom_id}-i{len(icons) + 1}")
        if key not in icons:
            icons[key] = symbol_id
            width = image.get("width").removesuffix("px")
            height = image.get("height").removesuffix("px")
            symbol = ET.SubElement(
                defs, _q("symbol"), id=symbol_id, viewBox=f"0 0 {width} {height}"
            )
            ET.SubElement(
                symbol,
                _q("image"),
                {
                    "width": width,
                    "height": height,
                    "preserveAspectRatio": image.get("preserveAspectRatio", "xMinYMin meet"),
                    HREF: icon_data_uri(href)
                    if page_root is None
                    else f"{page_root}assets/icons/{icon_name(href)}",
                },
            )
        use = ET.Element(
            _q("use"),
            {
                HREF: f"#{symbol_id}",
                "x": image.get("x"),
                "y": image.get("y"),
                "width": image.get("width").removesuffix("px"),
                "height": image.get("height").removesuffix("px"),
            },
        )
        parent = _parent(root, image)
        parent.insert(list(parent).index(image), use)
        parent.remove(image)
    _put_nodes_in_step_order(graph, recording)
    if page_root is not None:
        _leave_text_style_to_css(root)
        _round_outlines(root)
    ET.indent(root, space="")
    return ET.tostring(root, encoding="unicode") + "\n"


def _midpoint(path_data: str) -> tuple[float, float]:
    """The point halfway along a Graphviz edge path ("M x,y C x,y x,y x,y ...", cubic
    Bezier segments), by length."""
    numbers = [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?", path_data)]
    points = list(zip(numbers[0::2], numbers[1::2], strict=True))
    samples = [points[0]]
    for i in range(1, len(points) - 2, 3):
        p0, p1, p2, p3 = points[i - 1], points[i], points[i + 1], points[i + 2]
        for k in range(1, 21):
            t = k / 20
            a, b, c, d = (1 - t) ** 3, 3 * (1 - t) ** 2 * t, 3 * (1 - t) * t**2, t**3
            samples.append(
                (
                    a * p0[0] + b * p1[0] + c * p2[0] + d * p3[0],
                    a * p0[1] + b * p1[1] + c * p2[1] + d * p3[1],
                )
            )
    lengths = [0.0]
    for (x0, y0), (x1, y1) in zip(samples, samples[1:], strict=False):
        lengths.append(lengths[-1] + ((x1 - x0) ** 2 + (y1 - y0) ** 2) ** 0.5)
    half = lengths[-1] / 2
    index = next(i for i, length in enumerate(lengths) if length >= half)
    return samples[index]


def _put_number_on_arrow(edge: ET.Element) -> None:
    """Graphviz sets an edge label beside the curve, sometimes far from it; a step number
    belongs on its own arrow, so it moves to the arrow's midpoint, with a halo of the
    background colour around the glyphs so the line does not cross them."""
    path, text = edge.find(_q("path")), edge.find(_q("text"))
    if path is None or text is None:
        return
    x, y = _midpoint(path.get("d"))
    size = float(text.get("font-size", "14"))
    text.set("x", f"{x:.1f}")
    text.set("y", f"{y + size * 0.35:.1f}")  # the baseline, so the digits centre on the line
    text.text = (text.text or "").strip()
    text.set("class", "step__number")
    text.set("stroke", "#ffffff")
    text.set("stroke-width", "5")
    text.set("stroke-linejoin", "round")
    text.set("paint-order", "stroke")


# Text styles diagram.css sets for every inline figure (it recolours text for the palette
# anyway); the downloadable SVG keeps them, as it has no style sheet.
PAGE_STYLED = ("font-family", "fill", "stroke", "stroke-width", "stroke-linejoin", "paint-order")


def _leave_text_style_to_css(root: ET.Element) -> None:
    """Drop from the inline SVG's text what the page's style sheet says: each page carries
    fewer bytes."""
    for text in root.iter(_q("text")):
        for name in PAGE_STYLED:
            text.attrib.pop(name, None)


def _round_outlines(root: ET.Element) -> None:
    """Edges and cluster boxes to whole points (under a pixel): a page's figures are a
    quarter lighter. Labels keep their tenths."""
    for element in root.iter():
        for name in ("d", "points"):
            if element.get(name):
                element.set(
                    name,
                    re.sub(
                        r"-?\d+\.\d+", lambda m: str(round(float(m.group()))), element.get(name)
                    ),
                )


def _put_nodes_in_step_order(graph: ET.Element, recording: Recording) -> None:
    """Tab follows the document: move the node groups so that it visits them in step order,
    then the others from top left to bottom right. Nodes never overlap, so the drawing is
    unchanged."""
    children = list(graph)
    slots = [i for i, child in enumerate(children) if child.get("data-node")]
    groups = [children[i] for i in slots]
    rank = {node_id: i for i, node_id in enumerate(_reading_order(recording))}
    groups.sort(key=lambda g: (rank.get(g.get("data-node"), len(rank)), _position(g)))
    for slot in slots:
        graph.remove(children[slot])
    for slot, group in zip(slots, groups, strict=True):
        graph.insert(slot, group)


def _parent(root: ET.Element, child: ET.Element) -> ET.Element:
    for candidate in root.iter():
        if child in list(candidate):
            return candidate
    raise ValueError("element has no parent")


def _wrap_in_link(group: ET.Element, title: ET.Element, href: str, name: str) -> None:
    """Put a node's drawing inside <a>, so it is a keyboard-focusable link to its service."""
    link = ET.Element(_q("a"), {HREF: href, "aria-label": name, "class": "node__link"})
    for child in list(group):
        group.remove(child)
        link.append(child)
    group.append(link)
