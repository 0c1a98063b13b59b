// Feedback widget without Google Analytics: Material renders the form hidden and leaves
// it to the analytics provider; this is ours. A vote shows the note for that rating, is
// remembered in this browser, and is POSTed as JSON only when the site was built with an
// endpoint (FEEDBACK_URL); otherwise nothing leaves the page.
document$.subscribe(function () {
  var form = document.forms.feedback;
  if (!form || form.dataset.portpages) return;
  form.dataset.portpages = "ready";
  var key = "portpages.feedback:" + location.pathname;

  function show(value) {
    form.firstElementChild.disabled = true;
    var note = form.querySelector(".md-feedback__note [data-md-value='" + value + "']");
    if (note) note.hidden = false;
  }

  form.hidden = false;
  try {
    var earlier = localStorage.getItem(key);
    if (earlier !== null) show(earlier);
  } catch (e) { /* storage may be off (private mode, file:// policies) */ }

  // The page as a path inside the site (ports/22/, or ports/22.html read from a file
  // share), whatever folder or host the site is served from.
  function sitePath() {
    var base = JSON.parse(document.getElementById("__config").textContent).base;
    var root = new URL(base.replace(/\/?$/, "/"), location.href).href;
    var here = location.href.split(/[?#]/)[0];
    return here.indexOf(root) === 0 ? here.slice(root.length) : location.pathname.replace(/^\//, "");
  }

  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    var value = ev.submitter.getAttribute("data-md-value");
    show(value);
    try { localStorage.setItem(key, value); } catch (e) { /* see above */ }
    var config = document.getElementById("__portpages");
    var endpoint = config ? JSON.parse(config.textContent).feedback : "";
    if (endpoint) {
      fetch(endpoint, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ page: sitePath(), lang: document.documentElement.lang, value: Number(value) })
      }).catch(function () { /* a lost vote is not worth an error */ });
    }
  });
});
