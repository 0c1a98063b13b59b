"""Offline variant (`portpages offline`, `make offline`): a site that loads nothing from
outside itself, readable from a file share (file://) or any web server under any path,
packed as a zip with its checksum.

build.build_site builds mkdocs.offline.yml (one MkDocs process per language); this
module leaves out what only a public site needs, checks
that nothing in the site loads from outside it, and packs the zip. Everything happens in
a scratch folder; site-offline/ and dist/ change only once all of it has succeeded.
"""

from __future__ import annotations

import hashlib
import html
import os
import re
import shutil
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from portpages.build import build_site, swap_into
from portpages.problems import Failed, Problem

CONFIG = "mkdocs.offline.yml"
NAME = "portpages-offline"  # the zip's name and the one folder inside it
ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)  # earliest date a zip can hold; any fixed date gives the same bytes

# Files the offline site leaves out: the 404 page's asset paths are absolute from
# site_url's root (no web server serves a copied folder at a known path, file:// has no
# 404s), and so its words (lookup/missing.js) go too; the sitemaps list site_url's public
# addresses.
LEFT_OUT = ("404.html", "lookup/missing.js", "sitemap.xml", "sitemap.xml.gz")


def build_offline(root: Path, languages: tuple[str, ...], output: Path, dist: Path, **how) -> str:
    """Build the offline site and its zip; returns what was made, in one line. `how`: how
    build_site runs MkDocs (sequential, jobs, watch)."""
    output = output if output.is_absolute() else root / output
    dist = dist if dist.is_absolute() else root / dist
    try:
        return _build_offline(root, languages, output, dist, how)
    except OSError as exc:
        where = _shown(Path(exc.filename), root) if exc.filename else _shown(output, root)
        raise Failed([Problem(where, 1, 1, "E970", f"cannot write {where}: {exc.strerror}; {_shown(output, root)}/ and {_shown(dist, root)}/ were left as they were")]) from None


def _build_offline(root: Path, languages: tuple[str, ...], output: Path, dist: Path, how: dict) -> str:
    output.parent.mkdir(parents=True, exist_ok=True)
    dist.mkdir(parents=True, exist_ok=True)
    # Next to the output, so that putting the new site in place is a rename.
    work = Path(tempfile.mkdtemp(prefix=".site-offline-build-", dir=output.parent))
    archive, checksum = dist / f"{NAME}.zip", dist / f"{NAME}.zip.sha256"
    staged = [archive.with_name(f".{archive.name}.tmp"), checksum.with_name(f".{checksum.name}.tmp")]
    try:
        site = work / output.name
        # No "site built in" line: that folder is this run's scratch space.
        build_site(root, site, config_file=CONFIG, languages=languages, offline=True, **how)
        finish(site)
        problems = scan_site(site, _shown(output, root))
        if problems:
            raise Failed(problems)
        pack(site, staged[0])
        digest = hashlib.sha256(staged[0].read_bytes()).hexdigest()
        staged[1].write_text(f"{digest}  {archive.name}\n", encoding="utf-8")  # the format `sha256sum -c` reads
        swap_into(site, output)
        os.replace(staged[0], archive)
        os.replace(staged[1], checksum)
    finally:
        shutil.rmtree(work, ignore_errors=True)
        for path in staged:
            path.unlink(missing_ok=True)
    return f"offline site in {_shown(output, root)}/; {_shown(archive, root)} ({archive.stat().st_size // 1024} KB, sha256 {digest[:12]}…)"


# Addresses in Material's bundle that it loads only on demand: for a browser without
# ResizeObserver (the polyfill, vendored here instead), a Mermaid diagram, a repo_url's
# facts. Offline the first comes from the site and the others become addresses nothing can
# load; pages that would ask for them are refused anyway (E962).
BUNDLE_REWRITES = (
    ('"https://unpkg.com/resize-observer-polyfill"',
     # Beside the bundle's own folder, wherever the page sits: the bundle's script element knows.
     'document.querySelector(\'script[src*="assets/javascripts/bundle."]\').src'
     '.replace(/javascripts\\/bundle\\.[^/]*$/,"vendor/resize-observer-polyfill/ResizeObserver.js")'),
    ('"https://unpkg.com/mermaid@11/dist/mermaid.min.js"', '"about:blank#mermaid-is-not-in-the-offline-site"'),
    ("`https://api.github.com/", "`about:blank#no-github-api/"),
    ("`https://${", "`about:blank#no-gitlab-api/${"),
)


# Material's lunr language files, for its search plugin; the site has its own search, and
# nothing loads them (their comments name outside sites, as documentation).
LEFT_OUT_FOLDERS = ("assets/javascripts/lunr",)


def finish(site: Path) -> None:
    for name in LEFT_OUT:
        (site / name).unlink(missing_ok=True)
    for name in LEFT_OUT_FOLDERS:
        shutil.rmtree(site / name, ignore_errors=True)
    bundles = sorted((site / "assets" / "javascripts").glob("bundle.*.min.js"))
    if len(bundles) != 1:
        raise Failed([Problem("site-offline", 1, 1, "E965", f"found {len(bundles)} Material bundles, not one; "
                                                           "the offline build knows Material 9.8's layout (requirements.txt)")])
    text = bundles[0].read_text("utf-8")
    for old, new in BUNDLE_REWRITES:
        if old not in text:
            raise Failed([Problem(f"site-offline/{bundles[0].relative_to(site).as_posix()}", 1, 1, "E965",
                                  f"Material's bundle no longer has {old}; update offline.BUNDLE_REWRITES for this Material version")])
        text = text.replace(old, new)
    bundles[0].write_text(text, "utf-8")


# --- nothing leaves the site -----------------------------------------------------------

@dataclass(frozen=True)
class Reference:
    url: str
    what: str  # how the file uses it, as a reader of the message knows it
    offset: int


# Attributes whose URL the browser loads by itself. <a href> and <area href> are links a
# reader may follow (sources in the prose); <link rel=canonical> is never fetched.
_TAG = re.compile(r"<(script|link|img|iframe|frame|embed|object|source|track|audio|video|input|image|use|form|base|meta)\b([^>]*)>", re.I)
_ATTR = re.compile(r"""(?<![\w:-])(src|href|xlink:href|srcset|data|poster|action|formaction|content)\s*=\s*("[^"]*"|'[^']*'|[^\s"'>]+)""", re.I)
_REL = re.compile(r"""(?<![\w:-])rel\s*=\s*("[^"]*"|'[^']*'|[^\s"'>]+)""", re.I)
_HTTP_EQUIV = re.compile(r"""(?<![\w:-])http-equiv\s*=\s*["']?refresh""", re.I)
_STYLE_BLOCK = re.compile(r"<style\b[^>]*>(.*?)</style>", re.I | re.S)
_STYLE_ATTR = re.compile(r"""\bstyle\s*=\s*("[^"]*"|'[^']*')""", re.I)
_SCRIPT_BLOCK = re.compile(r"<script\b[^>]*>(.*?)</script>", re.I | re.S)
_CSS_URL = re.compile(r"""url\(\s*("[^"]*"|'[^']*'|[^)\s]*)\s*\)|@import\s+("[^"]*"|'[^']*')""", re.I)
_JS_LOAD = re.compile(
    r"""\bimportScripts\s*\(\s*(["'`][^"'`]*["'`])"""
    r"""|\bimport\s*\(\s*(["'`][^"'`]*["'`])"""
    r"""|\b(?:import|export)\b[^;"'`]*?\bfrom\s*(["'][^"']*["'])"""
    r"""|\bimport\s*(["'][^"']*["'])"""
)
# Material's bundle loads these only when a page asks for them; the page shows it.
_TRIGGERS = {
    'class="mermaid"': "a Mermaid diagram, for which Material loads mermaid.min.js from unpkg.com; drop the diagram or draw it as an image under docs/assets/",
    'data-md-component="source"': "repo_url, for which Material asks the GitHub or GitLab API for repository facts on every page; set extra.repository instead (mkdocs.yml explains)",
}
_SCANNED = {".html", ".htm", ".svg", ".css", ".js", ".mjs"}


def scan_site(site: Path, shown: str) -> list[Problem]:
    """One problem per URL that leaves the site (first place found, and how many more)."""
    found: dict[tuple[str, str, str], list[tuple[str, int, int]]] = {}
    for path in sorted(p for p in site.rglob("*") if p.is_file() and p.suffix.lower() in _SCANNED):
        rel = path.relative_to(site).as_posix()
        text = path.read_text(encoding="utf-8", errors="replace")
        for ref in references(text, path.suffix.lower()):
            reason = leaves(ref.url, rel)
            if reason:
                found.setdefault(("E961", ref.what, reason), []).append((f"{shown}/{rel}", *_position(text, ref.offset)))
        for marker, what in _TRIGGERS.items():
            if path.suffix.lower() == ".html" and marker in text:
                found.setdefault(("E962", what, ""), []).append((f"{shown}/{rel}", *_position(text, text.index(marker))))
    return sorted(_problem(code, what, reason, places) for (code, what, reason), places in found.items())


def _problem(code: str, what: str, reason: str, places: list[tuple[str, int, int]]) -> Problem:
    path, line, col = places[0]
    more = f" (and {len(places) - 1} more place(s))" if len(places) > 1 else ""
    if code == "E962":
        return Problem(path, line, col, code, f"this page has {what}{more}")
    return Problem(path, line, col, code, f"{what} {reason}{more}; the offline site must load nothing from outside itself: vendor the file under docs/assets/vendor/ and point to it there")


def references(text: str, suffix: str) -> list[Reference]:
    if suffix == ".css":
        return _css_references(text, 0)
    if suffix in (".js", ".mjs"):
        return _js_references(text, 0)
    refs = []
    for tag in _TAG.finditer(text):
        name, attrs = tag.group(1).lower(), tag.group(2)
        rel = _REL.search(attrs)
        rel = _unquote(rel.group(1)).lower().split() if rel else []
        for attr in _ATTR.finditer(attrs):
            key, value = attr.group(1).lower(), html.unescape(_unquote(attr.group(2)))
            if name == "link" and rel and set(rel) <= {"canonical"}:
                continue  # names the page's public address; browsers don't fetch it
            if key == "content" and not (name == "meta" and _HTTP_EQUIV.search(attrs)):
                continue
            if key == "content":  # <meta http-equiv=refresh content="0; url=...">
                value = value.partition("url=")[2]
            urls = [part.split()[0] for part in value.split(",") if part.strip()] if key == "srcset" else [value]
            offset = tag.start(2) + attr.start(2)
            refs += [Reference(url, f"<{name} {key}> {url}", offset) for url in urls]
    for block in _STYLE_BLOCK.finditer(text):
        refs += _css_references(block.group(1), block.start(1))
    for attr in _STYLE_ATTR.finditer(text):
        refs += _css_references(html.unescape(attr.group(1)), attr.start(1))
    for block in _SCRIPT_BLOCK.finditer(text):
        refs += _js_references(block.group(1), block.start(1))
    return refs


def _css_references(text: str, base: int) -> list[Reference]:
    refs = []
    for m in _CSS_URL.finditer(text):
        url = _unquote(m.group(1) if m.group(1) is not None else m.group(2))
        refs.append(Reference(url, f"CSS {'url()' if m.group(1) is not None else '@import'} {url}", base + m.start()))
    return refs


def _js_references(text: str, base: int) -> list[Reference]:
    refs = []
    for m in _JS_LOAD.finditer(text):
        literal = next(g for g in m.groups() if g is not None)
        url = literal[1:-1]
        if literal.startswith("`") and "${" in url:
            url = url.split("${", 1)[0]  # a computed address: its fixed start says where it goes
            if not url:
                continue
        refs.append(Reference(url, f"script load {url}", base + m.start()))
    return refs


def leaves(url: str, rel: str) -> str | None:
    """Why loading url from the file at rel (a path in the site) leaves the site, or None."""
    url = url.strip()
    if not url or url.startswith("#"):
        return None
    parts = urlsplit(url)
    if parts.scheme.lower() in ("data", "blob", "about", "javascript"):
        return None
    if parts.scheme or parts.netloc:
        return "is loaded from another host"
    if parts.path.startswith("/"):
        return "starts at the root of the host or disk, outside the site"
    target = PurePosixPath(rel).parent
    for part in unquote(parts.path).split("/"):
        if part == "..":
            if target == PurePosixPath("."):
                return "climbs out of the site folder"
            target = target.parent
        elif part not in ("", "."):
            target = target / part
    return None


def _unquote(value: str) -> str:
    return value[1:-1] if value[:1] in "\"'" and value[-1:] == value[:1] and len(value) > 1 else value


def _position(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


# --- the zip ---------------------------------------------------------------------------

def pack(site: Path, archive: Path) -> None:
    """Same files, same bytes: sorted names, one fixed date, fixed modes, no folder entries."""
    files = sorted((p.relative_to(site).as_posix(), p) for p in site.rglob("*") if p.is_file())
    with zipfile.ZipFile(archive, "w") as z:
        for rel, path in files:
            info = zipfile.ZipInfo(f"{NAME}/{rel}", date_time=ZIP_EPOCH)
            info.create_system = 3  # Unix, whatever builds it, so the mode below means the same
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, path.read_bytes(), compresslevel=9)


def _shown(path: Path, root: Path) -> str:
    return path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)
