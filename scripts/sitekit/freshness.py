"""When a page's facts were last checked against AWS: the ``facts_checked`` front-matter date.

AWS changes quotas and prices often, so every page that cites AWS (it has a ``## Sources``
section) says when someone last compared its figures with AWS's pages. ``make pages`` turns the
date into a one-line snippet, ``generated/facts/<slug>.md``, which the page includes under its
Sources heading; ``make check`` validates the date and the include with file and line. A
snippet rather than a theme override or plugin keeps the site buildable by Zensical too.
"""

from __future__ import annotations

import datetime as dt
import re

from sitekit.paths import GENERATED

KEY = "facts_checked"
SECTION = "Sources"
HINT = "the day someone last checked the page's figures against AWS's own pages"
# Allowed by the front-matter schema; the value is validated here, where a YAML date (which
# the schema's types cannot describe) and a string are both understood.
SCHEMA = {"x-hint": HINT}
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
MONTHS = (
    "January February March April May June July August September October November December"
).split()


def snippet_name(slug: str) -> str:
    """``facts/patterns/saga.md``, as a page includes it."""
    return f"facts/{slug}.md"


def parse(value) -> tuple[dt.date | None, str]:
    """The date a front-matter value stands for, or None and what is wrong with it."""
    if isinstance(value, dt.datetime):  # YAML reads '2026-11-30 10:00' as a timestamp
        return None, f"{value} is a time, not a date: write the day only, as YYYY-MM-DD"
    if isinstance(value, dt.date):
        return value, ""
    if isinstance(value, str) and ISO_DATE.match(value.strip()):
        try:
            return dt.date.fromisoformat(value.strip()), ""
        except ValueError:
            return None, f"{value!r} is not a day of the calendar: write {HINT}, as YYYY-MM-DD"
    return None, f"{value!r} is not a date: write {HINT}, as YYYY-MM-DD"


def checked_on(meta: dict) -> dt.date | None:
    """The page's valid ``facts_checked`` date, if it has one."""
    return parse(meta[KEY])[0] if KEY in meta else None


def human(day: dt.date) -> str:
    """``30 November 2026``: spelled out, so no reader mistakes day for month."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def snippet(day: dt.date) -> str:
    return (
        f'<p class="facts-checked"><em>Figures on this page were last checked against AWS '
        f'documentation on <time datetime="{day.isoformat()}">{human(day)}</time>.</em></p>\n'
    )


def snippets(pages) -> dict:
    """``make pages``: generated/facts/<slug>.md for every page with a valid date."""
    found = {}
    for page in pages:
        day = checked_on(page.meta)
        if day is not None:
            found[GENERATED / snippet_name(page.slug)] = snippet(day)
    return found


def _key_line(block: str) -> int:
    """Line of the ``facts_checked:`` key in the file (the front matter starts on line 2)."""
    for number, line in enumerate(block.splitlines(), start=2):
        if line.startswith(f"{KEY}:"):
            return number
    return 1


def check(page, report, today: dt.date | None = None) -> None:
    """``make check``: a page with Sources has a valid, past ``facts_checked`` date, and shows
    it by including its snippet inside the Sources section."""
    if page.block is None:
        return  # the front matter did not parse; check.py has reported that
    sources = page.h2_line(SECTION)
    if KEY not in page.meta:
        if sources is not None:
            problem = f"missing on a page with sources: add '{KEY}: YYYY-MM-DD', {HINT}"
            report(page.file, 1, "schema", key=KEY, error=problem)
        return
    line = _key_line(page.block)
    day, problem = parse(page.meta[KEY])
    today = today or dt.date.today()
    if day is not None and day > today:
        problem = (
            f"{day.isoformat()} is in the future (today is {today.isoformat()}): "
            "write the date the figures were actually checked"
        )
    if problem:
        report(page.file, line, "schema", key=KEY, error=problem)
    wanted = snippet_name(page.slug)
    found = [number for name, number in page.md.snippets if name == wanted]
    include = f'--8<-- "{wanted}"'
    if not found:
        where = sources or line
        problem = f"the date is not shown on the page: add {include} under '## {SECTION}'"
        report(page.file, where, "schema", key=KEY, error=problem)
    elif page.section_at(found[0]) != SECTION:
        problem = f"{include} belongs in the '## {SECTION}' section, where readers look for it"
        report(page.file, found[0], "schema", key=KEY, error=problem)
