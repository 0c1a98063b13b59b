"""One MkDocs build, in this process: `python -m portpages.mkdocs_run CONFIG SITE_DIR [LANG]`.

Without LANG the i18n plugin builds every language in turn (the sequential build). With
LANG this process builds that language alone, with its real paths, words and language
switcher, so that one process per language can run side by side (build.py merges them).
The plugin has no switch for that: `build_only_locale` makes the language the default
(pages at /, English words, no switcher). What works is setting the plugin's current
language before its on_config and marking it as already looping over languages, so its
on_post_build builds nothing more. Those are internals of mkdocs-static-i18n 1.3.1, so
the version is checked and a test builds one language alone.

This is also where a build reports progress (PORTPAGES_PROGRESS names a file that gets
"language done total"), frees each page's HTML once it is written (MkDocs keeps every page
until the end; the i18n plugin keeps earlier languages' pages for its sitemap),
and reuses Pygments objects that pymdownx.highlight rebuilds for every code block.
"""

from __future__ import annotations

import json
import logging
import os
import sys
import time
from functools import cache
from importlib.metadata import version

I18N_VERSION = "1.3.1"  # the plugin internals used below were read in this version


def fast_highlight() -> None:
    """Make pymdownx.highlight reuse one lexer and one formatter per set of options.

    It builds a new HtmlFormatter (which computes its whole style sheet) and looks the lexer
    up again for every fence: a fifth of a page's build time on pages of `text` fences.
    Both objects keep no state between calls to `highlight`, so the HTML is the same.
    """
    from pymdownx import highlight

    if getattr(highlight, "_portpages_cached", False):
        return
    original = highlight.get_lexer_by_name
    lexer_by_name = cache(lambda name, options: original(name, **dict(options)))
    block = highlight.BlockHtmlFormatter
    formatters: dict = {}

    def get_lexer_by_name(name, **options):
        return lexer_by_name(name, tuple(sorted(options.items())))

    def formatter(**options):
        key = tuple(sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in options.items()))
        if key not in formatters:
            formatters[key] = block(**options)
        return formatters[key]

    highlight.get_lexer_by_name = get_lexer_by_name
    highlight.BlockHtmlFormatter = formatter
    highlight._portpages_cached = True


class _Progress:
    """Pages written so far, into a file the parent process reads (at most 4 times a second)."""

    def __init__(self, path: str | None):
        self.path = path
        self.language = ""
        self.done = 0
        self.total = 0
        self.last = 0.0

    def start(self, language: str, total: int) -> None:
        self.language, self.done, self.total = language, 0, total
        self.write(force=True)

    def step(self) -> None:
        self.done += 1
        self.write(force=self.done == self.total)

    def write(self, force: bool = False) -> None:
        now = time.monotonic()
        if not self.path or (not force and now - self.last < 0.25):
            return
        self.last = now
        tmp = f"{self.path}.tmp"
        with open(tmp, "w", encoding="utf-8") as out:
            out.write(f"{self.language} {self.done} {self.total}\n")
        os.replace(tmp, self.path)


def _instrument(progress: _Progress, only: frozenset[str] | None, sources: frozenset[str] = frozenset()) -> None:
    """Count and free each page as it is written. With `only` (site paths), build just those
    pages, load only the Markdown files in `sources` (the pages, what they link to, the
    navigation) and copy no static files: an incremental update (incremental.py) takes the
    rest from the last build."""
    from mkdocs.commands import build
    from mkdocs.structure.files import Files

    populate_page, build_page = build._populate_page, build._build_page

    def wanted(page) -> bool:
        return only is None or page.file.dest_uri in only

    def _populate_page(page, config, files, dirty=False):
        if wanted(page):
            populate_page(page, config, files, dirty)

    def _build_page(page, config, doc_files, nav, env, dirty=False, excluded=False):
        if not wanted(page):
            return
        if progress.done == 0:
            i18n = config.plugins.get("i18n")
            total = len(doc_files) if only is None else sum(f.dest_uri in only for f in doc_files)
            progress.start(getattr(i18n, "current_language", "") or "", total)
        build_page(page, config, doc_files, nav, env, dirty, excluded)
        # Written: from here on other pages need only its title (in their navigation), URL
        # and anchors. The title is computed from the Markdown, so it is kept first.
        page.title = page.title
        page.content = None
        page.markdown = None
        progress.step()
        if progress.done == progress.total:
            progress.done = 0  # the next language of a sequential build starts again

    build._populate_page, build._build_page = _populate_page, _build_page
    if only is not None:
        Files.copy_static_files = lambda self, dirty=False, **kwargs: None
        build.get_files = lambda config: _some_files(config, sources)


def _some_files(config, sources: frozenset[str]):
    """What MkDocs' get_files finds, less the generated files not in `sources`: the update
    then never walks or reconfigures 25,000 files."""
    from mkdocs.structure.files import File, Files, file_sort_key, set_exclusions

    from portpages.incremental import generated

    docs = config["docs_dir"]
    names = set(sources)
    for folder, subfolders, filenames in os.walk(docs):
        rel_folder = os.path.relpath(folder, docs)
        subfolders[:] = sorted(d for d in subfolders if not generated(os.path.normpath(os.path.join(rel_folder, d)).replace(os.sep, "/")))
        for name in filenames:
            rel = os.path.normpath(os.path.join(rel_folder, name)).replace(os.sep, "/")
            if not generated(rel):
                names.add(rel)
    files = [File(rel, docs, config["site_dir"], config["use_directory_urls"]) for rel in names]
    files.sort(key=file_sort_key)
    set_exclusions(files, config)
    return Files(files)


def run(config_file: str, site_dir: str, language: str | None) -> None:
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    config = load_config(config_file=config_file, site_dir=site_dir, strict=True)
    if language is not None:
        found = version("mkdocs-static-i18n")
        if found != I18N_VERSION:
            raise SystemExit(f"E951 one-language builds rely on mkdocs-static-i18n {I18N_VERSION}'s internals, "
                             f"found {found}; pin {I18N_VERSION} or build with --jobs 1")
        i18n = config.plugins["i18n"]
        if language not in i18n.build_languages:
            raise SystemExit(f"E951 language '{language}' is not built by {config_file}")
        i18n.current_language = language
        i18n.building = True
    config.plugins.on_startup(command="build", dirty=False)
    try:
        build(config, dirty=False)
    finally:
        config.plugins.on_shutdown()


def main(argv: list[str]) -> int:
    from mkdocs.exceptions import Abort

    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(levelname)s: %(message)s"))
    logger = logging.getLogger("mkdocs")
    logger.addHandler(handler)
    logger.setLevel(logging.WARNING)
    fast_highlight()
    only = os.environ.get("PORTPAGES_ONLY")
    if only:
        with open(only, encoding="utf-8") as listed:
            wanted = json.load(listed)
        _instrument(_Progress(os.environ.get("PORTPAGES_PROGRESS")), frozenset(wanted["pages"]), frozenset(wanted["sources"]))
    else:
        _instrument(_Progress(os.environ.get("PORTPAGES_PROGRESS")), None)
    config_file, site_dir, *rest = argv
    try:
        run(config_file, site_dir, rest[0] if rest else None)
    except Abort as exc:
        print(f"ERROR: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
