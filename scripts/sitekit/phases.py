"""``make bench``'s view of ``make test``: how long each phase and each test file takes.

It runs what ``make test`` runs, in this checkout, one phase after another, so the next
slowdown shows up by name. Test files run in parallel under pytest-xdist, so their times are
the sum of their tests' durations (time spent on a core), next to the suite's wall time.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from collections import defaultdict
from pathlib import Path

from sitekit.paths import ROOT

BIN = Path(sys.executable).parent


def _phase(name: str, command: list[str], must_pass: bool = True) -> tuple[str, float]:
    """Run one phase; a failed one stops the bench, except the test run (``must_pass`` off),
    whose failures are printed and whose times are still worth reading."""
    env = {**os.environ, "PYTHONPATH": str(ROOT / "scripts"), "NO_MKDOCS_2_WARNING": "1"}
    started = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        tail = (done.stdout + done.stderr).strip().splitlines()[-15:]
        if must_pass:
            raise SystemExit(f"bench: phase {name} failed:\n" + "\n".join(tail))
        print(f"bench: phase {name} failed (times below still count):\n" + "\n".join(tail))
        name += " FAILED"
    return name, seconds


def per_file(junit: Path) -> dict[str, float]:
    totals: dict[str, float] = defaultdict(float)
    for case in ET.parse(junit).iter("testcase"):
        module = case.get("classname", "").split(".")[-1] or "?"
        totals[f"tests/{module}.py"] += float(case.get("time", 0))
    return dict(totals)


def run() -> tuple[list[tuple[str, float]], dict[str, float]]:
    sitekit = [sys.executable, "-m", "sitekit"]
    phases = [
        _phase("render (all diagrams)", [*sitekit, "diagrams", "--force"]),
        _phase("pages", [*sitekit, "pages"]),
        _phase("check", [*sitekit, "check"]),
        _phase("lint (ruff)", [str(BIN / "ruff"), "check", "scripts", "diagrams", "tests"]),
        _phase("build (mkdocs --strict)", [*sitekit, "build"]),
        _phase("link check", [*sitekit, "linkcheck", "site"]),
    ]
    with tempfile.TemporaryDirectory(prefix="sitekit-phases-") as folder:
        junit = Path(folder) / "junit.xml"
        phases.append(
            _phase(
                "pytest (wall, 2 workers)",
                [
                    sys.executable,
                    "-m",
                    "pytest",
                    "-q",
                    "-p",
                    "no:cacheprovider",
                    f"--junitxml={junit}",
                ],
                must_pass=False,
            )
        )
        files = per_file(junit)
    return phases, files


def report() -> None:
    phases, files = run()
    print("  make test, phase by phase (this checkout):")
    for name, seconds in phases:
        print(f"    {name:<28} {seconds:6.1f} s")
    print(f"    {'total':<28} {sum(s for _, s in phases):6.1f} s   (target <= 240 s on 2 cores)")
    print("  test files (sum of their tests' durations):")
    for name, seconds in sorted(files.items(), key=lambda item: -item[1]):
        print(f"    {name:<28} {seconds:6.1f} s")
