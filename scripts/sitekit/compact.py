"""Drop the theme templates' indentation from the built HTML (about 10% of a page).

Material's Jinja templates leave each page with kilobytes of indentation and blank lines. Any
run of whitespace that contains a line break becomes a single line break: HTML renders both as
one space, so pages look the same. Text in <pre>, <textarea>, <script> and <style> is kept
byte for byte. (minify-html would save a little more, but it also unquotes and reorders
attributes, which the link checker's and tests' view of the HTML does not need to learn.)

A line break next to the start or end tag of a block element (a list item, a paragraph, a
table cell, a navigation...) renders as nothing at all, so it goes too: in the navigation
that every page repeats, that is one byte in ten. In highlighted code, Pygments wraps every
run of spaces in its own <span class="w"> (whitespace has no colour): the spaces stay, the
wrapper goes.
"""

from __future__ import annotations

import re
from pathlib import Path

VERBATIM = re.compile(r"(<(pre|textarea|script|style)\b.*?</\2\s*>)", re.S | re.I)
INDENT = re.compile(r"[ \t\r\f]*\n\s*")
BLOCK = (
    "address|article|aside|blockquote|body|dd|details|dialog|div|dl|dt|fieldset|figcaption|"
    "figure|footer|form|h[1-6]|head|header|hr|html|li|link|main|meta|nav|ol|p|section|"
    "summary|table|tbody|td|tfoot|th|thead|title|tr|ul"
)
# A break just before a block tag, or just after one (lookbehind needs a fixed width, so
# the tag is matched and kept).
BREAK_BEFORE_BLOCK = re.compile(rf"\n(?=</?(?:{BLOCK})[\s>/])", re.I)
BREAK_AFTER_BLOCK = re.compile(rf"(</?(?:{BLOCK})(?:\s[^<>]*)?>)\n", re.I)
WHITESPACE_TOKEN = re.compile(r'<span class="w">([ \t\n]*)</span>')


def compact_html(html: str) -> str:
    parts = VERBATIM.split(html)
    # split() yields: text, (whole verbatim element, its tag name), text, ...
    out = []
    for index in range(0, len(parts), 3):
        text = INDENT.sub("\n", parts[index])
        text = BREAK_AFTER_BLOCK.sub(r"\1", BREAK_BEFORE_BLOCK.sub("", text))
        out.append(text)
        if index + 1 < len(parts):
            verbatim = parts[index + 1]
            if parts[index + 2].lower() == "pre":
                verbatim = WHITESPACE_TOKEN.sub(r"\1", verbatim)
            out.append(verbatim)
    return "".join(out)


def compact_site(folder: Path) -> int:
    """Compact every HTML file under ``folder``; returns the bytes saved."""
    saved = 0
    for page in sorted(folder.rglob("*.html")):
        html = page.read_text(encoding="utf-8")
        smaller = compact_html(html)
        if smaller != html:
            page.write_text(smaller, encoding="utf-8")
            saved += len(html.encode("utf-8")) - len(smaller.encode("utf-8"))
    return saved
