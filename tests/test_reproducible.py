"""Two fresh clones in different folders build byte-identical sites (diagrams, search index
and sitemap included)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from conftest import ROOT


def _clone_and_build(dest: Path) -> Path:
    subprocess.run(["git", "clone", "--quiet", "--no-hardlinks", str(ROOT), str(dest)], check=True)
    vendor = ROOT / "docs" / "assets" / "vendor"
    if vendor.exists():  # pinned npm files copied by `make vendor`; npm is not re-run here
        shutil.copytree(vendor, dest / "docs" / "assets" / "vendor")
    epoch = subprocess.run(
        ["git", "log", "-1", "--format=%ct"], cwd=dest, check=True, capture_output=True, text=True
    ).stdout.strip()
    env = {
        **os.environ,
        "PYTHONPATH": str(dest / "scripts"),
        "SOURCE_DATE_EPOCH": epoch,
        "NO_MKDOCS_2_WARNING": "1",
    }
    env.pop("SITE_DIR", None)
    for command in (["-m", "sitekit", "diagrams"], ["-m", "sitekit", "pages"]):
        subprocess.run(
            [sys.executable, *command], cwd=dest, env=env, check=True, capture_output=True
        )
    mkdocs = Path(sys.executable).parent / "mkdocs"
    done = subprocess.run(
        [str(mkdocs), "build", "--strict"], cwd=dest, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    return dest / "site"


def _tree(site: Path) -> dict[str, bytes]:
    return {
        p.relative_to(site).as_posix(): p.read_bytes()
        for p in sorted(site.rglob("*"))
        if p.is_file()
    }


def test_two_clones_build_byte_identical_sites(tmp_path):
    first = _tree(_clone_and_build(tmp_path / "one"))
    second = _tree(_clone_and_build(tmp_path / "elsewhere" / "two"))
    assert sorted(first) == sorted(second), "the two sites have different files"
    differing = [name for name in first if first[name] != second[name]]
    assert not differing, f"files differ between the two builds: {differing[:10]}"
    for expected in (
        "search/search_index.json",
        "sitemap.xml",
        "assets/diagrams/patterns/backend-api.svg",
    ):
        assert expected in first
