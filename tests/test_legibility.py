"""Every diagram page, measured as a new reader sees it, on a desktop and on a phone.

One visit per page and viewport; one script in the page measures everything at once:
- the smallest label (font size times the drawing's on-screen scale) at first view: at least
  11 CSS px at 1366x900 and 10 at 390x844, and at least 12 in full screen on the phone,
  where the drawing fills the screen (a diagram with a top-to-bottom layout shows it there,
  over at least 60% of the height) and leaving full screen restores the page's layout;
- every node and cluster label inside its cluster box;
- each step number within 12 px of its own arrow, and no two steps on one drawn path;
- the drawing does not move (at most 2 px) when the first step starts or between steps;
- a node's tooltip never covers more than half of the drawing on screen;
- Tab visits the nodes in step order.

`pytest tests/test_legibility.py -s` prints each diagram's smallest label (the issue's table).
"""

from __future__ import annotations

import json

import pytest
from conftest import ROOT

from sitekit.paths import diagram_modules

VIEWPORTS = {
    "desktop": {"viewport": {"width": 1366, "height": 900}, "floor": 11},
    "phone": {
        "viewport": {"width": 390, "height": 844},
        "floor": 10,
        "is_mobile": True,
        "has_touch": True,
    },
}
FULL_SCREEN_FLOOR = 12
STEP_LABEL_DISTANCE = 12  # CSS px from a step's number to its own arrow
SHARED_PATH = 0.5  # at most this share of one step's arrow may run along another's
MOVEMENT = 2  # CSS px the drawing may move when stepping

PAGES: dict[str, list[str]] = {}
for _diagram in diagram_modules():
    PAGES.setdefault(_diagram.page, []).append(_diagram.dom_id)


def expected_tab_order(dom_id: str) -> list[str]:
    """Ends of step 1, 2, ... in order; the nodes no step touches come after them."""
    for path in (ROOT / "generated" / "meta").rglob("*.json"):
        meta = json.loads(path.read_text(encoding="utf-8"))
        if meta["dom_id"] == dom_id:
            order = []
            for step in meta["steps"]:
                for node in (step["source"], step["target"]):
                    if node not in order:
                        order.append(node)
            return order
    raise AssertionError(f"no metadata for {dom_id}")


# Runs in the page: measures one figure, returns numbers (the test judges them).
MEASURE = """async (id) => {
  const frame = () => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)));
  const figure = document.getElementById(id);
  const svg = figure.querySelector('svg.diagram__svg');
  const viewport = figure.querySelector('.diagram__viewport');
  const scaleOf = (element) => { const m = element.getScreenCTM(); return Math.hypot(m.a, m.b); };
  const labelPx = (text) => parseFloat(getComputedStyle(text).fontSize) * scaleOf(text);
  const smallest = () => {
    let least = Infinity, which = '';
    for (const text of svg.querySelectorAll('text')) {
      const px = labelPx(text);
      if (px < least) { least = px; which = text.textContent; }
    }
    return { px: least, which };
  };
  const result = { first: smallest() };

  // Labels inside their clusters (user units: every box is in the graph's coordinates).
  const clusters = [...svg.querySelectorAll('g.cluster')].map((g) => ({
    g, box: g.querySelector('path, polygon').getBBox(),
    label: g.querySelector('text') }));
  const inside = (a, b) => a.x >= b.x && a.y >= b.y && a.x + a.width <= b.x + b.width &&
    a.y + a.height <= b.y + b.height;
  const centre = (b) => [b.x + b.width / 2, b.y + b.height / 2];
  const holds = (b, [x, y]) => x > b.x && x < b.x + b.width && y > b.y && y < b.y + b.height;
  result.spills = [];
  for (const cluster of clusters) {
    if (cluster.label && !inside(cluster.label.getBBox(), cluster.box)) {
      result.spills.push(cluster.label.textContent);
    }
  }
  for (const node of svg.querySelectorAll('g.node')) {
    const icon = node.querySelector('use, image').getBBox();
    for (const cluster of clusters.filter((c) => holds(c.box, centre(icon)))) {
      for (const text of node.querySelectorAll('text')) {
        if (!inside(text.getBBox(), cluster.box)) result.spills.push(text.textContent);
      }
    }
  }

  // Step numbers next to their own arrow; arrows that run along each other.
  const edges = [...svg.querySelectorAll('g.edge[data-step]')];
  const samples = (path) => {
    const length = path.getTotalLength();
    const points = [];
    for (let at = 0; at <= length; at += 2) points.push(path.getPointAtLength(at));
    return points;
  };
  const paths = new Map(edges.map((e) => [e.dataset.step, samples(e.querySelector('path'))]));
  result.labelDistance = {};
  for (const edge of edges) {
    const b = edge.querySelector('text').getBBox();
    let least = Infinity;
    for (const p of paths.get(edge.dataset.step)) {
      const dx = Math.max(b.x - p.x, 0, p.x - (b.x + b.width));
      const dy = Math.max(b.y - p.y, 0, p.y - (b.y + b.height));
      least = Math.min(least, Math.hypot(dx, dy));
    }
    result.labelDistance[edge.dataset.step] = least * scaleOf(edge);
  }
  result.shared = [];
  for (const [a, pa] of paths) {
    for (const [b, pb] of paths) {
      if (a === b) continue;
      const along = pa.filter((p) => pb.some((q) => Math.hypot(p.x - q.x, p.y - q.y) < 4));
      result.shared.push([a, b, along.length / pa.length]);
    }
  }

  // Tab order is document order.
  result.order = [...svg.querySelectorAll('g.node')].map((n) => n.dataset.node);

  // Tooltips: focus each node, compare the tooltip with the drawing on screen.
  const tip = document.getElementById(`${id}-tooltip`);
  result.tooltipCover = 0;
  for (const node of svg.querySelectorAll('g.node')) {
    (node.querySelector('a') || node).focus();
    await frame();
    const t = tip.getBoundingClientRect();
    const f = viewport.getBoundingClientRect();
    const d = svg.getBoundingClientRect();
    const seen = { left: Math.max(f.left, d.left), right: Math.min(f.right, d.right),
      top: Math.max(f.top, d.top), bottom: Math.min(f.bottom, d.bottom) };
    const area = (seen.right - seen.left) * (seen.bottom - seen.top);
    const overlap = Math.max(0, Math.min(t.right, seen.right) - Math.max(t.left, seen.left)) *
      Math.max(0, Math.min(t.bottom, seen.bottom) - Math.max(t.top, seen.top));
    if (!tip.hidden) result.tooltipCover = Math.max(result.tooltipCover, overlap / area);
    document.activeElement.blur();
  }

  // Stepping: the frame's place on the page before the first step and after each one.
  const next = figure.querySelector('[data-action=next]');
  const place = () => viewport.getBoundingClientRect().top + scrollY;
  const start = place();
  result.movement = 0;
  for (let step = 1; step <= edges.length; step += 1) {
    next.click();
    await frame();
    result.movement = Math.max(result.movement, Math.abs(place() - start));
  }
  figure.querySelector('[data-action=reset-steps]').click();
  await frame();
  result.movement = Math.max(result.movement, Math.abs(place() - start));
  return result;
}"""

FULL_SCREEN = """async (id) => {
  const frame = () => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)));
  const figure = document.getElementById(id);
  const svg = figure.querySelector('svg.diagram__svg');
  const canvas = figure.querySelector('.diagram__canvas');
  const inline = { layout: figure.dataset.layout || 'wide', viewBox: svg.getAttribute('viewBox') };
  figure.querySelector('[data-action=fullscreen]').click();
  for (let i = 0; i < 20 && !figure.classList.contains('diagram--fullscreen'); i += 1) await frame();
  await frame();
  let least = Infinity;
  for (const text of svg.querySelectorAll('text')) {
    const m = text.getScreenCTM();
    least = Math.min(least, parseFloat(getComputedStyle(text).fontSize) * Math.hypot(m.a, m.b));
  }
  // The drawing's own box (its viewBox, padding included) at the scale it is shown.
  const scale = svg.getScreenCTM().a;
  const box = canvas.getBoundingClientRect();
  const fills = Math.max(Math.min(svg.viewBox.baseVal.width * scale, box.width) / box.width,
    Math.min(svg.viewBox.baseVal.height * scale, box.height) / box.height);
  const screen = Math.min(box.width / innerWidth, 1);
  // Each node's halo (focus ring, highlight) still surrounds its label in this layout.
  const strayHalos = [...svg.querySelectorAll('g.node')].filter((node) => {
    const halo = node.querySelector('.node__halo').getBoundingClientRect();
    const label = node.querySelector('text').getBoundingClientRect();
    return label.left < halo.left || label.right > halo.right || label.top < halo.top ||
      label.bottom > halo.bottom;
  }).map((node) => node.dataset.node);
  // Share of the screen's height the drawing covers, and the layout shown.
  const height = Math.min(svg.viewBox.baseVal.height * scale, innerHeight) / innerHeight;
  const layout = figure.dataset.layout || 'wide';
  figure.querySelector('[data-action=fullscreen]').click();
  for (let i = 0; i < 20 && figure.classList.contains('diagram--fullscreen'); i += 1) await frame();
  await frame();
  const after = { layout: figure.dataset.layout || 'wide', viewBox: svg.getAttribute('viewBox') };
  return { least, fills, screen, height, layout, strayHalos, hasTall: Boolean(figure.dataset.tall),
    restored: after.layout === inline.layout && after.viewBox === inline.viewBox };
}"""

# Share of a portrait phone's height a diagram with a tall layout covers in full screen.
FULL_HEIGHT = 0.6


@pytest.fixture(scope="module")
def tabs(browser):
    """One tab per viewport for the whole module, opened when first needed."""
    opened, contexts = {}, []

    def tab(name: str):
        if name not in opened:
            options = {k: v for k, v in VIEWPORTS[name].items() if k != "floor"}
            context = browser.new_context(reduced_motion="reduce", **options)
            contexts.append(context)
            opened[name] = context.new_page()
        return opened[name]

    yield tab
    for context in contexts:
        context.close()


@pytest.mark.parametrize("viewport", sorted(VIEWPORTS))
@pytest.mark.parametrize("page_slug", sorted(PAGES))
def test_diagram_is_legible_and_steps_read_well(tabs, base_url, page_slug, viewport):
    tab = tabs(viewport)
    floor = VIEWPORTS[viewport]["floor"]
    tab.goto(f"{base_url}{page_slug}/")
    problems = []
    for dom_id in PAGES[page_slug]:
        tab.wait_for_selector(f"figure#{dom_id}[data-ready]", state="attached")
        tab.evaluate(f"document.getElementById('{dom_id}').scrollIntoView({{block: 'start'}})")
        found = tab.evaluate(MEASURE, dom_id)
        smallest = found["first"]
        print(f"{viewport} {dom_id}: smallest label {smallest['px']:.1f} px")
        if smallest["px"] < floor - 0.05:
            problems.append(f"{dom_id}: {smallest['which']!r} at {smallest['px']:.1f} px < {floor}")
        if found["spills"]:
            problems.append(f"{dom_id}: labels outside their cluster: {found['spills']}")
        far = {s: round(d, 1) for s, d in found["labelDistance"].items() if d > STEP_LABEL_DISTANCE}
        if far:
            problems.append(f"{dom_id}: step numbers far from their arrow (px): {far}")
        shared = [(a, b, round(x, 2)) for a, b, x in found["shared"] if x > SHARED_PATH]
        if shared:
            problems.append(f"{dom_id}: steps drawn along one path: {shared}")
        if found["movement"] > MOVEMENT:
            problems.append(f"{dom_id}: the drawing moves {found['movement']:.1f} px when stepping")
        if found["tooltipCover"] > 0.5:
            problems.append(
                f"{dom_id}: a tooltip covers {found['tooltipCover']:.0%} of the drawing"
            )
        expected = expected_tab_order(dom_id)
        if found["order"][: len(expected)] != expected:
            problems.append(f"{dom_id}: Tab order {found['order']}, steps go {expected}")
        if viewport == "phone":
            full = tab.evaluate(FULL_SCREEN, dom_id)
            if full["least"] < FULL_SCREEN_FLOOR - 0.05:
                problems.append(f"{dom_id}: full screen labels at {full['least']:.1f} px")
            if full["fills"] < 0.95 or full["screen"] < 0.9:
                problems.append(f"{dom_id}: full screen does not fill the screen: {full}")
            print(f"  full screen: {full['layout']} layout, {full['height']:.0%} of the height")
            # A wide drawing on a portrait screen leaves empty bands: one that also has a
            # top-to-bottom layout shows it, and covers most of the height.
            if full["hasTall"] and (full["layout"] != "tall" or full["height"] < FULL_HEIGHT):
                problems.append(f"{dom_id}: full screen leaves the height empty: {full}")
            if full["strayHalos"]:
                problems.append(f"{dom_id}: halos left behind in full screen: {full['strayHalos']}")
            if not full["restored"]:
                problems.append(f"{dom_id}: leaving full screen kept its layout: {full}")
    assert problems == [], "\n".join(problems)


def test_a_wide_diagram_is_laid_out_top_to_bottom_on_a_phone(tabs, base_url):
    """The data lake is drawn left to right (the issue's worst page: 3.3 px labels on a
    phone). On a phone the page lays it out top to bottom instead: the whole width shows at
    a legible size, with no sideways panning, and its steps still walk through."""
    tab = tabs("phone")
    tab.goto(f"{base_url}data-lake/")
    tab.wait_for_selector("figure#d-data-lake[data-ready]", state="attached")
    found = tab.evaluate("""() => {
        const figure = document.getElementById('d-data-lake');
        const svg = figure.querySelector('svg.diagram__svg');
        const box = svg.viewBox.baseVal;
        figure.querySelector('[data-action=next]').click();
        return {layout: figure.dataset.layout, tall: box.height > box.width,
                panned: figure.classList.contains('diagram--panned'),
                lit: [...svg.querySelectorAll('.is-current')].length};
    }""")
    assert found == {"layout": "tall", "tall": True, "panned": False, "lit": 3}, found
