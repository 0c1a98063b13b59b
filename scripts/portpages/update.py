"""Put an incremental update in place: the pages incremental.plan listed, rebuilt by one
MkDocs process per language into staging folders, checked against the last build (the
navigation and the 404 page must come out as they were), then moved over the old files,
with the generated files MkDocs copies as they are (among them each language's search rows)."""

from __future__ import annotations

import os
from pathlib import Path

from portpages.problems import Failed, Problem
from portpages.processes import Process, Watch, new_process, remove, run
from portpages.write import write_atomic


class Outdated(Exception):
    """An incremental update found something only a full build gets right."""


def update_site(root: Path, output: Path, pages: dict[str, list[str]], copies: tuple[str, ...], sources: tuple[str, ...],
                config_file: str = "mkdocs.yml", languages: tuple[str, ...] = ("en",), watch: Watch | None = None) -> int:
    """Rebuild `pages` (language -> site paths) into staging folders, prove the rest of the
    site still holds, then put them in place with the copied files. Raises Outdated, with the site untouched, when the proof fails."""
    processes: list[Process] = []
    try:
        for language in languages:
            processes.append(new_process(output, language, pages[language], sources))
        run(root, config_file, processes, len(processes), watch)
        for process in processes:
            _same_frame(process, output, languages)
        for process in processes:
            for path in process.only:
                os.replace(process.site / path, output / path)
        for rel in copies:
            write_atomic(output / rel, (root / "docs" / rel).read_bytes())
    except OSError as exc:
        # No manifest is saved, so the next build is a full one and mends a half-made update.
        shown = output.name
        raise Failed([Problem(shown, 1, 1, "E970", f"cannot update {shown}/: {exc.strerror}; make it writable, and the next build rebuilds it in full")]) from None
    finally:
        remove(processes)
    return sum(len(p.only) for p in processes)


def _same_frame(process: Process, output: Path, languages: tuple[str, ...]) -> None:
    """The navigation (on every page, with every nav page's title) and the 404 page came
    out as they were: then the pages not rebuilt are still right."""
    from selectolax.lexbor import LexborHTMLParser

    def nav(path: Path) -> str | None:
        node = LexborHTMLParser(path.read_text("utf-8")).css_first("nav.md-nav--primary")
        return node.html if node else None

    prefix = "" if process.language == languages[0] else f"{process.language}/"
    for path in process.only:
        if not (process.site / path).is_file():
            raise Outdated(f"{path} was not built")
    home = f"{prefix}index.html"  # a nav page, so always rebuilt
    before = nav(output / home) if (output / home).is_file() else None
    if before is None or nav(process.site / home) != before:
        raise Outdated("the navigation changed")
    if not prefix and (process.site / "404.html").read_bytes() != (output / "404.html").read_bytes():
        raise Outdated("the 404 page changed")

