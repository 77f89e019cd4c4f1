// Source blocks (sitekit/sources.py): a collapsed <details data-source="...html"> loads the
// highlighted file the first time a reader opens it, and gets a copy button that the theme's
// clipboard handler serves. Until then (and without JavaScript) a link opens the plain text.
"use strict";
(() => {
  const load = async (block) => {
    if (block.dataset.loaded) return;
    block.dataset.loaded = "loading";
    const status = block.querySelector(".source__fallback");
    try {
      const response = await fetch(block.dataset.source);
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      const holder = document.createElement("div");
      holder.className = "source__code";
      holder.innerHTML = await response.text();
      const pre = holder.querySelector("pre");
      pre.id = `${block.id}-code`;
      // The theme's own copy button: same look, and its clipboard handler (delegated on the
      // document) copies the code and shows "Copied to clipboard".
      const nav = document.createElement("nav");
      nav.className = "md-code__nav";
      const copy = document.createElement("button");
      copy.type = "button";
      copy.className = "md-code__button";
      copy.title = "Copy to clipboard";
      copy.setAttribute("aria-label", "Copy the code to the clipboard");
      copy.dataset.clipboardTarget = `#${pre.id} > code`;
      copy.dataset.mdType = "copy";
      nav.append(copy);
      pre.prepend(nav);
      block.append(holder);
      block.dataset.loaded = "yes";
    } catch (error) {
      block.dataset.loaded = "";
      if (status) status.prepend(`Could not load the code (${error.message}). `);
    }
  };
  const setUp = () => {
    for (const block of document.querySelectorAll("details[data-source]")) {
      if (block.open) load(block);
      block.addEventListener("toggle", () => block.open && load(block));
    }
  };
  // Material's instant navigation swaps pages without a load event: document$ fires each time.
  if (typeof document$ !== "undefined") document$.subscribe(setUp);
  else document.addEventListener("DOMContentLoaded", setUp);
})();
