"""Rebuild only the pages whose Markdown changed since the last build, or say why not.

After every build a manifest in .cache/ records what it was built from: a key over
everything except the generated pages (mkdocs.yml, overrides/, hand-written files in
docs/, the build code, the versions of MkDocs and its plugins, the environment it reads),
the size, time and hash of every generated file in docs/, and the size and time of every
file in the site folder.

The generator already rewrites every page whose text depends on a changed record (the
record's pages in every language, the lists and the pages that link to it), so the pages
to rebuild are exactly the generated Markdown files that changed, plus the pages in the
navigation (the navigation is part of every page and names their titles). The update
loads only those pages and the files they link to. Files MkDocs copies as they are (the
API, lookup data) are copied. Anything this cannot account for means a full build, and
the reason is told: no manifest, other settings, pages added or removed, a site folder
changed by hand, and (found after the pages are rebuilt, by update.update_site) a
navigation or 404 page that came out different.
"""

from __future__ import annotations

import hashlib
import json
import os
import posixpath
import re
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from portpages.project import GENERATED
from portpages.write import write_atomic

PACKAGE = Path(__file__).resolve().parent
# Distributions whose code turns Markdown into the site's HTML.
BUILDERS = ("mkdocs", "mkdocs-material", "mkdocs-static-i18n", "pymdown-extensions", "Markdown", "Pygments", "selectolax")
ENVIRONMENT = ("FEEDBACK_URL", "SITE_URL")


@dataclass(frozen=True)
class Plan:
    full: str | None  # why everything must be built; None: `pages` and `copies` are enough
    pages: dict[str, list[str]] = field(default_factory=dict)  # language -> site paths to rebuild
    copies: tuple[str, ...] = ()  # generated files copied as they are, docs/ path = site path
    docs: dict = field(default_factory=dict)  # what docs/ holds now, for the next manifest
    sources: tuple[str, ...] = ()  # docs/ Markdown files the update reads (the rest are not loaded)

    @property
    def count(self) -> int:
        return sum(len(p) for p in self.pages.values())


def _manifest(root: Path, output: Path) -> Path:
    return root / ".cache" / f"build-{output.name}.json"


def settings_key(root: Path, config_file: str, languages: tuple[str, ...]) -> str:
    digest = hashlib.sha256()

    def add(label: str, data: bytes) -> None:
        digest.update(label.encode() + b"\0" + hashlib.sha256(data).digest())

    add(config_file, (root / config_file).read_bytes())
    add("languages", " ".join(languages).encode())
    for name in ENVIRONMENT:
        add(name, os.environ.get(name, "").encode())
    for name in BUILDERS:
        try:
            add(name, version(name).encode())
        except PackageNotFoundError:
            add(name, b"")
    for folder in (root / "overrides", PACKAGE):
        for path in sorted(folder.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                add(path.as_posix(), path.read_bytes())
    for rel, _ in walk(root / "docs", skip=generated):
        add(f"docs/{rel}", (root / "docs" / rel).read_bytes())
    return digest.hexdigest()


def generated(rel: str) -> bool:
    """A docs/ path the generator writes (the rest of docs/ is written by hand)."""
    top = rel.split("/", 1)[0]
    return top in GENERATED or (top.startswith("index.") and top.endswith(".md"))


def walk(top: Path, skip=None):
    """(path relative to top, os.stat_result) of every file below top, in sorted order;
    folders and files for which skip(rel) is true are left out. os.scandir: a third of
    pathlib's time over 25,000 files."""
    stack = [("", str(top))]
    while stack:
        prefix, folder = stack.pop()
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name, reverse=True)
        except FileNotFoundError:
            continue
        for entry in entries:
            rel = prefix + entry.name
            if skip and skip(rel):
                continue
            if entry.is_dir(follow_symlinks=False):
                stack.append((rel + "/", entry.path))
            elif entry.is_file(follow_symlinks=False):
                yield rel, entry.stat(follow_symlinks=False)


def docs_state(docs: Path, before: dict) -> dict:
    """Every generated file in docs/: [size, mtime_ns, sha256]; unchanged stamps keep their hash."""
    state = {}
    # Only the generated top-level folders and files: everything below them is generated too.
    for rel, stat in walk(docs, skip=lambda rel: "/" not in rel and not generated(rel)):
        stamp = [stat.st_size, stat.st_mtime_ns]
        old = before.get(rel)
        state[rel] = old if old and old[:2] == stamp else [*stamp, hashlib.sha256((docs / rel).read_bytes()).hexdigest()]
    return dict(sorted(state.items()))


def site_state(site: Path) -> dict:
    return dict(sorted((rel, [stat.st_size, stat.st_mtime_ns]) for rel, stat in walk(site)))


def page_path(rel: str, languages: tuple[str, ...]) -> tuple[str, str]:
    """docs/ Markdown path -> (language, site path): 'ports/22.fr.md' -> ('fr', 'fr/ports/22/index.html')."""
    base = rel.removesuffix(".md")
    language = languages[0]
    for lang in languages[1:]:
        if base.endswith(f".{lang}"):
            language, base = lang, base.removesuffix(f".{lang}")
    folder = base.removesuffix("index") if base == "index" or base.endswith("/index") else f"{base}/"
    prefix = "" if language == languages[0] else f"{language}/"
    return language, f"{prefix}{folder}index.html"


def plan(root: Path, output: Path, config_file: str, languages: tuple[str, ...], nav: list[str]) -> Plan:
    try:
        last = json.loads(_manifest(root, output).read_text("utf-8"))
    except (OSError, ValueError):
        last = None
    docs = docs_state(root / "docs", (last or {}).get("docs", {}))
    if not isinstance(last, dict) or not output.is_dir():
        return Plan("no earlier build to update", docs=docs)
    if last.get("key") != settings_key(root, config_file, languages):
        return Plan("settings, theme, hand-written files or build code changed", docs=docs)
    if set(docs) != set(last.get("docs", {})):
        return Plan("pages were added or removed", docs=docs)
    if site_state(output) != last.get("site"):
        return Plan(f"{output.name}/ was changed since the last build", docs=docs)
    changed = [rel for rel, stamp in docs.items() if stamp[2] != last["docs"][rel][2]]
    if not changed:
        return Plan(None, docs=docs)
    pages: dict[str, set[str]] = {lang: set() for lang in languages}
    copies = []
    bases = set(nav)
    for rel in changed:
        if not rel.endswith(".md"):
            copies.append(rel)
            continue
        language, path = page_path(rel, languages)
        pages[language].add(path)
        bases.add(_base(rel, languages))
        if language == languages[0]:
            # A language without its own file shows this one (fallback_to_default).
            for lang in languages[1:]:
                if _variant(rel, lang) not in docs:
                    pages[lang].add(page_path(_variant(rel, lang), languages)[1])
    for rel in nav:
        for lang in languages:
            pages[lang].add(page_path(rel if lang == languages[0] else _variant(rel, lang), languages)[1])
    return Plan(None, {lang: sorted(paths) for lang, paths in pages.items()}, tuple(sorted(copies)), docs,
                _sources(root / "docs", bases, docs, languages))


_LINK = re.compile(r"\]\(([^)\s#:]+)(?:#[^)\s]*)?\)")  # relative link targets in generated Markdown


def _base(rel: str, languages: tuple[str, ...]) -> str:
    """'ports/22.fr.md' -> 'ports/22.md': the page whatever its language."""
    for lang in languages[1:]:
        if rel.endswith(f".{lang}.md"):
            return rel.removesuffix(f".{lang}.md") + ".md"
    return rel


def _variant(rel: str, lang: str) -> str:
    return f"{rel.removesuffix('.md')}.{lang}.md"


def _sources(docs_dir: Path, bases: set[str], docs: dict, languages: tuple[str, ...]) -> tuple[str, ...]:
    """The generated files an update loads: the pages rebuilt and every file they link to,
    pages in every language, so that links, the language switcher and the navigation come
    out as in a full build. (The i18n plugin takes 8 s a language over all 25,000.)"""
    wanted = set()
    for base in bases:
        wanted.update(rel for rel in (base, *(_variant(base, lang) for lang in languages[1:])) if rel in docs)
    linked = set()
    for rel in wanted:
        text = (docs_dir / rel).read_text("utf-8")
        for target in _LINK.findall(text):
            if not target.startswith("/"):
                linked.add(posixpath.normpath(posixpath.join(posixpath.dirname(rel), target)))
    for target in linked:
        if target.endswith(".md"):
            base = _base(target, languages)
            wanted.update(rel for rel in (base, *(_variant(base, lang) for lang in languages[1:])) if rel in docs)
        elif target in docs:
            wanted.add(target)
    return tuple(sorted(wanted))


def save(root: Path, output: Path, config_file: str, languages: tuple[str, ...], docs: dict) -> None:
    data = {"key": settings_key(root, config_file, languages), "docs": docs, "site": site_state(output)}
    try:
        write_atomic(_manifest(root, output), json.dumps(data, separators=(",", ":")).encode("utf-8"))
    except OSError:
        pass  # the next build is a full one, nothing worse
