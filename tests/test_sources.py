"""A diagram's code is not in the page: its block loads the highlighted file when opened, with
a working copy button, and links the plain text for readers without JavaScript."""

from __future__ import annotations

import re

from conftest import ROOT


def test_pages_link_the_code_instead_of_inlining_it(site):
    html = (site / "patterns" / "backend-api" / "index.html").read_text(encoding="utf-8")
    block = re.search(r'<details class="example source".*?</details>', html, re.S)
    assert block, "no code block on the page"
    assert "def draw" not in block[0], "the module's code is still inlined"
    text_link = re.search(r'href="([^"]+\.py\.txt)"', block[0])[1]
    served = (site / "patterns" / "backend-api" / text_link).resolve()
    module = ROOT / "diagrams" / "patterns" / "backend-api.py"
    assert served.read_text(encoding="utf-8") == module.read_text(encoding="utf-8")


def test_opening_the_block_loads_highlighted_code_that_copies(browser, base_url):
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda e: errors.append(str(e)))
    try:
        tab.goto(f"{base_url}patterns/backend-api/")
        block = tab.locator("details.source").first
        assert block.locator("pre").count() == 0, "code loaded before the reader asked"
        block.locator("summary").click()
        code = block.locator("pre code")
        code.wait_for(timeout=5_000)
        assert "def draw" in code.inner_text()
        assert code.locator("span.k, span.kn").count() > 0, "the code is not highlighted"
        block.get_by_role("button", name="Copy the code to the clipboard").click()
        tab.wait_for_function("navigator.clipboard.readText().then(t => t.includes('def draw'))")
        assert errors == [], errors
    finally:
        context.close()
