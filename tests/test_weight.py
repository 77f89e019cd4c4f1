"""Pages stay light: icons are shared files the browser caches, not bytes in every page."""

from __future__ import annotations

import re

from sitekit.weight import HTML_TARGET, html_sizes


def test_every_page_html_stays_within_the_target(site):
    sizes = html_sizes(site)
    over = {url: size for url, size in sizes.items() if size > HTML_TARGET}
    assert len(sizes) > 40
    assert not over, f"pages over {HTML_TARGET // 1024} KB: {over}"


def test_inline_diagrams_reference_shared_icon_files(site):
    referenced: set[str] = set()
    for page in sorted(site.rglob("index.html")):
        html = page.read_text(encoding="utf-8")
        assert "data:image/png" not in html, f"{page}: an icon is inlined as a data URI"
        for href in re.findall(r'xlink:href="([^"#][^"]*assets/icons/[^"]+)"', html):
            target = (page.parent / href).resolve()
            assert target.is_file(), f"{page}: {href} does not exist"
            referenced.add(target.relative_to(site.resolve()).as_posix())
    assert "assets/icons/aws/compute/lambda.png" in referenced
    shipped = {p.relative_to(site).as_posix() for p in (site / "assets" / "icons").rglob("*.png")}
    assert shipped == referenced, f"icons no page uses: {sorted(shipped - referenced)}"


def test_compacting_keeps_verbatim_text_and_drops_breaks_that_render_as_nothing():
    from sitekit.compact import compact_html

    html = (
        "<div>\n    <p>a\n\n      <b>b</b></p>\n  </div>"
        "<pre><code>def f():\n    return 1\n</code></pre>\n   <script>\n  let x = 1;\n</script>"
        "<textarea>\n  keep\n</textarea>"
    )
    code = '<pre><code>sam<span class="w"> </span>build<span class="w">  </span><span class="c1"># x</span></code></pre>'
    assert compact_html(code) == '<pre><code>sam build  <span class="c1"># x</span></code></pre>'
    nav = '<li class="item">\n  <a href="x/">\n <span>\n Saga\n </span>\n </a>\n</li>\n'
    assert compact_html(nav) == '<li class="item"><a href="x/">\n<span>\nSaga\n</span>\n</a></li>'
    # One break per whitespace run, none at all next to a block tag; inline ones stay.
    assert compact_html(html) == (
        "<div><p>a\n<b>b</b></p></div>"
        "<pre><code>def f():\n    return 1\n</code></pre>\n<script>\n  let x = 1;\n</script>"
        "<textarea>\n  keep\n</textarea>"
    )
