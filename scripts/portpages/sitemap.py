"""The site's one sitemap: every page of every language, each with all its alternates.

Written from the finished site rather than by the i18n plugin, whose sitemap depends on
which language was built last in the process (a one-language build lists one language)
and is dated with the build day (same inputs, different bytes). Each <url> names every
language's version of the page and `x-default`, the default language's.
"""

from __future__ import annotations

import gzip
from pathlib import Path
from xml.sax.saxutils import quoteattr

from portpages.write import write_atomic

_SKIPPED = ("404.html",)
_NOT_PAGES = ("assets", "search", "api")  # static files, never pages


def page_paths(site: Path, languages: tuple[str, ...]) -> list[str]:
    """The default language's pages as site paths ("", "ports/22/"), sorted."""
    found = []
    for path in site.rglob("index.html"):
        rel = path.relative_to(site).as_posix()
        top = rel.split("/", 1)[0]
        if top in languages[1:] or top in _NOT_PAGES or rel in _SKIPPED:
            continue
        found.append(rel.removesuffix("index.html"))
    return sorted(found)


def sitemap(site: Path, site_url: str, languages: tuple[str, ...]) -> str:
    base = site_url.rstrip("/") + "/"
    lines = ['<?xml version="1.0" encoding="UTF-8"?>',
             '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:xhtml="http://www.w3.org/1999/xhtml">']
    pages = page_paths(site, languages)
    for lang in languages:
        prefix = "" if lang == languages[0] else f"{lang}/"
        for page in pages:
            if not (site / prefix / page / "index.html").is_file():
                continue
            lines.append(f"<url><loc>{_escape(base + prefix + page)}</loc>")
            for alt in languages:
                alt_prefix = "" if alt == languages[0] else f"{alt}/"
                if (site / alt_prefix / page / "index.html").is_file():
                    lines.append(f'<xhtml:link rel="alternate" hreflang="{alt}" href={quoteattr(base + alt_prefix + page)}/>')
            lines.append(f'<xhtml:link rel="alternate" hreflang="x-default" href={quoteattr(base + page)}/></url>')
    lines.append("</urlset>")
    return "\n".join(lines) + "\n"


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def write_sitemap(site: Path, site_url: str, languages: tuple[str, ...]) -> None:
    data = sitemap(site, site_url, languages).encode("utf-8")
    write_atomic(site / "sitemap.xml", data)
    # mtime=0: the same sitemap gives the same .gz bytes on every build.
    write_atomic(site / "sitemap.xml.gz", gzip.compress(data, mtime=0))
