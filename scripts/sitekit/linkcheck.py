"""Check every link in the built site: ``href``, ``src`` and SVG ``href``/``xlink:href``.

MkDocs validates only the links Markdown produced; links in raw HTML and inline SVG (the
diagrams, the catalog) pass it silently. This walker resolves every local URL to a file in
site/ and every ``#fragment`` to an id in the target page; external URLs must be well-formed
``https`` (fetching them is opt-in with ``--online``). It is a small stdlib walker rather than
npm ``hyperlink`` so the check needs no Node tool chain and reports ``page: url`` lines.
"""

from __future__ import annotations

import functools
import sys
import urllib.request
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

LINK_ATTRS = {"href", "src", "xlink:href", "poster", "data"}
SKIP_SCHEMES = {"mailto", "data", "javascript", "tel"}


class _Collector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links: list[tuple[int, str]] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if value is None:
                continue
            if name in ("id", "name"):
                self.ids.add(value)
            elif name in LINK_ATTRS and not (
                tag == "link" and name == "href" and ("rel", "canonical") in attrs
            ):
                self.links.append((self.getpos()[0], value))
            elif name == "srcset":
                for part in value.split(","):
                    self.links.append((self.getpos()[0], part.strip().split(" ")[0]))

    handle_startendtag = handle_starttag


@functools.cache
def _parse(path: Path) -> _Collector:
    collector = _Collector()
    collector.feed(path.read_text(encoding="utf-8", errors="replace"))
    return collector


def _target_file(site: Path, page: Path, url_path: str) -> Path:
    base = "/" + page.relative_to(site).as_posix()
    resolved = urljoin(base, url_path)
    target = site / unquote(resolved.lstrip("/"))
    if resolved.endswith("/") or target.is_dir():
        target = target / "index.html"
    return target


def check_site(site: Path, online: bool = False) -> list[str]:
    problems = []
    external: dict[str, str] = {}
    _parse.cache_clear()
    for page in sorted(site.rglob("*.html")) + sorted(site.rglob("*.svg")):
        for line, url in _parse(page).links:
            where = f"{page.relative_to(site)}:{line}"
            parts = urlsplit(url)
            if parts.scheme in SKIP_SCHEMES:
                continue
            if parts.scheme or url.startswith("//"):
                if parts.scheme != "https" or not parts.netloc or " " in url:
                    problems.append(f"{where}: external link is not a well-formed https URL: {url}")
                else:
                    external.setdefault(url, where)
                continue
            target = page if not parts.path else _target_file(site, page, parts.path)
            if not target.is_file():
                problems.append(f"{where}: broken link {url} (no file {target.relative_to(site)})")
                continue
            if parts.fragment and target.suffix in (".html", ".svg"):
                if unquote(parts.fragment) not in _parse(target).ids:
                    problems.append(
                        f"{where}: broken anchor {url} (no id "
                        f"'{parts.fragment}' in {target.relative_to(site)})"
                    )
    if online:
        problems += _check_online(external)
    return problems


def _check_online(urls: dict[str, str]) -> list[str]:
    problems = []
    for url, where in sorted(urls.items()):
        request = urllib.request.Request(
            url.split("#")[0], method="HEAD", headers={"User-Agent": "sitekit-linkcheck"}
        )
        try:
            urllib.request.urlopen(request, timeout=15).close()
        except Exception as exc:  # report every failure kind the same way
            problems.append(f"{where}: {url}: {exc}")
    return problems


def main(site: str, online: bool = False) -> int:
    root = Path(site)
    if not (root / "index.html").is_file():
        print(f"error: {site}/index.html not found: run 'make build' first", file=sys.stderr)
        return 2
    problems = check_site(root, online)
    for problem in problems:
        print(f"{site}/{problem}", file=sys.stderr)
    pages = len(list(root.rglob("*.html")))
    print(f"linkcheck: {pages} pages, {len(problems)} problems")
    return 1 if problems else 0
