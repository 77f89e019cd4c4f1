// The theme's search worker, with query words treated like the indexed words and pages ranked
// as answers.
//
// Material indexes pages through lunr's stop-word filter and stemmer, then appends "*" to every
// query word, and lunr skips its pipeline for any word with a wildcard. So "migrating*" never
// met the indexed stem "migrat", and "a*", "do*", "how*" matched every word starting with them.
// Then it ranks sections one by one: lunr's BM25 score times (1 + g^2), where g is the share of
// query words the section matched (counted by prefix of the word as typed, so "retried" never
// counted as found in "retri"), plus 1 for a page's first section; results are grouped by page
// in the order of each page's best section. A section whose title held one query word, or a
// page that repeated a word in every section, beat the page that has all of the reader's words.
//
// This file loads the theme's worker unchanged (its file name is this script's URL fragment,
// set by overrides/main.html) and changes four things:
// 1. Query words are treated like indexed words: stop words ("how", "do", "I") are dropped where
//    the query is parsed, punctuation is trimmed, and each complete word matches whole, as typed
//    or as its stem. Only the last word, which may be half typed, also matches as a prefix.
// 2. A word counts as found in a section when any of its forms matched, so the theme's g is right.
// 3. Pages are ranked as answers: first by how many of the query's words the page contains in
//    any of its sections, then by how many of them one of its sections holds together, then by
//    the theme's score of its best section. (More of the reader's words, then closer together,
//    then relevance: the usual order of tie-breaks in site search.)
// 4. The index is built when the reader first searches, not on every page load.
// Zensical's search does not use lunr: there the patch finds nothing to do.
"use strict";
(() => {
  const TITLE_BOOST = 10;
  const MIN_PREFIX = 4;
  // The theme's message types: set-up (with the index), ready, query, results.
  const SETUP = 0;
  const READY = 1;
  const QUERY = 2;
  const RESULT = 3;
  let patched = false; // only the theme's lunr answers are re-ranked
  let searching = false;
  let found = new Map(); // section location -> the query words it matched, for the last search

  const patch = (lunr) => {
    if (!lunr || !lunr.Builder || lunr.Builder.prototype.readerQueries) return;
    const build = lunr.Builder.prototype.build;
    lunr.Builder.prototype.build = function () {
      const stack = this.searchPipeline._stack;
      for (const fn of [lunr.trimmer, lunr.stopWordFilter]) {
        if (stack.includes(fn)) continue;
        if (stack.includes(lunr.stemmer)) this.searchPipeline.before(lunr.stemmer, fn);
        else this.searchPipeline.add(fn);
      }
      return build.call(this);
    };
    // A word in a title counts 1,000 times a word in the text by the theme's default: short
    // sections such as "Retry and Catch" and one-line service pages outranked the page that
    // explains the words. Titles still count more, but not overwhelmingly.
    const field = lunr.Builder.prototype.field;
    lunr.Builder.prototype.field = function (name, attributes = {}) {
      const boost = name === "title" ? TITLE_BOOST : attributes.boost;
      return field.call(this, name, { ...attributes, boost });
    };
    // Stop words leave the query where it is parsed, both for the search and for the theme's
    // count of the query words a result matched.
    const trim = (term) => lunr.trimmer(new lunr.Token(term)).toString();
    const isStopWord = (term) => !lunr.stopWordFilter(trim(term));
    const parse = lunr.QueryParser.prototype.parse;
    lunr.QueryParser.prototype.parse = function () {
      const query = parse.call(this);
      const last = query.clauses[query.clauses.length - 1];
      if (last) last.lastWord = true;
      query.clauses = query.clauses.filter((c) => !isStopWord(c.term.replace(/^\*|\*$/g, "")));
      return query;
    };
    const search = lunr.Index.prototype.search;
    lunr.Index.prototype.search = function (text) {
      searching = true; // the reader's query, not the theme's title suggestions
      try {
        return search.call(this, text);
      } finally {
        searching = false;
      }
    };
    const covers = (term, indexed) =>
      term.endsWith("*") ? indexed.startsWith(term.slice(0, -1)) : indexed === term;
    const query = lunr.Index.prototype.query;
    lunr.Index.prototype.query = function (build) {
      const pipeline = this.pipeline;
      const words = new Map(); // query word -> the index terms and prefixes it searches
      const results = query.call(this, function (q) {
        build.call(q, q);
        // The parser keeps the "*" in the term and turns the pipeline off for it. Every word
        // but the last is complete, so it matches as a whole word (as typed, or its stem); the
        // last may still be half typed, so it also matches as a prefix: as typed, and as its
        // stem when that is long enough to mean something ("map*" would match "MapReduce").
        q.clauses = q.clauses.flatMap((clause) => {
          const word = clause.term.slice(0, -1);
          if (clause.usePipeline || !clause.term.endsWith("*") || word.includes("*")) {
            return [clause];
          }
          const stems = pipeline.runString(word, { fields: clause.fields });
          if (!stems.length) return [];
          const typed = trim(word);
          const terms = new Set([typed, ...stems]);
          // "down?" ends a question: a word followed by punctuation is complete.
          if (clause.lastWord && !/\W$/.test(word)) {
            terms.add(`${typed}*`);
            for (const stem of stems) if (stem.length >= MIN_PREFIX) terms.add(`${stem}*`);
          }
          words.set(word, [...terms]);
          return [...terms].map((term) => ({ ...clause, term }));
        });
      });
      // The theme counts a query word as found when an indexed term starts with the word as
      // typed. Name each word a result matched in any form, with no positions (so nothing more
      // is highlighted), and the count is right.
      if (searching) found = new Map();
      for (const result of results) {
        const indexed = Object.keys(result.matchData.metadata);
        const matched = [...words].filter(([, terms]) =>
          terms.some((term) => indexed.some((i) => covers(term, i))),
        );
        for (const [word] of matched) result.matchData.metadata[word] ??= {};
        if (searching) found.set(result.ref, matched.map(([word]) => word));
      }
      return results;
    };
    lunr.Builder.prototype.readerQueries = true;
    patched = true;
  };

  // The theme's answer lists pages (each a group of sections, best first) in the order of their
  // best section; this puts them in the order described at the top of this file.
  const rank = (message) => {
    if (!patched || message?.type !== RESULT || !Array.isArray(message.data?.items)) return message;
    const words = (item) => found.get(item.location) ?? [];
    const pages = message.data.items.map((group) => ({
      group,
      words: new Set(group.flatMap(words)).size,
      together: Math.max(0, ...group.map((item) => words(item).length)),
      score: Math.max(0, ...group.map((item) => item.score)),
    }));
    pages.sort((a, b) => b.words - a.words || b.together - a.together || b.score - a.score);
    message.data.items = pages.map((page) => page.group);
    return message;
  };
  // 4. The index is built when the reader first searches, not on every page load: building it
  // took about half a second of processor time per page view, searched or not. The theme's
  // set-up message is answered "ready" at once and kept. The theme's empty query on page load
  // gets the theme's own answer to it (no results); the first real query hands the set-up to
  // the theme, and queries wait until the theme has built the index.
  // self.readerSearch tells the tests whether the index waits, is being built, or is built.
  const held = { setup: null, building: false, queries: [] };
  self.readerSearch = () => (held.setup ? (held.building ? "building" : "waiting") : "built");
  const listeners = []; // the theme's message listeners, called by the one below
  const deliver = (event) => listeners.forEach((listener) => listener.call(self, event));
  const lazily = (event) => {
    if (event.data?.type === SETUP && !held.setup) {
      held.setup = event;
      post({ type: READY });
    } else if (held.setup && !held.building && event.data?.type === QUERY && event.data.data === "") {
      post({ type: RESULT, data: { items: [] } });
    } else if (held.setup) {
      held.queries.push(event);
      if (!held.building) {
        held.building = true;
        deliver(held.setup);
      }
    } else {
      deliver(event);
    }
  };
  const built = (message) => {
    if (!held.building || message?.type !== READY) return false;
    const queries = held.queries;
    Object.assign(held, { setup: null, building: false, queries: [] });
    queries.forEach(deliver);
    return true; // the reader was told "ready" already
  };

  const post = self.postMessage.bind(self);
  self.postMessage = (message, ...rest) => built(message) || post(rank(message), ...rest);

  const worker = decodeURIComponent(self.location.hash.slice(1));
  if (!/^search\.[\w.-]+\.js$/.test(worker)) {
    throw new Error(`reader-search: bad worker "${worker}"`);
  }
  const addEventListener = self.addEventListener.bind(self);
  self.addEventListener = (type, listener, options) =>
    type === "message" ? listeners.push(listener) : addEventListener(type, listener, options);
  self.importScripts(new URL(worker, self.location.href).href);
  self.addEventListener = addEventListener;
  // Zensical's worker sets self.onmessage and builds at once: it is left as it is.
  if (listeners.length) addEventListener("message", lazily);
  patch(self.lunr);
})();
