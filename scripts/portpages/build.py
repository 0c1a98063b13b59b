"""Build stage: run `mkdocs build --strict` into a fresh folder, then swap it in.

The previous site stays in place until a build has fully succeeded.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from portpages.problems import Failed, Problem
from portpages.searchindex import split_search_index


def build_site(root: Path, output: Path, config_file: str = "mkdocs.yml", languages: tuple[str, ...] = ("en",),
               offline: bool = False) -> str:
    """Build into `output`; returns it as the reader should see it named."""
    output = output if output.is_absolute() else root / output
    shown = output.relative_to(root).as_posix() if output.is_relative_to(root) else output.as_posix()
    try:
        staging = Path(tempfile.mkdtemp(prefix=f".{output.name}-", dir=output.parent))
        readable_by_all(staging)
    except OSError as exc:
        raise Failed([Problem(shown, 1, 1, "E970", f"cannot create a build folder beside {shown}/: {exc.strerror}; make the folder writable")]) from None
    fd, problems_file = tempfile.mkstemp(prefix="portpages-problems-", suffix=".json")
    os.close(fd)
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PORTPAGES_PROBLEMS": problems_file}
    try:
        # On SIGINT or SIGTERM (cli turns both into KeyboardInterrupt) run() kills MkDocs,
        # and the staging folder goes below: the previous site is untouched.
        result = subprocess.run(
            [sys.executable, "-m", "mkdocs", "build", "--strict", "--clean", "--config-file", config_file,
             "--site-dir", str(staging)],
            cwd=root, env=env, capture_output=True, text=True,
        )
        if result.returncode != 0:
            found = _page_problems(problems_file)
            if found:
                raise Failed(found + [Problem(config_file, 1, 1, "E950", f"the build stopped on the problems above; {shown}/ was left as it was")])
            raise Failed([Problem(config_file, 1, 1, "E950", f"mkdocs build failed (output above); {shown}/ was left as it was")],
                         detail=result.stdout + result.stderr)
        split_search_index(staging, languages, offline)
        swap_into(staging, output)
    except OSError as exc:
        raise Failed([Problem(shown, 1, 1, "E970", f"cannot write {shown}/: {exc.strerror}; {shown}/ was left as it was")]) from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        Path(problems_file).unlink(missing_ok=True)
    return shown


def _page_problems(path: str) -> list[Problem]:
    try:
        return [Problem(*row) for row in json.loads(Path(path).read_text("utf-8") or "[]")]
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
