"""``make bench``: how fast and how heavy the site is on this machine (medians of runs).

Not a test: it prints each figure beside its target so regressions are visible.
Every run works in temporary copies, so the checkout is left as it was.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sitekit import phases, weight
from sitekit.compact import compact_site
from sitekit.paths import DOCS, ROOT, diagram_modules

RUNS = int(os.environ.get("BENCH_RUNS", "3"))
PY = sys.executable
MKDOCS = str(Path(PY).parent / "mkdocs")


def _env(root: Path) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(root / "scripts"), "NO_MKDOCS_2_WARNING": "1"}


def _copy(dest: Path) -> Path:
    ignore = shutil.ignore_patterns("__pycache__", "services", "diagrams", "*.tmp")
    for name in ("diagrams", "scripts", "includes", "overrides", "docs", "stacks"):
        shutil.copytree(
            ROOT / name,
            dest / name,
            ignore=ignore if name == "docs" else shutil.ignore_patterns("__pycache__"),
        )
    for name in ("mkdocs.yml", "CONTRIBUTING.md"):  # docs/contributing.md includes the latter
        shutil.copy2(ROOT / name, dest / name)
    vendor = DOCS / "assets" / "vendor"
    if vendor.exists():
        shutil.copytree(vendor, dest / "docs" / "assets" / "vendor", dirs_exist_ok=True)
    return dest


def _timed(command: list[str], cwd: Path) -> float:
    started = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, env=_env(cwd), capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"bench: {' '.join(command)} failed:\n{done.stderr}")
    return time.perf_counter() - started


def _median(samples: list[float]) -> float:
    return statistics.median(samples)


def bench_diagrams(work: Path) -> dict:
    cold, naive, noop = [], [], []
    for run in range(RUNS):
        root = _copy(work / f"cold{run}")
        cold.append(_timed([PY, "-m", "sitekit", "diagrams"], root))
        noop += [_timed([PY, "-m", "sitekit", "diagrams"], root) for _ in range(3)]
        # The naive way: one Python process per module, one after another.
        naive_root = _copy(work / f"naive{run}")
        started = time.perf_counter()
        for module in sorted((naive_root / "diagrams").rglob("*.py")):
            code = (
                "import sys; from pathlib import Path; from sitekit.paths import DiagramPaths;"
                "from sitekit.render import render_one;"
                f"render_one(DiagramPaths(Path({str(module)!r})))"
            )
            subprocess.run(
                [PY, "-c", code],
                cwd=naive_root,
                env=_env(naive_root),
                check=True,
                capture_output=True,
            )
        naive.append(time.perf_counter() - started)
    return {"cold": _median(cold), "naive": _median(naive), "noop": _median(noop)}


def bench_build(work: Path) -> dict:
    ours = _copy(work / "ours")
    subprocess.run(
        [PY, "-m", "sitekit", "diagrams"], cwd=ours, env=_env(ours), check=True, capture_output=True
    )
    subprocess.run(
        [PY, "-m", "sitekit", "pages"], cwd=ours, env=_env(ours), check=True, capture_output=True
    )
    plain = work / "plain"
    shutil.copytree(ours, plain)
    # Same pages and text, no diagrams: empty figure snippets, no diagram script or style.
    for snippet in (plain / "generated" / "figure").rglob("*.md"):
        snippet.write_text("")
    config = (plain / "mkdocs.yml").read_text()
    config = "\n".join(
        line
        for line in config.splitlines()
        if "assets/javascripts/" not in line
        and "assets/stylesheets/" not in line
        and "assets/vendor/" not in line
    )
    config = config.replace("extra_css:\n", "extra_css: []\n")
    config = config.replace("extra_javascript:\n", "extra_javascript: []\n")
    (plain / "mkdocs.yml").write_text(config + "\n")
    shutil.rmtree(plain / "docs" / "assets" / "diagrams")
    build = [MKDOCS, "build", "--strict", "--site-dir"]
    # Not strict for the plain copy: its links to diagram nodes point at diagrams it lacks.
    plain_build = [MKDOCS, "build", "--site-dir"]
    ours_t = _median([_timed(build + [str(work / f"o{i}")], ours) for i in range(RUNS)])
    plain_t = _median([_timed(plain_build + [str(work / f"p{i}")], plain) for i in range(RUNS)])
    # Weights are of what `make build` publishes: compacted, as sitekit.build leaves it.
    compact_site(work / "o0")
    return {"ours": ours_t, "plain": plain_t, "site": work / "o0"}


def bench_browser(site: Path) -> dict:
    sys.path.insert(0, str(ROOT / "tests"))
    from conftest import CHROMIUM, CHROMIUM_ARGS, serve  # the tests' server and flags
    from playwright.sync_api import sync_playwright

    base, server = serve(site)
    pages = sorted(
        {
            json.loads(p.read_text())["page"]
            for p in (site.parent / "ours" / "generated" / "meta").rglob("*.json")
        }
    )
    weights, ready = {}, []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for page_slug in pages:
            context = browser.new_context()
            tab = context.new_page()
            sizes = []
            tab.on(
                "requestfinished",
                lambda r, sizes=sizes: sizes.append(r.sizes()["responseBodySize"]),
            )
            tab.goto(f"{base}{page_slug}/", wait_until="networkidle")
            weights[page_slug] = sum(sizes)
            context.close()
        heaviest = max(weights, key=weights.get)
        for _ in range(max(RUNS, 5)):
            context = browser.new_context()
            tab = context.new_page()
            tab.goto(f"{base}{heaviest}/", wait_until="commit")
            tab.wait_for_selector("figure.diagram[data-ready]", timeout=10_000)
            ready.append(tab.evaluate("performance.now()") / 1000)
            context.close()
        browser.close()
    server.shutdown()
    svgs = {
        p.relative_to(site).as_posix(): p.stat().st_size
        for p in (site / "assets" / "diagrams").rglob("*.svg")
    }
    return {
        "heaviest": heaviest,
        "bytes": weights[heaviest],
        "ready": _median(ready),
        "largest_svg": max(svgs.items(), key=lambda item: item[1]),
    }


def bench_stacks() -> float:
    """What the stack checks add to `make test`: both stack test modules, run once (the
    session fixtures lint, expand and deploy every stack)."""
    tests = ["tests/test_stacks.py", "tests/test_stacks_handlers.py"]
    return _timed([PY, "-m", "pytest", "-q", "-p", "no:cacheprovider", *tests], ROOT)


def main() -> int:
    print(
        f"bench: {os.cpu_count()} cores, {len(diagram_modules())} diagrams, median of {RUNS} runs"
    )
    with tempfile.TemporaryDirectory(prefix="sitekit-bench-") as folder:
        work = Path(folder)
        d = bench_diagrams(work)
        print(
            f"  cold make diagrams     {d['cold']:.2f} s   naive (one python per module, "
            f"sequential) {d['naive']:.2f} s   ratio {d['cold'] / d['naive']:.2f} "
            f"(target <= 0.5)"
        )
        print(f"  no-op make diagrams    {d['noop']:.3f} s   (target < 0.3 s)")
        b = bench_build(work)
        print(
            f"  mkdocs build           {b['ours']:.2f} s   plain Material, same text "
            f"{b['plain']:.2f} s   ratio {b['ours'] / b['plain']:.2f} (target <= 1.5)"
        )
        w = bench_browser(b["site"])
        name, size = w["largest_svg"]
        print(
            f"  heaviest page          /{w['heaviest']}/ transfers {w['bytes'] / 1024:.0f} KB "
            f"(HTML, CSS, JS, SVG)"
        )
        print(f"  largest diagram        {name} {size / 1024:.0f} KB (target < 250 KB)")
        print(f"  navigation to interactive diagram (headless Chromium) {w['ready'] * 1000:.0f} ms")
        weight.report(b["site"])
        print(
            f"  stack checks (tests/test_stacks*.py, once) {bench_stacks():.1f} s (target <= 60 s)"
        )
    phases.report()
    return 0


if __name__ == "__main__":
    sys.exit(main())
