"""Interactive diagrams in a real browser (Playwright, Debian's Chromium).

Every page with a diagram is checked as a reader would use it: service nodes are links,
reachable with Tab, with a tooltip on hover and on focus; one click lands on the service page,
which lists the page back; the step controls and the "How it works" list drive the highlight;
zoom changes the scale and resets; several diagrams on a page stay independent, with no
console error, failed request or request to another host. Then: the dark palette
recolours the SVG; instant navigation, full screen and a phone-sized screen work. (The
accessibility pass of test_quality.py loads every page, diagrams or not, and also fails on
any console error, failed request or request to another host.)
"""

from __future__ import annotations

import functools
import html
import json
import re
from collections import defaultdict
from pathlib import Path

import pytest
from conftest import ROOT, Watch
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from sitekit import services
from sitekit.paths import diagram_modules
from sitekit.svg import plain

# Pages come from the diagram modules (always there, even before the first build); what each
# diagram draws comes from its metadata in generated/meta/, read once the site is built.
PAGES: dict[str, list[str]] = defaultdict(list)
for _diagram in diagram_modules():
    PAGES[_diagram.page].append(_diagram.diagram_id)


def meta(diagram_id: str) -> dict:
    path = ROOT / "generated" / "meta" / f"{diagram_id}.json"
    assert path.is_file(), f"{path.relative_to(ROOT)} is missing: run `make diagrams`"
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def watched(browser, base_url):
    """One tab for all diagram pages (a fresh context per page costs more than the checks).
    Reduced motion: no smooth scrolling for the checks to wait out."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, reduced_motion="reduce")
    watch = Watch(context, base_url)
    yield context.new_page(), watch
    context.close()


def figure_state(tab, dom_id: str) -> dict:
    """Which steps, nodes and list items are highlighted, in one round trip."""
    return tab.evaluate(
        """(id) => {
            const figure = document.getElementById(id);
            const list = document.querySelector(`ol.diagram-steps[data-diagram-ref="${id}"]`);
            const current = (root, selector) => root ? [...root.querySelectorAll(selector)]
                .filter((e) => e.classList.contains("is-current")) : [];
            return {
                edges: current(figure, "g.edge[data-step]").map((e) => Number(e.dataset.step)),
                nodes: current(figure, "g.node").map((e) => e.dataset.node).sort(),
                items: current(list, "li[data-step]").map((e) => Number(e.dataset.step)),
                ariaCurrent: list ? [...list.querySelectorAll("li[aria-current=step]")]
                    .map((e) => Number(e.dataset.step)) : [],
                stepping: figure.classList.contains("diagram--stepping"),
                status: figure.querySelector(".diagram__status").textContent,
            };
        }""",
        dom_id,
    )


# The visible tooltip's text, or null; used inside the page's evaluate() calls.
TOOLTIP_JS = """(id) => {
    const tip = document.getElementById(`${id}-tooltip`);
    return tip && !tip.hidden && tip.offsetParent ? tip.textContent : null;
}"""


def tooltip_text(tab, dom_id: str) -> str | None:
    return tab.evaluate(TOOLTIP_JS, dom_id)


def svg_width(tab, dom_id: str) -> float:
    return tab.evaluate(f"document.getElementById('{dom_id}-svg').getBoundingClientRect().width")


@functools.cache
def page_text(path: Path) -> str:
    """A built page's text without tags (glossary <abbr>s and <code> spans removed)."""
    return html.unescape(re.sub(r"<[^>]+>", "", path.read_text(encoding="utf-8")))


def check_nodes(tab, info: dict, page_slug: str, site: Path) -> None:
    """Each node: Tab reaches it in drawing order, focus shows the ring and the tooltip, hover
    shows the tooltip; service nodes link to a service page that lists this page."""
    dom_id = info["dom_id"]
    by_id = {n["node_id"]: n for n in info["nodes"]}
    order = tab.evaluate(f"""[...document.querySelectorAll('#{dom_id}-svg g.node')]
                             .map((n) => n.dataset.node)""")
    assert sorted(order) == sorted(by_id), "the SVG and the metadata disagree on the nodes"
    # Start from the last toolbar button: the next Tab stops are the nodes, in order.
    tab.focus(f"#{dom_id}-toolbar [data-action=fullscreen]")
    for node_id in order:
        node = by_id[node_id]
        entry = services.get(node["service"])
        role = plain(node["role"])
        tab.keyboard.press("Tab")
        focused = tab.evaluate(
            """(id) => {
            const active = document.activeElement;
            const node = active.closest('g.node');
            const halo = node && node.querySelector('.node__halo');
            return {node: node && node.dataset.node, tag: active.tagName.toLowerCase(),
                    href: active.getAttribute('xlink:href') || active.getAttribute('href'),
                    ring: halo && getComputedStyle(halo).stroke,
                    visible: active.matches(':focus-visible'),
                    tooltip: ("""
            + TOOLTIP_JS
            + """)(id)};
        }""",
            dom_id,
        )
        assert focused["node"] == node_id, f"Tab did not reach {node['label']!r}"
        assert focused["visible"] and focused["ring"] not in (
            None,
            "none",
            "transparent",
            "rgba(0, 0, 0, 0)",
        ), f"{node['label']!r} has no visible focus ring"
        text = focused["tooltip"]
        assert text and entry["name"] in text and role in text, (
            f"focus on {node['label']!r} shows no tooltip with its service and role: {text!r}"
        )
        if services.is_aws(node["service"]):
            assert focused["tag"] == "a"
            assert focused["href"].endswith(f"services/{node['service']}/")
            # The service page lists this page, linked to this very node, with its role.
            listing = site / "services" / node["service"] / "index.html"
            assert f'/{page_slug}/#{dom_id}-{node_id}"' in listing.read_text("utf-8"), (
                f"/services/{node['service']}/ does not list {page_slug}"
            )
            assert role in page_text(listing), f"/services/{node['service']}/ lacks the role"
    tab.keyboard.press("Escape")
    assert tooltip_text(tab, dom_id) is None, "Escape does not dismiss the tooltip"
    tab.evaluate("document.activeElement.blur()")
    # Hover: real mouse moves to each icon's centre (the browser's hit test, not a shortcut).
    # A drawing wider than its frame is panned to the node first (focus does that).
    tab.evaluate(f"document.getElementById('{dom_id}').scrollIntoView({{block: 'center'}})")
    for node_id in order:
        x, y = tab.evaluate(
            """async (id) => {
            const node = document.getElementById(id);
            const target = node.querySelector('a') || node;
            target.focus();
            target.blur();
            await new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)));
            const box = node.querySelector('use').getBoundingClientRect();
            return [box.x + box.width / 2, box.y + box.height / 2];
        }""",
            f"{dom_id}-{node_id}",
        )
        tab.mouse.move(x, y)
        hovered = tab.evaluate(
            """([id, x, y]) => ({
            hit: document.elementFromPoint(x, y)?.closest('g.node')?.dataset.node,
            tooltip: ("""
            + TOOLTIP_JS
            + """)(id)})""",
            [dom_id, x, y],
        )
        assert hovered["hit"] == node_id, f"{node_id} is covered at its centre"
        text = hovered["tooltip"]
        assert text and plain(by_id[node_id]["role"]) in text, f"hover on {node_id}: {text!r}"
    tab.mouse.move(0, 0)
    tab.wait_for_function(f"document.getElementById('{dom_id}-tooltip').hidden")


def named_nodes(step: dict, info: dict) -> set[str]:
    """Nodes of services the caption names ("... and to S3") when neither end is one: the
    page lights them up with the step."""
    services_of = {n["node_id"]: n["service"] for n in info["nodes"]}
    ends = {services_of[step["source"]], services_of[step["target"]]}
    caption = plain(step["caption"])
    found = set()
    for node_id, key in services_of.items():
        name = services.get(key)["name"]
        names = {name, name.removeprefix("Amazon ").removeprefix("AWS ")}
        if key not in ends and any(re.search(rf"\b{re.escape(n)}\b", caption) for n in names):
            found.add(node_id)
    return found


def check_steps(tab, info: dict, others: list[str]) -> None:
    """Next walks 1, 2, ...; a list item selects its step; Reset clears; other diagrams on
    the page are untouched. The first press of each control is a mouse click, the rest use
    the keyboard (same handlers, a tenth of the time)."""
    dom_id = info["dom_id"]
    steps = info["steps"]
    toolbar = f"#{dom_id}-toolbar"
    for step in steps:
        if step["number"] == 1:
            tab.click(f"{toolbar} [data-action=next]")
        else:
            tab.keyboard.press("Enter")  # focus stays on Next
        state = figure_state(tab, dom_id)
        assert state["edges"] == [step["number"]], f"after Next: {state}"
        lit = {step["source"], step["target"], *named_nodes(step, info)}
        assert state["nodes"] == sorted(lit), f"step {step['number']}: {state['nodes']}"
        assert state["items"] == state["ariaCurrent"] == [step["number"]]
        assert state["status"].startswith(f"Step {step['number']} of {len(steps)}")
        for other in others:
            assert figure_state(tab, other)["edges"] == [], "diagrams on one page interfere"
    assert tab.is_disabled(f"{toolbar} [data-action=next]"), "Next is enabled after the last step"
    items = f"ol.diagram-steps[data-diagram-ref='{dom_id}'] li"
    for step in reversed(steps):
        pick = f"{items}[data-step='{step['number']}'] > .diagram-steps__pick"
        if step is steps[-1]:
            tab.click(pick)
        else:
            tab.focus(pick)
            tab.keyboard.press("Enter")
        state = figure_state(tab, dom_id)
        assert state["edges"] == state["items"] == [step["number"]], f"list item: {state}"
    tab.click(f"{toolbar} [data-action=reset-steps]")
    state = figure_state(tab, dom_id)
    assert state["edges"] == state["nodes"] == state["items"] == [] and not state["stepping"]


def check_zoom(tab, dom_id: str) -> None:
    """Zoom in grows the drawing, Reset restores it. Panzoom keeps the drawing covering its
    frame only if the frame is no larger than the drawing: the same box, or the column's
    width when the drawing is wider (it pans then, and says so)."""
    toolbar = f"#{dom_id}-toolbar"
    frame, drawing, panned = tab.evaluate(f"""() => [
        document.querySelector('#{dom_id} .diagram__viewport').getBoundingClientRect().toJSON(),
        document.getElementById('{dom_id}-svg').getBoundingClientRect().toJSON(),
        document.getElementById('{dom_id}').classList.contains('diagram--panned')]""")
    assert abs(frame["height"] - drawing["height"]) < 1, "the frame is taller than the drawing"
    assert frame["width"] <= drawing["width"] + 1, "the frame is wider than the drawing"
    wider = drawing["width"] > frame["width"] + 1
    assert wider == panned, f"drawing {drawing['width']} in a frame of {frame['width']}"
    tab.evaluate(f"document.getElementById('{dom_id}').scrollIntoView({{block: 'center'}})")
    before = drawing["width"]
    tab.click(f"{toolbar} [data-action=zoom-in]")
    tab.wait_for_function(
        f"document.getElementById('{dom_id}-svg').getBoundingClientRect().width > {before * 1.2}"
    )
    assert float(tab.get_attribute(f"#{dom_id}", "data-scale")) > 1.2
    tab.click(f"{toolbar} [data-action=reset-zoom]")
    tab.wait_for_function(
        f"Math.abs(document.getElementById('{dom_id}-svg').getBoundingClientRect().width"
        f" - {before}) < 1"
    )
    assert float(tab.get_attribute(f"#{dom_id}", "data-scale")) == 1


@pytest.mark.parametrize("page_slug", sorted(PAGES), ids=sorted(PAGES))
def test_diagram_page(watched, base_url, site, page_slug):
    tab, watch = watched
    watch.take()  # a failure in the previous page's test is reported there, not here
    infos = [meta(d) for d in PAGES[page_slug]]
    assert (site / page_slug / "index.html").is_file(), f"/{page_slug}/ was not built"
    tab.goto(f"{base_url}{page_slug}/")
    dom_ids = [info["dom_id"] for info in infos]
    for info in infos:
        dom_id = info["dom_id"]
        tab.wait_for_selector(f"figure#{dom_id}[data-ready]", state="attached")
        others = [d for d in dom_ids if d != dom_id]
        check_nodes(tab, info, page_slug, site)
        check_steps(tab, info, others)
        check_zoom(tab, dom_id)
    # Clicking a service node lands on its service page, which lists this page.
    info = infos[0]
    node = next(n for n in info["nodes"] if services.is_aws(n["service"]))
    tab.click(f"#{info['dom_id']}-{node['node_id']} use")
    tab.wait_for_url(f"{base_url}services/{node['service']}/")
    link = tab.locator(f"article a[href$='/{page_slug}/#{info['dom_id']}-{node['node_id']}']")
    assert link.count() == 1, f"the service page does not list /{page_slug}/"
    assert watch.take() == []


def test_script_runs_under_a_strict_csp_by_construction(site):
    """No eval, no HTML strings, no inline handlers: what `script-src 'self'` forbids (the
    quality suite also runs the pages under that policy)."""
    ours = (site / "assets" / "javascripts" / "diagram.js").read_text(encoding="utf-8")
    vendored = (site / "assets" / "vendor" / "panzoom.min.js").read_text(encoding="utf-8")
    for source in (ours, vendored):
        assert not re.search(r"\beval\(|new Function\(|setTimeout\(\s*[\"'`]", source)
    assert not re.search(r"innerHTML|outerHTML|insertAdjacentHTML|setAttribute\(\"(style|on)", ours)
    for slug in PAGES:
        page_html = (site / slug / "index.html").read_text(encoding="utf-8")
        assert not re.search(
            r"<(?:figure|svg|g|a|button|ol|li|form)\b[^>]*\son[a-z]+=", page_html
        ), f"/{slug}/ has an inline event handler"


def test_dark_palette_recolours_the_svg(page, base_url):
    page.goto(f"{base_url}patterns/backend-api/")
    text = "#d-patterns-backend-api-svg g.node text"
    cluster = "#d-patterns-backend-api-svg g.cluster path"

    def colours():
        return (
            page.eval_on_selector(text, "e => getComputedStyle(e).fill"),
            page.eval_on_selector(cluster, "e => getComputedStyle(e).fill"),
        )

    def lightness(colour: str) -> float:
        red, green, blue = (int(v) for v in re.findall(r"[\d.]+", colour)[:3])
        return (red + green + blue) / 765

    assert page.get_attribute("body", "data-md-color-scheme") == "default"
    light_text, light_cluster = colours()
    page.click("label[title='Switch to dark mode']")
    page.wait_for_function("document.body.dataset.mdColorScheme === 'slate'")
    dark_text, dark_cluster = colours()
    assert light_text != dark_text and light_cluster != dark_cluster
    assert lightness(light_text) < 0.3 < 0.7 < lightness(dark_text), (light_text, dark_text)


def test_png_download_follows_the_palette(browser, base_url):
    """A reader whose system is dark gets the dark PNG; switching the palette swaps it; the
    file it points at is served."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme="dark")
    tab = context.new_page()
    try:
        tab.goto(f"{base_url}patterns/backend-api/")
        tab.wait_for_selector(f"figure#{DIAGRAM}[data-ready]", state="attached")
        link = f"#{DIAGRAM} .diagram__downloads a:text-is('PNG')"
        assert tab.get_attribute("body", "data-md-color-scheme") == "slate"
        href = tab.get_attribute(link, "href")
        assert href.endswith("/patterns/backend-api.dark.png"), href
        served = tab.request.get(tab.eval_on_selector(link, "a => a.href"))
        assert served.ok and served.body()[:8] == b"\x89PNG\r\n\x1a\n"
        tab.click("label[title='Switch to light mode']")
        tab.wait_for_function("document.body.dataset.mdColorScheme === 'default'")
        href = tab.get_attribute(link, "href")
        assert href.endswith("/patterns/backend-api.png"), href
    finally:
        context.close()


def test_instant_navigation_sets_up_each_new_page(page, base_url):
    """Material swaps pages without reloading: diagram.js must start on every page.

    Material only navigates instantly to URLs in sitemap.xml, mapped to the current host but
    not the current port; on the real host they match. Here the sitemap is served with the
    local server's origin, as the real host would see it."""

    def local_sitemap(route):
        body = route.fetch().text()
        route.fulfill(
            body=re.sub(r"<loc>https?://[^/]+/", f"<loc>{base_url}", body),
            content_type="application/xml",
        )

    page.route("**/sitemap.xml", local_sitemap)
    page.goto(base_url, wait_until="networkidle")  # the sitemap is fetched after load
    page.evaluate("window.__sameDocument = true")
    page.click("table.catalog a[href$='/patterns/backend-api/']")
    page.wait_for_url(f"{base_url}patterns/backend-api/")
    page.wait_for_selector("figure.diagram[data-ready]", state="attached")
    assert page.evaluate("window.__sameDocument") is True, "the page was reloaded"
    page.click("#d-patterns-backend-api-toolbar [data-action=next]")
    assert figure_state(page, "d-patterns-backend-api")["edges"] == [1]
    other = next(slug for slug in sorted(PAGES) if slug != "patterns/backend-api")
    page.click(f".md-nav a[href$='/{other.rsplit('/', 1)[-1]}/']")
    page.wait_for_url(f"{base_url}{other}/")
    dom_id = meta(PAGES[other][0])["dom_id"]
    page.wait_for_selector(f"figure#{dom_id}[data-ready]", state="attached")
    assert page.evaluate("window.__sameDocument") is True
    page.click(f"#{dom_id}-toolbar [data-action=next]")
    assert figure_state(page, dom_id)["edges"] == [1]


def test_full_screen_opens_and_closes(page, base_url):
    page.goto(f"{base_url}patterns/backend-api/")
    figure = "#d-patterns-backend-api"
    button = f"{figure}-toolbar [data-action=fullscreen]"
    page.click(button)
    page.wait_for_function(
        f"document.querySelector('{figure}').classList.contains('diagram--fullscreen')"
    )
    box = page.eval_on_selector(figure, "e => e.getBoundingClientRect().toJSON()")
    assert box["width"] >= 1270 and box["height"] >= 890, box
    assert page.get_attribute(button, "aria-pressed") == "true"
    page.click(button)
    page.wait_for_function(
        f"!document.querySelector('{figure}').classList.contains('diagram--fullscreen')"
    )
    assert page.get_attribute(button, "aria-pressed") == "false"


def test_play_previous_and_steps_from_the_drawing(page, base_url):
    page.goto(f"{base_url}patterns/backend-api/")
    dom_id = "d-patterns-backend-api"
    toolbar = f"#{dom_id}-toolbar"
    page.click(f"{toolbar} [data-action=play]")
    assert figure_state(page, dom_id)["edges"] == [1], "Play does not start at step 1"
    assert page.get_attribute(f"{toolbar} [data-action=play]", "aria-pressed") == "true"
    page.wait_for_function(
        f"document.getElementById('{dom_id}').dataset.currentStep === '2'", timeout=5000
    )
    page.click(f"{toolbar} [data-action=play]")  # pause
    assert page.get_attribute(f"{toolbar} [data-action=play]", "aria-pressed") == "false"
    page.click(f"{toolbar} [data-action=prev]")
    assert figure_state(page, dom_id)["edges"] == [1]
    assert page.is_disabled(f"{toolbar} [data-action=prev]")
    # A numbered edge in the drawing is a way to choose its step too.
    page.click(f"#{dom_id}-svg g.edge[data-step='3'] text")
    assert figure_state(page, dom_id)["edges"] == [3]


def test_wheel_zooms_only_with_ctrl_and_a_drag_pans_without_following_links(page, base_url):
    page.goto(f"{base_url}patterns/backend-api/")
    dom_id = "d-patterns-backend-api"
    scale = f"Number(document.getElementById('{dom_id}').dataset.scale)"
    box = page.locator(f"#{dom_id}-svg").bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.wheel(0, -200)  # a plain wheel scrolls the page, it does not zoom
    page.wait_for_timeout(100)
    assert page.evaluate(scale) == 1
    box = page.locator(f"#{dom_id}-svg").bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.keyboard.down("Control")
    page.mouse.wheel(0, -300)
    page.keyboard.up("Control")
    page.wait_for_function(f"{scale} > 1")
    # A drag that starts and ends on a node pans the view and does not follow its link.
    node = page.locator(f"#{dom_id}-n3 use").bounding_box()
    x, y = node["x"] + node["width"] / 2, node["y"] + node["height"] / 2
    before = page.evaluate(f"document.getElementById('{dom_id}-svg').style.transform")
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + 80, y + 30, steps=4)
    page.mouse.move(x + 2, y + 1, steps=4)
    page.mouse.up()
    page.wait_for_timeout(100)
    assert page.evaluate(f"document.getElementById('{dom_id}-svg').style.transform") != before
    assert page.url.endswith("/patterns/backend-api/"), "a drag followed a link"


def test_deep_link_to_a_step_and_to_a_node(page, base_url):
    page.goto(f"{base_url}patterns/backend-api/#d-patterns-backend-api-step-3")
    page.wait_for_selector("figure.diagram[data-ready]", state="attached")
    assert figure_state(page, "d-patterns-backend-api")["edges"] == [3]
    page.goto(f"{base_url}patterns/backend-api/#d-patterns-backend-api-n3")
    page.wait_for_selector("#d-patterns-backend-api-n3.is-target", state="attached")


def test_phone_layout_fits_and_touch_works(browser, base_url):
    context = browser.new_context(
        viewport={"width": 390, "height": 844},
        has_touch=True,
        is_mobile=True,
        device_scale_factor=2,
    )
    tab = context.new_page()
    try:
        tab.goto(f"{base_url}patterns/backend-api/")
        dom_id = "d-patterns-backend-api"
        tab.wait_for_selector(f"figure#{dom_id}[data-ready]", state="attached")
        layout = tab.evaluate(f"""() => {{
            const box = (e) => e.getBoundingClientRect();
            return {{
                scroll: document.documentElement.scrollWidth,
                frame: box(document.querySelector('#{dom_id} .diagram__viewport')).right,
                toolbar: box(document.getElementById('{dom_id}-toolbar')).height,
                buttons: [...document.querySelectorAll('#{dom_id}-toolbar button')]
                    .map((b) => [box(b).width, box(b).height, box(b).right]),
            }};
        }}""")
        assert layout["scroll"] <= 390, "the page scrolls sideways on a phone"
        assert layout["frame"] <= 390, "the diagram's frame is wider than the screen"
        # One row of eight buttons, each a comfortable touch target (WCAG 2.5.8 asks 24 px).
        assert layout["toolbar"] <= 48, f"the toolbar is {layout['toolbar']} px high"
        for width, height, right in layout["buttons"]:
            assert width >= 40 and height >= 44 and right <= 390, layout["buttons"]
        # Touch has no hover: the first tap on a node shows its tooltip, the second follows.
        node = f"#{dom_id}-n3 use"
        tab.tap(node)
        assert "AWS Lambda" in (tooltip_text(tab, dom_id) or "")
        assert tab.url.endswith("/patterns/backend-api/")
        tab.tap(f"#{dom_id}-toolbar [data-action=zoom-in]")
        tab.wait_for_function(f"document.getElementById('{dom_id}').dataset.scale > 1.2")
        # A tap leaves no label behind: neither the theme's tooltip nor our hover label.
        left = tab.evaluate(f"""() => [
            [...document.querySelectorAll('.md-tooltip, .md-tooltip2')]
                .filter((t) => t.offsetParent && getComputedStyle(t).opacity !== '0').length,
            getComputedStyle(document.querySelector('#{dom_id}-toolbar [data-action=zoom-in]'),
                '::after').content]""")
        assert left == [0, "none"], f"a tap left a tooltip: {left}"
        tab.tap(f"#{dom_id}-toolbar [data-action=reset-zoom]")
        tab.wait_for_function(f"document.getElementById('{dom_id}').dataset.scale == 1")
        tab.tap(node)
        tab.tap(node)
        tab.wait_for_url(f"{base_url}services/lambda/")
    finally:
        context.close()


# ---- Controls, play, scrolling and keyboard (issue 15) -----------------------------------

# Runs in the page: the contrast of a control's visible icon against what is behind it.
CONTRAST_JS = """(selector) => {
    const parse = (c) => { const v = c.match(/[\\d.]+/g).map(Number); return v.length > 3 ? v : [...v, 1]; };
    const over = (top, bottom) => [0, 1, 2].map((i) => top[i] * top[3] + bottom[i] * (1 - top[3])).concat(1);
    const backdrop = (element) => {
        const layers = [];
        for (let e = element; e; e = e.parentElement) {
            const colour = parse(getComputedStyle(e).backgroundColor);
            if (colour[3] > 0) layers.push(colour);
            if (colour[3] >= 1) break;
        }
        return layers.reverse().reduce((base, layer) => over(layer, base), [255, 255, 255, 1]);
    };
    const luminance = (c) => {
        const [r, g, b] = c.slice(0, 3).map((v) => v / 255)
            .map((v) => (v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4));
        return 0.2126 * r + 0.7152 * g + 0.0722 * b;
    };
    const ratio = (a, b) => {
        const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
        return (hi + 0.05) / (lo + 0.05);
    };
    const button = document.querySelector(selector);
    const icon = [...button.querySelectorAll('svg')].find((s) => getComputedStyle(s).display !== 'none');
    const behind = backdrop(button);
    return ratio(over(parse(getComputedStyle(icon).fill), behind), behind);
}"""

DIAGRAM = "d-patterns-backend-api"
TOOLBAR = f"#{DIAGRAM}-toolbar"


def _settle(tab) -> None:
    tab.evaluate("new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))")


@pytest.mark.parametrize("scheme", ["default", "slate"])
def test_controls_keep_contrast_and_accurate_names_in_every_state(page, base_url, scheme):
    """Every control's icon keeps 3:1 against its background at rest, hovered, held down
    (:active) and pressed (Pause, Exit full screen), hovered while pressed, in both palettes.
    Names follow the state, the theme's title tooltips are not used, and the hover label
    (drawn from the accessible name) sits above the toolbar, off the step caption."""
    page.goto(f"{base_url}patterns/backend-api/")
    page.wait_for_selector(f"figure#{DIAGRAM}[data-ready]", state="attached")
    page.evaluate(f"document.body.setAttribute('data-md-color-scheme', '{scheme}')")
    page.click(f"{TOOLBAR} [data-action=next]")
    page.click(f"{TOOLBAR} [data-action=next]")  # step 2: every step control enabled
    page.click(f"{TOOLBAR} [data-action=zoom-in]")  # every zoom control enabled
    found = {}

    def measure(state, action):
        selector = f"{TOOLBAR} [data-action={action}]"
        found[f"{action} {state}"] = page.evaluate(CONTRAST_JS, selector)

    for action in ("prev", "play", "next", "reset-steps", "zoom-out", "zoom-in", "reset-zoom"):
        selector = f"{TOOLBAR} [data-action={action}]"
        page.mouse.move(0, 0)
        measure("at rest", action)
        page.hover(selector)
        measure("hovered", action)
        page.mouse.down()
        measure("held down", action)
        page.mouse.move(0, 0)
        page.mouse.up()
    assert not page.evaluate(f"document.querySelectorAll('{TOOLBAR} [title]').length"), (
        "a control has a title (the theme would show a stale tooltip)"
    )
    # Pressed: Play becomes Pause.
    play = f"{TOOLBAR} [data-action=play]"
    page.click(play)
    assert page.get_attribute(play, "aria-label") == "Pause"
    assert page.evaluate(f"getComputedStyle(document.querySelector('{play}'), '::after').content")
    label = page.evaluate(f"getComputedStyle(document.querySelector('{play}'), '::after').content")
    assert label == '"Pause"', f"the hover label says {label}"
    measure("pressed, hovered", "play")
    page.mouse.move(0, 0)
    measure("pressed", "play")
    # The hover label is drawn above the button: it cannot reach the caption below.
    above = page.evaluate(f"""() => {{
        const button = document.querySelector('{play}');
        const after = getComputedStyle(button, '::after');
        const status = document.getElementById('{DIAGRAM}-status').getBoundingClientRect();
        return [parseFloat(after.bottom), button.getBoundingClientRect().height,
                status.top >= document.getElementById('{DIAGRAM}-toolbar')
                    .getBoundingClientRect().bottom];
    }}""")
    assert above[0] >= above[1] and above[2], above
    page.click(play)
    assert page.get_attribute(play, "aria-label") == "Play the steps"
    # Pressed: Full screen becomes Exit full screen.
    full = f"{TOOLBAR} [data-action=fullscreen]"
    measure("at rest", "fullscreen")
    page.click(full)
    page.wait_for_function(
        f"document.getElementById('{DIAGRAM}').classList.contains('diagram--fullscreen')"
    )
    assert page.get_attribute(full, "aria-label") == "Exit full screen"
    page.hover(full)
    measure("pressed, hovered", "fullscreen")
    page.mouse.move(0, 0)
    measure("pressed", "fullscreen")
    page.click(full)  # leaving real full screen is asynchronous: wait for the new name
    page.wait_for_function(
        f"document.querySelector('{full}').getAttribute('aria-label') === 'Full screen'"
    )
    low = {state: round(ratio, 2) for state, ratio in found.items() if ratio < 3}
    assert len(found) >= 25 and low == {}, f"{scheme}: icons below 3:1: {low}"


def test_dark_palette_tooltip_has_a_visible_edge(page, base_url):
    page.goto(f"{base_url}patterns/backend-api/")
    page.wait_for_selector(f"figure#{DIAGRAM}[data-ready]", state="attached")
    page.evaluate("document.body.setAttribute('data-md-color-scheme', 'slate')")
    page.focus(f"#{DIAGRAM}-n3 a")
    edge = page.evaluate(
        CONTRAST_JS.replace(
            "const icon = [...button.querySelectorAll('svg')].find((s) => getComputedStyle(s)"
            ".display !== 'none');",
            "",
        )
        .replace("getComputedStyle(icon).fill", "getComputedStyle(button).borderTopColor")
        .replace(
            "const button = document.querySelector(selector);",
            "const button = document.querySelector(selector); if (button.hidden) return 0;",
        ),
        f"#{DIAGRAM}-tooltip",
    )
    width = page.evaluate(
        f"getComputedStyle(document.getElementById('{DIAGRAM}-tooltip')).borderTopWidth"
    )
    assert float(width.removesuffix("px")) >= 1 and edge >= 3, (width, edge)


def test_play_gives_each_caption_time_and_waits_for_the_reader(page, base_url):
    """250 ms a word (2 s at least) per step, measured on a fake clock; no step passes while
    the pointer is on the drawing or a node has focus."""
    page.clock.install(time=0)
    page.goto(f"{base_url}data-lake/")
    dom_id = "d-data-lake"
    page.wait_for_selector(f"figure#{dom_id}[data-ready]", state="attached")
    page.clock.pause_at(600_000)  # from here on, time moves only when the test says so
    steps = meta("data-lake")["steps"]

    def dwell(number: int) -> int:
        words = len(plain(steps[number - 1]["caption"]).split())
        return max(2000, 250 * words)

    def current() -> int:
        return int(page.get_attribute(f"#{dom_id}", "data-current-step"))

    assert dwell(1) > 2000, "pick a diagram with a long first caption"
    page.click(f"#{dom_id}-toolbar [data-action=play]")
    page.mouse.move(0, 0)
    assert current() == 1
    page.clock.run_for(dwell(1) - 150)
    assert current() == 1, "step 1 left before its caption could be read"
    page.clock.run_for(300)
    assert current() == 2
    # Pointer on the drawing: playback waits.
    box = page.locator(f"#{dom_id} .diagram__viewport").bounding_box()
    page.mouse.move(box["x"] + 5, box["y"] + 5)
    page.clock.run_for(4 * dwell(2))
    assert current() == 2, "playback went on under the reader's pointer"
    page.mouse.move(0, 0)
    page.clock.run_for(dwell(2) + 150)
    assert current() == 3
    # Focus on a node: playback waits too.
    page.focus(f"#{dom_id}-n1")
    page.clock.run_for(4 * dwell(3))
    assert current() == 3, "playback went on while a node had focus"
    page.evaluate("document.activeElement.blur()")
    page.clock.run_for(dwell(3) + 150)
    assert current() == 4


def _controls_below_header(tab, dom_id: str) -> tuple[float, float]:
    return tab.evaluate(f"""() => [
        document.querySelector('.md-header').getBoundingClientRect().bottom,
        document.getElementById('{dom_id}-toolbar').getBoundingClientRect().top]""")


def _controls_come_below_header(tab, dom_id: str) -> tuple[float, float]:
    """Where the controls and the header's bottom are once the controls sit just below the
    header, or after 5 s if they never do."""
    try:
        tab.wait_for_function(
            f"""() => {{
            const header = document.querySelector('.md-header').getBoundingClientRect().bottom;
            const bar = document.getElementById('{dom_id}-toolbar').getBoundingClientRect().top;
            return header <= bar && bar <= header + 16;
        }}""",
            timeout=5000,
        )
    except PlaywrightTimeout:
        pass  # the caller's assertion reports where they are
    return _controls_below_header(tab, dom_id)


@pytest.mark.parametrize("viewport", [(1366, 900), (390, 844)], ids=["desktop", "phone"])
def test_choosing_a_step_or_opening_its_link_brings_the_controls_into_view(
    browser, base_url, viewport
):
    context = browser.new_context(
        viewport={"width": viewport[0], "height": viewport[1]}, reduced_motion="reduce"
    )
    tab = context.new_page()
    try:
        dom_id = "d-patterns-real-time-analytics"
        tab.goto(f"{base_url}patterns/real-time-analytics/")
        tab.wait_for_selector(f"figure#{dom_id}[data-ready]", state="attached")
        item = f"#{dom_id}-step-5 > .diagram-steps__pick"
        # The list item near the top of the screen: the drawing has scrolled away above.
        tab.evaluate(f"document.querySelector('{item}').scrollIntoView({{block: 'center'}})")
        assert _controls_below_header(tab, dom_id)[1] < 0, "the drawing is still in view"
        tab.click(item)
        # The scroll waits for the page to settle (two frames): on a busy machine, more.
        header, bar = _controls_come_below_header(tab, dom_id)
        assert header <= bar <= header + 16, f"controls at {bar}, header ends at {header}"
        assert figure_state(tab, dom_id)["edges"] == [5]
        tab.goto(f"{base_url}patterns/real-time-analytics/#{dom_id}-step-6")
        tab.wait_for_selector(f"figure#{dom_id}[data-ready]", state="attached")
        # The browser's own jump to the list item comes first; the figure's scroll follows.
        header, bar = _controls_come_below_header(tab, dom_id)
        assert header <= bar <= header + 16, f"controls at {bar}, header ends at {header}"
        assert figure_state(tab, dom_id)["edges"] == [6]
    finally:
        context.close()


def test_arrow_keys_pan_a_zoomed_diagram_and_focus_pans_without_a_jump(page, base_url):
    page.goto(f"{base_url}patterns/backend-api/")
    page.wait_for_selector(f"figure#{DIAGRAM}[data-ready]", state="attached")
    for _ in range(3):
        page.click(f"{TOOLBAR} [data-action=zoom-in]")
    transform = f"document.getElementById('{DIAGRAM}-svg').style.transform"
    page.focus(f"#{DIAGRAM}-n1")
    _settle(tab=page)
    before = page.evaluate(transform)
    page.keyboard.press("ArrowRight")  # the first node is at the left edge: look further right
    _settle(tab=page)
    assert page.evaluate(transform) != before, "ArrowRight did not pan the zoomed drawing"
    # Tab to the far end of the drawing: the view pans to it, and the frame never scrolls
    # natively (the next drag would jump back by that much).
    last = page.evaluate(f"[...document.querySelectorAll('#{DIAGRAM}-svg g.node')].pop().id")
    page.focus(f"#{last} a")
    _settle(tab=page)
    seen = page.evaluate(f"""() => {{
        const frame = document.querySelector('#{DIAGRAM} .diagram__viewport');
        const f = frame.getBoundingClientRect();
        const n = document.querySelector('#{last} use').getBoundingClientRect();
        return {{scroll: frame.scrollLeft + frame.scrollTop, inside: n.left >= f.left - 1 &&
                 n.right <= f.right + 1 && n.top >= f.top - 1 && n.bottom <= f.bottom + 1,
                 x: n.left}};
    }}""")
    assert seen["inside"] and seen["scroll"] == 0, seen
    box = page.locator(f"#{DIAGRAM} .diagram__viewport").bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + 20, y, steps=4)  # rightwards: the view is at the drawing's right end
    page.mouse.up()
    _settle(tab=page)
    after = page.evaluate(f"document.querySelector('#{last} use').getBoundingClientRect().left")
    assert abs(after - seen["x"] - 20) < 6, f"a 20 px drag moved the node {after - seen['x']}"
