"""The usage model of a pattern (its page's ``cost`` front matter) and the estimate it gives.

A model says what one unit of work consumes, line by line: which diagram node, which price of
the sheet, and how many of that price's units, as a small formula over the figures a reader
may change. Formulas are compiled here into a JSON tree that both ``estimate`` below and the
page's estimator.js evaluate with the same operations in the same order.

    cost:
      unit: request
      inputs:
        duration_ms: {label: Function run time, unit: ms, default: 120, min: 1, max: 900000}
      usage:
        - {node: Order function, price: lambda-requests, per_unit: 1}
        - {node: Order function, price: lambda-gb-seconds-arm,
           per_unit: "ceil(duration_ms) / 1000 * 512 / 1024"}
      not_estimated:
        - {node: Logs and metrics, reason: Depends on how much the function logs.}

A page with two diagrams gives a list of such models, each with ``diagram:`` (the module's
name, e.g. saga.orchestration) and ``title:``.
"""

from __future__ import annotations

import ast
import difflib
import math
import re
from dataclasses import dataclass, field

from sitekit import services
from sitekit.cost.prices import Sheet, cents, charge

INPUT_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
FUNCTIONS = {"ceil": 1, "min": 2, "max": 2}
OPERATORS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/"}
MODEL_KEYS = {"diagram", "title", "unit", "unit_plural", "inputs", "usage", "not_estimated"}
LINE_KEYS = {"node", "price", "per_unit", "per_month", "what"}
INPUT_KEYS = {"label", "unit", "default", "min", "max"}
VOLUMES = (1_000_000, 10_000_000, 100_000_000)  # the units of work the static table shows


class FormulaError(ValueError):
    pass


def compile_formula(source, names: set[str]):
    """A formula as a JSON tree: a number, an input's name, or [op, operand, ...]."""
    if isinstance(source, bool) or not isinstance(source, (int, float, str)):
        raise FormulaError('give a number or a formula in quotes, e.g. "ceil(item_kb)"')
    if not isinstance(source, str):
        if not math.isfinite(source):
            raise FormulaError("the number is not finite")
        return float(source)
    try:
        tree = ast.parse(source.strip(), mode="eval").body
    except SyntaxError as exc:
        raise FormulaError(f"formula {source!r} does not parse: {exc.msg}") from None

    def build(node):
        if isinstance(node, ast.Constant) and type(node.value) in (int, float):
            return float(node.value)
        if isinstance(node, ast.Name):
            if node.id not in names:
                close = difflib.get_close_matches(node.id, sorted(names), n=1)
                hint = f" (did you mean {close[0]!r}?)" if close else ""
                raise FormulaError(
                    f"formula {source!r} uses {node.id!r}{hint}, which is not one of the "
                    f"model's inputs ({', '.join(sorted(names)) or 'none'})"
                )
            return node.id
        if isinstance(node, ast.BinOp) and type(node.op) in OPERATORS:
            return [OPERATORS[type(node.op)], build(node.left), build(node.right)]
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            return ["neg", build(node.operand)]
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in FUNCTIONS
            and len(node.args) == FUNCTIONS[node.func.id]
            and not node.keywords
        ):
            return [node.func.id, *(build(a) for a in node.args)]
        raise FormulaError(
            f"formula {source!r}: only numbers, inputs, + - * /, parentheses, ceil(x), "
            "min(a, b) and max(a, b) are allowed"
        )

    return build(tree)


def evaluate(tree, values: dict[str, float]) -> float:
    """Mirrored by evaluate() in estimator.js."""
    if isinstance(tree, float):
        return tree
    if isinstance(tree, str):
        return values[tree]
    op, *args = tree
    a = evaluate(args[0], values)
    if op == "neg":
        return -a
    if op == "ceil":
        return float(math.ceil(a))
    b = evaluate(args[1], values)
    if op == "+":
        return a + b
    if op == "-":
        return a - b
    if op == "*":
        return a * b
    if op == "/":
        return a / b if b != 0 else 0.0
    if op == "min":
        return min(a, b)
    return max(a, b)


@dataclass
class Model:
    """A validated model, ready for the page (``as_json``) and for ``estimate``."""

    key: str  # "" on a one-diagram page, else the diagram's variant, e.g. "orchestration"
    title: str
    unit: str
    units: str
    inputs: list[dict] = field(default_factory=list)
    usage: list[dict] = field(default_factory=list)
    not_estimated: list[dict] = field(default_factory=list)

    def as_json(self, sheet: Sheet) -> dict:
        used = list(dict.fromkeys(line["price"] for line in self.usage))
        return {
            "key": self.key,
            "unit": self.unit,
            "units": self.units,
            "inputs": self.inputs,
            "usage": [
                {"price": u["price"], "per": u["per"], "formula": u["formula"]} for u in self.usage
            ],
            "prices": {pid: sheet.prices[pid].as_json() for pid in used},
            "services": {
                sheet.prices[pid].service: services.get(sheet.prices[pid].service)["name"]
                for pid in used
            },
        }

    def defaults(self) -> dict[str, float]:
        return {i["name"]: i["default"] for i in self.inputs}


def estimate(model: dict, units: float, values: dict[str, float], free: bool, sheet: Sheet):
    """Cents per price, per service and in total, for ``units`` units of work a month.

    ``model`` is the JSON the page carries (Model.as_json); estimator.js's estimate() runs the
    same steps: sum each price's monthly quantity over the usage lines in order, charge it
    (tiers, free allowance), round each price to whole cents, and add cents up."""
    quantities: dict[str, float] = {}
    for line in model["usage"]:
        amount = evaluate(line["formula"], values)
        if line["per"] == "unit":
            amount = units * amount
        quantities[line["price"]] = quantities.get(line["price"], 0.0) + amount
    by_price = {
        pid: cents(charge(sheet.prices[pid], quantity, free))
        for pid, quantity in quantities.items()
    }
    by_service: dict[str, int] = {}
    for pid, amount in by_price.items():
        service = sheet.prices[pid].service
        by_service[service] = by_service.get(service, 0) + amount
    return {
        "quantities": quantities,
        "prices": by_price,
        "services": by_service,
        "total": sum(by_price.values()),
    }
