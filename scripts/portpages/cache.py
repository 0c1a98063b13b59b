"""Skip the whole generate stage when nothing it reads has changed.

Generation is deterministic, so the same inputs give the same pages: when the inputs'
hash matches the last run's and every page it wrote is still there untouched (same size
and modification time), there is nothing to do. Hashing the inputs costs milliseconds;
loading and rendering thousands of pages costs seconds.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from portpages.problems import Problem
from portpages.write import write_atomic

PACKAGE = Path(__file__).resolve().parent


def inputs_key(root: Path, registry: Path | None, extra: str = "") -> str:
    digest = hashlib.sha256(extra.encode())
    files = [root / "mkdocs.yml", *sorted((root / "ports").glob("*")), *sorted(PACKAGE.rglob("*.py")),
             *sorted(PACKAGE.rglob("*.j2")), *sorted(PACKAGE.rglob("*.yaml")), *sorted(PACKAGE.rglob("*.json"))]
    if registry is not None:
        files.append(registry)
    for path in files:
        if path.is_file():
            digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    head = root / ".git" / "HEAD"  # the feed's dates come from git history
    if head.is_file():
        digest.update(head.read_bytes())
        ref = head.read_text().removeprefix("ref:").strip()
        if (root / ".git" / ref).is_file():
            digest.update((root / ".git" / ref).read_bytes())
    return digest.hexdigest()


def code_key(root: Path, settings: str) -> str:
    """What every page is made of besides its own data: the generator's code, templates and
    strings, mkdocs.yml, and the settings read from the environment (`settings`)."""
    digest = hashlib.sha256(settings.encode())
    for path in [root / "mkdocs.yml", *sorted(PACKAGE.rglob("*.py")), *sorted(PACKAGE.rglob("*.j2")),
                 *sorted(PACKAGE.rglob("*.yaml")), *sorted(PACKAGE.rglob("*.json"))]:
        if path.is_file():
            digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def _stamp(path: Path) -> list[int]:
    stat = path.stat()
    return [stat.st_size, stat.st_mtime_ns]


class Cache:
    def __init__(self, root: Path):
        self.path = root / ".cache" / "generate.json"
        self.docs = root / "docs"

    def _last(self) -> dict:
        try:
            last = json.loads(self.path.read_text("utf-8"))
            return last if isinstance(last, dict) else {}
        except (OSError, ValueError):
            return {}

    def fresh(self, key: str) -> dict | None:
        """The last run's summary if its inputs were these and its pages are intact."""
        last = self._last()
        try:
            if last.get("key") != key:
                return None
            for rel, stamp in last["pages"].items():
                if _stamp(self.docs / rel) != stamp:
                    return None
            return last
        except (OSError, KeyError, TypeError):
            return None

    def reuse(self):
        """reuse(path, key): docs/path was written last time from what `key` names, and is
        untouched since (same size and modification time)."""
        last = self._last()
        made, pages = last.get("made") or {}, last.get("pages") or {}

        def reuse(path: str, key: str) -> bool:
            try:
                return made.get(path) == key and _stamp(self.docs / path) == pages.get(path)
            except OSError:
                return False

        return reuse

    def save(self, key: str, pages: list[str], warnings: list[Problem], made: dict[str, str] | None = None) -> None:
        data = {"key": key, "pages": {rel: _stamp(self.docs / rel) for rel in sorted(pages)},
                "warnings": [[p.path, p.line, p.col, p.code, p.message] for p in warnings],
                "made": made or {}}
        try:
            write_atomic(self.path, json.dumps(data).encode("utf-8"))
        except OSError:
            pass  # only a shortcut for the next run is lost
