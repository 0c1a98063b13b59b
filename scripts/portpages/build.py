"""Build stage: run `mkdocs build --strict` into a fresh folder, then swap it in.

The previous site stays in place until a build has fully succeeded.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from portpages.problems import Failed, Problem
from portpages.searchindex import split_search_index


def build_site(root: Path, output: Path, config_file: str = "mkdocs.yml", languages: tuple[str, ...] = ("en",),
               offline: bool = False, announce: bool = True) -> int:
    output = output if output.is_absolute() else root / output
    staging = Path(tempfile.mkdtemp(prefix=f".{output.name}-", dir=output.parent))
    readable_by_all(staging)
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    try:
        result = subprocess.run(
            [sys.executable, "-m", "mkdocs", "build", "--strict", "--clean", "--config-file", config_file,
             "--site-dir", str(staging)],
            cwd=root, env=env, capture_output=True, text=True,
        )
        if result.returncode != 0:
            sys.stderr.write(result.stdout + result.stderr)
            raise Failed([Problem(config_file, 1, 1, "E950", f"mkdocs build failed (output above); {output.name}/ was left as it was")])
        split_search_index(staging, languages, offline)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    swap_into(staging, output)
    if announce:
        print(f"site built in {output.relative_to(root) if output.is_relative_to(root) else output}/", file=sys.stderr)
    return 0


def swap_into(built: Path, output: Path) -> None:
    """Put a finished folder in place of the old one; the old one stays until then."""
    old = output.with_name(f".{output.name}-old")
    shutil.rmtree(old, ignore_errors=True)
    if output.exists():
        output.rename(old)
    built.rename(output)
    shutil.rmtree(old, ignore_errors=True)


def readable_by_all(path: Path) -> None:
    # mkdtemp makes the folder private (0700); a web server's user must be able to read it.
    umask = os.umask(0)
    os.umask(umask)
    path.chmod(0o777 & ~umask)
