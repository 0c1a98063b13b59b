"""Registry-scale pages and the lookup, built from fixture records and a fixture registry."""

from __future__ import annotations

import re
from urllib.parse import unquote

import pytest

from conftest import FIXTURES, make_project, needs_chromium, search, serving

REGISTRY = FIXTURES / "registry" / "current.csv"


def _html(project, rel):
    return (project.root / "site" / rel).read_text(encoding="utf-8")


def test_every_assigned_port_gets_a_page_in_every_language(registry_site):
    for prefix in ("", "fr/", "de/"):
        for port in (22, 443, 6000, 6031, 6063, 12345):
            assert (registry_site.root / "site" / prefix / "ports" / str(port) / "index.html").is_file()
    assert not (registry_site.root / "site/ports/6064/index.html").exists()
    assert not (registry_site.root / "site/ports/24/index.html").exists()  # a row with no service name


def test_registry_only_page_shows_the_facts_localized(registry_site):
    html = _html(registry_site, "fr/ports/12345/index.html")
    text = re.sub(r"<[^>]+>", "", html)
    assert "Port 12345\u00a0: Italk Chat System" in text
    assert "Données du registre uniquement" in text
    assert "Takayuki Ito" in text  # the assignee, readable
    assert "Voir ce qui utilise ce port" in text and "L’ouvrir ou le bloquer" in text
    link = re.search(r'href="(https://github.com/portpages/portpages/new/main/ports\?filename=12345\.yaml&amp;value=[^"]+)"', html)
    assert link and "port%3A%2012345" in link.group(1)


def test_registry_references_become_footnotes(registry_site):
    html = _html(registry_site, "ports/443/index.html")
    assert re.search(r'<li id="fn:registry.1">\s*<p><a href="https://www.rfc-editor.org/rfc/rfc9110">RFC 9110</a>', html)
    assert re.search(r'<li id="fn:registry.2">\s*<p><a href="https://www.rfc-editor.org/rfc/rfc9260">RFC 9260</a>', html)
    assert re.findall(r'href="#fn:registry.\d">(\d)<', html)[:2] == ["1", "2"]


def test_curated_record_merges_over_registry_facts(registry_site):
    html = _html(registry_site, "ports/22/index.html")
    assert "SSH (fixture)" in html  # the record's title wins
    assert "What the IANA registry says" in html
    assert "Registry facts only" not in html
    # The record's two sources are footnotes 1 and 2; the registry's references follow them.
    assert re.search(r'<li id="fn:registry.1">\s*<p><a href="https://www.rfc-editor.org/rfc/rfc4251">RFC 4251</a>', html)
    assert re.search(r'href="#fn:registry.1">3<', html)


def test_registry_text_cannot_inject_markup(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text(REGISTRY.read_text().replace("Italk Chat System", "Italk <script>alert(1)</script> *x*"))
    (tmp_path / "p").mkdir()
    project = make_project(tmp_path / "p")
    assert project.run("generate", "--registry", str(bad)).code == 0
    page = (project.root / "docs/ports/12345.md").read_text()
    assert "<script>" not in page and "&lt;script&gt;" in page and "\\*x\\*" in page


@needs_chromium
def test_lookup_answers_60767_443_and_65535(registry_site, browser):
    errors = []
    page = browser.new_page()
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    page.on("pageerror", lambda e: errors.append(str(e)))
    with serving(registry_site.root / "site") as base:
        def look_up(start, value):
            page.goto(start)
            page.fill("#pp-lookup-port", value)
            page.click("form.pp-lookup button")

        look_up(f"{base}/lookup/", "60767")
        page.wait_for_url(f"{base}/ports/60767/")
        look_up(f"{base}/fr/", "443")  # from the French home page, to the French page
        page.wait_for_url(f"{base}/fr/ports/443/")
        look_up(f"{base}/lookup/", "65535")
        answer = page.locator(".pp-lookup__answer")
        answer.wait_for(state="visible")
        assert "Port 65535 is in the Dynamic Ports, 49152–65535 (RFC 6335), which IANA never assigns" in answer.inner_text()
        for value, expected in (("230", "IANA has reserved it"), ("24", "unassigned"), ("65536", "is not a port number"),
                                ("http", "“http” is not a port number")):
            page.fill("#pp-lookup-port", value)
            page.click("form.pp-lookup button")
            page.wait_for_function("e => e.textContent.includes(%r)" % expected, arg=answer.element_handle())
    page.close()
    assert errors == []


@needs_chromium
def test_search_finds_ports_by_number_and_name_in_the_readers_language(registry_site, browser):
    page = browser.new_page()
    with serving(registry_site.root / "site") as base:
        for start, query, expected in (("/", "60767", "/ports/60767/"), ("/fr/", "60767", "/fr/ports/60767/"),
                                       ("/de/", "italk", "/de/ports/12345/"), ("/fr/", "ssh", "/fr/ports/22/"),
                                       ("/", "x11", "/ports/6000/")):
            page.goto(base + start)
            hrefs = search(page, query)
            assert hrefs[0] == base + expected, (start, query, hrefs)
            prefix = base + start.rstrip("/") + "/"
            assert all(h.startswith(prefix) for h in hrefs), (start, query, hrefs)  # only this language
    page.close()


@needs_chromium
@pytest.mark.parametrize("path, lang, heading, answer, link", [
    ("/ports/24/", "en", "Port 24", "Port 24 is in the System Ports, 0–1023 (RFC 6335) and unassigned", "Write the record for port 24"),
    ("/fr/ports/12346/", "fr", "Port 12346", "Le port 12346 se trouve dans la plage « Ports utilisateur, 1024–49151 (RFC 6335) » et n’est pas attribué",
     "Rédiger la fiche du port 12346"),
    ("/de/ports/230/", "de", "Port 230", "Die IANA hat ihn reserviert", "Den Eintrag für Port 230 schreiben"),
    ("/de/ports/65000/", "de", "Port 65000", "den die IANA nie vergibt", "Den Eintrag für Port 65000 schreiben"),
    ("/fr/ports/70000/", "fr", "Page introuvable", "« 70000 » n’est pas un numéro de port", None),
    ("/ports/http/", "en", "Page not found", "“http” is not a port number", None),
    ("/de/nirgends/", "de", "Seite nicht gefunden", "Unter dieser Adresse gibt es keine Seite.", None),
])
def test_every_number_answers_from_the_404_page_in_the_readers_language(registry_site, browser, path, lang, heading, answer, link):
    page = browser.new_page()
    with serving(registry_site.root / "site") as base:
        response = page.goto(base + path)
        assert response.status == 404
        box = page.locator(".pp-missing")
        page.wait_for_function("h => h.textContent.trim() === %r" % heading, arg=box.locator("h1").element_handle())
        assert box.get_attribute("lang") == lang
        assert answer in box.locator(".pp-missing__answer").inner_text()
        write = box.locator(".pp-missing__write")
        if link is None:
            assert not write.is_visible()
        else:
            assert write.inner_text() == link
            number = re.search(r"\d+", path).group()
            href = write.get_attribute("href")
            assert href.startswith(f"https://github.com/portpages/portpages/new/main/ports?filename={number}.yaml&value=")
            assert f"port: {number}\n" in unquote(href)
        home = box.locator(".pp-missing__home").get_attribute("href")
        assert home == base + ("/" if lang == "en" else f"/{lang}/")
    page.close()
