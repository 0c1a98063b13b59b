"""What contributed text turns into on a page, checked as a browser will see it.

Markdown is not modelled here with regular expressions: the text is rendered by
Python-Markdown with the site's own extensions (read from mkdocs.yml), and the HTML it
produces is parsed by lexbor, an HTML5 parser that builds the same tree a browser does.
Every element, attribute and URL in that tree is compared with an allowlist. The same
comparison runs at build time on every generated page (mkdocs_hooks.py), so a gap between
the checker and the build cannot reach a reader.

A field is rendered on its own, between nothing and a sentinel paragraph; a field that
swallows the sentinel (an unclosed fence, comment or attribute quote) would swallow the
rest of its page, and is refused.
"""

from __future__ import annotations

import html
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from urllib.parse import urlsplit

import markdown
from markdown.extensions.footnotes import FootnoteInlineProcessor
from pygments.token import STANDARD_TYPES
from selectolax.lexbor import LexborHTMLParser, LexborNode

# MkDocs always loads these before the ones mkdocs.yml lists (mkdocs/config/defaults.py).
MKDOCS_BUILTINS = ("toc", "tables", "fenced_code")

SENTINEL = "ppfieldend"  # a paragraph rendered after every field
END = '<i id="pp-end"></i>'  # an element after the field's HTML, for unclosed tags and quotes


# ---- characters -------------------------------------------------------------------------

# Characters that reorder or hide text (Trojan Source, RLO spoofing) or break one-line
# output; never needed in a port record.
BIDI = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")
LINE_BREAKS = set("\u2028\u2029\x85")
JOINERS = set("\u200c\u200d")  # needed to spell words in some scripts


def bad_character(text: str, newlines: bool) -> tuple[int, str] | None:
    """The first character a record may not contain, with its name, or None."""
    for i, ch in enumerate(text):
        if ch == "\n" and newlines:
            continue
        category = unicodedata.category(ch)
        if ch in BIDI:
            return i, f"bidirectional control U+{ord(ch):04X}, which reorders what readers see"
        if ch in LINE_BREAKS or ch in "\n\r":
            return i, f"line break U+{ord(ch):04X}"
        if category in ("Cc", "Cs") or (category == "Cf" and ch not in JOINERS) or category == "Co":
            name = unicodedata.name(ch, "") or {"Cc": "control character", "Cs": "lone surrogate", "Co": "private-use character"}.get(category, "invisible character")
            return i, f"{name.lower()} U+{ord(ch):04X}"
    return None


def shown(value: object, limit: int = 60) -> str:
    """A record value quoted for a one-line message: no newline, escape or control character."""
    text = str(value)
    out = []
    for ch in text[:limit]:
        if ch == "'":
            out.append("\\'")
        elif ch == "\\":
            out.append("\\\\")
        elif ch.isprintable() and ch not in BIDI:
            out.append(ch)
        else:
            out.append(ch.encode("unicode_escape").decode("ascii") if ord(ch) < 0x10000 else f"\\U{ord(ch):08x}")
    return "'" + "".join(out) + ("…" if len(text) > limit else "") + "'"


def oneline(text: str) -> str:
    """Inline prose (summary, notes) as the page places it: one line."""
    return " ".join(text.split())


# ---- the site's Markdown ------------------------------------------------------------------

@dataclass(frozen=True)
class Config:
    extensions: tuple[str, ...]
    configs: dict = field(default_factory=dict, hash=False, compare=False)


def site_config(mkdocs_config: dict) -> Config:
    """The Markdown extensions MkDocs builds pages with, from mkdocs.yml's markdown_extensions."""
    names = list(MKDOCS_BUILTINS)
    configs: dict = {}
    for item in mkdocs_config.get("markdown_extensions") or ():
        name, options = next(iter(item.items())) if isinstance(item, dict) else (item, None)
        if name not in names:
            names.append(name)
        if options:
            configs[name] = options
    return Config(tuple(names), configs)


class _Citations(FootnoteInlineProcessor):
    """Markdown's own footnote reference processor, noting every [^key] it is asked for."""

    def __init__(self, pattern, footnotes):
        super().__init__(pattern, footnotes)
        self.asked: list[str] = []

    def handleMatch(self, m, data):
        self.asked.append(m.group(1))
        return super().handleMatch(m, data)


class Renderer:
    """A Markdown instance configured like the site's, instrumented to see citations."""

    def __init__(self, config: Config):
        self.md = markdown.Markdown(extensions=list(config.extensions), extension_configs=config.configs)
        footnote = self.md.inlinePatterns["footnote"]
        self.footnotes = footnote.footnotes
        self.citations = _Citations(r"\[\^([^\]]*)\]", self.footnotes)
        self.md.inlinePatterns.register(self.citations, "footnote", 175)
        self.definitions: list[str] = []
        original = self.footnotes.setFootnote

        def set_footnote(id_, text):
            self.definitions.append(id_)
            original(id_, text)

        self.footnotes.setFootnote = set_footnote

    def convert(self, text: str) -> str:
        self.md.reset()
        self.citations.asked = []
        self.definitions = []
        return self.md.convert(text)

    @property
    def escaped_chars(self) -> frozenset[str]:
        return frozenset(self.md.ESCAPED_CHARS)


@cache
def renderer(config: Config) -> Renderer:
    return Renderer(config)


def md_text(text: str, escapable: frozenset[str]) -> str:
    """Plain text written into Markdown so that it renders as exactly that text."""
    out = []
    for ch in html.escape(text, quote=False):
        out.append("\\" + ch if ch in escapable else ch)
    return "".join(out)


def md_url(url: str) -> str:
    """A checked URL as a Markdown link target: what Markdown would read as syntax is encoded."""
    return "".join(f"%{ord(ch):02X}" if ch in " ()<>\\`\"'" else ch for ch in url)


# ---- the allowlists -----------------------------------------------------------------------

PYGMENTS_CLASSES = frozenset(c for c in STANDARD_TYPES.values() if c)


def _classes(*allowed: str, prefixes: tuple[str, ...] = ()):
    def check(value: str) -> bool:
        return all(c in allowed or c.startswith(prefixes) for c in value.split()) if prefixes or allowed else False
    return check


def _any(value: str) -> bool:
    return True


def _digits(value: str) -> bool:
    return value.isascii() and value.isdigit() and len(value) < 6


@dataclass(frozen=True)
class Policy:
    """Elements a field or page may contain, each with its allowed attributes."""

    name: str
    elements: dict  # tag -> {attribute: predicate(value) -> bool}
    inline_only: bool = False  # the field must be one paragraph of inline text


_INLINE = {
    "em": {}, "strong": {}, "code": {}, "br": {},
    "a": {"href": "url", "class": _classes("footnote-ref")},
    "sup": {"id": lambda v: v.startswith("fnref")},
}
PROSE = Policy("prose", {
    **_INLINE, "p": {}, "ul": {}, "ol": {"start": _digits}, "li": {}, "pre": {},
    "div": {"class": _classes("highlight", prefixes=("language-",))},
    "span": {"class": lambda v: all(c in PYGMENTS_CLASSES for c in v.split())},
})
INLINE = Policy("inline prose", {**_INLINE, "p": {}}, inline_only=True)

_TABLE_ALIGN = {"style": lambda v: v in ("text-align: left;", "text-align: right;", "text-align: center;")}
# Everything a generated page's content may hold: the prose above, plus what the templates
# write (headings, admonitions, tabs, footnotes, tables, the lookup form).
PAGE = Policy("page", {
    **PROSE.elements,
    **{f"h{n}": {"id": _any, "data-search-exclude": lambda v: v == ""} for n in range(1, 7)},
    "a": {"href": "url", "title": _any,
          "class": _classes("footnote-ref", "footnote-backref", "headerlink", "pp-edit", "pp-lookup-data", "pp-lookup-pages")},
    "sup": {"id": _any}, "li": {"id": _any}, "hr": {}, "label": {"for": _any},
    "p": {"class": _classes("admonition-title", "pp-lookup__answer"), "role": lambda v: v == "status", "aria-live": lambda v: v == "polite"},
    "div": {"class": _classes("highlight", "footnote", "admonition", "abstract", "info", "note", "warning", "tabbed-set",
                              "tabbed-alternate", "tabbed-labels", "tabbed-content", "tabbed-block", prefixes=("language-",)),
            "data-tabs": _any},
    "input": {"type": lambda v: v in ("radio", "text"), "id": _any, "name": _any, "checked": _any, "inputmode": lambda v: v == "numeric",
              "placeholder": _any},
    "form": {"class": _classes("pp-lookup"), "autocomplete": lambda v: v == "off", "data-messages": _any},
    "button": {"type": lambda v: v == "submit", "class": _classes("md-button", "md-button--primary")},
    "table": {}, "thead": {}, "tbody": {}, "tr": {}, "th": _TABLE_ALIGN, "td": _TABLE_ALIGN,
})

# Where a finding most likely comes from in the Markdown source, to point at its column.
_NEEDLES = {"img": "![", "h1": "#", "h2": "#", "h3": "#", "h4": "#", "h5": "#", "h6": "#", "blockquote": ">",
            "table": "|", "hr": "---"}


@dataclass(frozen=True)
class Finding:
    code: str
    message: str
    needle: str | None = None


def web_url_problem(url: str) -> str | None:
    """Why a URL is not a plain http(s) address to show a reader, or None."""
    if not url.isascii():
        return "has characters outside ASCII; percent-encode them, and write the host in its xn-- form"
    if any(ch.isspace() or ch in "<>\"'`\\{}|^" or not ch.isprintable() for ch in url):
        return "has a space, quote, backslash or control character; percent-encode it"
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018  (raises ValueError on a port that is not a number)
    except ValueError as exc:
        return f"cannot be parsed ({exc})"
    if parts.scheme not in ("http", "https"):
        return "is not http(s); use an https:// address"
    if "@" in parts.netloc:
        return "has a user name or password before '@', which hides the real host; remove it"
    if not parts.hostname or "." not in parts.hostname.strip("."):
        return "has no host name"
    return None


def _site_url_problem(url: str) -> str | None:
    """Links in text may go to the web or to the site's own pages (relative paths)."""
    if url.startswith(("http:", "https:", "HTTP:", "HTTPS:")) or ":" in url.split("/", 1)[0].split("#", 1)[0]:
        return web_url_problem(url)
    if url.startswith(("/", "\\")):
        return "starts at the site's root; link relatively (../22/) or to an https:// address"
    if not all(ch.isascii() and (ch.isalnum() or ch in "-._/#:") for ch in url):
        return "is not a plain relative link; link to an https:// address"
    return None


def _attribute_findings(node: LexborNode, allowed: dict, where: str) -> Iterator[Finding]:
    for name, value in node.attributes.items():
        value = value or ""
        rule = allowed.get(name)
        if rule == "url":
            why = _site_url_problem(value)
            if why:
                yield Finding("E502", f"link target {shown(value)} {why}", value or None)
        elif rule is None or not rule(value):
            if name.startswith("on"):
                yield Finding("E503", f"event handler attribute {shown(name)} is not allowed", name)
            else:
                yield Finding("E504", f"attribute {shown(name)}={shown(value, 30)} on <{node.tag}> is not allowed in {where}; "
                              "remove the attribute list { ... }, link title or HTML that sets it", "{")


def _children(node: LexborNode) -> list[LexborNode]:
    return list(node.iter(include_text=True))


def check_tree(nodes: list[LexborNode], policy: Policy) -> Iterator[Finding]:
    """Every element, attribute and comment under `nodes`; a refused element's insides are skipped."""
    stack = list(reversed(nodes))
    while stack:
        node = stack.pop()
        tag = node.tag
        if tag == "-text":
            continue
        if tag == "-comment":
            yield Finding("E503", "an HTML comment is not allowed; it can hide the rest of the page", "<!--")
            continue
        allowed = policy.elements.get(tag)
        if allowed is None:
            if tag == "img":
                yield Finding("E503", "images are not allowed: a reader's browser would load them from another site", "![")
            elif tag in _NEEDLES or tag in ("div", "details", "input", "label"):
                yield Finding("E504", f"Markdown that makes a <{tag}> is not allowed in {policy.name}; write plain paragraphs",
                              _NEEDLES.get(tag))
            else:
                yield Finding("E503", f"HTML element <{tag}> is not allowed; write plain text or put code in `backticks`", f"<{tag}")
            continue
        refused = next(_attribute_findings(node, allowed, policy.name), None)
        if refused:
            yield refused
        else:
            stack.extend(reversed(_children(node)))


_DOCUMENT = "<!DOCTYPE html><html><head></head><body>"  # so that <style>, <meta>, <title> stay where written


def _top(html_text: str) -> list[LexborNode]:
    tree = LexborHTMLParser(_DOCUMENT + html_text)
    moved = list(tree.head.iter(include_text=True)) if tree.head else []
    body = list(tree.body.iter(include_text=True)) if tree.body else []
    return moved + body


@dataclass(frozen=True)
class Checked:
    findings: tuple[Finding, ...]
    citations: tuple[str, ...]  # every [^key] Markdown saw, in order, defined or not


def check_field(text: str, policy: Policy, config: Config, keys: tuple[str, ...]) -> Checked:
    """Render one Markdown field as the page would and check what comes out."""
    r = renderer(config)
    source = oneline(text) if policy.inline_only else text
    # A citation of key K needs the characters [^K] in the source; defining only those keeps
    # each render small without changing what it renders.
    defined = [k for k in keys if f"[^{k}]" in source]
    definitions = "".join(f"[^{k}]: x\n" for k in defined)
    try:
        out = r.convert(f"{source}\n\n{SENTINEL}\n\n{definitions}")
    except RecursionError:
        return Checked((Finding("E507", "this text is nested too deeply to render; write plain paragraphs"),), ())
    nodes = [n for n in _top(out + END) if not (n.tag == "-text" and not n.text().strip())]
    findings: list[Finding] = []
    if len(r.definitions) > len(defined):
        findings.append(Finding("E504", "a footnote definition [^...]: is not allowed in text; sources go under sources:", "]:"))
    if r.md.references:
        findings.append(Finding("E504", "a link reference definition [name]: url is not allowed in text; write the link inline", "]:"))
    if nodes and nodes[-1].tag == "i" and nodes[-1].attributes.get("id") == "pp-end":
        nodes.pop()
        if nodes and nodes[-1].tag == "div" and nodes[-1].attributes.get("class") == "footnote":
            nodes.pop()
        closed = nodes and nodes[-1].tag == "p" and nodes[-1].text() == SENTINEL and not nodes[-1].attributes
    else:
        closed = False
    if not closed:
        findings.append(Finding("E504", "this text does not end where it should (an unclosed fence, comment, tag or quote "
                                "would swallow the rest of the page); close it"))
        return Checked(tuple(findings), tuple(r.citations.asked))
    nodes.pop()
    if policy.inline_only and (len(nodes) > 1 or (nodes and nodes[0].tag != "p")):
        findings.append(Finding("E504", f"this field is one paragraph of text; <{nodes[0].tag}> (a list, heading or block) is not allowed here",
                                _NEEDLES.get(nodes[0].tag)))
    else:
        findings.extend(check_tree(nodes, policy))
    return Checked(tuple(findings), tuple(r.citations.asked))


def check_page(content_html: str) -> list[Finding]:
    """A generated page's content (MkDocs' rendered Markdown) against the page allowlist."""
    nodes = _top(content_html + END)
    if not nodes or nodes[-1].tag != "i" or nodes[-1].attributes.get("id") != "pp-end":
        return [Finding("E963", "the page's content does not close (an unclosed tag or quote swallows the theme)")]
    return list(check_tree(nodes[:-1], PAGE))


def summary_text(summary: str, config: Config) -> str:
    """What a reader sees of a summary, without its citation marks: the page's description."""
    r = renderer(config)
    text = oneline(summary)
    r.convert(text)
    keys = dict.fromkeys(r.citations.asked)  # rendered again with them defined, as the page has them
    tree = LexborHTMLParser(_DOCUMENT + r.convert(text + "\n\n" + "".join(f"[^{k}]: x\n" for k in keys)))
    for node in tree.css("sup, div.footnote"):
        node.decompose()
    return oneline(tree.body.text(separator="") if tree.body else "")


