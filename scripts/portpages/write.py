"""Write stage: put generated pages into docs/, touching only what changed."""

from __future__ import annotations

import os
from pathlib import Path

from portpages.problems import Failed, Problem
from portpages.project import GENERATED


def _generated_files(docs_dir: Path) -> set[str]:
    """Files currently in docs/ that the generator owns."""
    found = set()
    for name in GENERATED:
        folder = docs_dir / name
        if folder.is_dir():
            found.update(p.relative_to(docs_dir).as_posix() for p in folder.rglob("*") if p.is_file())
        found.update(p.name for p in docs_dir.glob(f"{name}.md"))
        found.update(p.name for p in docs_dir.glob(f"{name}.*.md"))
    return found


def write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)  # readers never see half a file


def write_generated(docs_dir: Path, files: dict[str, str], kept: frozenset[str] = frozenset()) -> tuple[int, int]:
    """Write changed files, remove pages no longer generated (neither in `files` nor
    `kept`, the pages left as they are). Returns (written, removed)."""
    try:
        return _write_generated(docs_dir, files, kept)
    except OSError as exc:
        where = Path(exc.filename).as_posix() if exc.filename else docs_dir.as_posix()
        try:
            where = Path(where).resolve().relative_to(Path.cwd().resolve()).as_posix()
        except ValueError:
            pass
        raise Failed([Problem(where, 1, 1, "E970", f"cannot write {where}: {exc.strerror}; make docs/ writable (the site was not rebuilt)")]) from None


def _write_generated(docs_dir: Path, files: dict[str, str], kept: frozenset[str]) -> tuple[int, int]:
    written = 0
    for rel in sorted(files):
        path = docs_dir / rel
        data = files[rel].encode("utf-8")
        try:
            if path.read_bytes() == data:
                continue  # unchanged: keep its mtime, so MkDocs' dirty builds and rsync skip it
        except FileNotFoundError:
            pass
        write_atomic(path, data)
        written += 1
    stale = sorted(_generated_files(docs_dir) - set(files) - kept)
    for rel in stale:
        (docs_dir / rel).unlink()
    return written, len(stale)
