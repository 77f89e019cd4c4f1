"""The narrow-screen layout of a wide diagram, as a compact list of changed coordinates.

A module drawn left to right is also laid out top to bottom by Graphviz. Both drawings have
the same elements with the same ids; only their coordinates differ. Rather than inlining a
second SVG (twice the page's weight), the figure carries the tall drawing's coordinates, and
diagram.js moves the one inline SVG into that shape when it reads better on the reader's
screen (see chooseLayout there).
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET

SVG = "{http://www.w3.org/2000/svg}"
# Each shape's coordinates: one string for a path or polygon, a pair of numbers otherwise.
GEOMETRY = {
    f"{SVG}path": ("d",),
    f"{SVG}polygon": ("points",),
    f"{SVG}polyline": ("points",),
    f"{SVG}ellipse": ("cx", "cy"),
    f"{SVG}text": ("x", "y"),
    f"{SVG}use": ("x", "y"),
}


def _rounded(numbers: str) -> str:
    """Graphviz's hundredths of a point to whole points: under a pixel, a third fewer bytes."""
    return re.sub(r"-?\d+\.\d+", lambda m: str(round(float(m.group()))), numbers)


def _coordinates(shape: ET.Element):
    names = GEOMETRY[shape.tag]
    if len(names) == 1:
        return _rounded(shape.get(names[0]))
    return [round(float(shape.get(name))) for name in names]


def _own_shapes(root: ET.Element) -> dict[str, tuple[str | None, list]]:
    """Every element with an id -> its transform and, in document order, the coordinates of
    the shapes it owns (those with no nearer ancestor that has an id)."""
    found: dict[str, tuple[str | None, list]] = {}

    def walk(element: ET.Element, owner: str | None) -> None:
        for child in element:
            if child.tag == f"{SVG}defs":
                continue  # icon symbols: the same in both layouts
            if child.get("id"):
                found[child.get("id")] = (child.get("transform"), [])
                walk(child, child.get("id"))
                continue
            if owner is not None and child.tag in GEOMETRY:
                found[owner][1].append(_coordinates(child))
            walk(child, owner)

    walk(root, None)
    return found


def tall_layout(wide_svg: str, tall_svg: str, dom_id: str) -> str:
    """JSON of the tall drawing's size and coordinates, for the figure's data-tall attribute.
    Both SVGs come from sitekit.svg.clean with the same ids; keys drop their ``dom_id-``."""
    wide, tall = ET.fromstring(wide_svg), ET.fromstring(tall_svg)
    wide_shapes, tall_shapes = _own_shapes(wide), _own_shapes(tall)
    if wide_shapes.keys() != tall_shapes.keys() or any(
        len(wide_shapes[k][1]) != len(tall_shapes[k][1]) for k in wide_shapes
    ):
        raise ValueError("the two layouts do not draw the same elements")
    return json.dumps(
        {
            "viewBox": tall.get("viewBox"),
            "width": tall.get("width"),
            "height": tall.get("height"),
            # Only what moves: elements with no shapes and no transform are left out.
            "elements": {
                key.removeprefix(f"{dom_id}-"): [transform or "", shapes]
                for key, (transform, shapes) in tall_shapes.items()
                if transform or shapes
            },
        },
        separators=(",", ":"),
        sort_keys=True,
    )
