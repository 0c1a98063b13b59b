"""Build stage: MkDocs into fresh folders, merged, then swapped in for the old site.

By default each language is built by its own MkDocs process (mkdocs_run.py), side by
side, and the results are merged: the default language's build gives the site root and
the shared assets, every other build gives its `<lang>/` folder, the search indexes are
joined in language order and split per language again, and one sitemap covers them all.
`sequential=True` is the i18n plugin's own way, every language in turn in one process;
both give the same files (tests/test_parallel.py compares them).

The previous site stays in place until a build has fully succeeded.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from portpages.problems import Failed, Problem
from portpages.searchindex import merge_indexes, read_index, split_search_index, write_index
from portpages.sitemap import write_sitemap
from portpages.write import write_atomic

# language -> (pages written, pages in that language's build); called a few times a second.
Watch = Callable[[dict[str, tuple[int, int]]], None]


@dataclass
class _Process:
    language: str | None  # None: every language, in turn
    site: Path
    scratch: Path  # its problems, progress and output files
    only: list[str] | None = None  # site paths of the pages to build; None: all
    sources: tuple[str, ...] = ()  # with `only`: the docs/ Markdown files to load
    popen: subprocess.Popen | None = None

    @property
    def output(self) -> str:
        return (self.scratch / "output.txt").read_text("utf-8", errors="replace")


def build_site(root: Path, output: Path, config_file: str = "mkdocs.yml", languages: tuple[str, ...] = ("en",),
               offline: bool = False, site_url: str = "", sequential: bool = False, jobs: int | None = None,
               watch: Watch | None = None) -> str:
    """Build into `output`; returns it as the reader should see it named."""
    output = output if output.is_absolute() else root / output
    shown = output.relative_to(root).as_posix() if output.is_relative_to(root) else output.as_posix()
    wanted = [None] if sequential or len(languages) == 1 else list(languages)
    processes: list[_Process] = []
    try:
        try:
            for language in wanted:
                site = Path(tempfile.mkdtemp(prefix=f".{output.name}-{language or 'all'}-", dir=output.parent))
                readable_by_all(site)
                processes.append(_Process(language, site, Path(tempfile.mkdtemp(prefix="portpages-build-"))))
        except OSError as exc:
            raise Failed([Problem(shown, 1, 1, "E970", f"cannot create a build folder beside {shown}/: {exc.strerror}; make the folder writable")]) from None
        _run(root, config_file, processes, jobs or len(processes), watch)
        site = processes[0].site
        if len(processes) > 1:
            merged = merge_indexes([read_index(p.site) for p in processes])
            for process in processes[1:]:
                (process.site / process.language).rename(site / process.language)
        else:
            merged = read_index(site)
        split_search_index(site, languages, offline, merged)
        if not offline and site_url:
            write_sitemap(site, site_url, languages)
        swap_into(site, output)
    except OSError as exc:
        raise Failed([Problem(shown, 1, 1, "E970", f"cannot write {shown}/: {exc.strerror}; {shown}/ was left as it was")]) from None
    finally:
        for process in processes:
            shutil.rmtree(process.site, ignore_errors=True)
            shutil.rmtree(process.scratch, ignore_errors=True)
    return shown


class Outdated(Exception):
    """An incremental update found something only a full build gets right."""


def update_site(root: Path, output: Path, pages: dict[str, list[str]], copies: tuple[str, ...], sources: tuple[str, ...],
                config_file: str = "mkdocs.yml", languages: tuple[str, ...] = ("en",), watch: Watch | None = None) -> int:
    """Rebuild `pages` (language -> site paths) into staging folders, prove the rest of the
    site still holds, then put them in place with their search entries and the copied
    files. Raises Outdated, with the site untouched, when the proof fails."""
    processes: list[_Process] = []
    try:
        for language in languages:
            site = Path(tempfile.mkdtemp(prefix=f".{output.name}-{language}-", dir=output.parent))
            processes.append(_Process(language, site, Path(tempfile.mkdtemp(prefix="portpages-build-")), pages[language], sources))
        _run(root, config_file, processes, len(processes), watch)
        for process in processes:
            _same_frame(process, output, languages)
        indexes = {p.language: _patched_index(p, output, languages) for p in processes}
        for process in processes:
            for path in process.only:
                os.replace(process.site / path, output / path)
        for rel in copies:
            write_atomic(output / rel, (root / "docs" / rel).read_bytes())
        for language, index in indexes.items():
            write_index(output if language == languages[0] else output / language, index)
    except OSError as exc:
        # No manifest is saved, so the next build is a full one and mends a half-made update.
        shown = output.name
        raise Failed([Problem(shown, 1, 1, "E970", f"cannot update {shown}/: {exc.strerror}; make it writable, and the next build rebuilds it in full")]) from None
    finally:
        for process in processes:
            shutil.rmtree(process.site, ignore_errors=True)
            shutil.rmtree(process.scratch, ignore_errors=True)
    return sum(len(p.only) for p in processes)


def _same_frame(process: _Process, output: Path, languages: tuple[str, ...]) -> None:
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


def _patched_index(process: _Process, output: Path, languages: tuple[str, ...]) -> dict:
    """The language's search index with the rebuilt pages' entries swapped in, in place."""
    prefix = "" if process.language == languages[0] else f"{process.language}/"
    try:
        index = json.loads((output / prefix / "search" / "search_index.json").read_text("utf-8"))
    except (OSError, ValueError):
        raise Outdated("the last build's search index is missing or broken") from None
    fresh: dict[str, list] = {}
    for doc in read_index(process.site)["docs"]:
        location = doc["location"].removeprefix(prefix)
        fresh.setdefault(location.split("#", 1)[0], []).append({**doc, "location": location})
    rebuilt = {path.removeprefix(prefix).removesuffix("index.html") for path in process.only}
    docs, placed = [], set()
    for doc in index["docs"]:
        page = doc["location"].split("#", 1)[0]
        if page not in rebuilt:
            docs.append(doc)
        elif page not in placed:
            placed.add(page)
            docs.extend(fresh.get(page, []))
    if set(fresh) - placed:
        raise Outdated("a page's search entries have no place in the old index")
    return {**index, "docs": docs}


def _run(root: Path, config_file: str, processes: list[_Process], jobs: int, watch: Watch | None) -> None:
    """Every process to its end, at most `jobs` at a time; Failed if any of them failed."""
    waiting = list(processes)
    running: list[_Process] = []
    try:
        while waiting or running:
            while waiting and len(running) < jobs:
                running.append(_start(root, config_file, waiting.pop(0)))
            time.sleep(0.2)
            running = [p for p in running if p.popen.poll() is None]
            if watch:
                watch(_progress(processes))
    finally:
        # Ctrl-C, SIGTERM or a failure elsewhere: no MkDocs outlives the build.
        for process in processes:
            if process.popen and process.popen.poll() is None:
                process.popen.kill()
                process.popen.wait()
    failed = [p for p in processes if p.popen.returncode != 0]
    if not failed:
        return
    found = [problem for p in processes for problem in _page_problems(p.scratch / "problems.json")]
    if found:
        raise Failed(found + [Problem(config_file, 1, 1, "E950", "the build stopped on the problems above; the site was left as it was")])
    raise Failed([Problem(config_file, 1, 1, "E950", "mkdocs build failed (output above); the site was left as it was")],
                 detail="".join(p.output for p in failed))


def _start(root: Path, config_file: str, process: _Process) -> _Process:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1",
           "PORTPAGES_PROBLEMS": str(process.scratch / "problems.json"),
           "PORTPAGES_PROGRESS": str(process.scratch / "progress")}
    if process.only is not None:
        (process.scratch / "only.json").write_text(json.dumps({"pages": process.only, "sources": process.sources}), encoding="utf-8")
        env["PORTPAGES_ONLY"] = str(process.scratch / "only.json")
    args = [sys.executable, "-m", "portpages.mkdocs_run", config_file, str(process.site)]
    if process.language:
        args.append(process.language)
    with open(process.scratch / "output.txt", "wb") as out:
        process.popen = subprocess.Popen(args, cwd=root, env=env, stdout=out, stderr=subprocess.STDOUT)
    return process


def _progress(processes: list[_Process]) -> dict[str, tuple[int, int]]:
    states = {}
    for process in processes:
        try:
            language, done, total = (process.scratch / "progress").read_text("utf-8").split()
        except (OSError, ValueError):
            continue
        states[language] = (int(done), int(total))
    return states


def _page_problems(path: Path) -> list[Problem]:
    try:
        return [Problem(*row) for row in json.loads(path.read_text("utf-8") or "[]")]
    except (OSError, ValueError, TypeError):
        return []


def swap_into(built: Path, output: Path) -> None:
    """Put a finished folder in place of the old one; the old one stays until then."""
    old = output.with_name(f".{output.name}-old")
    shutil.rmtree(old, ignore_errors=True)
    if output.exists():
        output.rename(old)
    try:
        built.rename(output)
    except OSError:
        if old.exists() and not output.exists():
            old.rename(output)
        raise
    shutil.rmtree(old, ignore_errors=True)


def readable_by_all(path: Path) -> None:
    # mkdtemp makes the folder private (0700); a web server's user must be able to read it.
    umask = os.umask(0)
    os.umask(umask)
    path.chmod(0o777 & ~umask)
