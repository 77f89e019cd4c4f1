"""What ``make pages`` writes for costs: under each pattern's "Cost drivers", a static table
of the monthly cost at three volumes (readable without JavaScript, indexed by search) and the
markup of the estimator that estimator.js brings to life; and the whole price sheet for
/pricing/. Everything is derived from data/prices.yml and the pages' ``cost`` front matter."""

from __future__ import annotations

import html
import json
import re
from decimal import Decimal

from sitekit import services
from sitekit.cost.model import VOLUMES, Model, estimate, evaluate
from sitekit.cost.prices import Price, Sheet
from sitekit.cost.validate import all_diagrams, diagrams_of, read_models
from sitekit.pages import FRONT_MATTER
from sitekit.paths import GENERATED

SHEET_SNIPPET = GENERATED / "cost" / "sheet.md"
MAX_UNITS = 1e12  # the estimator accepts up to a trillion units of work a month


def number(value: float) -> str:
    """1,000,000 / 0.5 / 12.25: no trailing zeros, thousands separated."""
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.6f}".rstrip("0").rstrip(".")


def dollars(value: float) -> str:
    """A unit price with every digit AWS gives and at least cents: $0.20, $0.0000166667."""
    text = f"{value:.10f}".rstrip("0")
    whole, _, fraction = text.partition(".")
    return f"${int(whole):,}.{fraction.ljust(2, '0')}"


def plural(unit: str) -> str:
    return unit if unit.endswith(("GB", "s")) else f"{unit}s"


def volume(value: int) -> str:
    return f"{value // 1_000_000:,} million" if value % 1_000_000 == 0 else number(value)


def usd(cents: int) -> str:
    return f"${cents / 100:,.2f}"


def per_text(price: Price) -> str:
    per = price.per
    if per == 1:
        return f"per {price.unit}"
    amount = "million" if per == 1_000_000 else number(per)
    return f"per {amount} {plural(price.unit)}"


def rate_text(price: Price) -> str:
    """'$0.20 per million requests' or, when tiered, the first tier's rate 'and less above'."""
    first = f"{dollars(price.tiers[0].price)} {per_text(price)}"
    return first + (" (less at higher volumes)" if len(price.tiers) > 1 else "")


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def _static_tables(model: Model, sheet: Sheet) -> list[str]:
    data = model.as_json(sheet)
    runs = {
        (units, free): estimate(data, units, model.defaults(), free, sheet)
        for units in VOLUMES
        for free in (False, True)
    }
    lines: list[str] = []
    for free, heading in ((False, "At list prices"), (True, "After the monthly free allowance")):
        header = " | ".join(f"{volume(v)} {model.units}" for v in VOLUMES)
        # No alignment markers: Python-Markdown writes them as style attributes, which the
        # site's Content-Security-Policy (style-src 'self') blocks; estimator.css aligns.
        lines += [
            f"**{heading}**",
            "",
            '<div class="cost-table" markdown="1">',
            "",
            f"| Service | {header} |",
            "| --- |" + " --- |" * 3,
        ]
        for service, name in data["services"].items():
            cells = " | ".join(usd(runs[(v, free)]["services"][service]) for v in VOLUMES)
            lines.append(f"| {_cell(name)} | {cells} |")
        totals = " | ".join(f"**{usd(runs[(v, free)]['total'])}**" for v in VOLUMES)
        lines += [f"| **Total** | {totals} |", "", "</div>", ""]
    return lines


def figure(value: float) -> str:
    """Four significant figures, never in exponent notation: 0.06, 0.0000009537, 1,000."""
    if value == 0 or value >= 1000:
        return number(round(value, 2))
    return format(Decimal(f"{value:.4g}"), "f")


def _assumptions(model: Model, sheet: Sheet) -> list[str]:
    defaults = model.defaults()
    lines = [f"With the default figures, one {model.unit} uses:", ""]
    for line in model.usage:
        price = sheet.prices[line["price"]]
        amount = evaluate(line["formula"], defaults)
        unit = price.unit if amount == 1 else plural(price.unit)
        per = "each month, whatever the volume" if line["per"] == "month" else ""
        what = f"; {line['what']}" if line["what"] else ""
        service = services.get(price.service)["name"]
        lines.append(
            f"- {_cell(line['node'])}: {figure(amount)} {unit}{' ' + per if per else ''} "
            f"({service}, {price.dimension}){what}."
        )
    if model.inputs:
        figures = "; ".join(
            f"{i['label'].lower()} {number(i['default'])} {i['unit']}" for i in model.inputs
        )
        lines += ["", f"The default figures: {figures}."]
    if model.not_estimated:
        lines += ["", "Not in the estimate:", ""]
        lines += [f"- {_cell(item['node'])}: {item['reason']}" for item in model.not_estimated]
    return lines


def _field(name: str, label: str, value: float, low: float, high: float, hint: str) -> list:
    return [name, label, number(value).replace(",", ""), repr(low), repr(high), hint]


def estimator_form(model: Model, sheet: Sheet, page_slug: str) -> str:
    """The estimator: an empty, hidden form whose data-model carries the usage model, the
    prices and the texts of its fields and rows. estimator.js builds the fields from it:
    without JavaScript the form would do nothing (the static tables above stand), so the page
    carries none of its markup."""
    data = model.as_json(sheet)
    form_id = "estimator-" + (model.key or page_slug.rpartition("/")[2])
    fields = [
        _field(
            "units",
            f"{model.units.capitalize()} a month",
            VOLUMES[0],
            0,
            MAX_UNITS,
            f"0 to {number(MAX_UNITS)}",
        )
    ]
    for i in model.inputs:
        fields.append(
            _field(
                i["name"],
                f"{i['label']} ({i['unit']})",
                i["default"],
                i["min"],
                i["max"],
                f"{number(i['min'])} to {number(i['max'])} {i['unit']}",
            )
        )
    rows = []
    for pid in data["prices"]:
        price = sheet.prices[pid]
        name = services.get(price.service)["name"]
        rows.append([pid, name, price.dimension, price.source, rate_text(price)])
    title = "Estimate your workload" + (f": {model.title.lower()}" if model.title else "")
    data["view"] = {"title": title, "fields": fields, "rows": rows}
    payload = json.dumps(data, sort_keys=True, separators=(",", ":"))
    # JSON in single quotes: its many double quotes need no escaping (and no bytes).
    payload = html.escape(payload, quote=False).replace("'", "&#x27;")
    return (
        f'<form class="estimator" id="{form_id}" data-key="{model.key}" '
        f"data-model='{payload}' aria-labelledby=\"{form_id}-title\" hidden></form>"
    )


def cost_snippet(models: list[Model], sheet: Sheet, page_slug: str) -> str:
    lines: list[str] = []
    for model in models:
        if model.title:
            lines += [f"### What it costs: {model.title.lower()}", ""]
        lines += _assumptions(model, sheet) + [""]
        lines += _static_tables(model, sheet)
        lines += [
            f"Prices for {sheet.region}, each cited on the [price sheet](../pricing.md) with "
            "its source and the date it was checked; data transfer and taxes are not included.",
            "",
            estimator_form(model, sheet, page_slug),
            "",
        ]
    return "\n".join(lines)


def broken_snippet(page_file: str) -> str:
    return (
        f"The cost estimate of this page is missing: its model in {page_file} has a problem "
        "that `make check` names.\n"
    )


def sheet_snippet(sheet: Sheet) -> str:
    """The whole sheet for /pricing/: per service, a table of its prices, then how each
    figure was checked."""
    by_service: dict[str, list[Price]] = {}
    for price in sheet.prices.values():
        by_service.setdefault(price.service, []).append(price)
    lines: list[str] = []
    for service in sorted(by_service, key=lambda k: services.get(k)["name"].lower()):
        lines += [
            f"## {services.get(service)['name']}",
            "",
            "| Billed for | Price (USD) | Free each month | Source |",
            "| --- | --- | --- | --- |",
        ]
        for price in by_service[service]:
            if len(price.tiers) == 1:
                rate = f"{dollars(price.tiers[0].price)} {per_text(price)}"
            else:
                parts, lower = [], 0.0
                for tier in price.tiers:
                    span = (
                        f"over {number(lower)}"
                        if tier.up_to is None
                        else f"{number(lower)} to {number(tier.up_to)}"
                    )
                    parts.append(f"{span}: {dollars(tier.price)}")
                    lower = tier.up_to or lower
                rate = f"{per_text(price)}, by {plural(price.unit)} in the month: " + "; ".join(
                    parts
                )
            free = f"{number(price.free)} {plural(price.unit)}" if price.free else "none"
            note = f". {price.note}" if price.note else ""
            lines.append(
                f"| {_cell(price.dimension)} | {_cell(rate)}{_cell(note)} | {free} | "
                f"[AWS pricing page]({price.source}), checked {price.checked} |"
            )
        lines += ["", "How each figure was checked:", ""]
        for price in by_service[service]:
            evidence = re.sub(
                r"https://[^\s)]+[^\s).,;]",
                lambda m: f"<{m[0]}>",
                price.evidence or "Read on the source page.",
            )
            lines.append(f"- {price.dimension} (`{price.id}`): {evidence}")
        lines.append("")
    if sheet.no_charge:
        lines += [
            "## Drawn but not charged",
            "",
            "| Service | Why it adds nothing | Source |",
            "| --- | --- | --- |",
        ]
        for key in sorted(sheet.no_charge, key=lambda k: services.get(k)["name"].lower()):
            entry = sheet.no_charge[key]
            lines.append(
                f"| {services.get(key)['name']} | {_cell(entry['reason'])} | "
                f"[AWS page]({entry['source']}), checked {entry['checked']} |"
            )
        lines.append("")
    return "\n".join(lines)


def snippets(pages) -> dict:
    """Path -> text of every cost snippet; ``pages`` are sitekit.pages.Page objects."""
    from sitekit.cost.prices import SHEET_PATH, parse

    # Read afresh, not from the cache: `make serve`'s watcher calls this after each edit.
    sheet = parse(SHEET_PATH.read_text(encoding="utf-8"))
    metas = all_diagrams()
    wanted = {SHEET_SNIPPET: sheet_snippet(sheet)}
    for page in pages:
        if not page.is_pattern:
            continue
        match = FRONT_MATTER.match(page.path.read_text(encoding="utf-8"))
        path = GENERATED / "cost" / f"{page.slug}.md"
        models: list[Model] = []
        if match and not sheet.problems:
            try:
                models, _ = read_models(match[1], page.slug, sheet, diagrams_of(page.slug, metas))
            except Exception:  # invalid YAML: the check reports it with its line
                models = []
        wanted[path] = (
            cost_snippet(models, sheet, page.slug) if models else broken_snippet(page.rel)
        )
    return wanted
