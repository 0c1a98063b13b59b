// Port lookup, with no server: any number 0-65535 either opens its page or is answered
// from lookup/ports.js (which ports have pages, which the registry reserves). The data
// file is loaded with a <script> tag, not fetch(), so the lookup works from file:// too.
// The 404 page (overrides/404.html) gives the same answer for the number in its address,
// in the language the address names, with every language's words from lookup/missing.js.
(function () {
  var RANGES = [["system", 0, 1023], ["user", 1024, 49151], ["dynamic", 49152, 65535]];

  function load(src, done) {
    if (window.__portpagesLookup) return done();
    var script = document.createElement("script");
    script.src = src;
    script.onload = done;
    document.head.appendChild(script);
  }

  function fill(text, values) {
    return text.replace(/\{(\w+)\}/g, function (all, key) { return key in values ? values[key] : all; });
  }

  function pageUrl(indexHref, port) {
    // The ports index link is ".../ports/" on a server and ".../ports/index.html" offline.
    return /index\.html$/.test(indexHref)
      ? indexHref.replace(/index\.html$/, port + ".html")
      : indexHref.replace(/\/?$/, "/") + port + "/";
  }

  function isReserved(reserved, port) {
    for (var i = 0; i < reserved.length; i++) {
      if (port >= reserved[i][0] && port <= reserved[i][1]) return true;
    }
    return false;
  }

  // What the lookup says of `raw` in the words `t`: { message, port, range, page }.
  function answer(t, raw) {
    var text = raw.trim();
    if (!/^\d{1,5}$/.test(text) || Number(text) > 65535) {
      return { message: fill(t.invalid, { input: text }) };
    }
    var port = Number(text);
    var data = window.__portpagesLookup;
    var range = RANGES.filter(function (r) { return port >= r[1] && port <= r[2]; })[0][0];
    var values = { port: port, range: t.ranges[range] };
    var result = { port: port, range: range };
    if (data.pages.indexOf(port) >= 0) {
      result.page = true;
      result.message = fill(t.opening, values);
    } else if (range === "dynamic") result.message = fill(t.dynamic, values);
    else if (!data.registry) result.message = fill(t.unknown, values);
    else result.message = fill(isReserved(data.reserved, port) ? t.reserved : t.unassigned, values);
    return result;
  }

  function setUpForm(form) {
    if (form.dataset.ready) return;
    form.dataset.ready = "yes";
    var t = JSON.parse(form.getAttribute("data-messages"));
    var data = form.parentNode.querySelector("a.pp-lookup-data");
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      load(data.href, function () {
        var result = answer(t, form.elements.port.value);
        form.querySelector(".pp-lookup__answer").textContent = result.message;
        if (result.page) location.href = pageUrl(form.parentNode.querySelector("a.pp-lookup-pages").href, result.port);
      });
    });
  }

  // The 404 page: which language and number the address names, and the answer for it.
  function answerMissing(box) {
    var m = window.__portpagesMissing;
    if (!m || !window.__portpagesLookup) return;
    var root = box.querySelector(".pp-missing__home").href.replace(/[^\/]*$/, "");
    var path = decodeURIComponent(location.href.split(/[?#]/)[0]);
    if (path.lastIndexOf(root, 0) !== 0) return;
    var rel = path.slice(root.length);
    var lang = m["default"];
    var first = rel.split("/")[0];
    if (first !== m["default"] && m.languages[first]) { lang = first; rel = rel.slice(first.length + 1); }
    var t = m.languages[lang];
    document.querySelector(".pp-missing").lang = lang;
    box.querySelector("h1").textContent = t.title;
    box.querySelector(".pp-missing__look-up").textContent = t.look_up;
    box.querySelector(".pp-missing__look-up").href = root + t.prefix + "lookup/";
    box.querySelector(".pp-missing__home").textContent = t.home;
    box.querySelector(".pp-missing__home").href = root + t.prefix;
    var asked = /^ports\/([^\/]*)\/?(?:index\.html)?$/.exec(rel) || /^ports\/([^\/]*)\.html$/.exec(rel);
    var message = box.querySelector(".pp-missing__answer");
    if (!asked) { message.textContent = t.nothing; return; }
    var result = answer(t, asked[1]);
    message.textContent = result.page ? t.nothing : result.message;
    if (result.port === undefined) return;
    box.querySelector("h1").textContent = fill(t.port_title, { port: result.port });
    var link = box.querySelector(".pp-missing__write");
    if (result.page) {
      link.href = root + t.prefix + "ports/" + result.port + "/";
      link.textContent = fill(t.port_title, { port: result.port });
    } else {
      link.href = m.new_file + "?filename=" + result.port + ".yaml&value="
        + encodeURIComponent(fill(t.record[result.range], { port: result.port }));
      link.textContent = fill(t.write, { port: result.port });
    }
    link.parentNode.hidden = false;
  }

  document$.subscribe(function () {
    var form = document.querySelector("form.pp-lookup");
    if (form) setUpForm(form);
    var missing = document.querySelector(".pp-missing");
    if (missing) answerMissing(missing);
  });
})();
