"""The price sheet, data/prices.yml: one unit price per billing dimension, cited and dated.

Also the arithmetic of one price: tiers that step with the month's quantity and the monthly
free allowance. estimator.js repeats ``tiered`` and ``charge`` operation for operation, so the
page and the build agree to the cent (tests/test_cost_browser.py holds them to it).
"""

from __future__ import annotations

import datetime
import functools
import math
import re
from dataclasses import dataclass, field
from pathlib import Path

from sitekit import services
from sitekit.cost import located
from sitekit.paths import repo_relative

SHEET_PATH = Path(__file__).resolve().parents[1] / "data" / "prices.yml"
PRICE_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# Only AWS's own pages count as a source for a price.
SOURCE = re.compile(r"^https://(aws\.amazon\.com|docs\.aws\.amazon\.com)/\S+$")
PRICE_KEYS = {"service", "dimension", "unit", "per", "price", "tiers", "free", "note", "source"}
PRICE_KEYS |= {"checked", "evidence"}


@dataclass(frozen=True)
class Tier:
    up_to: float | None  # the month's quantity where the next tier starts; None: no end
    price: float  # USD per `per` units


@dataclass(frozen=True)
class Price:
    id: str
    service: str
    dimension: str
    unit: str
    per: float
    tiers: tuple[Tier, ...]
    free: float  # units a month every account gets without charge (0: none)
    source: str
    checked: str
    note: str = ""
    evidence: str = ""

    def as_json(self) -> dict:
        """What the page's estimator needs of this price."""
        return {
            "service": self.service,
            "dimension": self.dimension,
            "unit": self.unit,
            "per": self.per,
            "tiers": [[t.up_to, t.price] for t in self.tiers],
            "free": self.free,
            "source": self.source,
        }


@dataclass
class Sheet:
    region: str
    prices: dict[str, Price]
    no_charge: dict[str, dict]  # service key -> {reason, source, checked}
    problems: list[tuple[int, str]]  # (line, message); empty when the sheet is valid
    invalid: set[str] = field(default_factory=set)  # ids of prices with a problem above

    @property
    def file(self) -> str:
        return repo_relative(SHEET_PATH)


# --- Arithmetic (mirrored in docs/assets/javascripts/estimator.js) ------------------------------


def tiered(price: Price, quantity: float) -> float:
    """USD for ``quantity`` units in a month, each tier charging the units that fall in it."""
    total = 0.0
    lower = 0.0
    for tier in price.tiers:
        upper = math.inf if tier.up_to is None else tier.up_to
        if quantity > lower:
            total += (min(quantity, upper) - lower) * tier.price / price.per
        lower = upper
    return total


def charge(price: Price, quantity: float, free: bool) -> float:
    """USD for the month; the free allowance covers the first (cheapest-tier) units."""
    quantity = max(quantity, 0.0)
    if not free or price.free <= 0:
        return tiered(price, quantity)
    return tiered(price, quantity) - tiered(price, min(quantity, price.free))


def cents(usd: float) -> int:
    """Whole cents, half up; the page rounds the same way (Math.floor(x * 100 + 0.5))."""
    return math.floor(usd * 100 + 0.5)


# --- Loading and validation ---------------------------------------------------------------------


def _number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _checked(value) -> str | None:
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return value
    return None


def _source_problem(value) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return "has no 'source': add the AWS pricing page the figure comes from"
    if not SOURCE.match(value):
        return f"source {value!r} is not an AWS page: cite aws.amazon.com or docs.aws.amazon.com"
    return None


def parse(text: str) -> Sheet:
    """The sheet in ``text``; every problem is collected with its line, nothing is skipped."""
    problems: list[tuple[int, str]] = []
    try:
        data, lines = located.load(text)
    except Exception as exc:  # a YAML error: report its line and stop
        mark = getattr(exc, "problem_mark", None)
        return Sheet("", {}, {}, [((mark.line + 1) if mark else 1, f"not valid YAML: {exc}")])
    if not isinstance(data, dict):
        return Sheet("", {}, {}, [(1, "the sheet must be 'region:', 'prices:' and 'no_charge:'")])

    def at(*path) -> int:
        return located.line_of(lines, path)

    region = data.get("region")
    if not isinstance(region, str) or not region.strip():
        problems.append((at("region"), "no 'region': name the Region the prices are for"))
    table = services.table()
    prices: dict[str, Price] = {}
    invalid: set[str] = set()
    entries = data.get("prices")
    if not isinstance(entries, dict) or not entries:
        problems.append((at("prices"), "no 'prices': list the prices as 'id: {service: ...}'"))
        entries = {}
    for pid, entry in entries.items():
        before = len(problems)
        where = ("prices", pid)
        if not isinstance(pid, str) or not PRICE_ID.match(pid):
            problems.append((at(*where), f"price id {pid!r}: use lower-case words joined by '-'"))
        if not isinstance(entry, dict):
            problems.append((at(*where), f"price {pid!r} must be 'key: value' lines"))
            continue
        for key in sorted(set(entry) - PRICE_KEYS, key=str):
            problems.append(
                (
                    at(*where, key),
                    f"price {pid!r}: unknown key {key!r} (allowed: "
                    f"{', '.join(sorted(PRICE_KEYS))})",
                )
            )
        service = entry.get("service")
        if service not in table or "category" not in table.get(service, {}):
            problems.append(
                (
                    at(*where, "service"),
                    f"price {pid!r}: unknown service {service!r}: use an AWS "
                    "service key of scripts/sitekit/data/services.yml",
                )
            )
        for key in ("dimension", "unit"):
            if not isinstance(entry.get(key), str) or not entry[key].strip():
                problems.append(
                    (
                        at(*where, key) if key in entry else at(*where),
                        f"price {pid!r} has no '{key}': say what is billed and per what unit",
                    )
                )
        per = entry.get("per", 1)
        if not _number(per) or per <= 0:
            problems.append((at(*where, "per"), f"price {pid!r}: 'per' must be a positive number"))
            per = 1
        tiers: list[Tier] = []
        if ("price" in entry) == ("tiers" in entry):
            problems.append(
                (at(*where), f"price {pid!r}: give either 'price' (one rate) or 'tiers'")
            )
        elif "price" in entry:
            if not _number(entry["price"]) or entry["price"] < 0:
                problems.append((at(*where, "price"), f"price {pid!r}: 'price' must be USD >= 0"))
            else:
                tiers = [Tier(None, float(entry["price"]))]
        else:
            raw = entry["tiers"]
            if not isinstance(raw, list) or not raw:
                problems.append((at(*where, "tiers"), f"price {pid!r}: 'tiers' must be a list"))
                raw = []
            previous = 0.0
            for index, tier in enumerate(raw):
                line = at(*where, "tiers", index)
                last = index == len(raw) - 1
                if not isinstance(tier, dict) or not _number(tier.get("price")):
                    problems.append((line, f"price {pid!r}: each tier needs 'price' (USD)"))
                    continue
                up_to = tier.get("up_to")
                if last and up_to is not None:
                    problems.append((line, f"price {pid!r}: the last tier has no 'up_to'"))
                if not last and (not _number(up_to) or up_to <= previous):
                    problems.append(
                        (
                            line,
                            f"price {pid!r}: tier {index + 1} needs an 'up_to' above the "
                            "previous one",
                        )
                    )
                    continue
                tiers.append(Tier(None if last else float(up_to), float(tier["price"])))
                previous = float(up_to) if not last else previous
        free = entry.get("free", 0)
        if not _number(free) or free < 0:
            problems.append((at(*where, "free"), f"price {pid!r}: 'free' must be units >= 0"))
            free = 0
        source_problem = _source_problem(entry.get("source"))
        if source_problem:
            problems.append((at(*where, "source"), f"price {pid!r} {source_problem}"))
        checked = _checked(entry.get("checked"))
        if checked is None:
            problems.append(
                (
                    at(*where, "checked"),
                    f"price {pid!r} has no 'checked' date: add the day you "
                    "read the price on the source page, e.g. checked: 2026-11-30",
                )
            )
        if len(problems) > before:
            invalid.add(pid)
        else:
            prices[pid] = Price(
                pid,
                service,
                entry["dimension"].strip(),
                entry["unit"].strip(),
                float(per),
                tuple(tiers),
                float(free),
                entry["source"],
                checked,
                str(entry.get("note", "")),
                str(entry.get("evidence", "")),
            )
    no_charge: dict[str, dict] = {}
    for key, entry in (data.get("no_charge") or {}).items():
        where = ("no_charge", key)
        if key not in table or "category" not in table[key]:
            problems.append((at(*where), f"no_charge: unknown AWS service {key!r}"))
            continue
        entry = entry if isinstance(entry, dict) else {}
        reason = entry.get("reason")
        if not isinstance(reason, str) or not reason.strip():
            problems.append((at(*where), f"no_charge {key!r}: give the 'reason' it costs nothing"))
        source_problem = _source_problem(entry.get("source"))
        if source_problem:
            problems.append((at(*where, "source"), f"no_charge {key!r} {source_problem}"))
        if _checked(entry.get("checked")) is None:
            problems.append((at(*where, "checked"), f"no_charge {key!r} has no 'checked' date"))
        no_charge[key] = {**entry, "checked": _checked(entry.get("checked"))}
    return Sheet(str(region or ""), prices, no_charge, problems, invalid)


@functools.cache
def sheet() -> Sheet:
    return parse(SHEET_PATH.read_text(encoding="utf-8"))
