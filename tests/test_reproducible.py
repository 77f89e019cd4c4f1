"""A checkout in another folder builds a byte-identical site (diagrams, search index and
sitemap included): nothing depends on where or when the sources sit.

`make test` has already built site/ from this checkout; one more build, from a copy of the
same sources at a different path, must match it file for file.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from conftest import ROOT, SITE, build_site, copy_sources


def _build_copy(dest: Path) -> Path:
    copy_sources(dest)
    vendor = ROOT / "docs" / "assets" / "vendor"
    if vendor.exists():  # pinned npm files copied by `make vendor`; npm is not re-run here
        shutil.copytree(vendor, dest / "docs" / "assets" / "vendor")
    done = build_site(dest)  # what `make build` runs, in the copy
    assert done.returncode == 0, done.stderr
    return dest / "site"


def _tree(site: Path) -> dict[str, bytes]:
    return {
        p.relative_to(site).as_posix(): p.read_bytes()
        for p in sorted(site.rglob("*"))
        if p.is_file()
    }


def test_a_copy_elsewhere_builds_a_byte_identical_site(site, tmp_path):
    here = _tree(SITE)
    elsewhere = _tree(_build_copy(tmp_path / "elsewhere" / "nested" / "checkout"))
    assert sorted(here) == sorted(elsewhere), (
        f"different files: {sorted(set(here) ^ set(elsewhere))[:10]}"
    )
    differing = [name for name in here if here[name] != elsewhere[name]]
    assert not differing, f"files differ between the two builds: {differing[:10]}"
    for expected in (
        "search/search_index.json",
        "sitemap.xml",
        "assets/diagrams/patterns/backend-api.svg",
        "assets/icons/aws/compute/lambda.png",
    ):
        assert expected in here
