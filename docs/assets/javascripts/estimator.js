/*
 * estimator.js: the cost estimator under "Cost drivers" on each pattern page.
 *
 * `make pages` writes an empty, hidden form whose data-model holds the pattern's usage model,
 * the prices it uses and the texts of its fields; this script builds the fields, shows the
 * form and recomputes the estimate as the reader types. The
 * arithmetic repeats scripts/sitekit/cost (model.py's evaluate and estimate, prices.py's
 * tiered, charge and cents) operation for operation, so the page and the build-time table
 * agree to the cent; tests/test_cost_browser.py runs both on the same inputs.
 *
 * No inline handlers, no eval, no HTML strings, no style attributes: it runs under the site's
 * Content-Security-Policy and requests nothing.
 */
(() => {
  "use strict";

  const SVG_NS = "http://www.w3.org/2000/svg";
  const money = new Intl.NumberFormat("en-US", { style: "currency", currency: "USD" });
  const count = new Intl.NumberFormat("en-US", { maximumFractionDigits: 2 });

  /* ---------------------------------------------------------------------------------- */
  /* Arithmetic (mirrors scripts/sitekit/cost)                                           */
  /* ---------------------------------------------------------------------------------- */

  /** A compiled formula: a number, an input's name, or [op, operand, ...]. */
  function evaluate(tree, values) {
    if (typeof tree === "number") return tree;
    if (typeof tree === "string") return values[tree];
    const op = tree[0];
    const a = evaluate(tree[1], values);
    if (op === "neg") return -a;
    if (op === "ceil") return Math.ceil(a);
    const b = evaluate(tree[2], values);
    if (op === "+") return a + b;
    if (op === "-") return a - b;
    if (op === "*") return a * b;
    if (op === "/") return b !== 0 ? a / b : 0;
    if (op === "min") return Math.min(a, b);
    return Math.max(a, b);
  }

  /** USD for `quantity` units in a month, each tier charging the units that fall in it. */
  function tiered(price, quantity) {
    let total = 0;
    let lower = 0;
    for (const [upTo, rate] of price.tiers) {
      const upper = upTo === null ? Infinity : upTo;
      if (quantity > lower) total += (Math.min(quantity, upper) - lower) * rate / price.per;
      lower = upper;
    }
    return total;
  }

  /** USD for the month; the free allowance covers the first (cheapest-tier) units. */
  function charge(price, quantity, free) {
    quantity = Math.max(quantity, 0);
    if (!free || price.free <= 0) return tiered(price, quantity);
    return tiered(price, quantity) - tiered(price, Math.min(quantity, price.free));
  }

  const cents = (usd) => Math.floor(usd * 100 + 0.5);

  /** Cents per price, per service and in total for `units` units of work a month. */
  function estimate(model, units, values, free) {
    const quantities = {};
    for (const line of model.usage) {
      let amount = evaluate(line.formula, values);
      if (line.per === "unit") amount = units * amount;
      quantities[line.price] = (quantities[line.price] || 0) + amount;
    }
    const prices = {};
    const services = {};
    let total = 0;
    for (const id of Object.keys(quantities)) {
      const price = model.prices[id];
      prices[id] = cents(charge(price, quantities[id], free));
      services[price.service] = (services[price.service] || 0) + prices[id];
      total += prices[id];
    }
    return { quantities, prices, services, total };
  }

  // For the tests, which compare this arithmetic with the build's on random inputs.
  window.sitekitCost = Object.freeze({ estimate, evaluate, tiered, charge, cents });

  /* ---------------------------------------------------------------------------------- */
  /* The form                                                                            */
  /* ---------------------------------------------------------------------------------- */

  const NUMBER = /^(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

  /** The field's value as a number, or the sentence that says what is wrong with it. */
  function read(input) {
    const raw = input.value.replace(/[\s,_]/g, "");
    const low = Number(input.dataset.min);
    const high = Number(input.dataset.max);
    const range = `between ${count.format(low)} and ${count.format(high)}`;
    if (raw === "") return { error: `Enter a number ${range}.` };
    if (raw.startsWith("-")) return { error: `Negative figures make no sense here: enter a number ${range}.` };
    if (!NUMBER.test(raw)) return { error: `"${input.value.trim()}" is not a number: use digits, such as ${count.format(low || 1)}.` };
    const value = Number(raw);
    if (!Number.isFinite(value) || value > high) return { error: `That is more than this estimator allows: enter at most ${count.format(high)}.` };
    if (value < low) return { error: `Enter at least ${count.format(low)}.` };
    return { value };
  }

  const plural = (unit, n) => (n === 1 || /(GB|s)$/.test(unit) ? unit : `${unit}s`);

  /** An element with a class, attributes and children (text or nodes); no HTML strings. */
  function el(tag, attributes, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes || {})) {
      if (value !== false) node.setAttribute(name, value === true ? "" : value);
    }
    node.append(...children);
    return node;
  }

  /**
   * The form's contents, from the texts `make pages` put in data-model's `view`: the fields
   * (with hint and error slots), the free-allowance box, the total, the bar, the legend and
   * the table of prices. The page carries none of this markup: without this script it would
   * do nothing, and the static tables above the form stand.
   */
  function build(form, model) {
    const id = form.id;
    const view = model.view;
    const fields = view.fields.map(([name, label, value, low, high, hint]) => el("div",
      { class: "estimator__field" },
      el("label", { for: `${id}-${name}` }, label),
      el("input", {
        id: `${id}-${name}`, name, type: "text", inputmode: "decimal", autocomplete: "off",
        value, "data-min": low, "data-max": high,
        "aria-describedby": `${id}-${name}-hint ${id}-${name}-error`,
      }),
      el("span", { class: "estimator__hint", id: `${id}-${name}-hint` }, hint),
      el("span", { class: "estimator__error", id: `${id}-${name}-error` })));
    const bar = document.createElementNS(SVG_NS, "svg");
    for (const [name, value] of Object.entries({
      class: "estimator__bar", role: "img", "aria-labelledby": `${id}-total`,
      viewBox: "0 0 1000 24", preserveAspectRatio: "none", focusable: "false",
    })) bar.setAttribute(name, value);
    const legend = Object.entries(model.services).map(([service, name], index) => el("li",
      { "data-service": service },
      el("span", { class: `estimator__swatch estimator__swatch--${index % 8}`, "aria-hidden": "true" }),
      `${name}: `, el("span", { "data-cost": true })));
    const rows = view.rows.map(([price, service, dimension, source, rate]) => el("tr",
      { "data-price": price },
      el("td", {}, service), el("td", {}, dimension), el("td", { "data-quantity": true }),
      el("td", {}, el("a", { href: source }, rate)), el("td", { "data-cost": true })));
    const head = ["Service", "Billed for", "Quantity a month", "Price (source)", "Cost a month"]
      .map((text) => el("th", { scope: "col" }, text));
    form.replaceChildren(
      el("p", { class: "estimator__title", id: `${id}-title` },
        el("strong", {}, view.title), " (US East, N. Virginia; USD a month)"),
      el("div", { class: "estimator__fields" }, ...fields),
      el("p", { class: "estimator__check" }, el("label", {},
        el("input", { type: "checkbox", name: "free", checked: true }),
        " Subtract the monthly free allowance")),
      el("p", { class: "estimator__total", id: `${id}-total`, role: "status",
        "aria-live": "polite", "aria-atomic": "true" }),
      bar,
      el("ul", { class: "estimator__legend" }, ...legend),
      el("div", { class: "estimator__scroll" }, el("table", { class: "estimator__table" },
        el("thead", {}, el("tr", {}, ...head)),
        el("tbody", {}, ...rows),
        el("tfoot", {}, el("tr", {},
          el("th", { scope: "row", colspan: "4" }, "Total"), el("td", { "data-total": true }))))));
  }

  function setUp(form) {
    const model = JSON.parse(form.dataset.model);
    build(form, model);
    const prefix = form.dataset.key ? `${form.dataset.key}.` : "";
    const inputs = [...form.querySelectorAll("input[type=text]")];
    const freeBox = form.querySelector("input[name=free]");
    const total = form.querySelector(".estimator__total");
    const bar = form.querySelector(".estimator__bar");
    const defaults = new Map(inputs.map((input) => [input.name, input.value]));

    // State from the URL (?units=...&free=off, prefixed on pages with two estimators).
    const params = new URLSearchParams(window.location.search);
    for (const input of inputs) {
      const given = params.get(prefix + input.name);
      if (given !== null) input.value = given;
    }
    if (params.get(`${prefix}free`) === "off") freeBox.checked = false;

    function showError(input, message) {
      const slot = document.getElementById(`${input.id}-error`);
      slot.textContent = message || "";
      if (message) input.setAttribute("aria-invalid", "true");
      else input.removeAttribute("aria-invalid");
    }

    function remember() {
      const url = new URL(window.location.href);
      for (const input of inputs) {
        const key = prefix + input.name;
        if (input.value.trim() === defaults.get(input.name)) url.searchParams.delete(key);
        else url.searchParams.set(key, input.value.trim());
      }
      if (freeBox.checked) url.searchParams.delete(`${prefix}free`);
      else url.searchParams.set(`${prefix}free`, "off");
      if (url.href !== window.location.href) {
        window.history.replaceState(window.history.state, "", url.href);
      }
    }

    function drawBar(result) {
      while (bar.firstChild) bar.firstChild.remove();
      const track = document.createElementNS(SVG_NS, "rect");
      track.setAttribute("class", "estimator__track");
      track.setAttribute("width", "1000");
      track.setAttribute("height", "24");
      bar.append(track);
      let x = 0;
      Object.keys(model.services).forEach((service, index) => {
        const share = result.total > 0 ? (result.services[service] || 0) / result.total : 0;
        if (share <= 0) return;
        const rect = document.createElementNS(SVG_NS, "rect");
        rect.setAttribute("class", `estimator__seg estimator__seg--${index % 8}`);
        rect.setAttribute("x", String(x));
        rect.setAttribute("width", String(share * 1000));
        rect.setAttribute("height", "24");
        const title = document.createElementNS(SVG_NS, "title");
        title.textContent = `${model.services[service]}: ${money.format(result.services[service] / 100)}`;
        rect.append(title);
        bar.append(rect);
        x += share * 1000;
      });
    }

    function update() {
      const values = {};
      let units = 0;
      let valid = true;
      for (const input of inputs) {
        const parsed = read(input);
        showError(input, parsed.error);
        if (parsed.error) valid = false;
        else if (input.name === "units") units = parsed.value;
        else values[input.name] = parsed.value;
      }
      form.classList.toggle("estimator--stale", !valid);
      if (!valid) return; // keep the last valid estimate on screen
      const result = estimate(model, units, values, freeBox.checked);
      for (const row of form.querySelectorAll("tr[data-price]")) {
        const id = row.dataset.price;
        const quantity = result.quantities[id];
        row.querySelector("[data-quantity]").textContent =
          `${count.format(quantity)} ${plural(model.prices[id].unit, quantity)}`;
        row.querySelector("[data-cost]").textContent = money.format(result.prices[id] / 100);
      }
      for (const item of form.querySelectorAll("li[data-service]")) {
        item.querySelector("[data-cost]").textContent =
          money.format((result.services[item.dataset.service] || 0) / 100);
      }
      const sum = money.format(result.total / 100);
      form.querySelector("[data-total]").textContent = sum;
      const allowance = freeBox.checked ? "after" : "before";
      total.textContent = `Estimated total: ${sum} a month for ${count.format(units)} ` +
        `${plural(model.unit, units) === model.unit ? model.unit : model.units}, ${allowance} the free allowance.`;
      drawBar(result);
      remember();
    }

    form.addEventListener("input", update);
    form.addEventListener("change", update);
    form.addEventListener("submit", (event) => event.preventDefault());
    update();
    form.hidden = false;
    form.dataset.ready = "";
  }

  function setUpPage() {
    for (const form of document.querySelectorAll("form.estimator:not([data-ready])")) {
      try {
        setUp(form);
      } catch (error) {
        console.error(`estimator ${form.id}:`, error); // the static table still stands
      }
    }
  }

  // Material publishes every page view (instant navigation included) on document$.
  if (window.document$) window.document$.subscribe(setUpPage);
  else if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setUpPage);
  else setUpPage();
})();
