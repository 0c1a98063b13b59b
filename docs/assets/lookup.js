// Port lookup, with no server: any number 0-65535 either opens its page or is answered
// from lookup/ports.js (which ports have pages, which the registry reserves). The data
// file is loaded with a <script> tag, not fetch(), so the lookup works from file:// too.
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

  function answer(form, raw) {
    var t = JSON.parse(form.getAttribute("data-messages"));
    var text = raw.trim();
    if (!/^\d{1,5}$/.test(text) || Number(text) > 65535) {
      return { message: fill(t.invalid, { input: text }) };
    }
    var port = Number(text);
    var data = window.__portpagesLookup;
    var range = RANGES.filter(function (r) { return port >= r[1] && port <= r[2]; })[0][0];
    var values = { port: port, range: t.ranges[range] };
    if (data.pages.indexOf(port) >= 0) {
      var index = form.parentNode.querySelector("a.pp-lookup-pages");
      return { message: fill(t.opening, values), go: pageUrl(index.href, port) };
    }
    if (range === "dynamic") return { message: fill(t.dynamic, values) };
    if (!data.registry) return { message: fill(t.unknown, values) };
    return { message: fill(isReserved(data.reserved, port) ? t.reserved : t.unassigned, values) };
  }

  document$.subscribe(function () {
    var form = document.querySelector("form.pp-lookup");
    if (!form || form.dataset.ready) return;
    form.dataset.ready = "yes";
    var data = form.parentNode.querySelector("a.pp-lookup-data");
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      load(data.href, function () {
        var result = answer(form, form.elements.port.value);
        form.querySelector(".pp-lookup__answer").textContent = result.message;
        if (result.go) location.href = result.go;
      });
    });
  });
})();
