"""Skip the whole generate stage when nothing it reads has changed.

Generation is deterministic, so the same inputs give the same pages: when the inputs'
hash matches the last run's and every page it wrote is still there untouched (same size
and modification time), there is nothing to do. Hashing the inputs costs milliseconds;
loading and rendering thousands of pages costs seconds.
"""

from __future__ import annotations

import hashlib
import json
import os
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
    stat = os.stat(path)
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


class FieldChecks:
    """What checking each Markdown field found, kept in .cache/ between runs: a field
    renders the same until its text, its key list or the checker's code changes."""

    def __init__(self, root: Path):
        self.path = root / ".cache" / "fields.json"
        self.code = code_key(root, "fields")
        try:
            data = json.loads(self.path.read_text("utf-8"))
            fields = data["fields"] if data.get("code") == self.code else {}
            self.checked = _Used({digest: _checked(value) for digest, value in fields.items()})
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            self.checked = _Used()

    def save(self) -> None:
        """The fields this run asked for: text no record holds any more is forgotten."""
        from dataclasses import astuple

        fields = {digest: [[astuple(f) for f in c.findings], list(c.citations)]
                  for digest, c in self.checked.items() if digest in self.checked.used}
        try:
            write_atomic(self.path, json.dumps({"code": self.code, "fields": fields}).encode("utf-8"))
        except OSError:
            pass  # the next run checks every field again, nothing worse


class _Used(dict):
    """A dict that remembers which keys were read."""

    def __init__(self, *args):
        super().__init__(*args)
        self.used: set = set()

    def __getitem__(self, key):
        self.used.add(key)
        return super().__getitem__(key)


def _checked(value):
    from portpages.markup import Checked, Finding

    findings, citations = value
    return Checked(tuple(Finding(code, message, tuple(needle) if isinstance(needle, list) else needle)
                         for code, message, needle in findings), tuple(citations))
