"""MkDocs processes side by side: each one `python -m portpages.mkdocs_run` into its own
folder, at most `jobs` at a time, with its problems, progress and output in a scratch
folder. No MkDocs outlives the build (Ctrl-C, SIGTERM or a failure elsewhere)."""

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

# language -> (pages written, pages in that language's build); called a few times a second.
Watch = Callable[[dict[str, tuple[int, int]]], None]


@dataclass
class Process:
    language: str | None  # None: every language, in turn
    site: Path
    scratch: Path  # its problems, progress and output files
    only: list[str] | None = None  # site paths of the pages to build; None: all
    sources: tuple[str, ...] = ()  # with `only`: the docs/ Markdown files to load
    popen: subprocess.Popen | None = None

    @property
    def output(self) -> str:
        return (self.scratch / "output.txt").read_text("utf-8", errors="replace")


def new_process(output: Path, language: str | None, only: list[str] | None = None, sources: tuple[str, ...] = ()) -> Process:
    """A process's folders: its site beside `output` (so that it can be renamed into place)."""
    site = Path(tempfile.mkdtemp(prefix=f".{output.name}-{language or 'all'}-", dir=output.parent))
    readable_by_all(site)
    return Process(language, site, Path(tempfile.mkdtemp(prefix="portpages-build-")), only, sources)


def remove(processes: list[Process]) -> None:
    for process in processes:
        shutil.rmtree(process.site, ignore_errors=True)
        shutil.rmtree(process.scratch, ignore_errors=True)


def run(root: Path, config_file: str, processes: list[Process], jobs: int, watch: Watch | None) -> None:
    """Every process to its end, at most `jobs` at a time; Failed if any of them failed."""
    waiting = list(processes)
    running: list[Process] = []
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


def _start(root: Path, config_file: str, process: Process) -> Process:
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


def _progress(processes: list[Process]) -> dict[str, tuple[int, int]]:
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


def readable_by_all(path: Path) -> None:
    # mkdtemp makes the folder private (0700); a web server's user must be able to read it.
    umask = os.umask(0)
    os.umask(umask)
    path.chmod(0o777 & ~umask)
