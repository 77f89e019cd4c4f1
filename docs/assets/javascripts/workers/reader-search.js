// The theme's search worker, with query words treated like the indexed words.
//
// Material indexes pages through lunr's stop-word filter and stemmer, then appends "*" to every
// query word, and lunr skips its pipeline for any word with a wildcard. So "migrating*" never
// met the indexed stem "migrat", and "a*", "do*", "how*" matched every word starting with them:
// questions and other word forms ranked pages almost at random.
// This file loads the theme's worker unchanged (its file name is this script's URL fragment,
// set by overrides/main.html), then patches the lunr it defines: every index's query pipeline
// drops English stop words, each complete word is searched as typed and as its stem, and only
// the last word, which may still be half typed, also matches as a prefix. Zensical's search does not use
// lunr, so there the patch finds nothing to do.
"use strict";
(() => {
  const TITLE_BOOST = 10;
  const MIN_PREFIX = 4;
  const patch = (lunr) => {
    if (!lunr || !lunr.Builder || lunr.Builder.prototype.readerQueries) return;
    const build = lunr.Builder.prototype.build;
    lunr.Builder.prototype.build = function () {
      const stack = this.searchPipeline._stack;
      if (!stack.includes(lunr.stopWordFilter)) {
        if (stack.includes(lunr.stemmer)) this.searchPipeline.before(lunr.stemmer, lunr.stopWordFilter);
        else this.searchPipeline.add(lunr.stopWordFilter);
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
    const query = lunr.Index.prototype.query;
    lunr.Index.prototype.query = function (build) {
      const pipeline = this.pipeline;
      return query.call(this, function (q) {
        build.call(q, q);
        // The parser keeps the "*" in the term and turns the pipeline off for it. Every word
        // but the last is complete, so it matches as a whole word (as typed, or its stem); the
        // last may still be half typed, so it also matches as a prefix: as typed, and as its
        // stem when that is long enough to mean something ("map*" would match "MapReduce").
        const last = q.clauses.length - 1;
        q.clauses = q.clauses.flatMap((clause, index) => {
          const word = clause.term.slice(0, -1);
          if (clause.usePipeline || !clause.term.endsWith("*") || word.includes("*")) {
            return [clause];
          }
          const stems = pipeline.runString(word, { fields: clause.fields });
          if (!stems.length) return []; // a stop word
          const terms = new Set([word, ...stems]);
          if (index === last) {
            terms.add(`${word}*`);
            for (const stem of stems) if (stem.length >= MIN_PREFIX) terms.add(`${stem}*`);
          }
          return [...terms].map((term) => ({ ...clause, term }));
        });
      });
    };
    lunr.Builder.prototype.readerQueries = true;
  };
  const worker = decodeURIComponent(self.location.hash.slice(1));
  if (!/^search\.[\w.-]+\.js$/.test(worker)) throw new Error(`reader-search: bad worker "${worker}"`);
  self.importScripts(new URL(worker, self.location.href).href);
  patch(self.lunr);
})();
