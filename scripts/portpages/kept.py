"""What a translation must keep from the English text: its numbers, transport protocols,
code and link targets. A translator rewrites the words around them, never them.

The text is rendered with the site's Markdown and read from the HTML, so a number inside
`code` counts as code, a citation's footnote number counts as nothing, and a link counts
by where it goes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from selectolax.lexbor import LexborHTMLParser

from portpages import markup

# A number with its digit-group or decimal separators, which languages write differently
# (2,000 / 2.000 / 2 000 / 2000; 556.9 / 556,9): compared by its digits alone.
NUMBER = re.compile(r"\d+(?:[.,]\d+|[\u00a0\u202f]\d{3}(?!\d))*")
PROTOCOL = re.compile(r"\b(TCP|UDP|SCTP|DCCP|QUIC)\b")


@dataclass(frozen=True)
class Kept:
    numbers: frozenset[str]
    protocols: frozenset[str]
    code: frozenset[str]
    links: frozenset[str]

    def differences(self, english: Kept) -> list[str]:
        """What this text lost or added compared with the English, in words for a message."""
        out = []
        for what, mine, theirs in (("number", self.numbers, english.numbers), ("protocol", self.protocols, english.protocols),
                                   ("code", self.code, english.code), ("link to", self.links, english.links)):
            out += [f"{what} {markup.shown(v)} is missing" for v in sorted(theirs - mine)]
            out += [f"{what} {markup.shown(v)} is not in the English" for v in sorted(mine - theirs)]
        return out


def plain(text: str) -> Kept:
    """The same for a plain-text field (a title, a heading, a name): no Markdown in it."""
    return Kept(_numbers(text), frozenset(PROTOCOL.findall(text)), frozenset(), frozenset())


@lru_cache(maxsize=4096)
def kept(text: str, config: markup.Config, keys: tuple[str, ...]) -> Kept:
    """A Markdown field's; `keys` are the record's source keys, so citations render as the
    footnote references they are (and are left out) rather than as text."""
    definitions = "".join(f"\n\n[^{k}]: x" for k in keys if f"[^{k}]" in text)
    html = markup.renderer(config).convert(text + definitions)
    tree = LexborHTMLParser(f"<div>{html}</div>")
    for node in tree.css("sup, div.footnote"):
        node.decompose()  # citations: their numbers and links are the page's, not the text's
    code = frozenset(node.text() for node in tree.css("code"))
    links = frozenset(node.attributes.get("href") or "" for node in tree.css("a"))
    for node in tree.css("code"):
        node.decompose()  # compared whole, above
    words = tree.body.text() if tree.body else ""
    return Kept(_numbers(words), frozenset(PROTOCOL.findall(words)), code, links)


def _numbers(text: str) -> frozenset[str]:
    return frozenset(re.sub(r"\D", "", n) for n in NUMBER.findall(text))
