"""MkDocs hook: the build's part in keeping pages safe, and each language's words.

- Every page's rendered content is checked against the page allowlist (markup.py), the
  same check `portpages check` runs on each field, so nothing the checker missed ships.
- Every finished page carries the Content-Security-Policy and passes the scan (csp.py),
  once its template indentation is gone (htmlspace.py).
- Each language build gets its words from the strings table: the feedback widget's, the
  titles of heading and footnote links, the footer's credit. It also decides which
  language writes the root 404 page (the default one) and leaves the plugin's sitemap out
  (the build writes one for every language). The i18n plugin sets theme.language before
  our on_config runs (it has priority -100; we run after it), whether it builds every
  language in turn or mkdocs_run.py has it build one.

Problems are collected for the whole build, written where PORTPAGES_PROBLEMS names (so
`portpages site` prints them as located lines), and then stop the build.
"""

from __future__ import annotations

import json
import os
from functools import cache
from urllib.parse import quote

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority

from portpages import csp, htmlspace, markup
from portpages.project import strings

_problems: list[list] = []


@cache
def _hashes(theme_dirs: tuple[str, ...], google: str = "") -> frozenset[str]:
    hashes = csp.theme_script_hashes(list(theme_dirs))
    return hashes | {csp.google_script_hash(list(theme_dirs), google)} if google else hashes


def _google(config) -> str:
    """The Google Analytics property when that provider is on, else ""."""
    analytics = config.extra.get("analytics") or {}
    return str(analytics.get("property") or "") if analytics.get("provider") == "google" else ""


def _outside(config) -> tuple[str, ...]:
    return csp.GOOGLE if _google(config) else ()


@event_priority(-200)
def on_config(config):
    t = strings(config.theme["language"])["feedback"]
    # Material replaces {title} (URL-encoded) and {url} in notes; the rest is ours.
    issue = (
        f"{config.extra['repository'].rstrip('/')}/issues/new?template=correction.yml"
        f"&title={quote('Correction: ')}{{title}}&page={{url}}"
    )
    analytics = dict(config.extra.get("analytics") or {})
    # custom: the site's own widget; google: Material's provider, when a hosted site's
    # mkdocs.yml asks for it (project.py checks the value, mkdocs.offline.yml never does).
    analytics["provider"] = analytics.get("provider") or "custom"
    analytics["feedback"] = {
        "title": t["title"],
        "ratings": [
            {"label": t["answer_yes"], "name": t["good"], "data": 1, "note": t["good_note"]},
            {"label": t["answer_no"], "name": t["bad"], "data": 0, "note": t["bad_note"].replace("{issue}", issue)},
        ],
    }
    config.extra["analytics"] = analytics
    # mkdocs.yml's Markdown settings are the same for every language; these two titles are
    # words, so each language build sets its own (MkDocs reads mdx_configs for every page).
    site = strings(config.theme["language"])["site"]
    config.mdx_configs.setdefault("toc", {})["permalink_title"] = site["permalink"]
    config.mdx_configs.setdefault("footnotes", {})["BACKLINK_TITLE"] = site["footnote_back"]
    # Words the theme's templates show (overrides/partials/copyright.html, search.html, 404.html).
    words = strings(config.theme["language"])
    config.extra["words"] = {"made_with": site["made_with"], "search": words["search"], "missing": words["missing"]}
    config.extra["csp"] = csp.policy(_hashes(tuple(config.theme.dirs), _google(config)), _connect(config), _outside(config))
    # The site's root 404.html is the default language's: without this each language's
    # build overwrites it and the last one built (German) is what a missing page shows.
    i18n = config.plugins.get("i18n")
    if i18n is not None and i18n.current_language != i18n.default_language:
        config.theme.static_templates.discard("404.html")
    else:
        config.theme.static_templates.add("404.html")
    # The build writes the one sitemap from the finished site (sitemap.py); the plugin's
    # would list only this process's language and costs seconds to render at full size.
    config.theme.static_templates.discard("sitemap.xml")
    return config


def _connect(config) -> tuple[str, ...]:
    endpoint = csp.origin(config.extra["analytics"].get("endpoint") or "")
    return (endpoint,) if endpoint else ()


def _report(page, code: str, message: str) -> None:
    _problems.append([f"docs/{page.file.src_uri}", 1, 1, code, message])
    if not os.environ.get("PORTPAGES_PROBLEMS"):
        raise PluginError(f"docs/{page.file.src_uri}: {code} {message}")


# Material's script wraps each unclassed table in a scroll container once the page has
# laid out, so a long table is laid out twice: 300 ms of blocking time on the ports index on
# a phone (Lighthouse). The build wraps it instead; the class keeps the script away, and
# portpages.css gives `table.pp-table` Material's table style.
TABLE_OPEN = '<div class="md-typeset__scrollwrap"><div class="md-typeset__table"><table class="pp-table">'


def on_page_content(html, page, config, files):
    for finding in markup.check_page(html):
        _report(page, "E963", f"the rendered page has what a page may not: {finding.message}")
    # Only Markdown tables write "<table>": contributed text cannot hold one (E504).
    return html.replace("<table>", TABLE_OPEN).replace("</table>", "</table></div></div>")


def on_post_page(output, page, config):
    output = htmlspace.compact(output)
    output = csp.page_policy(output, config.extra["csp"], _hashes(tuple(config.theme.dirs), _google(config)), _connect(config),
                             _outside(config))
    for violation in csp.scan_page(output, _hashes(tuple(config.theme.dirs), _google(config))):
        _report(page, "E964", f"the built page has {violation.what}")
    return output


def on_post_build(config):
    target = os.environ.get("PORTPAGES_PROBLEMS")
    if _problems and target:
        with open(target, "w", encoding="utf-8") as out:
            json.dump(_problems, out)
        raise PluginError(f"{len(_problems)} page(s) failed the safety checks")
