"""A reader in headless Chromium: the French page works, with no failed request and no console error."""

from __future__ import annotations

import pytest

from conftest import needs_chromium, serving

pytestmark = needs_chromium


@pytest.fixture(scope="module")
def server(built_site):
    with serving(built_site.root / "site") as base:
        yield base


class Watch:
    """Every failed request and console error of one page."""

    def __init__(self, page):
        self.failed, self.errors = [], []
        page.on("requestfailed", lambda r: self.failed.append(f"{r.url} {r.failure}"))
        page.on("response", lambda r: r.status >= 400 and self.failed.append(f"{r.url} {r.status}"))
        page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        page.on("pageerror", lambda e: self.errors.append(str(e)))


def test_french_reader_rates_a_page_and_sees_the_french_note(server, browser):
    page = browser.new_page()
    watch = Watch(page)
    page.goto(f"{server}/fr/ports/60767/")
    form = page.locator("form[name=feedback]")
    form.wait_for(state="visible")
    assert form.locator(".md-feedback__title").inner_text().strip() == "Cette page vous a-t-elle été utile\u00a0?"
    page.locator("button.md-feedback__icon[data-md-value='0']").click()
    note = page.locator(".md-feedback__note [data-md-value='0']")
    note.wait_for(state="visible")
    assert "Merci" in note.inner_text()
    assert "template=correction.yml" in note.locator("a").get_attribute("href")
    assert page.locator(".md-feedback__note [data-md-value='1']").is_hidden()
    # Footnote and tab work as a reader uses them.
    page.locator("label", has_text="Linux").first.click()
    assert page.get_by_text("sudo ss -ltnp 'sport = :60767'").first.is_visible()
    page.wait_for_load_state("networkidle")
    assert watch.failed == [] and watch.errors == []
    page.close()


def test_vote_is_remembered_and_nothing_is_sent_without_an_endpoint(server, browser):
    page = browser.new_page()
    sent = []
    page.on("request", lambda r: r.method == "POST" and sent.append(r.url))
    page.goto(f"{server}/ports/22/")
    page.locator("button.md-feedback__icon[data-md-value='1']").click()
    page.reload()
    page.locator(".md-feedback__note [data-md-value='1']").wait_for(state="visible")
    assert sent == []
    page.close()


def test_language_switch_keeps_the_page(server, browser):
    page = browser.new_page()
    watch = Watch(page)
    page.goto(f"{server}/ports/60767/")
    page.wait_for_load_state("networkidle")  # so the switch aborts no request still loading
    page.locator(".md-select__link[hreflang=fr]").dispatch_event("click")
    page.wait_for_url(f"{server}/fr/ports/60767/")
    page.wait_for_load_state("networkidle")
    assert watch.failed == [] and watch.errors == []
    page.close()
