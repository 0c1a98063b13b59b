"""Every page type, in every language and in both colour schemes, passes axe-core in
Chromium with no violation (WCAG 2.2 A and AA, and axe's best practices).

axe-core comes from npm (package.json, installed by `make test`) and is injected into
each page by the test; nothing is fetched while the tests run.
"""

from __future__ import annotations

import json

import pytest

from conftest import ROOT, needs_chromium, search, serving

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
PAGES = {  # page type: address under a language's root
    "home": "",
    "curated port": "ports/22/",
    "curated port with a translation": "ports/60767/",
    "registry-only port": "ports/12345/",
    "lookup": "lookup/",
    "index": "ports/",
    "ranges": "ranges/",
    "range": "ranges/user/",
    "record format": "reference/record-format/",
    "translation status": "reference/translations/",
}


@pytest.fixture(scope="module")
def site(registry_site):
    return registry_site.root / "site"


@pytest.fixture(scope="module")
def axe() -> str:
    if not AXE.is_file():
        pytest.fail("axe-core is not installed: run `make test` (it runs `npm ci`), or `npm ci` in the project")
    return AXE.read_text("utf-8")


def _violations(page, axe: str, within: str | None = None) -> list[str]:
    page.add_script_tag(content=axe)
    result = page.evaluate("([within, tags]) => axe.run(within || document, {runOnly: {type: 'tag', values: tags}})",
                           [within, TAGS])
    return [f"{v['id']} ({v['impact']}): {v['help']} at {json.dumps([n['target'] for n in v['nodes']][:3])}"
            for v in result["violations"]]


@needs_chromium
@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("lang", ["", "fr/", "de/"])
def test_every_page_type_passes_axe(site, browser, axe, lang, scheme):
    # bypass_csp: the pages' policy would (rightly) refuse the injected axe script.
    context = browser.new_context(color_scheme=scheme, bypass_csp=True)
    page = context.new_page()
    found = {}
    with serving(site) as base:
        for kind, rel in PAGES.items():
            page.goto(f"{base}/{lang}{rel}")
            page.wait_for_load_state("networkidle")
            found[kind] = _violations(page, axe)
        page.goto(f"{base}/{lang}ports/3000/")  # the 404 page answering a number
        page.locator(".pp-missing__write").wait_for()
        found["404 page"] = _violations(page, axe)
        page.goto(f"{base}/{lang}ports/22/")
        search(page, "ssh")  # the search open, with results
        page.wait_for_timeout(400)  # once it has faded in: axe measures contrast as shown
        # The search itself: the page under its overlay was checked above (and, covered,
        # its links would count as too small to hit).
        found["search results"] = _violations(page, axe, ".pp-search")
    context.close()
    assert {kind: v for kind, v in found.items() if v} == {}


@needs_chromium
def test_dark_scheme_follows_the_system_setting(site, browser):
    colours = {}
    with serving(site) as base:
        for scheme in ("light", "dark"):
            context = browser.new_context(color_scheme=scheme)
            page = context.new_page()
            page.goto(base + "/ports/22/")
            colours[scheme] = page.evaluate("getComputedStyle(document.body).backgroundColor")
            context.close()
    assert colours["light"] == "rgb(255, 255, 255)"
    assert colours["dark"] != colours["light"]
