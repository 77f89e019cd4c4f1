"""The dark PNG download: the same Graphviz source, recoloured to the page's slate palette.

The inline SVG follows the palette through CSS (docs/assets/stylesheets/diagram.css); a PNG
cannot, so the dark one is drawn with those colours baked in, each flattened onto the slate
background exactly as the browser blends Material's translucent colours.
"""

from __future__ import annotations

import colorsys
import re
import tempfile
from pathlib import Path


def _hsla(hue: float, sat: float, light: float) -> tuple[float, float, float]:
    return tuple(c * 255 for c in colorsys.hls_to_rgb(hue / 360, light, sat))


def _over(colour: tuple[float, ...], alpha: float, base: tuple[float, ...]) -> str:
    mixed = (alpha * c + (1 - alpha) * b for c, b in zip(colour, base, strict=True))
    return "#" + "".join(f"{round(v):02x}" for v in mixed)


# Material's slate scheme (--md-hue 225deg): background hsla(225, 15%, 14%, 1), text
# hsla(225, 15%, 90%, .82 / .56 / .32 for --light / --lighter); diagram.css's slate values.
_BG = _hsla(225, 0.15, 0.14)
_FG = _hsla(225, 0.15, 0.90)
DARK_BACKGROUND = _over(_BG, 1, _BG)
DARK_TEXT = _over(_FG, 0.82, _BG)  # --diagram-text
DARK_MUTED = _over(_FG, 0.56, _BG)  # --diagram-muted: supporting links
DARK_EDGE = _over(_FG, 0.32, _BG)  # --diagram-cluster-stroke
DARK_CLUSTER = _over((125, 180, 255), 0.07, _BG)  # --diagram-cluster-fill
DARK_STEP = "#ff5cab"  # --diagram-step

# Every colour the light drawing uses (sitekit.draw and the diagrams library's defaults).
_RECOLOUR = {
    "#2d3436": DARK_TEXT,
    "#7b8894": DARK_MUTED,
    "#aeb6be": DARK_EDGE,
    "#e7157b": DARK_STEP,
    # The library tints nested clusters by depth; the page draws them all alike.
    "#e5f5fd": DARK_CLUSTER,
    "#ebf3e7": DARK_CLUSTER,
    "#ece8f6": DARK_CLUSTER,
    "#fdf7e3": DARK_CLUSTER,
}
_COLOUR = re.compile(r'(color=)"(#[0-9A-Fa-f]{6})"')
# Attributes the source leaves to Graphviz's black default (graph title, link labels).
DARK_OPTIONS = (f"-Gfontcolor={DARK_TEXT}", f"-Efontcolor={DARK_MUTED}")


class UnknownColour(ValueError):
    pass


def dark_source(source: str, actor_nodes: list[str], icon_dir: Path) -> str:
    """The source with light colours swapped for dark ones and the outline icons of outside
    actors (dark strokes, invisible on slate) swapped for inverted copies in icon_dir, as the
    page's CSS inverts them."""

    def swap(match: re.Match) -> str:
        key = match.group(2).lower()
        if key not in _RECOLOUR:
            raise UnknownColour(f"no dark counterpart for colour {match.group(2)}")
        return f'{match.group(1)}"{_RECOLOUR[key]}"'

    source = _COLOUR.sub(swap, source)
    for node in actor_nodes:
        line = re.compile(rf'^(\s*{re.escape(node)} \[label=<.*?IMG SRC=")([^"]+)(")', re.M)
        source = line.sub(
            lambda m: m.group(1) + _inverted(m.group(2), icon_dir) + m.group(3), source
        )
    return source


def _inverted(path: str, icon_dir: Path) -> str:
    from PIL import Image, ImageOps

    target = icon_dir / Path(path).name
    if not target.exists():
        with Image.open(path) as image:
            rgba = image.convert("RGBA")
        rgb = ImageOps.invert(rgba.convert("RGB"))
        rgb.putalpha(rgba.getchannel("A"))
        rgb.save(target)
    return target.as_posix()


def icon_folder() -> tempfile.TemporaryDirectory:
    return tempfile.TemporaryDirectory(prefix="sitekit-dark-icons-")
