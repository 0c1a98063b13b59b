"""Build stage: MkDocs into fresh folders, merged, then swapped in for the old site.

By default each language is built by its own MkDocs process (mkdocs_run.py), side by
side, and the results are merged: the default language's build gives the site root and
the shared assets, every other build gives its `<lang>/` folder, and one sitemap covers
them all.
`sequential=True` is the i18n plugin's own way, every language in turn in one process;
both give the same files (tests/test_parallel.py compares them).

The previous site stays in place until a build has fully succeeded.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from portpages.problems import Failed, Problem
from portpages.processes import Process, Watch, new_process, remove, run
from portpages.sitemap import write_sitemap


def build_site(root: Path, output: Path, config_file: str = "mkdocs.yml", languages: tuple[str, ...] = ("en",),
               offline: bool = False, site_url: str = "", sequential: bool = False, jobs: int | None = None,
               watch: Watch | None = None) -> str:
    """Build into `output`; returns it as the reader should see it named."""
    output = output if output.is_absolute() else root / output
    shown = output.relative_to(root).as_posix() if output.is_relative_to(root) else output.as_posix()
    wanted = [None] if sequential or len(languages) == 1 else list(languages)
    processes: list[Process] = []
    try:
        try:
            for language in wanted:
                processes.append(new_process(output, language))
        except OSError as exc:
            raise Failed([Problem(shown, 1, 1, "E970", f"cannot create a build folder beside {shown}/: {exc.strerror}; make the folder writable")]) from None
        run(root, config_file, processes, jobs or len(processes), watch)
        site = processes[0].site
        for process in processes[1:]:
            (process.site / process.language).rename(site / process.language)
        if not offline and site_url:
            write_sitemap(site, site_url, languages)
        swap_into(site, output)
    except OSError as exc:
        raise Failed([Problem(shown, 1, 1, "E970", f"cannot write {shown}/: {exc.strerror}; {shown}/ was left as it was")]) from None
    finally:
        remove(processes)
    return shown


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
