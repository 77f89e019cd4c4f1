"""Pages: front matter against a JSON Schema, and the H1 and H2 outline of pattern pages."""

from __future__ import annotations

import re

import yaml
from jsonschema import Draft202012Validator

from sitekit import freshness
from sitekit.checks.markdown import Heading, Page
from sitekit.checks.report import (
    FAST_LOADER,
    RELATED_COUNT,
    SECTIONS,
    SUMMARY_LENGTH,
    Report,
    suggest,
)
from sitekit.pages import categories

# --- Front matter ------------------------------------------------------------------------------


def front_matter_schema(pattern: bool, related: list[str]) -> dict:
    """The JSON Schema of a page's front matter; ``x-hint`` says what a good value looks like."""
    low, high = SUMMARY_LENGTH
    properties = {
        "title": {
            "type": "string",
            "minLength": 3,
            "pattern": r"^\S(.*\S)?$",
            "x-hint": "a short title in sentence case, e.g. 'Storage first'",
        },
        "summary": {
            "type": "string",
            "minLength": low,
            "maxLength": high,
            "x-hint": f"one sentence of {low}-{high} characters; the catalog, search results "
            "and the page's meta description show it",
        },
        # Material for MkDocs' own keys.
        "hide": {"type": "array", "x-hint": "a list of parts to hide, e.g. [toc]"},
        "search": {"type": "object", "x-hint": "e.g. {exclude: true}"},
        freshness.KEY: freshness.SCHEMA,
    }
    required = ["title", "summary"]
    if pattern:
        names = ", ".join(categories())
        properties["category"] = {
            "enum": list(categories()),
            "x-hint": f"one of {names} (scripts/sitekit/data/categories.yml)",
        }
        properties["related"] = {
            "type": "array",
            "minItems": RELATED_COUNT[0],
            "maxItems": RELATED_COUNT[1],
            "uniqueItems": True,
            "items": {"enum": related},
            "x-hint": f"a list of {RELATED_COUNT[0]}-{RELATED_COUNT[1]} slugs of other pattern "
            "pages, e.g. [backend-api, storage-first]",
        }
        required += ["category", "related"]
        properties["cost"] = {
            "type": ["object", "array"],
            "x-hint": "the usage model: unit, inputs, usage, not_estimated",
        }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": False,
    }


def key_lines(block: str) -> tuple[dict, dict, list[tuple[str, int]]]:
    """Line of each key, of each list item ``(key, index)``, and keys that appear twice."""
    keys, items, twice = {}, {}, []
    node = yaml.compose(block, Loader=FAST_LOADER)
    for key, value in node.value if isinstance(node, yaml.MappingNode) else []:
        line = key.start_mark.line + 2  # the block starts on line 2, after '---'
        if key.value in keys:
            twice.append((key.value, line))
        keys[key.value] = line
        for index, item in enumerate(value.value if isinstance(value, yaml.SequenceNode) else []):
            items[(key.value, index)] = item.start_mark.line + 2
    return keys, items, twice


def check_front_matter(page: Page, patterns: list[str], report: Report) -> None:
    if page.block is None:
        return
    keys, items, twice = key_lines(page.block)
    for key, line in twice:
        report(page.file, line, "duplicate-key", key=key)
    own = page.slug.removeprefix("patterns/")
    schema = front_matter_schema(page.is_pattern, [s for s in patterns if s != own])
    props = schema["properties"]
    for error in Draft202012Validator(schema).iter_errors(page.meta):
        path = list(error.absolute_path)
        key = str(path[0]) if path else ""
        hint = props.get(key, {}).get("x-hint", "")
        line = items.get((key, path[1])) if len(path) == 2 else keys.get(key, 1)
        kind, values = error.validator, {}
        if kind == "required":
            key = re.match(r"'(.+)' is a required property", error.message)[1]
            report(page.file, 1, "missing-key", key=key, hint=props[key]["x-hint"])
            continue
        if kind == "additionalProperties":
            for extra in sorted(set(page.meta) - set(props)):
                report(
                    page.file,
                    keys.get(extra, 1),
                    "unknown-key",
                    key=extra,
                    suggestion=suggest(extra, props),
                    allowed=", ".join(props),
                )
            continue
        value = error.instance
        if key == "summary" and kind in ("minLength", "maxLength"):
            message, values = "summary-length", {"length": len(value), "hint": hint}
        elif key == "category" and kind == "enum":
            message = "unknown-category"
            values = {"value": value, "suggestion": suggest(value, categories()), "hint": hint}
        elif key == "related" and kind == "enum":
            message = "related-self" if value == own else "related-missing"
            values = {"value": value, "suggestion": suggest(value, props[key]["items"]["enum"])}
        elif key == "related" and kind in ("minItems", "maxItems"):
            message, values = "related-count", {"count": len(value), "hint": hint}
        elif key == "related" and kind == "uniqueItems":
            message = "related-twice"
        elif kind == "type":
            message, values = "wrong-type", {"key": key, "type": type(value).__name__, "hint": hint}
        elif key == "title":
            message, values = "bad-title", {"hint": hint}
        else:
            message, values = "schema", {"key": key or "front matter", "error": error.message}
        report(page.file, line or 1, message, **values)


def check_headings(page: Page, report: Report) -> None:
    """The H1 is the title; a pattern page has exactly SECTIONS as H2s, in order."""
    title = page.meta.get("title")
    h1 = [h for h in page.md.headings if h.level == 1]
    if isinstance(title, str) and h1 and h1[0].text != title:
        report(page.file, h1[0].line, "h1-title", text=h1[0].text, title=title)
    if isinstance(title, str) and not h1 and page.is_pattern:
        report(page.file, 1, "no-h1", title=title)
    for extra in h1[1:]:
        report(page.file, extra.line, "second-h1", text=extra.text)
    if not page.is_pattern:
        return
    sections = ", ".join(SECTIONS)
    seen: dict[str, int] = {}
    known: list[Heading] = []
    for heading in (h for h in page.md.headings if h.level == 2):
        if heading.text not in SECTIONS:
            suggestion = suggest(heading.text, SECTIONS)
            report(
                page.file,
                heading.line,
                "unknown-section",
                text=heading.text,
                suggestion=suggestion,
                sections=sections,
            )
        elif heading.text in seen:
            report(
                page.file,
                heading.line,
                "section-twice",
                text=heading.text,
                first=seen[heading.text],
            )
        else:
            seen[heading.text] = heading.line
            known.append(heading)
    in_order = longest_increasing([SECTIONS.index(h.text) for h in known])
    for index, heading in enumerate(known):
        if index not in in_order:
            before = [s for s in SECTIONS[: SECTIONS.index(heading.text)] if s in seen]
            where = f"after '## {before[-1]}'" if before else "to the top, after the H1"
            report(
                page.file,
                heading.line,
                "section-order",
                text=heading.text,
                where=where,
                sections=sections,
            )
    anchor = 1
    for name in SECTIONS:
        if name in seen:
            anchor = seen[name]
            continue
        before = [s for s in SECTIONS[: SECTIONS.index(name)] if s in seen]
        where = f"after '## {before[-1]}'" if before else "after the H1"
        report(page.file, anchor, "section-missing", name=name, where=where, sections=sections)


def longest_increasing(values: list[int]) -> set[int]:
    """Indexes of one longest strictly increasing subsequence (a page has ~8 H2s: O(n^2))."""
    best, previous = [1] * len(values), [-1] * len(values)
    for i in range(len(values)):
        for j in range(i):
            if values[j] < values[i] and best[j] + 1 > best[i]:
                best[i], previous[i] = best[j] + 1, j
    end = max(range(len(values)), key=best.__getitem__, default=-1)
    keep = set()
    while end != -1:
        keep.add(end)
        end = previous[end]
    return keep
