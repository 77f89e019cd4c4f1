"""YAML with the line of every value, so a problem deep in a file can name its line."""

from __future__ import annotations

import yaml

from sitekit.pages import FrontMatterLoader

Path_ = tuple  # a path into the data: ("cost", "usage", 0, "price")


def load(text: str, first_line: int = 1) -> tuple[object, dict[Path_, int]]:
    """The data of ``text`` and the 1-based line of each key or item, by path.
    ``first_line`` is the file line where ``text`` starts (2 for front matter after '---')."""
    # The pages' loader: libyaml when it is there (PyYAML's pure-Python parser is ~20x slower,
    # and `make check` reads every page's model on every run), and an impossible date stays
    # text for the date check to report instead of crashing here.
    loader = FrontMatterLoader(text)
    try:
        root = loader.get_single_node()
        data = loader.construct_document(root) if root is not None else None
    finally:
        loader.dispose()
    lines: dict[Path_, int] = {}

    def walk(node, path: Path_) -> None:
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                child = (*path, key.value)
                lines[child] = key.start_mark.line + first_line
                walk(value, child)
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                lines[(*path, index)] = item.start_mark.line + first_line
                walk(item, (*path, index))

    if root is not None:
        lines[()] = root.start_mark.line + first_line
        walk(root, ())
    return data, lines


def line_of(lines: dict[Path_, int], path: Path_) -> int:
    """The line of ``path``, or of its nearest ancestor that has one."""
    while path and path not in lines:
        path = path[:-1]
    return lines.get(path, 1)
