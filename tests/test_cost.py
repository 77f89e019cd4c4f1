"""The cost arithmetic on hand-worked examples, the price sheet and the models as `make check`
validates them, and what `make pages` puts under "Cost drivers" and on /pricing/."""

from __future__ import annotations

import html as html_lib
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT

from sitekit.cost import prices
from sitekit.cost.model import FormulaError, compile_formula, estimate, evaluate
from sitekit.cost.prices import Price, Tier, cents, charge, tiered
from sitekit.cost.validate import all_diagrams, diagrams_of, read_models
from sitekit.pages import FRONT_MATTER


def price(tiers, per=1.0, free=0.0) -> Price:
    return Price(
        "test", "lambda", "Test", "unit", per, tuple(Tier(u, p) for u, p in tiers), free,
        "https://aws.amazon.com/lambda/pricing/", "2026-11-30",
    )  # fmt: skip


# --- Tiers and the free allowance, worked by hand -----------------------------------------------

# Lambda's x86 duration: 6 billion GB-s at 0.0000166667, the next 9 billion at 0.000015, the rest
# at 0.0000133334; 400,000 GB-s free.
X86 = price([(6e9, 0.0000166667), (15e9, 0.000015), (None, 0.0000133334)], free=400_000)


def test_one_tier_is_quantity_times_rate_over_per():
    # 3,000,000 requests at $0.20 per million: 3 x 0.20 = $0.60.
    requests = price([(None, 0.20)], per=1_000_000, free=1_000_000)
    assert cents(charge(requests, 3_000_000, free=False)) == 60
    # The free million comes off first: 2 x 0.20 = $0.40.
    assert cents(charge(requests, 3_000_000, free=True)) == 40
    # Inside the free allowance nothing is due, and nothing is negative at zero.
    assert charge(requests, 999_999, free=True) == 0
    assert charge(requests, 0, free=True) == charge(requests, 0, free=False) == 0


def test_tiers_charge_each_unit_at_its_own_rate():
    # 10 billion GB-s: 6e9 x 0.0000166667 = 100,000.20 plus 4e9 x 0.000015 = 60,000, so
    # $160,000.20 at list price.
    assert cents(tiered(X86, 10e9)) == 16_000_020
    # 20 billion: 100,000.20 + 9e9 x 0.000015 (135,000) + 5e9 x 0.0000133334 (66,667) =
    # $301,667.20.
    assert cents(tiered(X86, 20e9)) == 30_166_720


def test_a_tier_boundary_belongs_to_the_lower_tier():
    # Exactly 6 billion GB-s is all first tier: 6e9 x 0.0000166667 = $100,000.20; one more
    # GB-s is charged at the second tier's 0.000015.
    assert cents(tiered(X86, 6e9)) == 10_000_020
    assert tiered(X86, 6e9 + 1) - tiered(X86, 6e9) == pytest.approx(0.000015)


def test_the_free_allowance_comes_off_the_cheapest_tier_first():
    # 1,400,000 GB-s with 400,000 free: 1,000,000 x 0.0000166667 = $16.6667 -> $16.67.
    assert cents(charge(X86, 1_400_000, free=True)) == 1667
    # Above the first tier, the free units still come off the first tier's rate:
    # 7e9 GB-s = 100,000.20 + 1e9 x 0.000015 = 115,000.20, minus 400,000 x 0.0000166667
    # (6.66668) = $114,993.53332 -> $114,993.53.
    assert cents(charge(X86, 7e9, free=True)) == 11_499_353


def test_cents_round_half_up_like_the_page():
    # Math.floor(x * 100 + 0.5) in estimator.js: 0.125 -> 13 cents, 0.124 -> 12 cents.
    assert cents(0.125) == 13
    assert cents(0.124) == 12
    assert cents(0.0) == 0


# --- Formulas -------------------------------------------------------------------------------


def test_formulas_compile_to_a_tree_both_sides_evaluate():
    tree = compile_formula(
        "ceil(duration_ms) / 1000 * memory_mb / 1024", {"duration_ms", "memory_mb"}
    )
    assert tree == ["/", ["*", ["/", ["ceil", "duration_ms"], 1000.0], "memory_mb"], 1024.0]
    # 120.2 ms rounds up to 121 ms: 0.121 s x 512 MB / 1024 = 0.0605 GB-s.
    assert evaluate(tree, {"duration_ms": 120.2, "memory_mb": 512.0}) == pytest.approx(0.0605)
    assert evaluate(compile_formula("1 - share / 100", {"share"}), {"share": 30.0}) == 0.7
    assert evaluate(compile_formula("max(-a, 2)", {"a"}), {"a": 1.0}) == 2.0


@pytest.mark.parametrize(
    "source, words",
    [
        ("duration * 2", ["'duration'", "not one of the model's inputs"]),
        ("__import__('os')", ["only numbers, inputs"]),
        ("a ** 2", ["only numbers, inputs"]),
        ("ceil(a, 2)", ["only numbers, inputs"]),
        ("1 +", ["does not parse"]),
        (True, ["give a number or a formula"]),
    ],
)
def test_formulas_refuse_anything_else(source, words):
    with pytest.raises(FormulaError) as caught:
        compile_formula(source, {"a", "duration_ms"})
    assert all(w in str(caught.value) for w in words), str(caught.value)


# --- The sheet and the models as they are ----------------------------------------------------


def test_the_price_sheet_is_valid_cited_and_dated():
    sheet = prices.sheet()
    assert sheet.problems == []
    assert len(sheet.prices) >= 9
    for item in sheet.prices.values():
        assert item.source.startswith(("https://aws.amazon.com/", "https://docs.aws.amazon.com/"))
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", item.checked)
        assert item.evidence, f"{item.id}: say where on AWS's pages the figure was read"


def pattern_models():
    sheet = prices.sheet()
    metas = all_diagrams()
    found = {}
    for path in sorted((ROOT / "docs" / "patterns").glob("*.md")):
        slug = f"patterns/{path.stem}"
        block = FRONT_MATTER.match(path.read_text(encoding="utf-8"))[1]
        models, problems = read_models(block, slug, sheet, diagrams_of(slug, metas))
        assert problems == [], f"{path.name}: {problems}"
        found[path.stem] = models
    return found


def test_every_pattern_has_a_model_for_each_diagram():
    models = pattern_models()
    assert len(models) >= 16
    assert {len(m) for m in models.values()} <= {1, 2}
    assert [m.title for m in models["saga"]] == ["Orchestration", "Choreography"]


def test_backend_api_at_a_million_requests_worked_by_hand():
    model = pattern_models()["backend-api"][0]
    sheet = prices.sheet()
    data = model.as_json(sheet)
    result = estimate(data, 1_000_000, model.defaults(), free=False, sheet=sheet)
    # HTTP API: 1M x $1.00/M = $1.00. Lambda requests: 1M x $0.20/M = $0.20. Duration: 1M x
    # 0.120 s x 0.5 GB = 60,000 GB-s x 0.0000133334 = $0.80. Storage: 1M x 1 KB = 0.9537 GB x
    # $0.25 = $0.24. Total $2.24.
    assert result["prices"] == {
        "apigw-http-requests": 100,
        "lambda-requests": 20,
        "lambda-duration-arm": 80,
        "dynamodb-storage": 24,
    }
    assert result["total"] == 224
    # With the free allowance Lambda and the storage are free at this volume: $1.00.
    assert estimate(data, 1_000_000, model.defaults(), free=True, sheet=sheet)["total"] == 100


# --- `make check` names the file and line of each mistake --------------------------------------


def copy_for_check(dest: Path) -> Path:
    """What `sitekit check` reads, rendered output included, so no rendering is needed."""
    ignore = shutil.ignore_patterns("__pycache__", "*.tmp", ".git", ".venv", "node_modules")
    for name in ("docs", "diagrams", "scripts", "includes", "generated"):
        shutil.copytree(ROOT / name, dest / name, ignore=ignore)
    shutil.copy2(ROOT / "mkdocs.yml", dest / "mkdocs.yml")
    return dest


def replace(path: Path, old: str, new: str) -> int:
    """Replace ``old`` once; return the 1-based line where ``new`` starts."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{path.name} no longer contains {old!r}: update this test"
    at = text.index(old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return text.count("\n", 0, at) + 1


def line_of(path: Path, needle: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, start=1) if line.startswith(needle))


def test_check_reports_bad_prices_and_models_with_file_and_line(tmp_path):
    root = copy_for_check(tmp_path / "repo")
    sheet = root / "scripts/sitekit/data/prices.yml"
    page = root / "docs/patterns/backend-api.md"
    saga = root / "docs/patterns/saga.md"
    expected = []  # (file, line, words)
    line = replace(sheet, "    source: https://aws.amazon.com/dynamodb/pricing/\n", "")
    expected.append(
        (
            "scripts/sitekit/data/prices.yml",
            lambda: line_of(sheet, "  dynamodb-storage:"),
            ["'dynamodb-storage'", "no 'source'"],
        )
    )
    line = replace(
        sheet, "    checked: 2026-11-30\n  lambda-duration-x86:", "  lambda-duration-x86:"
    )
    expected.append(
        (
            "scripts/sitekit/data/prices.yml",
            lambda: line_of(sheet, "  lambda-requests:"),
            ["'lambda-requests'", "no 'checked'"],
        )
    )
    line = replace(
        sheet,
        "    unit: GB-second\n    tiers:\n      - {up_to: 6000000000",
        "    tiers:\n      - {up_to: 6000000000",
    )
    expected.append(
        (
            "scripts/sitekit/data/prices.yml",
            lambda: line_of(sheet, "  lambda-duration-x86:"),
            ["'lambda-duration-x86'", "no 'unit'"],
        )
    )
    line = replace(
        sheet,
        "    service: step-functions\n    dimension: Express",
        "    service: step-function\n    dimension: Express",
    )
    expected.append(("scripts/sitekit/data/prices.yml", line, ["unknown service 'step-function'"]))
    line = replace(page, "      price: apigw-http-requests\n", "      price: apigw-http-request\n")
    expected.append(
        (
            "docs/patterns/backend-api.md",
            line - 1,
            ["unknown price 'apigw-http-request'", "did you mean 'apigw-http-requests'"],
        )
    )
    line = replace(
        page,
        "    - node: Order function\n      price: lambda-requests",
        "    - node: Order lambda\n      price: lambda-requests",
    )
    expected.append(
        ("docs/patterns/backend-api.md", line, ["node 'Order lambda'", "not in the diagram"])
    )
    line = replace(page, "per_unit: order_kb / 1048576", "per_unit: order_size / 1048576")
    expected.append(
        ("docs/patterns/backend-api.md", line, ["'order_size'", "not one of the model's inputs"])
    )
    replace(
        page,
        "    - node: Logs and metrics\n      reason:",
        "    - node: Logs and metric\n      reason:",
    )
    expected.append(
        (
            "docs/patterns/backend-api.md",
            lambda: line_of(page, "cost:"),
            ["billed node 'Logs and metrics'", "neither in 'usage' nor in 'not_estimated'"],
        )
    )
    line = replace(saga, "  - diagram: saga.choreography\n", "  - diagram: saga.choreographie\n")
    expected.append(
        (
            "docs/patterns/saga.md",
            line,
            ["diagram 'saga.choreographie'", "did you mean 'saga.choreography'"],
        )
    )
    driven = root / "docs/patterns/event-driven.md"
    replace(driven, '--8<-- "cost/patterns/event-driven.md"\n', "")
    expected.append(
        (
            "docs/patterns/event-driven.md",
            lambda: line_of(driven, "## Cost drivers"),
            ['the cost estimate is not shown: add --8<-- "cost/patterns/event-driven.md"'],
        )
    )
    done = subprocess.run(
        [sys.executable, "-m", "sitekit", "check"],
        cwd=root,
        env={"PYTHONPATH": str(root / "scripts"), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
    )
    assert done.returncode == 1, done.stdout + done.stderr
    problems = done.stderr.splitlines()
    for file, line, words in expected:
        line = line() if callable(line) else line  # lines after every mutation is in place
        matching = [
            p for p in problems
            if p.startswith(f"{file}:{line}: ")
            and all(w in p for w in words)
        ]  # fmt: skip
        assert matching, f"no {file}:{line} problem with {words}:\n" + "\n".join(problems)


def test_every_sheet_problem_has_the_line_of_its_key():
    text = (
        "region: US East (N. Virginia)\n"
        "prices:\n"
        "  good-one:\n"
        "    service: lambda\n"
        "    dimension: Requests\n"
        "    unit: request\n"
        "    price: 0.2\n"
        "    source: https://example.com/lambda\n"
        "    checked: 2026-11-30\n"
        "  no-price:\n"
        "    service: lambda\n"
        "    dimension: Requests\n"
        "    unit: request\n"
        "    source: https://aws.amazon.com/lambda/pricing/\n"
        "    checked: 2026-11-30\n"
        "  bad-tiers:\n"
        "    service: lambda\n"
        "    dimension: Duration\n"
        "    unit: GB-second\n"
        "    tiers:\n"
        "      - {up_to: 10, price: 1}\n"
        "      - {up_to: 5, price: 1}\n"
        "      - {price: 1}\n"
        "    source: https://aws.amazon.com/lambda/pricing/\n"
        "    checked: 2026-11-30\n"
    )
    problems = dict(prices.parse(text).problems)
    assert "not an AWS page" in problems[8]
    assert "either 'price' (one rate) or 'tiers'" in problems[10]
    assert "tier 2 needs an 'up_to' above the previous one" in problems[22]


# --- What `make pages` writes ----------------------------------------------------------------


def test_cost_drivers_show_the_static_table_and_the_estimator(site):
    html = (site / "patterns" / "backend-api" / "index.html").read_text(encoding="utf-8")
    drivers = html[html.index('id="cost-drivers"') : html.index('id="related-patterns"')]
    # The static table reads without JavaScript, at three volumes, with and without the free
    # allowance, totals included.
    for words in ("1 million requests", "10 million requests", "100 million requests"):
        assert words in drivers
    assert drivers.count("<strong>Total</strong>") == 2
    assert "<strong>$2.24</strong>" in drivers and "<strong>$1.00</strong>" in drivers
    # The estimator's form is there, empty and hidden until estimator.js builds it from its
    # data-model, which carries the prices with their source links.
    form = re.search(
        r"<form class=\"estimator\"[^>]* data-model='([^']*)'[^>]* hidden></form>", drivers
    )
    assert form, "no empty, hidden estimator form with a single-quoted data-model"
    model = json.loads(html_lib.unescape(form[1]))
    sources = {row[0]: row[3] for row in model["view"]["rows"]}
    assert sources["lambda-requests"] == "https://aws.amazon.com/lambda/pricing/"
    index = (site / "search" / "search_index.json").read_text(encoding="utf-8")
    assert "100 million requests" in index and "$223.84" in index


def test_the_pricing_page_shows_every_price_with_source_and_date(site):
    html = (site / "pricing" / "index.html").read_text(encoding="utf-8")
    for item in prices.sheet().prices.values():
        assert f"<code>{item.id}</code>" in html, item.id
        assert item.source in html
    assert html.count("checked 2026-11-30") >= len(prices.sheet().prices)


def test_the_estimator_script_is_small_and_self_contained():
    script = (ROOT / "docs" / "assets" / "javascripts" / "estimator.js").read_text(encoding="utf-8")
    assert len(script.encode("utf-8")) < 15 * 1024
    assert not re.search(r"\beval\(|new Function\(|innerHTML|outerHTML|insertAdjacentHTML", script)
    assert not re.search(
        r"fetch\(|XMLHttpRequest|import\(|https?://(?!www\.w3\.org/2000/svg)", script
    )
