"""One search index per language, so a reader searches the pages of the language they read.

mkdocs-static-i18n merges every language into search/search_index.json at the site root.
After the build we split it: the default language keeps the root index, each other
language gets <lang>/search/search_index.json with its own entries. overrides/main.html
points Material's search at the language's folder. Offline builds also get the
search_index.js form that search uses from file://.
"""

from __future__ import annotations

import json
from pathlib import Path

from portpages.problems import Failed, Problem
from portpages.write import write_atomic


def read_index(site: Path) -> dict:
    source = site / "search" / "search_index.json"
    if not source.is_file():
        raise Failed([Problem("mkdocs.yml", 1, 1, "E960", "the build wrote no search/search_index.json; keep the search plugin in mkdocs.yml's plugins")])
    return json.loads(source.read_text("utf-8"))


def merge_indexes(indexes: list[dict]) -> dict:
    """One-language builds' indexes as one, in language order: what the i18n plugin makes
    when it builds the languages in turn."""
    return {"config": indexes[0]["config"], "docs": [doc for index in indexes for doc in index["docs"]]}


def split_search_index(site: Path, languages: tuple[str, ...], offline: bool = False, merged: dict | None = None) -> None:
    """Write each language's index (and, offline, its search_index.js)."""
    merged = merged if merged is not None else read_index(site)
    prefixes = {lang: f"{lang}/" for lang in languages[1:]}
    buckets: dict[str, list] = {lang: [] for lang in languages}
    for doc in merged["docs"]:
        lang = next((lang for lang, prefix in prefixes.items() if doc["location"].startswith(prefix)), languages[0])
        if lang != languages[0]:
            doc = {**doc, "location": doc["location"][len(prefixes[lang]):]}
        buckets[lang].append(doc)
    for lang, docs in buckets.items():
        write_index(site if lang == languages[0] else site / lang, {"config": merged["config"], "docs": docs}, offline)


def write_index(root: Path, index: dict, offline: bool = False) -> None:
    """One language's index under `root` (the site, or its language folder)."""
    text = json.dumps(index, ensure_ascii=False, separators=(",", ":"))
    write_atomic(root / "search" / "search_index.json", text.encode("utf-8"))
    if offline:
        write_atomic(root / "search" / "search_index.js", f"var __index = {text};\n".encode("utf-8"))
