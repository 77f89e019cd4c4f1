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

  // Playing, each step stays long enough to read its caption: 250 ms a word, 2 s at least.
  const PLAY_MIN = 2000;
  const PLAY_PER_WORD = 250;
  // The smallest label a reader sees on first view, in CSS px: a diagram is never shrunk
  // below it (it pans sideways instead); phones get 10, wider screens 11, full screen 12.
  const FLOOR_WIDE = 11;
  const FLOOR_NARROW = 10;
  const FLOOR_FULL = 12;
  const NARROW = "(max-width: 37.5em)";
  const NATURAL = 4 / 3; // CSS px per point: Graphviz's own size, the largest we show inline
  const PAN_KEYS = { ArrowLeft: [1, 0], ArrowRight: [-1, 0], ArrowUp: [0, 1], ArrowDown: [0, -1] };
  const DRAG_SLOP = 6; // px a pointer may travel and still count as a click, not a drag
  const HALO_PAD = 6; // px around a node's drawing for its focus ring and highlight
  const SVG_NS = "http://www.w3.org/2000/svg";
  const SHAPES = "path, polygon, polyline, ellipse, text, use"; // as sitekit.layouts lists

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
    matchPngToPalette();
  }

  /** The PNG download is drawn once per palette (sitekit.palettes); offer the one the reader
     is looking at. The HTML links the light one, which is also what a reader without
     JavaScript gets. Material sets the palette on body. */
  function matchPngToPalette() {
    const dark = document.body.getAttribute("data-md-color-scheme") === "slate";
    for (const link of document.querySelectorAll("a.diagram__png[data-dark-href]")) {
      link.dataset.lightHref ??= link.getAttribute("href");
      link.setAttribute("href", dark ? link.dataset.darkHref : link.dataset.lightHref);
    }
  }
  new MutationObserver(matchPngToPalette)
    .observe(document.body, { attributes: true, attributeFilter: ["data-md-color-scheme"] });

  /* ------------------------------------------------------------------------------------ */
  /* Diagrams                                                                             */
  /* ------------------------------------------------------------------------------------ */

  /** The drawing's size for a frame: fit it whole (inline: at most Graphviz's own size, and
     at most most of the screen's height), unless that shrinks its labels below the floor. */
  function sizeFor(box, font, canvas, full) {
    const narrow = matchMedia(NARROW).matches;
    const floor = full ? FLOOR_FULL : narrow ? FLOOR_NARROW : FLOOR_WIDE;
    const frameWidth = canvas.clientWidth;
    const frameHeight = full ? canvas.clientHeight : innerHeight * (narrow ? 0.6 : 0.75);
    let scale = Math.min(frameWidth / box.width, frameHeight / box.height);
    if (!full) scale = Math.min(scale, NATURAL);
    scale = Math.max(scale, floor / font);
    // In full screen, a drawing that pans sideways anyway also fills the height: larger
    // labels, no empty bands, and still only one direction to pan.
    if (full && box.width * scale > frameWidth + 1) {
      scale = Math.max(scale, frameHeight / box.height);
    }
    return { width: box.width * scale, height: box.height * scale, frameWidth, frameHeight };
  }

  function smallestFontOf(svg) {
    return Math.min(...[...svg.querySelectorAll("text")]
      .map((text) => parseFloat(getComputedStyle(text).fontSize) || 14));
  }

  /** A diagram drawn wide also comes with the coordinates of its top-to-bottom layout
     (data-tall, written by sitekit.layouts). Keep the layout that shows the whole width at a
     legible size (the wide one when both do, else the one that needs less sideways
     panning); to switch, move every shape of the one inline SVG to its tall coordinates.
     Ids do not change, so links into the diagram (#...-n2, #...-step-3) keep working.
     Chosen once per page view (full screen picks again, and returns to this choice); after
     a rotation, fit() still keeps the labels legible. Returns both layouts, or null. */
  function chooseLayout(figure, svg, canvas) {
    if (!figure.dataset.tall) return null;
    const tall = JSON.parse(figure.dataset.tall);
    // The drawn coordinates of everything the tall layout moves, to move it back.
    const wide = readLayout(figure, svg, Object.keys(tall.elements));
    const layouts = { wide, tall };
    const [width, height] = tall.viewBox.split(" ").slice(2).map(Number);
    const font = smallestFontOf(svg);
    const overflow = (box) => sizeFor(box, font, canvas, false).width / canvas.clientWidth;
    const wideOverflow = overflow(svg.viewBox.baseVal);
    if (wideOverflow <= 1.01 || wideOverflow <= overflow({ width, height })) return layouts;
    applyLayout(figure, svg, tall, "tall");
    return layouts;
  }

  /** The shapes an element with an id owns: those with no nearer ancestor that has an id. */
  function ownShapes(figure, svg, id) {
    const owner = svg.querySelector(`#${CSS.escape(`${figure.id}-${id}`)}`);
    return [owner, [...owner.querySelectorAll(SHAPES)]
      .filter((shape) => shape.parentElement.closest("[id]") === owner)];
  }

  function readLayout(figure, svg, ids) {
    const layout = { elements: {} };
    for (const name of ["viewBox", "width", "height"]) layout[name] = svg.getAttribute(name);
    for (const id of ids) {
      const [owner, shapes] = ownShapes(figure, svg, id);
      layout.elements[id] = [owner.getAttribute("transform") || "", shapes.map((shape) => {
        const kind = shape.localName;
        if (kind === "path") return shape.getAttribute("d");
        if (kind === "polygon" || kind === "polyline") return shape.getAttribute("points");
        const [x, y] = kind === "ellipse" ? ["cx", "cy"] : ["x", "y"];
        return [shape.getAttribute(x), shape.getAttribute(y)];
      })];
    }
    return layout;
  }

  function applyLayout(figure, svg, layout, name) {
    for (const attribute of ["viewBox", "width", "height"]) {
      svg.setAttribute(attribute, layout[attribute]);
    }
    for (const [id, [transform, shapes]] of Object.entries(layout.elements)) {
      const [owner, own] = ownShapes(figure, svg, id);
      if (transform) owner.setAttribute("transform", transform);
      else owner.removeAttribute("transform");
      own.forEach((shape, index) => {
        const at = shapes[index]; // a path's or polygon's points, or an [x, y] pair
        const kind = shape.localName;
        if (typeof at === "string") {
          shape.setAttribute(kind === "path" ? "d" : "points", at);
        } else {
          shape.setAttribute(kind === "ellipse" ? "cx" : "x", at[0]);
          shape.setAttribute(kind === "ellipse" ? "cy" : "y", at[1]);
        }
      });
    }
    figure.dataset.layout = name;
  }

  /* ---------------------------------------------------------------------------------- */
  /* The toolbar (built here: without JavaScript its buttons would do nothing, so the     */
  /* page carries none of its markup)                                                     */
  /* ---------------------------------------------------------------------------------- */

  // Material Design icons (Apache-2.0), 24 x 24.
  const ICONS = {
    prev: "M6 18V6h2v12zm3.5-6L18 6v12z",
    play: "M8 5.14v14l11-7z",
    pause: "M14 19h4V5h-4M6 19h4V5H6z",
    next: "M16 18h2V6h-2M6 18l8.5-6L6 6z",
    "reset-steps": "M12 5V1L7 6l5 5V7a6 6 0 0 1 6 6 6 6 0 0 1-6 6 6 6 0 0 1-6-6H4a8 8 0 0 0 8 8 8 8 0 0 0 8-8 8 8 0 0 0-8-8",
    "zoom-out": "M15.5 14h-.79l-.28-.27A6.47 6.47 0 0 0 16 9.5 6.5 6.5 0 0 0 9.5 3 6.5 6.5 0 0 0 3 9.5 6.5 6.5 0 0 0 9.5 16c1.61 0 3.09-.59 4.23-1.57l.27.28v.79l5 5 1.5-1.5zm-6 0C7 14 5 12 5 9.5S7 5 9.5 5 14 7 14 9.5 12 14 9.5 14M7 9h5v1H7z",
    "zoom-in": "m15.5 14 5 5-1.5 1.5-5-5v-.79l-.27-.28A6.47 6.47 0 0 1 9.5 16 6.5 6.5 0 0 1 3 9.5 6.5 6.5 0 0 1 9.5 3 6.5 6.5 0 0 1 16 9.5c0 1.61-.59 3.09-1.57 4.23l.28.27zm-6 0C12 14 14 12 14 9.5S12 5 9.5 5 5 7 5 9.5 7 14 9.5 14m2.5-4h-2v2H9v-2H7V9h2V7h1v2h2z",
    "reset-zoom": "M17 4h3c1.1 0 2 .9 2 2v2h-2V6h-3zM4 8V6h3V4H4c-1.1 0-2 .9-2 2v2zm16 8v2h-3v2h3c1.1 0 2-.9 2-2v-2zM7 18H4v-2H2v2c0 1.1.9 2 2 2h3zm9-8v4H8v-4zm2-2H6v8h12z",
    fullscreen: "M5 5h5v2H7v3H5zm9 0h5v5h-2V7h-3zm3 9h2v5h-5v-2h3zm-7 3v2H5v-5h2v3z",
    "fullscreen-exit": "M14 14h5v2h-3v3h-2zm-9 0h5v5H8v-3H5zm3-9h2v5H5V8h3zm11 3v2h-5V5h2v3z",
  };

  function icon(name, extraClass) {
    const svg = document.createElementNS(SVG_NS, "svg");
    svg.setAttribute("class", extraClass ? `diagram__icon ${extraClass}` : "diagram__icon");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    const path = document.createElementNS(SVG_NS, "path");
    path.setAttribute("d", ICONS[name]);
    svg.append(path);
    return svg;
  }

  function controlButton(action, label, icons, pressed) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "diagram__button";
    button.dataset.action = action;
    button.setAttribute("aria-label", label);
    if (pressed) button.setAttribute("aria-pressed", "false");
    button.append(...icons);
    return button;
  }

  function controlGroup(label, buttons) {
    const group = document.createElement("div");
    group.className = "diagram__group";
    group.setAttribute("role", "group");
    group.setAttribute("aria-label", label);
    group.append(...buttons);
    return group;
  }

  /** The figure's controls, placed above its status line; hidden until the diagram is set up. */
  function buildToolbar(figure) {
    const title = figure.querySelector(".diagram__title").textContent;
    const toolbar = document.createElement("div");
    toolbar.className = "diagram__toolbar";
    toolbar.id = `${figure.id}-toolbar`;
    toolbar.hidden = true;
    if (Number(figure.dataset.steps) > 0) {
      toolbar.append(controlGroup(`Steps of ${title}`, [
        controlButton("prev", "Previous step", [icon("prev")]),
        controlButton("play", "Play the steps",
          [icon("play", "diagram__icon--play"), icon("pause", "diagram__icon--pause")], true),
        controlButton("next", "Next step", [icon("next")]),
        controlButton("reset-steps", "Reset steps", [icon("reset-steps")]),
      ]));
    }
    toolbar.append(controlGroup(`View of ${title}`, [
      controlButton("zoom-out", "Zoom out", [icon("zoom-out")]),
      controlButton("zoom-in", "Zoom in", [icon("zoom-in")]),
      controlButton("reset-zoom", "Reset zoom", [icon("reset-zoom")]),
      controlButton("fullscreen", "Full screen",
        [icon("fullscreen", "diagram__icon--enter"), icon("fullscreen-exit", "diagram__icon--exit")], true),
    ]));
    figure.insertBefore(toolbar, figure.querySelector(".diagram__status"));
    return toolbar;
  }

  function createDiagram(figure) {
    const canvas = figure.querySelector(".diagram__canvas");
    const svg = figure.querySelector("svg.diagram__svg");
    const layouts = chooseLayout(figure, svg, canvas);
    const inlineLayout = figure.dataset.layout || "wide";
    const viewport = figure.querySelector(".diagram__viewport");
    const toolbar = figure.querySelector(".diagram__toolbar") || buildToolbar(figure);
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
    // The drawing's size in points and its smallest label, which decide how large it is shown.


    function listen(target, type, handler, options) {
      target.addEventListener(type, handler, options);
      undo.push(() => target.removeEventListener(type, handler, options));
    }

    /* Halos: one rounded rectangle behind each node, used for the focus ring and for the
       current step's highlight (an SVG group has no box of its own to outline). */
    for (const node of nodes.values()) {
      const halo = document.createElementNS(SVG_NS, "rect");
      halo.setAttribute("class", "node__halo");
      halo.setAttribute("rx", 8);
      const holder = node.querySelector(":scope > a") || node;
      holder.prepend(halo);
      // Our tooltip replaces the browser's slow native one (kept for readers without JS).
      holder.querySelector(":scope > title")?.remove();
    }
    function placeHalos() { // again whenever the layout changes
      for (const node of nodes.values()) {
        const halo = node.querySelector(".node__halo");
        halo.style.display = "none"; // measure the node's drawing, not its old halo
        const box = node.getBBox();
        halo.style.display = "";
        halo.setAttribute("x", box.x - HALO_PAD);
        halo.setAttribute("y", box.y - HALO_PAD);
        halo.setAttribute("width", box.width + 2 * HALO_PAD);
        halo.setAttribute("height", box.height + 2 * HALO_PAD);
      }
    }
    placeHalos();

    /** Full screen on a portrait screen shows the top-to-bottom layout, which fills its
       height (a wide drawing would sit between empty bands); otherwise the page's choice. */
    function useLayout(full) {
      if (!layouts) return;
      const portrait = canvas.clientHeight > canvas.clientWidth;
      const name = full ? (portrait ? "tall" : "wide") : inlineLayout;
      if ((figure.dataset.layout || "wide") === name) return;
      applyLayout(figure, svg, layouts[name], name);
      placeHalos();
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
      // On a small drawing it must not hide most of it: then it goes just below the frame.
      const seen = visibleDrawing();
      const overlap = Math.max(0, Math.min(frame.left + left + width, seen.right) -
        Math.max(frame.left + left, seen.left)) * Math.max(0, Math.min(frame.top + top + height,
        seen.bottom) - Math.max(frame.top + top, seen.top));
      if (overlap > 0.5 * seen.width * seen.height) top = frame.height + 4;
      tooltip.style.left = `${left}px`;
      tooltip.style.top = `${top}px`;
    }

    /** The part of the drawing on screen: the drawing's box clipped by its frame. */
    function visibleDrawing() {
      const frame = viewport.getBoundingClientRect();
      const box = svg.getBoundingClientRect();
      const left = Math.max(frame.left, box.left);
      const top = Math.max(frame.top, box.top);
      const right = Math.min(frame.right, box.right);
      const bottom = Math.min(frame.bottom, box.bottom);
      return { left, top, right, bottom, width: Math.max(0, right - left),
        height: Math.max(0, bottom - top) };
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
    let playing = false;
    let playTimer = 0;
    let pointerOver = false; // play waits while the reader's pointer or focus is on the drawing
    let focusInside = false;

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

    function statusContent(step) {
      if (!step) {
        const idle = document.createElement("span");
        idle.className = "diagram__status-idle";
        idle.textContent = "Follow the flow with Play or Next, or choose a step in the list.";
        return [idle];
      }
      const label = document.createElement("strong");
      label.textContent = `Step ${step} of ${total}:`;
      return [label, " ", ...caption(step)];
    }

    /** Keep the caption area as tall as its longest caption, so the drawing never moves. */
    function reserveCaptionSpace() {
      if (!total) return;
      const probe = status.cloneNode(false);
      probe.removeAttribute("id");
      probe.removeAttribute("aria-live");
      probe.setAttribute("aria-hidden", "true");
      probe.style.position = "absolute";
      probe.style.visibility = "hidden";
      probe.style.minHeight = "0";
      probe.style.width = `${status.getBoundingClientRect().width}px`;
      status.after(probe);
      let tallest = 0;
      for (let step = 0; step <= total; step += 1) {
        probe.replaceChildren(...statusContent(step));
        tallest = Math.max(tallest, probe.getBoundingClientRect().height);
      }
      probe.remove();
      status.style.minHeight = `${Math.ceil(tallest)}px`;
    }

    function show(step) {
      current = Math.max(0, Math.min(step, total));
      const edge = edges.get(current);
      const ends = edge ? [edge.dataset.from, edge.dataset.to] : [];
      // Services the caption names besides the two ends ("... and to S3") light up too.
      const named = edge?.dataset.mentions ? edge.dataset.mentions.split(" ") : [];
      figure.classList.toggle("diagram--stepping", current > 0);
      figure.dataset.currentStep = String(current);
      for (const [number, each] of edges) each.classList.toggle("is-current", number === current);
      for (const [id, node] of nodes) {
        node.classList.toggle("is-current", ends.includes(id) || named.includes(id));
        node.classList.toggle("is-named", named.includes(id));
      }
      for (const [number, item] of items) {
        item.classList.toggle("is-current", number === current);
        if (number === current) item.setAttribute("aria-current", "step");
        else item.removeAttribute("aria-current");
      }
      status.replaceChildren(...statusContent(current));
      if (total) {
        button("prev").disabled = current <= 1;
        button("next").disabled = current >= total;
        button("reset-steps").disabled = current === 0;
      }
      if (edge) reveal([edge, ...ends.map((id) => nodes.get(id))]);
    }

    /** How long step ``step`` stays when playing: 250 ms a word of its caption, 2 s at least. */
    function dwell(step) {
      const words = (items.get(step)?.textContent ?? edges.get(step).textContent)
        .replace(/^\s*\d+\s*/, "").split(/\s+/).filter(Boolean).length;
      return Math.max(PLAY_MIN, words * PLAY_PER_WORD);
    }

    function schedule() {
      clearTimeout(playTimer);
      playTimer = 0;
      if (!playing || pointerOver || focusInside) return; // resumes when the reader moves on
      playTimer = setTimeout(() => {
        if (current >= total) setPlaying(false);
        else {
          show(current + 1);
          schedule();
        }
      }, dwell(current));
    }

    function setPlaying(on) {
      playing = on;
      const play = button("play");
      if (!play) return;
      play.setAttribute("aria-pressed", String(on));
      play.setAttribute("aria-label", on ? "Pause" : "Play the steps");
      if (on) show(current >= total ? 1 : current + 1); // from the start after the last step
      schedule();
    }

    canvas.addEventListener("pointerenter", (event) => {
      if (event.pointerType !== "mouse") return; // a tap leaves nothing hovering
      pointerOver = true;
      schedule();
    });
    canvas.addEventListener("pointerleave", () => {
      pointerOver = false;
      schedule();
    });
    canvas.addEventListener("focusin", () => {
      focusInside = true;
      schedule();
    });
    canvas.addEventListener("focusout", (event) => {
      if (canvas.contains(event.relatedTarget)) return;
      focusInside = false;
      schedule();
    });

    // Manual choices stop playback: the reader has taken over.
    const choose = (step) => {
      setPlaying(false);
      show(step);
    };

    /** Scroll the page so the controls sit just below Material's sticky header, unless the
       whole figure is already in view below it. */
    function bringIntoView() {
      const header = document.querySelector(".md-header");
      const top = header ? header.getBoundingClientRect().bottom : 0;
      const bar = toolbar.getBoundingClientRect();
      const bottom = canvas.getBoundingClientRect().bottom;
      if (bar.top >= top && bottom <= innerHeight) return;
      window.scrollBy({ top: bar.top - top - 8, behavior: smooth() });
    }

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
        bringIntoView();
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
    let keptTip = null; // the tooltip to keep (moved along) when the view next moves

    function onZoomChange() {
      const scale = panzoom.getScale();
      const now = scale > 1.001;
      figure.dataset.scale = scale.toFixed(3);
      if (now !== zoomed) {
        zoomed = now;
        figure.classList.toggle("diagram--zoomed", zoomed);
        // Zoomed in, one finger pans the drawing instead of scrolling the page.
        panzoom.setOptions({ touchAction: zoomed || (isFullscreen() && panned) ? "none" : "pan-y" });
      }
      button("zoom-out").disabled = !zoomed;
      button("reset-zoom").disabled = !zoomed;
      button("zoom-in").disabled = scale >= panzoom.getOptions().maxScale - 0.001;
      // It would point at where the node was; Panzoom reports moves a frame later.
      if (tipNode && tipNode === keptTip) showTooltip(tipNode);
      else if (tipNode) hideTooltip();
      keptTip = null;
    }
    svg.addEventListener("panzoomchange", onZoomChange);

    /* ---- Legible size: fit the frame, but never shrink labels below the floor ---- */

    // Shown while the drawing is wider (or, in full screen, taller) than its frame.
    const panHint = document.createElement("p");
    panHint.className = "diagram__pan-hint";
    panHint.hidden = true;
    panHint.textContent = "Drag or swipe the diagram to see all of it; its steps scroll into view.";
    canvas.after(panHint);
    let panned = false;
    let fittedWidth = 0;

    function fit() {
      const full = isFullscreen();
      useLayout(full);
      const { width, height, frameWidth, frameHeight } =
        sizeFor(svg.viewBox.baseVal, smallestFontOf(svg), canvas, full);
      svg.style.maxWidth = "none";
      svg.style.maxHeight = "none";
      svg.style.width = `${full ? Math.max(width, frameWidth) : width}px`;
      svg.style.height = `${full ? Math.max(height, frameHeight) : height}px`;
      panned = width > frameWidth + 1 || (full && height > frameHeight + 1);
      figure.classList.toggle("diagram--panned", panned);
      panHint.hidden = !panned;
      panzoom.setOptions({
        panOnlyWhenZoomed: !panned,
        touchAction: zoomed || (full && panned) ? "none" : "pan-y",
      });
      panzoom.reset({ animate: false });
      fittedWidth = frameWidth;
      reserveCaptionSpace();
    }

    /** Pan the view so that these elements (a step: its edge and two ends) are in it. */
    function reveal(elements) {
      if (!(zoomed || panned)) return;
      const frame = viewport.getBoundingClientRect();
      const boxes = elements.filter(Boolean).map((element) => element.getBoundingClientRect());
      const box = {
        left: Math.min(...boxes.map((b) => b.left)), right: Math.max(...boxes.map((b) => b.right)),
        top: Math.min(...boxes.map((b) => b.top)), bottom: Math.max(...boxes.map((b) => b.bottom)),
      };
      if (box.left >= frame.left && box.right <= frame.right && box.top >= frame.top &&
        box.bottom <= frame.bottom) return;
      const scale = panzoom.getScale();
      const dx = frame.left + frame.width / 2 - (box.left + box.right) / 2;
      const dy = frame.top + frame.height / 2 - (box.top + box.bottom) / 2;
      panzoom.pan(dx / scale, dy / scale, { relative: true, animate: false });
    }

    // Focus on a node outside the view makes the browser scroll the frame itself, which
    // Panzoom does not know about (the next drag would jump back): turn that scroll into a
    // pan of the same distance.
    viewport.addEventListener("scroll", () => {
      const { scrollLeft, scrollTop } = viewport;
      if (!scrollLeft && !scrollTop) return;
      viewport.scrollLeft = 0;
      viewport.scrollTop = 0;
      const scale = panzoom.getScale();
      keepTooltip(() => panzoom.pan(-scrollLeft / scale, -scrollTop / scale,
        { relative: true, animate: false }));
    });
    figure.addEventListener("focusin", (event) => {
      const node = event.target.closest("g.node");
      if (node) keepTooltip(() => reveal([node]));
    });

    /** Moving the view hides the tooltip (it would point at nothing); a move made to show
       the focused node keeps it, next to the node's new place. */
    function keepTooltip(move) {
      keptTip = tipNode;
      move();
    }

    // Arrow keys pan a zoomed (or wider than its frame) drawing while it has focus.
    canvas.addEventListener("keydown", (event) => {
      const direction = PAN_KEYS[event.key];
      if (!direction || !(zoomed || panned) || event.altKey || event.ctrlKey || event.metaKey) {
        return;
      }
      event.preventDefault();
      const frame = viewport.getBoundingClientRect();
      const scale = panzoom.getScale();
      panzoom.pan(direction[0] * frame.width * 0.2 / scale,
        direction[1] * frame.height * 0.2 / scale, { relative: true, animate: false });
    });

    // Re-fit when the frame's width changes (rotation, window resize, full screen).
    const resizing = new ResizeObserver(() => {
      if (Math.abs(canvas.clientWidth - fittedWidth) > 1) fit();
    });
    resizing.observe(canvas);
    undo.push(() => resizing.disconnect());

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
      // The frame changed size: fit the drawing again, once laid out.
      requestAnimationFrame(fit);
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
      play: () => setPlaying(!playing),
      "reset-steps": () => choose(0),
      // Not animated: Panzoom measures the drawing's on-screen box to keep it covering the
      // frame, and a box caught mid-transition would leave Reset slightly zoomed in.
      "zoom-in": () => panzoom.zoomIn({ animate: false }),
      "zoom-out": () => panzoom.zoomOut({ animate: false }),
      "reset-zoom": () => panzoom.reset({ animate: false }),
      // (Reset returns to the start: the left edge of a drawing wider than its frame.)
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
      if (step) {
        choose(step);
        // The browser (or Material, a little later) jumps to the list item, which hides the
        // drawing: follow any such jump in the next second with the diagram's own scroll.
        const settle = () => requestAnimationFrame(() => requestAnimationFrame(bringIntoView));
        const until = performance.now() + 1000;
        const onJump = () => {
          if (performance.now() < until) settle();
          else removeEventListener("scroll", onJump);
        };
        addEventListener("scroll", onJump, { passive: true });
        undo.push(() => removeEventListener("scroll", onJump));
        settle();
      }
      const node = [...nodes.values()].find((each) => each.id === id);
      if (node) {
        requestAnimationFrame(() => {
          node.scrollIntoView({ block: "center" });
          reveal([node]);
        });
      }
    }
    listen(window, "hashchange", followHash);

    toolbar.hidden = false;
    onZoomChange();
    fit();
    show(0);
    followHash();
    figure.dataset.ready = "";

    return {
      figure,
      destroy() {
        playing = false;
        clearTimeout(playTimer);
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
      count.textContent = shown < rows.length
        ? `Showing ${shown} of ${rows.length} patterns`
        : !category && !service ? `Showing all ${rows.length} patterns`
          : everyRowMatches(category, service);
    }

    /** A filter that leaves every row says so, instead of "Showing all" as if it did nothing. */
    function everyRowMatches(category, service) {
      const chosen = (field) => field.selectedOptions[0].textContent;
      const [categoryField, serviceField] = fields;
      if (category && service) {
        return `All ${rows.length} patterns are in ${chosen(categoryField)} and use ${chosen(serviceField)}`;
      }
      return category ? `All ${rows.length} patterns are in ${chosen(categoryField)}`
        : `All ${rows.length} patterns use ${chosen(serviceField)}`;
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
    save(); // drops from the address any value the filter does not know
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
