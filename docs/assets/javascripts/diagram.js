/*
 * diagram.js: the site's one script.
 *
 * - Interactive diagrams (figure.diagram): tooltips on service nodes, step-through linked
 *   both ways with the "How it works" list, zoom and pan (the vendored Panzoom library does
 *   the maths), full screen.
 * - The home catalog filter (form.catalog-filter), with its state kept in the URL.
 *
 * Everything here enhances markup that already works without JavaScript: nodes are links and
 * the steps are an ordered list. It uses no inline handlers, no eval and no HTML strings, so
 * it runs under a Content-Security-Policy of `script-src 'self'; style-src 'self'` (styles
 * are set through the CSSOM, which that policy allows).
 */
(() => {
  "use strict";

  const PLAY_DELAY = 2000; // ms per step when playing: time to read a caption
  const DRAG_SLOP = 6; // px a pointer may travel and still count as a click, not a drag
  const HALO_PAD = 6; // px around a node's drawing for its focus ring and highlight
  const SVG_NS = "http://www.w3.org/2000/svg";

  /** Controllers of the diagrams on the current page. */
  const active = new Set();

  /** Runs on every page view: Material's instant navigation swaps pages without a reload. */
  function setUpPage() {
    for (const diagram of active) {
      if (!diagram.figure.isConnected) {
        diagram.destroy(); // its page is gone: drop document listeners and timers
        active.delete(diagram);
      }
    }
    for (const figure of document.querySelectorAll("figure.diagram:not([data-ready])")) {
      try {
        active.add(createDiagram(figure));
      } catch (error) {
        // One broken figure must not stop the others (or the catalog) from working.
        console.error(`diagram ${figure.id}:`, error);
      }
    }
    const form = document.querySelector("form.catalog-filter:not([data-ready])");
    if (form) setUpCatalog(form);
  }

  /* ------------------------------------------------------------------------------------ */
  /* Diagrams                                                                             */
  /* ------------------------------------------------------------------------------------ */

  function createDiagram(figure) {
    const svg = figure.querySelector("svg.diagram__svg");
    const canvas = figure.querySelector(".diagram__canvas");
    const viewport = figure.querySelector(".diagram__viewport");
    const toolbar = figure.querySelector(".diagram__toolbar");
    const status = figure.querySelector(".diagram__status");
    const list = document.querySelector(
      `ol.diagram-steps[data-diagram-ref="${CSS.escape(figure.id)}"]`);
    const button = (action) => toolbar.querySelector(`[data-action="${action}"]`);

    const nodes = new Map(); // node id (n1, n2, ...) -> <g class="node">
    for (const node of svg.querySelectorAll("g.node[data-node]")) {
      nodes.set(node.dataset.node, node);
    }
    const edges = new Map(); // step number -> <g class="edge step">
    for (const edge of svg.querySelectorAll("g.edge[data-step]")) {
      edges.set(Number(edge.dataset.step), edge);
    }
    const total = edges.size;
    const undo = []; // listeners outside the figure, removed when the page goes away

    function listen(target, type, handler, options) {
      target.addEventListener(type, handler, options);
      undo.push(() => target.removeEventListener(type, handler, options));
    }

    /* Halos: one rounded rectangle behind each node, used for the focus ring and for the
       current step's highlight (an SVG group has no box of its own to outline). */
    for (const node of nodes.values()) {
      const box = node.getBBox();
      const halo = document.createElementNS(SVG_NS, "rect");
      halo.setAttribute("class", "node__halo");
      halo.setAttribute("x", box.x - HALO_PAD);
      halo.setAttribute("y", box.y - HALO_PAD);
      halo.setAttribute("width", box.width + 2 * HALO_PAD);
      halo.setAttribute("height", box.height + 2 * HALO_PAD);
      halo.setAttribute("rx", 8);
      const holder = node.querySelector(":scope > a") || node;
      holder.prepend(halo);
      // Our tooltip replaces the browser's slow native one (kept for readers without JS).
      holder.querySelector(":scope > title")?.remove();
    }

    /* ---- Tooltips: service name and its role here, on hover, focus and (touch) tap ---- */

    // Visual only: each node's accessible name already says its service and role.
    const tooltip = document.createElement("div");
    tooltip.className = "diagram__tooltip";
    tooltip.id = `${figure.id}-tooltip`;
    tooltip.setAttribute("aria-hidden", "true");
    tooltip.hidden = true;
    const tipName = tooltip.appendChild(document.createElement("strong"));
    const tipRole = tooltip.appendChild(document.createElement("span"));
    const tipHint = tooltip.appendChild(document.createElement("span"));
    tipHint.className = "diagram__tooltip-hint";
    canvas.append(tooltip);
    let tipNode = null;
    let hideTimer = 0;
    let down = null; // where and how the last press in the frame began

    function showTooltip(node, touch = false) {
      clearTimeout(hideTimer);
      tipNode = node;
      tipName.textContent = node.dataset.serviceName;
      tipRole.textContent = node.dataset.role;
      const link = node.querySelector("a");
      tipHint.textContent = touch && link ? "Tap again to open its page." : "";
      tooltip.hidden = false;
      // Below the node, or above it when the frame has no room below; kept inside the frame.
      const frame = canvas.getBoundingClientRect();
      const box = node.getBoundingClientRect();
      const width = tooltip.offsetWidth;
      const height = tooltip.offsetHeight;
      const left = Math.min(Math.max(box.left + box.width / 2 - frame.left - width / 2, 0),
        Math.max(frame.width - width, 0));
      let top = box.bottom - frame.top + 4;
      if (top + height > frame.height && box.top - frame.top - height - 4 >= 0) {
        top = box.top - frame.top - height - 4;
      }
      tooltip.style.left = `${left}px`;
      tooltip.style.top = `${top}px`;
    }

    function hideTooltip() {
      clearTimeout(hideTimer);
      tipNode = null;
      tooltip.hidden = true;
    }

    const hideSoon = () => {
      clearTimeout(hideTimer);
      hideTimer = setTimeout(hideTooltip, 150);
    };

    // Hover. The tooltip lets the pointer through (it must never hide a node the reader
    // wants next), yet stays open while the pointer is over it so it can be read
    // (WCAG 1.4.13): hence this geometric test instead of enter/leave events.
    figure.addEventListener("pointermove", (event) => {
      if (event.pointerType === "touch" || event.buttons) return; // taps and drags: below
      const node = event.target.closest("g.node");
      if (node && node !== tipNode) showTooltip(node);
      else if (node || (tipNode && within(tooltip, event))) clearTimeout(hideTimer);
      else if (tipNode) hideSoon();
    });
    figure.addEventListener("pointerleave", () => {
      if (tipNode) hideSoon();
    });
    // Focus listeners sit on the figure: Chromium makes an SVG element with focus
    // listeners a Tab stop of its own.
    figure.addEventListener("focusin", (event) => {
      const node = event.target.closest("g.node");
      // A tap also focuses the link; the tap handler below decides what a tap shows.
      if (node && !(down?.touch && event.timeStamp - down.time < 1000)) showTooltip(node);
    });
    figure.addEventListener("focusout", (event) => {
      if (event.target.closest("g.node")) hideTooltip();
    });
    listen(document, "keydown", (event) => {
      if (event.key === "Escape" && tipNode) hideTooltip(); // dismissible without moving
    });

    /* ---- Step-through ---- */

    const items = new Map(); // step number -> <li> of the "How it works" list
    let current = 0;
    let playTimer = 0;

    function caption(step) {
      // The caption is written once (in the diagram module) and rendered in the list; show
      // that rendering, code and links included. Without a list, use the edge's title.
      const item = items.get(step);
      if (item) {
        return [...item.childNodes]
          .filter((child) => !child.classList?.contains("diagram-steps__pick"))
          .map((child) => child.cloneNode(true));
      }
      const title = edges.get(step).querySelector("title");
      return [title ? title.textContent.replace(/^Step \d+:\s*/, "") : ""];
    }

    function show(step) {
      current = Math.max(0, Math.min(step, total));
      const edge = edges.get(current);
      const ends = edge ? [edge.dataset.from, edge.dataset.to] : [];
      figure.classList.toggle("diagram--stepping", current > 0);
      figure.dataset.currentStep = String(current);
      for (const [number, each] of edges) each.classList.toggle("is-current", number === current);
      for (const [id, node] of nodes) node.classList.toggle("is-current", ends.includes(id));
      for (const [number, item] of items) {
        item.classList.toggle("is-current", number === current);
        if (number === current) item.setAttribute("aria-current", "step");
        else item.removeAttribute("aria-current");
      }
      if (current) {
        const label = document.createElement("strong");
        label.textContent = `Step ${current} of ${total}:`;
        status.replaceChildren(label, " ", ...caption(current));
      } else {
        status.replaceChildren();
      }
      if (total) {
        button("prev").disabled = current <= 1;
        button("next").disabled = current >= total;
        button("reset-steps").disabled = current === 0;
      }
    }

    function setPlaying(on) {
      clearInterval(playTimer);
      playTimer = 0;
      const play = button("play");
      if (!play) return;
      play.setAttribute("aria-pressed", String(on));
      play.setAttribute("aria-label", on ? "Pause" : "Play the steps");
      play.title = play.getAttribute("aria-label");
      if (!on) return;
      show(current >= total ? 1 : current + 1); // from the start again after the last step
      playTimer = setInterval(() => {
        if (current >= total) setPlaying(false);
        else show(current + 1);
      }, PLAY_DELAY);
    }

    // Manual choices stop playback: the reader has taken over.
    const choose = (step) => {
      setPlaying(false);
      show(step);
    };

    if (list) {
      list.classList.add("diagram-steps--linked");
      for (const item of list.querySelectorAll(":scope > li[data-step]")) {
        const number = Number(item.dataset.step);
        items.set(number, item);
        // A real button per item keeps the list keyboard-usable; it shows the step number
        // the list marker showed before.
        const pick = document.createElement("button");
        pick.type = "button";
        pick.className = "diagram-steps__pick";
        pick.textContent = String(number);
        pick.setAttribute("aria-label", `Show step ${number} on the diagram`);
        pick.setAttribute("aria-controls", svg.id);
        item.prepend(pick);
      }
      list.addEventListener("click", (event) => {
        const item = event.target.closest("li[data-step]");
        if (!item || event.target.closest("a")) return; // links in a caption still work
        choose(Number(item.dataset.step));
        // Bring the diagram into view if the list has scrolled it away.
        const box = figure.getBoundingClientRect();
        if (box.bottom < 0 || box.top > window.innerHeight) {
          figure.scrollIntoView({ block: "nearest", behavior: smooth() });
        }
      });
    }

    // Clicking a numbered edge (or its number) in the drawing selects that step too.
    svg.addEventListener("click", (event) => {
      const edge = event.target.closest("g.edge[data-step]");
      if (edge) choose(Number(edge.dataset.step));
    });

    /* ---- Zoom and pan: Panzoom does the transforms, pinch and containment ---- */

    const panzoom = window.Panzoom(svg, {
      canvas: true, // drag anywhere in the frame, not only on the drawing's strokes
      contain: "outside", // the drawing always covers the frame: it cannot be lost
      minScale: 1,
      maxScale: 8,
      step: 0.35,
      panOnlyWhenZoomed: true,
      cursor: "", // diagram.css sets the cursors
      touchAction: "pan-y", // at full view, a vertical swipe still scrolls the page
      // The default also stops propagation and cancels touches; we only need to keep a
      // mouse drag from selecting text or dragging an icon image.
      handleStartEvent: (event) => {
        if (event.pointerType === "mouse") event.preventDefault();
      },
    });
    let zoomed = false;

    function onZoomChange() {
      const scale = panzoom.getScale();
      const now = scale > 1.001;
      figure.dataset.scale = scale.toFixed(3);
      if (now !== zoomed) {
        zoomed = now;
        figure.classList.toggle("diagram--zoomed", zoomed);
        // Zoomed in, one finger pans the drawing instead of scrolling the page.
        panzoom.setOptions({ touchAction: zoomed ? "none" : "pan-y" });
      }
      button("zoom-out").disabled = !zoomed;
      button("reset-zoom").disabled = !zoomed;
      button("zoom-in").disabled = scale >= panzoom.getOptions().maxScale - 0.001;
      if (tipNode) hideTooltip(); // it would point at where the node was
    }
    svg.addEventListener("panzoomchange", onZoomChange);

    // A plain wheel scrolls the page; Ctrl/Cmd + wheel zooms (browsers report a trackpad
    // pinch that way too). In full screen there is no page to scroll, so any wheel zooms.
    const hint = document.createElement("p");
    hint.className = "diagram__hint";
    hint.hidden = true;
    hint.textContent = /Mac|iPhone|iPad/.test(navigator.platform)
      ? "Use ⌘ + scroll to zoom" : "Use Ctrl + scroll to zoom";
    canvas.append(hint);
    let hintTimer = 0;
    viewport.addEventListener("wheel", (event) => {
      if (event.ctrlKey || event.metaKey || isFullscreen()) {
        panzoom.zoomWithWheel(event);
      } else if (!zoomed) {
        hint.hidden = false;
        clearTimeout(hintTimer);
        hintTimer = setTimeout(() => { hint.hidden = true; }, 1500);
      }
    }, { passive: false });

    // A drag that ends over a node must not follow its link; a tap on touch shows the
    // tooltip first, since touch has no hover.
    viewport.addEventListener("pointerdown", (event) => {
      down = { x: event.clientX, y: event.clientY, touch: event.pointerType === "touch",
        time: event.timeStamp, dragged: false };
    }, true);
    listen(document, "pointermove", (event) => {
      // How far the press travelled, not where it ended: a drag may come back to its node.
      if (down && event.buttons && Math.hypot(event.clientX - down.x,
        event.clientY - down.y) > DRAG_SLOP) down.dragged = true;
    }, { passive: true });
    viewport.addEventListener("click", (event) => {
      if (down?.dragged) {
        event.preventDefault();
        event.stopPropagation();
        return;
      }
      if (!down?.touch) return;
      const node = event.target.closest("g.node");
      if (node && tipNode !== node) {
        event.preventDefault();
        showTooltip(node, true);
      } else if (!node) {
        hideTooltip();
      }
    }, true);

    /* ---- Full screen (with a CSS fallback where the API is missing, e.g. iPhone) ---- */

    const isFullscreen = () => figure.classList.contains("diagram--fullscreen");

    function setFullscreen(on) {
      figure.classList.toggle("diagram--fullscreen", on);
      document.documentElement.classList.toggle("diagram-fullscreen-open", on);
      const full = button("fullscreen");
      full.setAttribute("aria-pressed", String(on));
      full.setAttribute("aria-label", on ? "Exit full screen" : "Full screen");
      full.title = full.getAttribute("aria-label");
      // The frame changed size: start from the whole drawing again, once laid out.
      requestAnimationFrame(() => panzoom.reset({ animate: false }));
    }

    function toggleFullscreen() {
      if (document.fullscreenElement === figure) {
        document.exitFullscreen();
      } else if (isFullscreen()) {
        setFullscreen(false); // the CSS fallback
      } else if (document.fullscreenEnabled && figure.requestFullscreen) {
        figure.requestFullscreen().catch(() => setFullscreen(true));
      } else {
        setFullscreen(true);
      }
    }

    listen(document, "fullscreenchange", () => {
      const on = document.fullscreenElement === figure;
      if (on !== isFullscreen()) setFullscreen(on);
    });
    listen(document, "keydown", (event) => {
      // The browser exits real full screen on Escape; do the same for the fallback.
      if (event.key === "Escape" && isFullscreen() && !document.fullscreenElement) {
        setFullscreen(false);
      }
    });

    /* ---- Toolbar ---- */

    const actions = {
      prev: () => choose(current - 1),
      next: () => choose(current + 1),
      play: () => setPlaying(!playTimer),
      "reset-steps": () => choose(0),
      // Not animated: Panzoom measures the drawing's on-screen box to keep it covering the
      // frame, and a box caught mid-transition would leave Reset slightly zoomed in.
      "zoom-in": () => panzoom.zoomIn({ animate: false }),
      "zoom-out": () => panzoom.zoomOut({ animate: false }),
      "reset-zoom": () => panzoom.reset({ animate: false }),
      fullscreen: toggleFullscreen,
    };
    toolbar.addEventListener("click", (event) => {
      const control = event.target.closest("button[data-action]");
      if (control) actions[control.dataset.action]();
    });

    // The address can point into the diagram: `#<figure id>-step-3` (a list item's id)
    // opens with step 3 shown; `#<figure id>-n2` (a node's id, which service pages link to)
    // marks that node and centres it.
    function followHash() {
      const id = decodeURIComponent(location.hash.slice(1));
      for (const node of nodes.values()) node.classList.toggle("is-target", node.id === id);
      const step = id.startsWith(`${figure.id}-step-`) && Number(id.split("-step-")[1]);
      if (step) choose(step);
      const node = [...nodes.values()].find((each) => each.id === id);
      if (node) requestAnimationFrame(() => node.scrollIntoView({ block: "center" }));
    }
    listen(window, "hashchange", followHash);

    show(0);
    followHash();
    onZoomChange();
    toolbar.hidden = false;
    figure.dataset.ready = "";

    return {
      figure,
      destroy() {
        setPlaying(false);
        clearTimeout(hideTimer);
        clearTimeout(hintTimer);
        panzoom.destroy();
        document.documentElement.classList.remove("diagram-fullscreen-open");
        for (const remove of undo) remove();
      },
    };
  }

  /** Whether a pointer event happened over the element's box. */
  function within(element, event) {
    const box = element.getBoundingClientRect();
    return event.clientX >= box.left && event.clientX <= box.right &&
      event.clientY >= box.top && event.clientY <= box.bottom;
  }

  function smooth() {
    return matchMedia("(prefers-reduced-motion: reduce)").matches ? "auto" : "smooth";
  }

  /* ------------------------------------------------------------------------------------ */
  /* Home catalog filter                                                                  */
  /* ------------------------------------------------------------------------------------ */

  function setUpCatalog(form) {
    const table = document.querySelector("table.catalog");
    const rows = [...table.querySelectorAll("tbody tr[data-category]")];
    const empty = table.querySelector(".catalog__empty");
    const count = form.querySelector(".catalog-filter__count");
    const clear = form.querySelector("[data-action='clear']");
    const fields = ["category", "service"].map((name) => form.elements[name]);

    // The URL is the filter's state, so a filtered view can be shared or bookmarked.
    function load() {
      const params = new URLSearchParams(location.search);
      for (const field of fields) {
        const wanted = params.get(field.name) || "";
        const known = [...field.options].some((option) => option.value === wanted);
        field.value = known ? wanted : "";
      }
    }

    function save() {
      const url = new URL(location.href);
      for (const field of fields) {
        if (field.value) url.searchParams.set(field.name, field.value);
        else url.searchParams.delete(field.name);
      }
      if (url.href !== location.href) history.replaceState(history.state, "", url);
    }

    function apply() {
      const [category, service] = fields.map((field) => field.value);
      let shown = 0;
      for (const row of rows) {
        const match = (!category || row.dataset.category === category) &&
          (!service || row.dataset.services.split(" ").includes(service));
        row.hidden = !match;
        if (match) shown += 1;
      }
      if (empty) empty.hidden = shown > 0;
      if (clear) clear.disabled = !category && !service;
      count.textContent = shown === rows.length
        ? `Showing all ${rows.length} patterns`
        : `Showing ${shown} of ${rows.length} patterns`;
    }

    form.addEventListener("change", () => {
      apply();
      save();
    });
    form.addEventListener("submit", (event) => event.preventDefault());
    clear?.addEventListener("click", () => {
      for (const field of fields) field.value = "";
      apply();
      save();
      fields[0].focus();
    });

    load();
    apply();
    form.hidden = false;
    form.dataset.ready = "";
  }

  /* ------------------------------------------------------------------------------------ */

  // Material publishes each page (including instant-navigation ones) on document$.
  if (window.document$) {
    window.document$.subscribe(setUpPage);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUpPage);
  } else {
    setUpPage();
  }
})();
