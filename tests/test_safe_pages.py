"""A record that talks about HTML and script builds, shows its text literally, and runs
nothing; every page carries a Content-Security-Policy that Chromium enforces."""

from __future__ import annotations

import re
import shutil

import pytest
from selectolax.lexbor import LexborHTMLParser

from conftest import make_project, needs_chromium, search, serving

TITLE = "</title><script>alert(1)</script>"
USE = "<img src=x onerror=alert(1)>"
HEADING = "Headings { #evil onclick=alert(1) } & <b>bold</b>"
PUBLISHER = "[evil]: javascript:alert(1)"
SOURCE_TITLE = "x](javascript:alert(1)) [y"
EDGE = f"""\
port: 22
protocols: [tcp]
title: "{TITLE}"
iana:
  status: assigned
  services:
    - name: ssh
      protocols: [tcp]
summary: "Shows `<script>alert(1)</script>` as code and javascript:alert(1) as text [^rfc4251]."
sections:
  - id: what
    heading: "{HEADING}"
    body: |
      Inline `<img src=x onerror=alert(1)>` and `[x](javascript:alert(1))` stay code [^rfc4251].

      ```html
      <script>alert(1)</script>
      ```

      Text that says javascript:alert(1), 1 < 2 > 0 & done, and `[^rfc4251]` as code.
uses:
  - name: "{USE}"
    official: true
    note: "Runs `onerror=alert(1)` only in a code span [^rfc4251]."
security:
  - "A one-line note with !!! danger and === tab markers that stay text [^rfc4251]."
related:
  - port: 63146
    note: "`<b onmouseover=alert(1)>` as code [^iana]"
sources:
  - key: rfc4251
    title: "{SOURCE_TITLE}"
    url: https://www.rfc-editor.org/rfc/rfc4251
    publisher: "{PUBLISHER}"
    primary: true
  - key: iana
    title: Service Name and Transport Protocol Port Number Registry
    url: https://www.iana.org/assignments/service-names-port-numbers/service-names-port-numbers.xhtml
    publisher: IANA
    primary: true
"""


# A translation's own names for the use and the publisher are plain text too.
EDGE_FR = f"""\
translates: 0123456789ab
use_names:
  "{USE}": "{USE} <b>fr</b>"
publishers:
  "{PUBLISHER}": "{PUBLISHER} (fr)"
"""


@pytest.fixture(scope="module")
def edge_site(tmp_path_factory):
    project = make_project(tmp_path_factory.mktemp("edge"))
    project.write("22.yaml", EDGE)
    project.write("22.fr.yaml", EDGE_FR)
    for command in ("fmt", "site", "offline"):
        run = project.run(command)
        assert run.code == 0, run.err
    return project


def _tree(project, rel: str):
    return LexborHTMLParser((project.root / rel).read_text("utf-8"))


def test_dangerous_looking_text_is_shown_literally(edge_site):
    tree = _tree(edge_site, "site/ports/22/index.html")
    assert tree.css_first("title").text() == f"Port 22: {TITLE} - portpages"
    assert tree.css_first("article h1").text().rstrip("¶") == f"Port 22: {TITLE}"
    assert tree.css_first("meta[name=description]").attributes["content"].startswith(
        "Shows <script>alert(1)</script> as code and javascript:alert(1) as text")
    assert tree.css_first("h2#what").text().rstrip("¶") == HEADING
    code = [node.text() for node in tree.css("article code")]
    assert "<img src=x onerror=alert(1)>" in code and "<script>alert(1)</script>" in "".join(code)
    assert any(node.text().startswith(USE) for node in tree.css("article li strong"))
    source = tree.css_first("li#fn\\:rfc4251")
    assert source.css_first("a").text() == SOURCE_TITLE
    assert source.css_first("a").attributes["href"] == "https://www.rfc-editor.org/rfc/rfc4251"
    assert PUBLISHER in source.text()
    # Nothing of it became markup: no handler, no javascript: link, no script but the site's.
    for node in tree.root.traverse():
        assert not [a for a in node.attributes if a.startswith("on")], node.html[:80]
        assert not (node.attributes.get("href") or "").lower().startswith("javascript:")
    assert all(s.attributes.get("src") or s.attributes.get("type") == "application/json" or "alert" not in s.text()
               for s in tree.css("script"))


def test_translated_use_names_and_publishers_are_shown_literally(edge_site):
    tree = _tree(edge_site, "site/fr/ports/22/index.html")
    names = [node for node in tree.css("article li strong") if node.text().startswith(USE)]
    assert [n.text() for n in names] == [f"{USE} <b>fr</b>"]
    assert names[0].css_first("[lang=en]") is None  # it is the French name, not English
    source = tree.css_first("li#fn\\:rfc4251")
    assert f"{PUBLISHER} (fr)" in source.text()
    assert source.css_first("a [lang=en]").text() == SOURCE_TITLE  # the document's own title, in English
    for node in tree.root.traverse():
        assert not [a for a in node.attributes if a.startswith("on")], node.html[:80]
        assert not (node.attributes.get("href") or "").lower().startswith("javascript:")


def test_search_rows_cannot_end_their_script(edge_site):
    rows = (edge_site.root / "site/search/en.js").read_text("utf-8")
    assert "</" not in rows  # "</script>" in a title would end a <script> early: it is "<\\/"
    assert '"<\\/title><script>alert(1)<\\/script>"' in rows


@needs_chromium
def test_search_shows_a_hostile_title_as_text(edge_site, browser):
    page = browser.new_page()
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    with serving(edge_site.root / "site") as base:
        page.goto(base + "/ports/63146/")
        hrefs = search(page, "22")
        assert hrefs[0] == base + "/ports/22/"
        assert page.locator(".md-search-result__item h1").first.inner_text() == f"Port 22: {TITLE}"
        assert page.locator(".md-search-result__item script, .md-search-result__item [onerror]").count() == 0
    page.close()
    assert dialogs == []


def test_every_page_of_both_builds_carries_the_policy(edge_site):
    for folder in ("site", "site-offline"):
        pages = sorted((edge_site.root / folder).rglob("*.html"))
        assert len(pages) > 30
        for page in pages:
            head = LexborHTMLParser(page.read_text("utf-8")).head
            first = [n for n in head.iter() if n.tag in ("meta", "script", "link")]
            policy = [n for n in first if n.attributes.get("http-equiv") == "Content-Security-Policy"]
            assert policy and first.index(policy[0]) < 2, page
            content = policy[0].attributes["content"]
            assert "script-src 'self' 'sha256-" in content and "unsafe-inline" not in content.split("style-src")[0], page
            assert "object-src 'none'" in content and "img-src 'self' data:" in content


def test_the_build_refuses_a_page_the_checker_never_saw(project):
    # A hand-written page is not a record, so only the build-time check stands between it and readers.
    (project.root / "docs" / "notes.md").write_text("# Notes\n\n<img src=x onerror=alert(1)>\n\n<!-- hidden -->\n")
    run = project.run("site")
    assert run.code == 1 and "Traceback" not in run.err
    assert "docs/notes.md:1:1: E963 the rendered page has what a page may not: images are not allowed" in run.err
    assert "docs/notes.md:1:1: E963 the rendered page has what a page may not: an HTML comment is not allowed" in run.err
    assert not (project.root / "site").exists()


def test_the_build_refuses_a_template_that_adds_script(project):
    main = project.root / "overrides" / "main.html"
    # A script that prints a page's value differs on every page, so no hash can allow it.
    main.write_text(main.read_text() + '{% block footer %}<script>var t = {{ base_url | tojson }}</script>'
                    '<a href="javascript:x">x</a><script src="https://cdn.example/x.js"></script>{% endblock %}\n')
    run = project.run("site")
    assert run.code == 1 and "Traceback" not in run.err
    for what in ("an inline script the theme's templates do not have", "javascript: URL in href= on <a>",
                 "a script from outside the site"):
        assert f"E964 the built page has {what}" in run.err, what


# --- in the browser -----------------------------------------------------------------------

_WATCH = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", e => window.__violations.push(e.violatedDirective + " " + e.blockedURI));
"""
_FOUND = """() => ({
  handlers: [...document.querySelectorAll("*")].filter(e => [...e.attributes].some(a => a.name.startsWith("on"))).map(e => e.tagName),
  javascript: [...document.querySelectorAll("[href],[src],[action]")].map(e => e.getAttribute("href") || e.getAttribute("src") || e.getAttribute("action")).filter(u => /^\\s*javascript:/i.test(u)),
  violations: window.__violations,
  pwned: window.__pwned || null,
})"""


def _visit(browser, url):
    page = browser.new_page()
    dialogs, errors = [], []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.add_init_script(_WATCH)
    page.goto(url)
    page.wait_for_load_state("networkidle")
    return page, dialogs, errors


@needs_chromium
@pytest.mark.parametrize("where", ["hosted", "file"])
def test_in_chromium_nothing_runs_and_nothing_is_blocked(edge_site, browser, where):
    with serving(edge_site.root / "site") as base:
        urls = ([f"{base}/ports/22/", f"{base}/fr/ports/22/", f"{base}/ports/", f"{base}/"] if where == "hosted" else
                [(edge_site.root / "site-offline" / rel).as_uri() for rel in ("ports/22.html", "de/ports/22.html", "index.html")])
        for url in urls:
            page, dialogs, errors = _visit(browser, url)
            page.wait_for_timeout(200)
            found = page.evaluate(_FOUND)
            assert dialogs == [] and errors == [], (url, dialogs, errors)
            assert found == {"handlers": [], "javascript": [], "violations": [], "pwned": None}, url
            assert TITLE in page.title() or "/ports/22" not in url
            page.close()


@needs_chromium
def test_an_injected_script_is_refused_by_the_policy(edge_site, browser, tmp_path):
    site = tmp_path / "site"
    shutil.copytree(edge_site.root / "site", site)
    page_file = site / "ports" / "22" / "index.html"
    html = page_file.read_text("utf-8")
    injected = ('<script>window.__pwned = "inline"; alert(1)</script>'
                '<img src="x" onerror="window.__pwned = \'handler\'; alert(2)">'
                '<a id="js" href="javascript:window.__pwned=\'link\'">x</a>')
    page_file.write_text(re.sub(r"(<article[^>]*>)", lambda m: m.group(1) + injected, html, count=1), "utf-8")
    with serving(site) as base:
        page, dialogs, errors = _visit(browser, f"{base}/ports/22/")
        page.locator("#js").click()
        page.wait_for_timeout(300)
        found = page.evaluate(_FOUND)
        assert dialogs == [] and found["pwned"] is None
        blocked = " ".join(found["violations"])
        assert blocked.count("script-src") >= 3, found["violations"]  # the script, the handler and the link
        assert any("Content Security Policy" in e for e in errors)
        page.close()
