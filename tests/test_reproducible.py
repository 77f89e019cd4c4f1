"""A checkout in another folder builds a byte-identical site (diagrams, search index and
sitemap included): nothing depends on where or when the sources sit.

`make test` has already built site/ from this checkout; one more build, from a copy of the
same sources at a different path (conftest's ``second_checkout``, which the diagram tests
share), must match it file for file.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import SITE

pytestmark = pytest.mark.xdist_group("render")  # with test_diagrams.py: one second checkout


def _tree(site: Path) -> dict[str, bytes]:
    return {
        p.relative_to(site).as_posix(): p.read_bytes()
        for p in sorted(site.rglob("*"))
        if p.is_file()
    }


def test_a_copy_elsewhere_builds_a_byte_identical_site(site, second_checkout):
    here = _tree(SITE)
    elsewhere = _tree(second_checkout / "site")
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
