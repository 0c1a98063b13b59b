"""The Content-Security-Policy every page carries, and the scan every built page passes.

Static hosts (GitHub Pages, a file share) send no headers, so the policy is a <meta> at the
top of <head>. Scripts may come from the site's own files and, inline, only as the theme's
templates write them: their hashes are computed from the template files, never from a
built page, so a script that reached a page some other way is refused by the browser and
fails the scan below.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from selectolax.lexbor import LexborHTMLParser

# An inline script in a template: its body is hashed as written. Bodies that print a Jinja
# value differ from page to page and cannot be hashed; overrides/ rewrites those the site
# uses to read their value from a data- attribute instead.
_TEMPLATE_SCRIPT = re.compile(r"<script((?:\s+data-[a-z-]+=\"[^\"]*\")*)>(.*?)</script>", re.S)


def script_hash(body: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(body.encode("utf-8")).digest()).decode("ascii")


def theme_script_hashes(theme_dirs: list[str]) -> frozenset[str]:
    """Hashes of every page-independent inline script in the theme's templates (overrides first)."""
    seen: dict[str, Path] = {}
    for folder in theme_dirs:
        for path in sorted(Path(folder).rglob("*.html")):
            seen.setdefault(path.relative_to(folder).as_posix(), path)
    hashes = set()
    for path in seen.values():
        for match in _TEMPLATE_SCRIPT.finditer(path.read_text("utf-8")):
            body = match.group(2)
            if "{{" not in body and "{%" not in body:
                hashes.add(script_hash(body))
    return frozenset(hashes)


# Material's Google Analytics provider (ANALYTICS_PROVIDER=google): where gtag.js comes from
# and sends to, and its inline script, whose one page-independent value is the property.
GOOGLE = ("https://www.googletagmanager.com", "https://*.google-analytics.com", "https://*.analytics.google.com")
_GOOGLE_SCRIPT = re.compile(r'<script id="__analytics">(.*?)</script>', re.S)


def google_script_hash(theme_dirs: list[str], property_id: str) -> str:
    """The provider script's hash with the property filled in, computed from the template
    (the property is a checked measurement ID, so escaping cannot change it)."""
    for folder in theme_dirs:
        path = Path(folder) / "partials" / "integrations" / "analytics" / "google.html"
        if path.is_file():
            body = _GOOGLE_SCRIPT.search(path.read_text("utf-8")).group(1)
            return script_hash(body.replace("{{ property }}", property_id))
    raise FileNotFoundError("partials/integrations/analytics/google.html")


_PAGE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*\btype=\"application/json\")[^>]*>(.*?)</script>", re.S | re.I)


def page_policy(html: str, site_policy: str, allowed: frozenset[str], connect: tuple[str, ...] = (),
                outside: tuple[str, ...] = ()) -> str:
    """The page with its policy narrowed to the hashes of the inline scripts it has: nine
    hashes on every page cost 0.5 KB, and a page may run only what it holds anyway. A
    script with a hash the theme does not have stays unlisted (the browser refuses it,
    and scan_page reports it)."""
    present = frozenset(script_hash(body) for body in _PAGE_SCRIPT.findall(html))
    narrowed = policy(present & allowed, connect, outside)
    # In content="..." a ' needs no escape, and the policy has 26 of them.
    return html.replace(_attribute(site_policy), _attribute(narrowed).replace("&#39;", "'"), 1)


def _attribute(text: str) -> str:
    # As Jinja's autoescape writes the policy into content="...".
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&#34;").replace("'", "&#39;")


def policy(hashes: frozenset[str], connect: tuple[str, ...] = (), outside: tuple[str, ...] = ()) -> str:
    """`outside`: an analytics provider's origins, for its script, its beacons and pixels."""
    scripts = " ".join([*(f"'{h}'" for h in sorted(hashes)), *outside])
    return "; ".join([
        "default-src 'self'",
        f"script-src 'self' {scripts}",
        "style-src 'self' 'unsafe-inline'",  # Python-Markdown aligns table cells with style=""
        " ".join(["img-src 'self' data:", *outside]),  # Material's icons are data: URIs in its stylesheet
        "font-src 'self' data:",
        " ".join(["connect-src 'self'", *connect, *outside]),
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
    ])


def origin(url: str) -> str | None:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme in ("http", "https") and parts.netloc else None


@dataclass(frozen=True)
class Violation:
    what: str


_URL_ATTRIBUTES = ("href", "src", "action", "formaction", "data", "poster", "srcset", "xlink:href", "background", "ping")
_NEVER = ("iframe", "frame", "object", "embed", "base", "applet")


_IGNORED = re.compile(r"[\x00-\x20]")


def _scheme(url: str) -> str:
    # Browsers drop ASCII whitespace and control characters before reading a scheme.
    if ":" not in url:
        return ""
    cleaned = _IGNORED.sub("", url).lower()
    return cleaned.split(":", 1)[0] if ":" in cleaned.split("/", 1)[0] else ""


def scan_page(html: str, allowed: frozenset[str]) -> Iterator[Violation]:
    """What a built page must not have: the policy missing or late, an inline script the
    theme did not write, an inline event handler, a javascript:/data: URL, a frame."""
    tree = LexborHTMLParser(html)
    for node in tree.head.iter() if tree.head else ():
        if node.tag == "meta" and (node.attributes.get("http-equiv") or "").lower() == "content-security-policy":
            break
        if node.tag in ("script", "link", "style"):
            yield Violation(f"<{node.tag}> before the Content-Security-Policy <meta>")
            break
    else:
        yield Violation("no Content-Security-Policy <meta> in <head>")
    for node in tree.root.traverse() if tree.root else ():
        tag = node.tag
        attributes = node.attributes
        for name, value in attributes.items():
            if name.startswith("on"):
                yield Violation(f"inline event handler {name}= on <{tag}>")
            elif name in _URL_ATTRIBUTES and _scheme(value or "") in ("javascript", "data", "vbscript"):
                yield Violation(f"{_scheme(value or '')}: URL in {name}= on <{tag}>")
        if tag in _NEVER:
            yield Violation(f"<{tag}> element")
        elif tag == "meta" and (attributes.get("http-equiv") or "").lower() == "refresh":
            yield Violation("<meta http-equiv=refresh>")
        elif tag == "script" and "src" in attributes and (_scheme(attributes["src"] or "") or (attributes["src"] or "").startswith("//")):
            yield Violation(f"a script from outside the site: {attributes['src'][:80]!r}")
        elif tag == "script" and "src" not in attributes and (attributes.get("type") or "text/javascript") in (
                "text/javascript", "module", "application/javascript"):
            if script_hash(node.text(deep=True)) not in allowed:
                yield Violation(f"an inline script the theme's templates do not have: {node.text(deep=True)[:60]!r}")
