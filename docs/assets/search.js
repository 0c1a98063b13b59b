// The header's search (overrides/partials/search.html). Nothing is downloaded until the
// reader focuses the box; then this language's rows (search/<lang>.js, written by
// scripts/portpages/search.py) arrive by a <script> tag, which works from file:// too.
// Ranking knows what a port is: a number opens that port's page first (or its range's
// page when it has none), and a name finds curated records before registry-only pages.
// Everything shown is set as text, never as HTML.
(function () {
  var KIND_PAGE = 3, KIND_CURATED = 2;
  var SHOWN = 30;

  function fold(text) {
    return String(text).toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "");
  }

  function words(text) {
    return fold(text).split(/[^a-z0-9\u00c0-\uffff]+/).filter(Boolean);
  }

  function fill(text, values) {
    return text.replace(/\{(\w+)\}/g, function (all, key) { return key in values ? values[key] : all; });
  }

  // One row as the ranking reads it, its words folded once when the data arrives.
  function entry(row) {
    var port = typeof row[0] === "number" ? row[0] : null;
    var names = row[2] ? row[2].split(" ") : [];
    return {
      port: port, path: port === null ? row[0] : "ports/" + port, title: row[1], kind: row[4], text: row[3],
      names: names.map(fold), nameWords: words(row[2]), titleWords: words(row[1]),
      textWords: words(row[3]).concat(row[5] ? row[5].split(" ") : [])
    };
  }

  // How well one query word matches a list of words: 2 whole, 1 as the start of one.
  function match(list, word, prefix) {
    var best = 0;
    for (var i = 0; i < list.length; i++) {
      if (list[i] === word) return 2;
      if (prefix && list[i].lastIndexOf(word, 0) === 0) best = 1;
    }
    return best;
  }

  function score(e, query, terms) {
    var total = 0;
    for (var i = 0; i < terms.length; i++) {
      var last = i === terms.length - 1, t = terms[i], best = 0;
      if (e.port !== null && String(e.port) === t) best = 100;
      else if (last && e.port !== null && /^\d+$/.test(t) && String(e.port).lastIndexOf(t, 0) === 0) best = 10;
      var m = match(e.nameWords, t, last);
      if (m) best = Math.max(best, m === 2 ? 60 : 30);
      m = match(e.titleWords, t, last);
      if (m) best = Math.max(best, m === 2 ? 40 : 20);
      m = match(e.textWords, t, last);
      if (m) best = Math.max(best, m === 2 ? 8 : 4);
      if (!best && (t.length > 2 || /^\d+$/.test(t))) return 0;  // every real word must match
      total += best;
    }
    if (e.names.indexOf(query.replace(/\s+/g, "-")) >= 0) total += 100;  // the whole IANA name
    return total * (e.kind === KIND_CURATED ? 2 : 1);
  }

  function rank(data, raw) {
    var query = fold(raw).trim();
    var terms = words(query);
    if (!terms.length) return [];
    var found = [];
    if (/^\d{1,5}$/.test(query) && Number(query) <= 65535) {
      // A port number: its page; or, when it has none, the page of its range.
      var port = Number(query);
      var own = data.entries.filter(function (e) { return e.port === port; })[0];
      var range = data.ranges.filter(function (r) { return port >= r[1] && port <= r[2]; })[0];
      var rangePage = data.entries.filter(function (e) { return e.path === "ranges/" + range[0]; })[0];
      if (own) found.push(own);
      else if (rangePage) found.push(rangePage);
    }
    var scored = [];
    for (var i = 0; i < data.entries.length; i++) {
      var e = data.entries[i];
      if (found.indexOf(e) >= 0) continue;
      var s = score(e, query, terms);
      if (s) scored.push([s, e]);
    }
    scored.sort(function (a, b) {
      return b[0] - a[0] || (a[1].port === null ? -1 : a[1].port) - (b[1].port === null ? -1 : b[1].port)
        || (a[1].path < b[1].path ? -1 : 1);
    });
    return found.concat(scored.map(function (pair) { return pair[1]; }));
  }

  function href(box, path) {
    var base = box.dataset.ppIndex.replace(/search\/[^\/]+\.js$/, "") + box.dataset.ppPrefix;
    if (box.dataset.ppFiles) return base + path + ".html";
    return base + path.replace(/(^|\/)index$/, "$1").replace(/([^\/])$/, "$1/");
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text;
    return node;
  }

  function show(box, data, raw) {
    var meta = box.querySelector(".md-search-result__meta");
    var list = box.querySelector(".md-search-result__list");
    var w = data.words;
    list.textContent = "";
    if (!raw.trim()) { meta.textContent = w.hint; return; }
    var results = rank(data, raw);
    meta.textContent = !results.length ? fill(w.none, { query: raw.trim() })
      : results.length === 1 ? w.one : fill(w.other, { count: results.length });
    results.slice(0, SHOWN).forEach(function (e) {
      var item = element("li", "md-search-result__item");
      var link = element("a", "md-search-result__link");
      link.href = href(box, e.path);
      var article = element("article", "md-search-result__article md-typeset");
      var title = e.port === null ? e.title : fill(data.title, { port: e.port, title: e.title });
      article.appendChild(element("h1", "", title));
      var more = e.kind === KIND_PAGE || e.kind === KIND_CURATED ? e.text : e.names.join(", ");
      if (more) article.appendChild(element("p", "", more));
      link.appendChild(article);
      item.appendChild(link);
      list.appendChild(item);
    });
  }

  function setUp(box) {
    var input = box.querySelector(".md-search__input");
    var toggle = document.getElementById("__search");
    var lang = box.dataset.ppLang;
    var state = "idle";  // idle, loading, ready, failed
    var data = null;

    function answer() {
      if (state === "ready") show(box, data, input.value);
    }

    function load() {
      if (state !== "idle") return;
      var store = window.__portpagesSearch || {};
      if (store[lang]) return ready(store[lang]);
      state = "loading";
      box.querySelector(".md-search-result__meta").textContent = box.dataset.ppLoading;
      var script = document.createElement("script");
      script.src = box.dataset.ppIndex;
      script.onload = function () { ready(window.__portpagesSearch[lang]); };
      script.onerror = function () {
        state = "failed";
        box.querySelector(".md-search-result__meta").textContent = box.dataset.ppFailed;
      };
      document.head.appendChild(script);
    }

    function ready(raw) {
      data = { words: raw.words, title: raw.title, ranges: raw.ranges, entries: raw.rows.map(entry) };
      state = "ready";
      answer();
    }

    function open() {
      if (!toggle.checked) toggle.checked = true;
      load();
    }

    function close() {
      toggle.checked = false;
      input.blur();
    }

    input.addEventListener("focus", open);
    input.addEventListener("input", function () { load(); answer(); });
    toggle.addEventListener("change", function () { if (toggle.checked) input.focus(); });
    box.querySelector("form").addEventListener("submit", function (ev) {
      ev.preventDefault();
      var first = box.querySelector(".md-search-result__link");
      if (first) location.href = first.href;
    });
    box.querySelector("form").addEventListener("reset", function () {
      setTimeout(function () { answer(); input.focus(); });
    });
    box.addEventListener("keydown", function (ev) {
      var links = Array.prototype.slice.call(box.querySelectorAll(".md-search-result__link"));
      var at = links.indexOf(document.activeElement);
      if (ev.key === "Escape") { ev.preventDefault(); close(); }
      else if (ev.key === "ArrowDown" && links.length) { ev.preventDefault(); links[Math.min(at + 1, links.length - 1)].focus(); }
      else if (ev.key === "ArrowUp" && at >= 0) { ev.preventDefault(); (at === 0 ? input : links[at - 1]).focus(); }
    });
    document.addEventListener("keydown", function (ev) {
      var target = ev.target;
      if (ev.ctrlKey || ev.metaKey || ev.altKey || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName) || target.isContentEditable) return;
      if (ev.key === "/" || ev.key === "s" || ev.key === "f") { ev.preventDefault(); input.focus(); }
    });
  }

  var box = document.querySelector(".pp-search");
  if (box) setUp(box);
})();
