"""MkDocs hook: gives each language build its feedback widget words from the strings table.

The i18n plugin rebuilds the site once per language and sets theme.language before our
on_config runs (it has priority -100; we run after it), so the words follow the page's
language without repeating them in mkdocs.yml.
"""

from __future__ import annotations

from urllib.parse import quote

from mkdocs.plugins import event_priority

from portpages.project import strings


@event_priority(-200)
def on_config(config):
    t = strings(config.theme["language"])["feedback"]
    # Material replaces {title} (URL-encoded) and {url} in notes; the rest is ours.
    issue = (
        f"{config.extra['repository'].rstrip('/')}/issues/new?template=correction.yml"
        f"&title={quote('Correction: ')}{{title}}&page={{url}}"
    )
    analytics = dict(config.extra.get("analytics") or {})
    analytics["provider"] = "custom"
    analytics["feedback"] = {
        "title": t["title"],
        "ratings": [
            {"icon": "material/emoticon-happy-outline", "name": t["good"], "data": 1, "note": t["good_note"]},
            {"icon": "material/emoticon-sad-outline", "name": t["bad"], "data": 0, "note": t["bad_note"].replace("{issue}", issue)},
        ],
    }
    config.extra["analytics"] = analytics
    return config
