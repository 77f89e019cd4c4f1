"""`make build` is strict for real: a broken link, a broken anchor or a page missing from the
nav fails it, names each page, and writes nothing into site/ (the last good build stays)."""

from __future__ import annotations

import os
import shutil
import subprocess

from conftest import ROOT
from test_check import copy_repository


def _checkout_copy(dest):
    """A copy `make` can run in: sources and rendered output (so nothing re-renders), the
    Makefile and the already installed tools."""
    copy_repository(dest)
    for name in ("Makefile", "requirements.txt", "package.json", "package-lock.json"):
        shutil.copy2(ROOT / name, dest / name)  # copy2 keeps mtimes: make installs nothing
    for name in (".venv", "node_modules"):
        (dest / name).symlink_to(ROOT / name)
    return dest


def test_make_build_fails_on_every_warning_and_names_each_page(tmp_path):
    work = _checkout_copy(tmp_path / "checkout")
    page = work / "docs" / "patterns" / "saga.md"
    page.write_text(
        page.read_text(encoding="utf-8")
        + "\nSee [the missing page](no-such-page.md) and [a missing section](#no-such-anchor).\n",
        encoding="utf-8",
    )
    stray = work / "docs" / "stray-page.md"
    stray.write_text("# A page nobody linked\n\nNot in the nav.\n", encoding="utf-8")
    (work / "site").mkdir()  # the last good build: a failed build must not touch it
    (work / "site" / "index.html").write_text("last good build", encoding="utf-8")

    env = {k: v for k, v in os.environ.items() if not k.startswith("MAKE")}
    done = subprocess.run(
        ["make", "--no-print-directory", "build"],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    output = done.stdout + done.stderr
    assert done.returncode != 0, f"make build passed with broken links:\n{output}"
    assert "no-such-page.md" in output and "patterns/saga.md" in output, output
    assert "no-such-anchor" in output, output
    assert "stray-page.md" in output, output
    assert sorted(p.name for p in (work / "site").iterdir()) == ["index.html"]
    assert (work / "site" / "index.html").read_text(encoding="utf-8") == "last good build"
    assert not (work / "site.tmp").exists(), "a failed build left its staging folder"
