"""The real `mkdocs build --strict` on fixture records: what a reader gets in the HTML."""

from __future__ import annotations

import re

import pytest

from conftest import ROOT, make_project


def _html(site, rel):
    return (site.root / "site" / rel).read_text(encoding="utf-8")


def test_french_port_page_has_feedback_footnotes_related_and_tabs(built_site):
    html = _html(built_site, "fr/ports/60767/index.html")
    assert '<html lang="fr"' in html
    assert "Cette page vous a-t-elle été utile\u00a0?" in html
    # Numbered footnotes in order of first citation, with their sources.
    refs = re.findall(r'<sup id="fnref[^"]*"><a class="footnote-ref" href="#fn:([a-z0-9-]+)">(\d+)<', html)
    assert refs[:2] == [("apple", "1"), ("apple", "1")] and ("rfc6335", "2") in refs
    # The cited document's title is its own, in English, and marked so.
    assert re.search(r'<li id="fn:apple">\s*<p><a href="https://support.apple.com/en-us/103229"><span lang="en">TCP and UDP ports used by Apple software products</span></a>', html)
    # Related port links to its page, with its title; the range to its range page.
    assert '<a href="../63146/">Port 63146\u00a0: Second fixture port</a>' in html
    assert 'href="../../ranges/dynamic/"' in html
    # Linux, macOS and Windows tabs, in that order in every section; PowerShell named where it is.
    sets = [re.findall(rf'<label for="__tabbed_{n}_\d">([^<]+)</label>', html) for n in (1, 2, 3)]
    assert sets == [["Linux", "macOS", "Windows: PowerShell"], ["Linux", "macOS", "Windows: PowerShell"],
                    ["Linux: ufw", "Linux: firewalld", "Linux: nftables", "macOS: pf", "Windows: PowerShell"]]
    assert "Get-NetTCPConnection -LocalPort 60767" in re.sub(r"<[^>]+>", "", html)
    assert "sudo lsof -nP -iTCP:60767 -sTCP:LISTEN" in re.sub(r"<[^>]+>", "", html)
    # Edit link to the YAML file that holds this page's text.
    assert 'href="https://github.com/portpages/portpages/edit/main/ports/60767.fr.yaml"' in html


def test_feedback_note_links_to_a_prefilled_issue(built_site):
    html = _html(built_site, "fr/ports/60767/index.html")
    match = re.search(r'<a href="([^"]+issues/new[^"]+)"', html)
    assert match, "no issue link in the feedback note"
    assert "template=correction.yml" in match.group(1)
    assert "page=/fr/ports/60767/" in match.group(1)


def test_each_language_has_its_own_words(built_site):
    assert "Was this page helpful?" in _html(built_site, "ports/60767/index.html")
    assert "War diese Seite hilfreich?" in _html(built_site, "de/ports/60767/index.html")
    assert "Checking what" in _html(built_site, "ports/22/index.html")
    # No overlay: English prose under a localized notice.
    de = _html(built_site, "de/ports/22/index.html")
    assert "Fixture prose" in de and 'class="admonition info"' in de


def test_sitemap_has_hreflang_alternates(built_site):
    sitemap = _html(built_site, "sitemap.xml")
    for lang, prefix in (("en", ""), ("fr", "fr/"), ("de", "de/")):
        assert f'hreflang="{lang}" href="https://portpages.example/{prefix}ports/60767/"' in sitemap


def test_port_pages_stay_out_of_the_navigation(built_site):
    html = _html(built_site, "index.html")
    assert 'href="ports/60767/"' not in html.split('<div class="md-content"')[0]


def test_no_generated_text_reaches_the_page_as_html(built_site):
    html = _html(built_site, "ports/60767/index.html")
    assert "<script>alert" not in html


def test_broken_record_leaves_docs_and_site_untouched(built_site, tmp_path):
    import shutil

    proj = make_project(tmp_path)
    shutil.rmtree(proj.root / "docs")
    shutil.copytree(built_site.root / "docs", proj.root / "docs")
    shutil.copytree(built_site.root / "site", proj.root / "site")
    docs, site = proj.snapshot("docs"), proj.snapshot("site")
    (proj.ports / "22.yaml").write_text((proj.ports / "22.yaml").read_text().replace("port: 22", "port: 22\nport: 23"))
    for command in ("check", "site"):
        run = proj.run(command)
        assert run.code == 1
        assert run.lines[0].startswith("ports/22.yaml:3:1: E002 duplicate key 'port' (first at line 2)")
        assert "Traceback" not in run.err
    assert proj.snapshot("docs") == docs
    assert proj.snapshot("site") == site


def test_translation_status_page_in_every_language(built_site):
    for prefix, word in (("", "Translated"), ("fr/", "Traduites"), ("de/", "Übersetzt")):
        html = _html(built_site, f"{prefix}reference/translations/index.html")
        assert f'<th style="text-align: right;">{word}</th>' in html
    fr = _html(built_site, "fr/reference/translations/index.html")
    assert '<a href="../../ports/60767/">60767</a>' in fr


def test_every_port_page_has_check_test_and_firewall_sections_in_every_language(built_site):
    headings = {"": ("Checking what", "Test it from another machine", "Open or block it"),
                "fr/": ("Voir ce qui utilise ce port", "Le tester depuis une autre machine", "L’ouvrir ou le bloquer"),
                "de/": ('id="check"', 'id="test"', 'id="firewall"')}
    for prefix, words in headings.items():
        for port in (22, 60767, 63146):
            html = _html(built_site, f"{prefix}ports/{port}/index.html")
            for anchor in ('id="check"', 'id="test"', 'id="firewall"'):
                assert anchor in html, (prefix, port, anchor)
            for word in words:
                assert word in html, (prefix, port, word)
    linux = _html(built_site, "de/ports/22/index.html")
    assert "sudo ufw allow 22/tcp" in linux and "New-NetFirewallRule" in linux


def test_the_firewall_introduction_says_what_its_commands_do(built_site):
    # Each tab holds pairs: open, then block (or, for firewalld, take the opening away).
    html = _html(built_site, "ports/22/index.html")
    intro = re.search(r'id="firewall".*?<p>(.*?)</p>', html, re.S).group(1)
    assert "opens the port" in intro and "blocks it" in intro and "firewalld" in intro
    text = re.sub(r"<[^>]+>", "", html)
    assert "sudo ufw allow 22/tcp\nsudo ufw deny 22/tcp" in text
    assert "--add-port=22/tcp\nsudo firewall-cmd --permanent --remove-port=22/tcp" in text


@pytest.mark.parametrize("page, words", [("ports/22/index.html", "Made with "), ("fr/ports/22/index.html", "Réalisé avec "),
                                         ("de/ports/22/index.html", "Erstellt mit ")])
def test_the_footer_credit_is_in_the_pages_language(built_site, page, words):
    footer = re.search(r'<div class="md-copyright">(.*?)</div>', _html(built_site, page), re.S).group(1)
    assert footer.strip().startswith(words)
    # The product's name stays English, and says so to a screen reader.
    assert '<a href="https://squidfunk.github.io/mkdocs-material/" target="_blank" rel="noopener" lang="en">Material for MkDocs</a>' in footer


@pytest.mark.parametrize("page, answers", [("ports/22/index.html", ["Yes", "No"]), ("fr/ports/22/index.html", ["Oui", "Non"]),
                                           ("de/ports/22/index.html", ["Ja", "Nein"])])
def test_the_feedback_answers_are_words_in_the_pages_language(built_site, page, answers):
    html = _html(built_site, page)
    buttons = re.findall(r'<button class="md-feedback__icon pp-feedback__answer" type="submit" title="[^"]+" data-md-value="(\d)">([^<]+)</button>', html)
    assert buttons == [("1", answers[0]), ("0", answers[1])]
    assert "<svg" not in re.search(r'<form class="md-feedback".*?</form>', html, re.S).group(0)


def test_tables_come_wrapped_for_scrolling_with_materials_own_style(built_site):
    from pathlib import Path

    import material

    html = _html(built_site, "ports/index.html")
    # Scrolls on a narrow screen without waiting for Material's script to wrap it.
    assert '<div class="md-typeset__scrollwrap"><div class="md-typeset__table"><table class="pp-table">' in html
    assert "<table>" not in html
    css = next((Path(material.__file__).parent / "templates/assets/stylesheets").glob("main.*.min.css")).read_text("utf-8")
    first, last = css.index(".md-typeset table:not([class]){"), css.rindex("table:not([class])")
    material_rules = css[first:css.index("}", last) + 1].replace("table:not([class])", "table.pp-table")
    assert material_rules in (ROOT / "docs/assets/portpages.css").read_text("utf-8")
