/*
 * Site search: the header box (overrides/partials/search.html) over the sharded index that
 * scripts/search_index.py writes into search/. Nothing is downloaded until the first query; a query
 * then reads search/manifest.js once, the term shards its terms hash to, and one small file per
 * page shown. Every file is a classic script that hands its data to window.shebaoSearch, so the same
 * code works over http and from disk (file://, where fetch and XHR of sibling files are refused).
 *
 * Terms are cut exactly as scripts/search_index.py cuts the pages (tests/test_search_index.py
 * compares the two): NFKC, lower case, traditional → simplified, Chinese runs → character bigrams
 * (a lone character stays itself), letters and digits → words, 陕人社发〔2017〕60号 → "2017:60".
 *
 * Ranking: each posting carries its weight (BM25, more in a heading); a page scores its best
 * section plus a share of the others (manifest.otherSections), times the square of the share of the query's terms it contains (so a page holding
 * the whole phrase or document number beats one holding a common part of it). Pages about the
 * site itself (manifest.aboutFrom onwards) come after every public page.
 */
(function () {
  "use strict";

  const root = document.querySelector("[data-site-search]");
  if (!root) return;

  const CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff";
  const RUN = new RegExp(`[${CJK}]+|[a-z0-9]+`, "g");
  const DOCUMENT_NUMBER = /[〔[(【]?\s*((?:19|20)[0-9][0-9])\s*[〕\])】]?\s*第?\s*([0-9]{1,4})\s*号/g;
  const IS_CJK = new RegExp(`^[${CJK}]`);
  const SHOWN_PAGES = 10;
  const SHOWN_SECTIONS = 3;

  // The document's base, not its address: 404.html, shown at a missing address, sets a <base> at the root.
  const indexURL = new URL(root.dataset.siteSearch, document.baseURI);
  const input = root.querySelector(".md-search__input");
  const form = root.querySelector("form");
  const result = root.querySelector(".md-search-result");
  const meta = result.querySelector(".md-search-result__meta");
  const list = result.querySelector(".md-search-result__list");
  const toggle = document.getElementById("__search");
  const translations = readTranslations();

  function readTranslations() {
    const config = document.getElementById("__config");
    try {
      return JSON.parse(config.textContent).translations || {};
    } catch (error) {
      return {};
    }
  }

  function t(key, count) {
    const text = translations[key] || "";
    return count === undefined ? text : text.replace("#", String(count));
  }

  /* --- loading the index: classic scripts that call window.shebaoSearch ---------------------- */

  const received = new Map();
  const loading = new Map();
  window.shebaoSearch = {
    manifest: (key, data) => received.set(`manifest/${key}`, data),
    terms: (key, data) => received.set(`t/${key}`, data),
    page: (key, data) => received.set(`p/${key}`, data),
    // The terms of a text as this script cuts it (tests/test_search_index.py compares with Python).
    cut: (text) => load("manifest/0").then((manifest) => termsOf(text, variantsOf(manifest))),
  };

  function load(name) {
    if (!loading.has(name)) {
      const file = name === "manifest/0" ? "manifest.js" : `${name}.js`;
      loading.set(
        name,
        new Promise((resolve, reject) => {
          const script = document.createElement("script");
          script.src = new URL(file, indexURL).href;
          script.async = true;
          script.onload = () => (received.has(name) ? resolve(received.get(name)) : reject(new Error(file)));
          script.onerror = () => {
            loading.delete(name);
            reject(new Error(file));
          };
          document.head.appendChild(script);
        }),
      );
    }
    return loading.get(name);
  }

  /* --- terms: the same cut as scripts/search_index.py ----------------------------------------- */

  function normalise(text, variants) {
    let out = "";
    for (const char of text.normalize("NFKC").toLowerCase()) out += variants.get(char) || char;
    return out;
  }

  function termsOf(text, variants) {
    const normal = normalise(text, variants);
    const terms = [];
    for (const [run] of normal.matchAll(RUN)) {
      if (!IS_CJK.test(run) || run.length === 1) terms.push(run);
      else for (let i = 0; i + 1 < run.length; i++) terms.push(run.slice(i, i + 2));
    }
    for (const match of normal.matchAll(DOCUMENT_NUMBER)) terms.push(`${match[1]}:${Number(match[2])}`);
    return terms;
  }

  function shardOf(term, shards) {
    let value = 0x811c9dc5;
    for (let i = 0; i < term.length; i++) {
      value ^= term.charCodeAt(i);
      value = Math.imul(value, 0x01000193) >>> 0;
    }
    return value % shards;
  }

  let variantsCache = null;
  function variantsOf(manifest) {
    if (!variantsCache) {
      variantsCache = new Map();
      const pairs = [...manifest.variants];
      for (let i = 0; i + 1 < pairs.length; i += 2) variantsCache.set(pairs[i], pairs[i + 1]);
    }
    return variantsCache;
  }

  /* --- ranking ---------------------------------------------------------------------------------- */

  async function rank(query) {
    const manifest = await load("manifest/0");
    const variants = variantsOf(manifest);
    const terms = [...new Set(termsOf(query, variants))];
    const shards = await Promise.all(terms.map((term) => load(`t/${shardOf(term, manifest.shards)}`)));
    const pages = new Map();
    let known = 0;
    terms.forEach((term, i) => {
      const postings = shards[i][term];
      if (!postings) return;
      known++;
      let page = 0;
      for (let j = 0; j < postings.length; j += 3) {
        page += postings[j]; // pages are written as steps from the one before
        const [section, weight] = [postings[j + 1], postings[j + 2]];
        if (!pages.has(page)) pages.set(page, { page, sections: new Map(), terms: new Set() });
        const hit = pages.get(page);
        hit.sections.set(section, (hit.sections.get(section) || 0) + weight);
        hit.terms.add(term);
      }
    });
    const ranked = [...pages.values()].map((hit) => {
      const scores = [...hit.sections.values()];
      const best = Math.max(...scores);
      const rest = scores.reduce((sum, score) => sum + score, 0) - best;
      const coverage = hit.terms.size / known;
      return { ...hit, score: (best + rest * manifest.otherSections) * coverage * coverage, about: hit.page >= manifest.aboutFrom };
    });
    ranked.sort((a, b) => a.about - b.about || b.score - a.score || a.page - b.page);
    return { terms, variants, ranked };
  }

  /* --- showing results ---------------------------------------------------------------------------- */

  // Which characters of a text belong to a term of the query (for <mark>).
  function markedRanges(text, terms, variants) {
    const wanted = new Set(terms);
    const normal = [...text].map((char) => normalise(char, variants));
    const marked = new Array(normal.length).fill(false);
    const onlyUnigrams = terms.every((term) => term.length === 1);
    for (let i = 0; i < normal.length; i++) {
      const pair = normal[i] + (normal[i + 1] || "");
      if (normal[i + 1] !== undefined && wanted.has(pair) && IS_CJK.test(pair)) marked[i] = marked[i + 1] = true;
      else if (onlyUnigrams && wanted.has(normal[i])) marked[i] = true;
    }
    const lower = normal.join("");
    if (lower.length === normal.length) {
      for (const term of wanted) {
        if (!/^[a-z0-9]+$/.test(term)) continue;
        for (let at = lower.indexOf(term); at >= 0; at = lower.indexOf(term, at + term.length)) {
          const before = lower[at - 1] || " ";
          const after = lower[at + term.length] || " ";
          if (/[a-z0-9]/.test(before) || /[a-z0-9]/.test(after)) continue;
          for (let k = at; k < at + term.length; k++) marked[k] = true;
        }
      }
    }
    return { chars: [...text], marked };
  }

  function highlighted(element, text, terms, variants) {
    const { chars, marked } = markedRanges(text, terms, variants);
    let i = 0;
    while (i < chars.length) {
      let j = i;
      while (j < chars.length && marked[j] === marked[i]) j++;
      const piece = chars.slice(i, j).join("");
      if (marked[i]) {
        const mark = document.createElement("mark");
        mark.textContent = piece;
        element.appendChild(mark);
      } else {
        element.appendChild(document.createTextNode(piece));
      }
      i = j;
    }
    return element;
  }

  function resultLink(page, section, query, terms, variants, heading) {
    const link = document.createElement("a");
    link.className = "md-search-result__link";
    link.tabIndex = -1;
    link.href = new URL(`${page.u}?h=${encodeURIComponent(query)}${section[0]}`, indexURL.href + "../").href;
    const article = document.createElement("article");
    article.className = "md-search-result__article md-typeset";
    if (heading === "h1") {
      const icon = document.createElement("div");
      icon.className = "md-search-result__icon md-icon";
      article.appendChild(icon);
    }
    article.appendChild(highlighted(document.createElement(heading), section[1], terms, variants));
    if (section[2]) article.appendChild(highlighted(document.createElement("p"), section[2], terms, variants));
    link.appendChild(article);
    return link;
  }

  function resultItem(hit, page, query, terms, variants) {
    const item = document.createElement("li");
    item.className = "md-search-result__item";
    const order = [...hit.sections.entries()].sort((a, b) => b[1] - a[1]).map(([section]) => section);
    const lead = page.s[0];
    const top = order[0] === 0 ? lead : [page.s[order[0]][0], page.t, page.s[order[0]][2]];
    item.appendChild(resultLink(page, top, query, terms, variants, "h1"));
    const others = order.filter((section) => section !== 0 && section !== order[0]);
    const shown = others.slice(0, SHOWN_SECTIONS);
    for (const section of shown) item.appendChild(resultLink(page, page.s[section], query, terms, variants, "h2"));
    if (others.length > shown.length) {
      const more = document.createElement("details");
      more.className = "md-search-result__more";
      const summary = document.createElement("summary");
      summary.tabIndex = -1;
      const label = document.createElement("div");
      const count = others.length - shown.length;
      label.textContent = count === 1 ? t("search.result.more.one") : t("search.result.more.other", count);
      summary.appendChild(label);
      more.appendChild(summary);
      const box = document.createElement("div");
      for (const section of others.slice(shown.length)) {
        box.appendChild(resultLink(page, page.s[section], query, terms, variants, "h2"));
      }
      more.appendChild(box);
      item.appendChild(more);
    }
    return item;
  }

  let latest = "";

  async function run(query) {
    if (query === latest) return;
    latest = query;
    if (!query.trim()) {
      show(query, t("search.result.placeholder"), []);
      return;
    }
    try {
      const { terms, variants, ranked } = await rank(query);
      const top = ranked.slice(0, SHOWN_PAGES);
      const pages = await Promise.all(top.map((hit) => load(`p/${hit.page}`)));
      if (query !== latest) return;
      const items = top.map((hit, i) => resultItem(hit, pages[i], query, terms, variants));
      const count = ranked.length;
      const text =
        count === 0
          ? t("search.result.none")
          : count === 1
            ? t("search.result.one")
            : `找到 ${t("search.result.other", count)}`;
      show(query, text, items);
    } catch (error) {
      if (query !== latest) return;
      latest = "";
      show(query, "搜索索引没有读出来，请刷新页面再试。", []);
    }
  }

  function show(query, text, items) {
    meta.textContent = text;
    list.replaceChildren(...items);
    result.dataset.query = query;
  }

  /* --- the box: open, close, keys ---------------------------------------------------------------- */

  function open() {
    if (toggle && !toggle.checked) toggle.checked = true;
  }

  function close() {
    if (toggle) toggle.checked = false;
    input.blur();
  }

  function links() {
    return [...list.querySelectorAll(".md-search-result__link")].filter((link) => link.offsetParent !== null);
  }

  input.addEventListener("focus", open);
  input.addEventListener("input", () => run(input.value));
  form.addEventListener("submit", (event) => event.preventDefault());
  form.addEventListener("reset", () => {
    setTimeout(() => {
      run("");
      input.focus();
    });
  });
  if (toggle) {
    toggle.addEventListener("change", () => {
      if (toggle.checked) input.focus();
      else input.blur();
    });
  }

  root.addEventListener("keydown", (event) => {
    if (event.isComposing) return;
    const all = links();
    const at = all.indexOf(document.activeElement);
    if (event.key === "Escape") {
      close();
      event.preventDefault();
    } else if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      if (!all.length) return;
      const step = event.key === "ArrowDown" ? 1 : -1;
      const next = at < 0 ? (step > 0 ? 0 : all.length - 1) : at + step;
      if (next < 0 || next >= all.length) input.focus();
      else all[next].focus();
      event.preventDefault();
    } else if (event.key === "Enter" && document.activeElement === input && all.length) {
      all[0].click();
      event.preventDefault();
    }
  });

  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey || event.isComposing) return;
    const target = event.target;
    if (target.closest && target.closest("input, textarea, select, [contenteditable]")) return;
    if (event.key === "/" || event.key === "s" || event.key === "f") {
      input.focus();
      input.select();
      event.preventDefault();
    }
  });

  /* --- on the page a result opened: mark the query (?h=...) ------------------------------------- */

  const asked = new URLSearchParams(location.search).get("h");
  const content = document.querySelector(".md-content article");
  if (asked && content) {
    load("manifest/0").then((manifest) => {
      const variants = variantsOf(manifest);
      const terms = termsOf(asked, variants);
      const walker = document.createTreeWalker(content, NodeFilter.SHOW_TEXT);
      const nodes = [];
      while (walker.nextNode()) {
        const node = walker.currentNode;
        if (!node.parentElement.closest("script, style, mark, .headerlink")) nodes.push(node);
      }
      for (const node of nodes) {
        const { marked } = markedRanges(node.data, terms, variants);
        if (!marked.includes(true)) continue;
        const span = highlighted(document.createDocumentFragment(), node.data, terms, variants);
        node.replaceWith(span);
      }
    }, () => undefined);
  }
})();
