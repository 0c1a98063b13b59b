"""When each record was added and last changed, from git (empty outside a git checkout)."""

from __future__ import annotations

import subprocess
from pathlib import Path


def record_dates(root: Path) -> dict[str, tuple[str, str]]:
    """"ports/<file>" -> (added, updated) commit dates, ISO 8601; deterministic for a commit."""
    try:
        out = subprocess.run(
            ["git", "log", "--format=%x00%cI", "--name-only", "--no-renames", "--", "ports/"],
            cwd=root, capture_output=True, text=True, check=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return {}
    dates: dict[str, tuple[str, str]] = {}
    for block in out.split("\0")[1:]:  # newest commit first
        date, *files = block.strip().splitlines()
        for name in filter(None, files):
            added, updated = dates.get(name, (date, date))
            dates[name] = (date, updated)  # older commits move "added" back
    return dates


def past_texts(root: Path, path: str, limit: int = 100) -> list[str] | None:
    """Every committed text of `path` (relative to `root`), newest first; None outside a git
    checkout, [] for a file never committed."""
    def git(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(["git", *args], cwd=root, capture_output=True, text=True)

    try:
        log = git("log", f"-{limit}", "--format=%H", "--", path)
    except OSError:
        return None
    if log.returncode != 0:
        return None
    shown = (git("show", f"{commit}:./{path}") for commit in log.stdout.split())
    return [r.stdout for r in shown if r.returncode == 0]
