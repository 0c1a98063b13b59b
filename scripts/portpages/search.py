"""The search data of one language: what docs/assets/search.js ranks, loaded on first use.

Material's own search sends every reader the whole full-text index (1.4 MB at registry
size) when a page opens, and ranks with lunr, which puts port 33890 above 3389 for
"3389" and "SSH Tectia Manager" above SSH for "ssh". A port reference is searched by
number and by name, so each language gets a small table instead: per page its number or
path, its title, its IANA service names and a short text. The script loads it with a
<script> tag the first time the reader uses the search box (so it works from file://
too) and ranks it knowing what a port is: the number's page first, curated records before
registry-only pages.

Rows are plain JSON arrays, read by the script as text only (never as HTML):
  [port, title, names, text, kind, words] for a port page (title without "Port N: "),
  [path, title, "", text, kind, words] for any other page (path under docs/, no ".md"),
with kind CURATED, REGISTRY or PAGE; text is shown under the title, and words (folded,
each once) are the rest of a record's prose, so "bluekeep" finds port 3389 too.
"""

from __future__ import annotations

import json
import re
import unicodedata

from portpages import markup
from portpages.model import RANGES, Record
from portpages.project import Project
from portpages.registry import Registry

PAGE, CURATED, REGISTRY = 3, 2, 1


def search_data(project: Project, lang: str, t: dict, records: tuple[Record, ...], registry: Registry | None,
                registry_only: list[int]) -> str:
    """docs/search/<lang>.js: the language's rows and the words the script shows."""
    rows: list[list] = [
        ["index", t["home"]["title"], "", t["home"]["intro"], PAGE, ""],
        ["lookup/index", t["lookup"]["title"], "", t["lookup"]["intro"], PAGE, ""],
        ["ports/index", t["index"]["title"], "", "", PAGE, ""],
        ["ranges/index", t["ranges"]["title"], "", t["ranges"]["intro"], PAGE, ""],
        *[[f"ranges/{r.slug}", t["ranges"]["rfc"].format(name=t["ranges"][r.slug]["name"], low=r.low, high=r.high),
           "", t["ranges"][r.slug]["text"], PAGE, ""] for r in RANGES],
        ["reference/record-format", t["record_format"]["title"], "", "", PAGE, ""],
        ["reference/translations", t["translations"]["title"], "", "", PAGE, ""],
    ]
    for record in records:
        text = record.text if lang == project.default else record.text_in(lang).text
        names = dict.fromkeys([s.name for s in record.services]
                              + [f.name for f in (registry.facts(record.port) if registry else ()) if f.name])
        words = [markup.summary_text(text.summary, project.markdown), *(use.shown for use in text.uses)]
        prose = [*(f"{s.heading} {s.body}" for s in text.sections), *(u.note for u in text.uses), *text.security,
                 *(r.note for r in text.related)]
        rows.append([record.port, text.title, " ".join(names), " · ".join(words), CURATED, word_bag(prose)])
    for port in registry_only:
        facts = registry.facts(port)
        rows.append([port, facts[0].description or facts[0].name, " ".join(dict.fromkeys(f.name for f in facts if f.name)),
                     "", REGISTRY, ""])
    data = {
        "lang": lang,
        "title": t["port"]["title"],
        "ranges": [[r.slug, r.low, r.high] for r in RANGES],
        "words": t["search"],
        "rows": rows,
    }
    # JSON is JavaScript; "</" and U+2028/9 are escaped so no row can end the script early.
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    text = text.replace("</", "<\\/").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return f"window.__portpagesSearch = window.__portpagesSearch || {{}};\nwindow.__portpagesSearch[{json.dumps(lang)}] = {text};\n"


_MARKUP = re.compile(r"\[\^[^\]]*\]|\]\([^)]*\)|https?://\S+")  # footnote marks, link targets, addresses
_SPLIT = re.compile(r"[^a-z0-9\u00c0-\uffff]+")  # as search.js splits words


def fold(text: str) -> str:
    """Lower case without accents, as search.js folds a query."""
    return "".join(c for c in unicodedata.normalize("NFD", text.lower()) if not unicodedata.combining(c))


def word_bag(texts: list[str]) -> str:
    """Every word of 3 letters or more in `texts`, folded, once each, in order of first use.
    Only matched against, never shown, so Markdown marks are simply dropped."""
    seen = dict.fromkeys(w for text in texts for w in _SPLIT.split(fold(_MARKUP.sub(" ", text))) if len(w) > 2)
    return " ".join(seen)
