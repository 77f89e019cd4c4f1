"""``make build``: build the site strictly, quiet on success, every warning shown on failure.

``mkdocs build --strict --quiet`` is not strict: ``--quiet`` drops warnings before strict mode
counts them, so a broken link built with exit 0. Here the builder runs with ``--strict`` and
full output captured; any WARNING or ERROR (with its indented continuation lines, such as the
list of pages missing from the nav) fails the build and is printed, whatever the exit code.
The build goes to a temporary folder that replaces the site only on success, so a failed build
never leaves a publishable half.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

from sitekit.compact import compact_site
from sitekit.paths import ROOT

BIN = Path(sys.executable).parent
PROBLEM = re.compile(r"^\s*(WARNING|ERROR)\b|^\s*Error:|^Aborted", re.IGNORECASE)


def problems(output: str) -> list[str]:
    """Each warning or error as one block: its line plus the indented lines that follow."""
    blocks: list[str] = []
    current: list[str] | None = None
    for line in output.splitlines():
        if PROBLEM.match(line):
            current = [line.rstrip()]
            blocks.append(current)  # type: ignore[arg-type]
        elif current is not None and line.startswith((" ", "\t")) and line.strip():
            current.append(line.rstrip())
        else:
            current = None
    return ["\n".join(block) for block in blocks]


def command_for(engine: str, site_dir: str) -> list[str]:
    if engine == "zensical":
        return [str(BIN / "zensical"), "build", "--clean", "--strict"]
    return [str(BIN / "mkdocs"), "build", "--strict", "--site-dir", site_dir]


def build(engine: str = "mkdocs", site_dir: str = "site") -> int:
    started = time.perf_counter()
    final = ROOT / site_dir
    staging = final.with_name(final.name + ".tmp")
    shutil.rmtree(staging, ignore_errors=True)
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "SITE_DIR": str(staging)}
    done = subprocess.run(
        command_for(engine, str(staging)), cwd=ROOT, env=env, capture_output=True, text=True
    )
    found = problems(done.stdout + "\n" + done.stderr)
    if done.returncode == 0 and not found:
        compact_site(staging)
        shutil.rmtree(final, ignore_errors=True)
        staging.rename(final)
    else:
        shutil.rmtree(staging, ignore_errors=True)
        for block in found or [(done.stderr or done.stdout).strip() or "no output"]:
            print(block, file=sys.stderr)
        print(
            f"error: {engine} build failed with {len(found)} warning(s) or error(s) "
            f"(exit {done.returncode}); nothing to publish",
            file=sys.stderr,
        )
        return 1
    print(f"site: built with {engine} into {site_dir}/ in {time.perf_counter() - started:.1f} s")
    return 0
