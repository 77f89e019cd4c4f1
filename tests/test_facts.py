"""Corrected figures stay corrected: every entry of tests/data/facts.yml is stated on its pages,
with its AWS source cited, on pages checked since; the stale statement it replaced appears
nowhere; and every page shows when its facts were last checked, under its Sources heading."""

from __future__ import annotations

import datetime as dt
import html
import re
from pathlib import Path

import pytest
import yaml
from conftest import ROOT

from sitekit import freshness
from sitekit.checks.markdown import Markdown, link_key
from sitekit.pages import authored_pages

FACTS = yaml.safe_load((ROOT / "tests/data/facts.yml").read_text(encoding="utf-8"))
IDS = [fact["id"] for fact in FACTS]
LINKS = {
    link_key(match[1]): match[2]
    for match in re.finditer(
        r"^\[([^\]]+)\]:\s*(\S+)", (ROOT / "includes/links.md").read_text(), re.M
    )
}
# Everything a reader sees that states facts: the pages, the service descriptions shown on the
# service pages, the diagram modules (their roles and step captions become text) and the
# stacks' templates (their Deploy notes become text).
READ = sorted(
    [p.path for p in authored_pages()]
    + [ROOT / "scripts/sitekit/data/services.yml"]
    + sorted((ROOT / "diagrams").rglob("*.py"))
    # A stack's Deploy notes (what it costs while idle, what it leaves) are shown on its page.
    + sorted((ROOT / "stacks").rglob("template.yaml"))
)


def flat(text: str) -> str:
    """Whitespace joined into single spaces, so a phrase may wrap across lines."""
    return " ".join(text.split())


def search(pattern: str, text: str):
    return re.search(pattern, flat(text), re.IGNORECASE | re.DOTALL)


def fact(fact_id: str) -> dict:
    return next(f for f in FACTS if f["id"] == fact_id)


def page_meta(path: Path) -> dict:
    return next(p for p in authored_pages() if p.path == path).meta


def test_facts_list_is_well_formed():
    assert len(IDS) == len(set(IDS)), "two entries share an id"
    for entry in FACTS:
        assert {"id", "fact", "source", "checked", "stated"} <= set(entry), entry["id"]
        assert entry["source"] in LINKS, f"{entry['id']}: no [{entry['source']}] in links.md"
        url = LINKS[entry["source"]]
        assert re.match(r"https://(docs\.aws\.amazon\.com|aws\.amazon\.com)/", url), url
        assert isinstance(entry["checked"], dt.date) and entry["checked"] <= dt.date.today()
        for name in entry["stated"]:
            assert (ROOT / name).is_file(), f"{entry['id']}: {name} does not exist"


@pytest.mark.parametrize("fact_id", IDS)
def test_the_corrected_fact_is_stated_where_listed(fact_id):
    for name, pattern in fact(fact_id)["stated"].items():
        text = (ROOT / name).read_text(encoding="utf-8")
        assert search(pattern, text), f"{name} no longer says: {fact(fact_id)['fact']}"


@pytest.mark.parametrize("fact_id", IDS)
def test_pages_cite_the_source_and_were_checked_since(fact_id):
    entry = fact(fact_id)
    for name in entry["stated"]:
        if not name.startswith("docs/"):
            continue
        path = ROOT / name
        cited = {key for key, _ in Markdown.scan(path.read_text(encoding="utf-8")).link_refs}
        assert entry["source"] in cited, f"{name} does not cite [{entry['source']}] on one line"
        checked = freshness.checked_on(page_meta(path))
        assert checked is not None and checked >= entry["checked"], (
            f"{name}: facts_checked {checked} is older than this fact ({entry['checked']})"
        )


@pytest.mark.parametrize("fact_id", [f["id"] for f in FACTS if f.get("never")])
def test_the_stale_statement_does_not_come_back(fact_id):
    entry = fact(fact_id)
    for pattern in entry["never"]:
        found = [p.relative_to(ROOT).as_posix() for p in READ if search(pattern, p.read_text())]
        assert found == [], f"{found} still say what {fact_id} corrected ({pattern!r})"


def test_each_old_wording_is_caught_by_its_own_patterns():
    """The patterns above would have caught what the review found, so they can fail."""
    for entry in (f for f in FACTS if f.get("never")):
        assert "was" in entry, f"{entry['id']}: add the old wording as 'was'"
        assert any(search(p, entry["was"]) for p in entry["never"]), entry["id"]


DATED = [p for p in authored_pages() if freshness.KEY in p.meta]


def test_every_page_that_cites_sources_is_dated():
    cites = [p.slug for p in authored_pages() if re.search(r"(?m)^## Sources$", p.body)]
    assert cites and sorted(cites) == sorted(p.slug for p in DATED)


@pytest.mark.parametrize("page", DATED, ids=[p.slug for p in DATED])
def test_the_date_is_shown_under_the_sources_heading(site, page):
    built = (site / page.url / "index.html").read_text(encoding="utf-8")
    article = built.split("<article", 1)[1]
    section = re.search(r'<h2 id="sources">.*?</h2>(.*?)(?=<h2|</article>)', article, re.S)
    assert section, f"/{page.url} has no Sources section"
    shown = re.search(
        r'<p class="facts-checked">.*?<time datetime="([\d-]+)">([^<]+)</time>', section[1]
    )
    assert shown, f"/{page.url} does not show when its facts were checked"
    day = freshness.checked_on(page.meta)
    assert shown[1] == day.isoformat()
    assert html.unescape(shown[2]) == f"{day.day} {day:%B} {day.year}"
    # Right under the heading, before the list of sources.
    assert section[1].lstrip().startswith('<p class="facts-checked">')
