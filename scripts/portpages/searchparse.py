"""Give Material's search indexer only the part of a page it indexes.

Material parses every page's whole HTML with Python's HTMLParser to split it into
sections, then drops the sections whose heading says `data-search-exclude`. A registry
page keeps its title and summary only, so four fifths of what is parsed is thrown away:
15 % of the build. When every heading from some point on is excluded, nothing after that
point can reach the index, so the parser is given the page up to there. The entries are
the same (tests/test_cheaper_pages.py compares them on every kind of page).
"""

from __future__ import annotations

import re

_HEADING = re.compile(r"<h([1-6])\b([^>]*)>", re.I)
# A heading inside one of these hands what follows its container back to the section
# before it (Material's parser does that), so a cut is made only at the top level.
_CONTAINER = re.compile(r"<(/?)(?:div|section|details|blockquote|ul|ol|li|dl|table|article|aside|nav)\b", re.I)


def _top_level(html: str, at: int) -> bool:
    depth = 0
    for match in _CONTAINER.finditer(html, 0, at):
        depth += -1 if match.group(1) else 1
    return depth == 0


def indexed_part(html: str) -> str:
    """`html` up to the first excluded heading after which every heading is excluded."""
    cut = None
    for match in _HEADING.finditer(html):
        attributes = match.group(2)
        if " id=" not in attributes:
            continue  # Material starts a section only at a heading with an id
        if "data-search-exclude" in attributes:
            if cut is None and _top_level(html, match.start()):
                cut = match.start()
        else:
            cut = None
    return html if cut is None else html[:cut]


def install() -> None:
    """Make Material's search plugin index pages through indexed_part."""
    from material.plugins.search.plugin import SearchIndex

    if getattr(SearchIndex, "_portpages_trimmed", False):
        return
    add_entry = SearchIndex.add_entry_from_context

    def add_entry_from_context(self, page):
        content = page.content
        page.content = indexed_part(content) if content else content
        try:
            add_entry(self, page)
        finally:
            page.content = content

    SearchIndex.add_entry_from_context = add_entry_from_context
    SearchIndex._portpages_trimmed = True
