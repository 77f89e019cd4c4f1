"""Read and validate the ``cost`` models of a pattern page against the price sheet and the
page's diagrams. Shared by ``make check`` (which reports the problems) and ``make pages``
(which renders the models that are valid)."""

from __future__ import annotations

import difflib
import json
import math

from sitekit import services
from sitekit.cost import located
from sitekit.cost.model import (
    INPUT_KEYS,
    INPUT_NAME,
    LINE_KEYS,
    MODEL_KEYS,
    FormulaError,
    Model,
    compile_formula,
    evaluate,
)
from sitekit.cost.prices import Sheet
from sitekit.paths import GENERATED


def suggest(word, choices) -> str:
    close = difflib.get_close_matches(str(word), [str(c) for c in choices], n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def all_diagrams() -> list[dict]:
    return [
        json.loads(path.read_text(encoding="utf-8"))
        for path in sorted((GENERATED / "meta").rglob("*.json"))
    ]


def diagrams_of(page_slug: str, metas: list[dict] | None = None) -> dict[str, dict]:
    """Module name (``saga.orchestration``) -> the metadata `make diagrams` recorded."""
    return {
        meta["id"].rpartition("/")[2]: meta
        for meta in (all_diagrams() if metas is None else metas)
        if meta.get("page") == page_slug
    }


def billed(service: str, sheet: Sheet) -> bool:
    entry = services.get(service) or {}
    return "category" in entry and service not in sheet.no_charge


def _number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def read_models(
    block: str, page_slug: str, sheet: Sheet, diagrams: dict[str, dict] | None = None
) -> tuple[list[Model], list[tuple[int, str]]]:
    """The page's models and every problem as (line, message); ``block`` is the front matter
    text after the opening '---' (so it starts on line 2)."""
    data, lines = located.load(block, first_line=2)
    problems: list[tuple[int, str]] = []
    diagrams = diagrams_of(page_slug) if diagrams is None else diagrams
    raw = (data or {}).get("cost") if isinstance(data, dict) else None
    if raw is None:
        return [], [
            (
                1,
                "no 'cost' model: add 'cost:' with the usage of one unit of work (see "
                "CONTRIBUTING.md, 'Estimate what it costs')",
            )
        ]
    entries = raw if isinstance(raw, list) else [raw]
    base = ("cost",)
    multi = isinstance(raw, list)
    if len(diagrams) > 1 and not multi:
        problems.append(
            (
                located.line_of(lines, base),
                "the page has "
                f"{len(diagrams)} diagrams ({', '.join(diagrams)}): give 'cost' as a list "
                "with one model for each, each with 'diagram:' and 'title:'",
            )
        )
        return [], problems
    models, covered = [], {}
    for index, entry in enumerate(entries):
        where = (*base, index) if multi else base
        model, diagram = _read_model(entry, where, lines, diagrams, multi, sheet, problems)
        if diagram is not None:
            if diagram in covered:
                problems.append(
                    (located.line_of(lines, where), f"diagram {diagram!r} has two models: keep one")
                )
            covered[diagram] = True
        if model is not None:
            models.append(model)
    if multi:
        for name in diagrams:
            if name not in covered:
                problems.append(
                    (
                        located.line_of(lines, base),
                        f"diagram {name!r} has no model: add one with 'diagram: {name}'",
                    )
                )
    return (models if not problems else []), [p for p in problems if p[1]]


def _read_model(entry, where, lines, diagrams, multi, sheet, problems):
    def at(*path) -> int:
        return located.line_of(lines, (*where, *path))

    def report(path, message):
        problems.append((at(*path), message))

    if not isinstance(entry, dict):
        report((), "a cost model must be 'key: value' lines (unit, inputs, usage, ...)")
        return None, None
    before = len(problems)
    for key in sorted(set(entry) - MODEL_KEYS, key=str):
        report(
            (key,),
            f"cost: unknown key {key!r}{suggest(key, MODEL_KEYS)}: use "
            f"{', '.join(sorted(MODEL_KEYS))}",
        )
    name = entry.get("diagram")
    if multi or name is not None:
        if name not in diagrams:
            report(
                ("diagram",),
                f"cost: diagram {name!r}{suggest(name, diagrams)} is not one of "
                f"this page's diagrams ({', '.join(diagrams) or 'none rendered'})",
            )
            return None, None
    elif len(diagrams) == 1:
        name = next(iter(diagrams))
    else:
        report((), "cost: the page has no rendered diagram: run 'make diagrams'")
        return None, None
    meta = diagrams[name]
    nodes: dict[str, set[str]] = {}
    for node in meta["nodes"]:
        nodes.setdefault(node["label"], set()).add(node["service"])
    title = entry.get("title", "")
    if multi and (not isinstance(title, str) or not title.strip()):
        report(
            ("title",) if "title" in entry else (),
            "cost: a page with several models names each with 'title:' (e.g. Orchestration)",
        )
    unit = entry.get("unit")
    if not isinstance(unit, str) or not unit.strip():
        report(
            ("unit",) if "unit" in entry else (),
            "cost: no 'unit': name one unit of work in the singular, e.g. 'unit: request'",
        )
        unit = "unit"
    plural = entry.get("unit_plural", f"{unit}s")
    # Inputs: the figures a reader may change.
    inputs = []
    raw_inputs = entry.get("inputs") or {}
    if not isinstance(raw_inputs, dict):
        report(("inputs",), "cost: 'inputs' must map names to {label, unit, default, min, max}")
        raw_inputs = {}
    for input_name, spec in raw_inputs.items():
        path = ("inputs", input_name)
        if not isinstance(input_name, str) or not INPUT_NAME.match(input_name):
            report(path, f"cost: input name {input_name!r}: use lower_case_with_underscores")
            continue
        if input_name in ("ceil", "min", "max", "units"):
            report(path, f"cost: {input_name!r} is reserved; name the input for what it is")
            continue
        if not isinstance(spec, dict):
            report(path, f"cost: input {input_name!r} needs label, unit, default, min and max")
            continue
        for key in sorted(set(spec) - INPUT_KEYS, key=str):
            report((*path, key), f"cost: input {input_name!r}: unknown key {key!r}")
        ok = True
        for key in ("label", "unit"):
            if not isinstance(spec.get(key), str) or not spec[key].strip():
                report(path, f"cost: input {input_name!r} has no '{key}'")
                ok = False
        for key in ("default", "min", "max"):
            if not _number(spec.get(key)):
                report(
                    (*path, key) if key in spec else path,
                    f"cost: input {input_name!r} needs a number for '{key}'",
                )
                ok = False
        if ok and not spec["min"] <= spec["default"] <= spec["max"]:
            report(
                (*path, "default"),
                f"cost: input {input_name!r}: default must lie between min and max",
            )
            ok = False
        if ok:
            inputs.append(
                {
                    "name": input_name,
                    "label": spec["label"].strip(),
                    "unit": spec["unit"].strip(),
                    "default": float(spec["default"]),
                    "min": float(spec["min"]),
                    "max": float(spec["max"]),
                }
            )
    names = {i["name"] for i in inputs} | set(raw_inputs)
    defaults = {i["name"]: i["default"] for i in inputs}
    # Usage lines.
    usage, covered = [], set()
    raw_usage = entry.get("usage")
    if not isinstance(raw_usage, list) or not raw_usage:
        report(
            ("usage",) if "usage" in entry else (),
            "cost: no 'usage': list what one unit of "
            "work consumes, e.g. - {node: Orders API, price: apigw-http-requests, per_unit: 1}",
        )
        raw_usage = []
    for index, line in enumerate(raw_usage):
        path = ("usage", index)
        if not isinstance(line, dict):
            report(path, "cost: a usage line is {node, price, per_unit or per_month}")
            continue
        for key in sorted(set(line) - LINE_KEYS, key=str):
            report(path, f"cost: usage line: unknown key {key!r}{suggest(key, LINE_KEYS)}")
        label, pid = line.get("node"), line.get("price")
        if label not in nodes:
            report(
                path,
                f"cost: node {label!r}{suggest(label, nodes)} is not in the diagram "
                f"{name}: use a node's label",
            )
        price = sheet.prices.get(pid)
        if pid in sheet.invalid:
            problems.append((0, ""))  # the sheet's own problem is reported; the model waits
        elif price is None:
            report(
                path,
                f"cost: unknown price {pid!r}{suggest(pid, sheet.prices)}: use an id of "
                "scripts/sitekit/data/prices.yml, or add the price there with its source",
            )
        elif label in nodes and price.service not in nodes[label]:
            report(
                path,
                f"cost: price {pid!r} bills {price.service!r}, but node {label!r} is "
                f"{' / '.join(sorted(nodes[label]))!r}",
            )
        if ("per_unit" in line) == ("per_month" in line):
            report(
                path,
                "cost: give either 'per_unit' (used by each unit of work) or "
                "'per_month' (a fixed monthly amount)",
            )
            continue
        per = "unit" if "per_unit" in line else "month"
        try:
            formula = compile_formula(line[f"per_{per}"], names)
            amount = evaluate(formula, defaults) if names <= set(defaults) else 0.0
            if not math.isfinite(amount) or amount < 0:
                raise FormulaError(f"at the default figures it gives {amount}: it must be >= 0")
        except FormulaError as exc:
            report((*path, f"per_{per}"), f"cost: {exc}")
            continue
        covered.add(label)
        usage.append(
            {
                "node": label,
                "price": pid,
                "per": per,
                "formula": formula,
                "what": str(line.get("what", "")),
            }
        )
    # Nodes left out on purpose, with the reason.
    not_estimated = []
    for index, item in enumerate(entry.get("not_estimated") or []):
        path = ("not_estimated", index)
        label = item.get("node") if isinstance(item, dict) else None
        reason = item.get("reason") if isinstance(item, dict) else None
        if label not in nodes:
            report(
                path,
                f"cost: not_estimated node {label!r}{suggest(label, nodes)} is not in "
                f"the diagram {name}",
            )
        elif not isinstance(reason, str) or not reason.strip():
            report(path, f"cost: say why {label!r} is not estimated: add 'reason: ...'")
        else:
            covered.add(label)
            not_estimated.append({"node": label, "reason": reason.strip()})
    for label, kinds in nodes.items():
        if label not in covered and any(billed(k, sheet) for k in kinds):
            report(
                (),
                f"cost: billed node {label!r} ({', '.join(sorted(kinds))}) of diagram "
                f"{name} is neither in 'usage' nor in 'not_estimated' with a reason",
            )
    if len(problems) > before:
        return None, name
    key = name.partition(".")[2]
    return Model(
        key, str(title).strip(), unit.strip(), str(plural).strip(), inputs, usage, not_estimated
    ), name
