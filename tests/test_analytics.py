"""A hosted site may use Material's Google Analytics provider instead of its own widget:
its inline script is admitted by hash and Google's origins by the page's policy. The
offline site never uses it."""

from __future__ import annotations

import os
import shutil

import pytest
from selectolax.lexbor import LexborHTMLParser

from conftest import ROOT, make_project, needs_chromium, serving

GOOGLE = {"ANALYTICS_PROVIDER": "google", "ANALYTICS_PROPERTY": "G-TEST1234"}


@pytest.fixture(scope="module")
def google_site(tmp_path_factory):
    project = make_project(tmp_path_factory.mktemp("analytics"))
    shutil.copy(ROOT / "mkdocs.offline.yml", project.root / "mkdocs.offline.yml")
    env = {**os.environ, **GOOGLE}
    for command in ("site", "offline"):
        run = project.run(command, env=env)
        assert run.code == 0, run.err
    return project


def _policy(html: str) -> str:
    tree = LexborHTMLParser(html)
    return tree.css_first('meta[http-equiv="Content-Security-Policy"]').attributes["content"]


def test_the_hosted_site_carries_materials_provider_and_admits_it(google_site):
    html = (google_site.root / "site/ports/22/index.html").read_text("utf-8")
    assert '<script id="__analytics">' in html and "G-TEST1234" in html
    policy = _policy(html)
    assert "https://www.googletagmanager.com" in policy.split("script-src", 1)[1].split(";", 1)[0]
    assert "https://*.google-analytics.com" in policy.split("connect-src", 1)[1].split(";", 1)[0]


def test_the_offline_site_never_does(google_site):
    for page in (google_site.root / "site-offline").rglob("*.html"):
        text = page.read_text("utf-8")
        assert "__analytics" not in text and "googletagmanager" not in text, page


def test_a_provider_without_a_property_is_refused(project):
    run = project.run("site", env={**os.environ, "ANALYTICS_PROVIDER": "google"})
    assert run.code == 1
    assert run.lines[0] == "mkdocs.yml:1:1: E015 the google analytics provider needs ANALYTICS_PROPERTY, a measurement ID such as G-AB12CD34EF"


@needs_chromium
def test_chromium_runs_the_provider_script_without_a_policy_violation(google_site, browser):
    page = browser.new_page()
    violations = []
    page.on("console", lambda m: "Content Security Policy" in m.text and violations.append(m.text))
    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith("http://127.0.0.1") else route.abort())
    with serving(google_site.root / "site") as base:
        page.goto(base + "/ports/22/")
        page.wait_for_load_state("load")
        assert page.evaluate("Array.isArray(window.dataLayer) && window.dataLayer.length > 0")
    assert violations == []
    page.close()
