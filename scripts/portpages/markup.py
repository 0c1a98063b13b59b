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
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from urllib.parse import urlsplit

import markdown
from markdown.extensions.footnotes import FootnoteInlineProcessor
from pygments.token import STANDARD_TYPES
from selectolax.lexbor import LexborHTMLParser, LexborNode

from portpages.problems import BIDI, one_line

# MkDocs always loads these before the ones mkdocs.yml lists (mkdocs/config/defaults.py).
MKDOCS_BUILTINS = ("toc", "tables", "fenced_code")

SENTINEL = "ppfieldend"  # a paragraph rendered after every field
END = '<i id="pp-end"></i>'  # an element after the field's HTML, for unclosed tags and quotes


# ---- characters -------------------------------------------------------------------------

# Besides BIDI: characters that break one-line output; never needed in a port record.
LINE_BREAKS = set("\u2028\u2029\x85")
JOINERS = set("\u200c\u200d")  # needed to spell words in some scripts


def bad_character(text: str, newlines: bool) -> tuple[int, str] | None:
    """The first character a record may not contain, with its name, or None. With
    `newlines`, line breaks and tabs (prose, code blocks) are allowed."""
    for i, ch in enumerate(text):
        if ch in "\n\t" and newlines:
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
    body = one_line(text[:limit].replace("\\", "\\\\").replace("'", "\\'"))
    return f"'{body}{'…' if len(text) > limit else ''}'"


_SPACES = re.compile(r"[ \t\n\r\f\v]+")


def oneline(text: str) -> str:
    """Text as the page places it: one line. (Only ASCII white space: a no-break space is a
    typographer's choice, as before a French colon.)"""
    return _SPACES.sub(" ", text).strip()


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
        self.definitions: list[str] = []
        self.citations = _Citations(r"\[\^([^\]]*)\]", None)
        if "footnote" not in self.md.inlinePatterns:
            return  # a site without footnotes: nothing is a citation
        footnotes = self.md.inlinePatterns["footnote"].footnotes
        self.citations = _Citations(r"\[\^([^\]]*)\]", footnotes)
        self.md.inlinePatterns.register(self.citations, "footnote", 175)
        original = footnotes.setFootnote

        def set_footnote(id_, text):
            self.definitions.append(id_)
            original(id_, text)

        footnotes.setFootnote = set_footnote

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
# A token type below a standard one is written as its class plus the subtypes' names
# (YAML's Punctuation.Indicator is "p-Indicator"): still only a colour of code.
_PYGMENTS_SUBTYPE = re.compile(r"([a-z]{1,3})((?:-[A-Z][A-Za-z]*)+)")


def _pygments_class(name: str) -> bool:
    m = _PYGMENTS_SUBTYPE.fullmatch(name)
    return name in PYGMENTS_CLASSES or bool(m and m.group(1) in PYGMENTS_CLASSES)


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
    "span": {"class": lambda v: all(_pygments_class(c) for c in v.split())},
})
INLINE = Policy("inline prose", {**_INLINE, "p": {}}, inline_only=True)

def _is_en(value: str) -> bool:
    return value == "en"


_TABLE_ALIGN = {"style": lambda v: v in ("text-align: left;", "text-align: right;", "text-align: center;")}
# Everything a generated page's content may hold: the prose above, plus what the templates
# write (headings, admonitions, tabs, footnotes, tables, the lookup form).
PAGE = Policy("page", {
    **PROSE.elements,
    **{f"h{n}": {"id": _any, "lang": _is_en} for n in range(1, 7)},
    # English shown on a translated page is marked as English (templates/port.md.j2).
    "span": {**PROSE.elements["span"], "lang": _is_en},
    "a": {"href": "url", "title": _any, "hidden": lambda v: v == "hidden",
          "class": _classes("footnote-ref", "footnote-backref", "headerlink", "pp-edit", "pp-lookup-data", "pp-lookup-pages")},
    "sup": {"id": _any}, "li": {"id": _any}, "hr": {}, "label": {"for": _any},
    "p": {"class": _classes("admonition-title", "pp-lookup__answer"), "role": lambda v: v == "status", "aria-live": lambda v: v == "polite"},
    "div": {"class": _classes("highlight", "footnote", "admonition", "abstract", "info", "note", "warning", "tabbed-set",
                              "tabbed-alternate", "tabbed-labels", "tabbed-content", "tabbed-block", prefixes=("language-",)),
            "data-tabs": _any, "lang": _is_en},
    "input": {"type": lambda v: v in ("radio", "text"), "id": _any, "name": _any, "checked": _any, "inputmode": lambda v: v == "numeric",
              "placeholder": _any},
    "form": {"class": _classes("pp-lookup"), "autocomplete": lambda v: v == "off", "data-messages": _any},
    "button": {"type": lambda v: v == "submit", "class": _classes("md-button", "md-button--primary")},
    "table": {}, "thead": {}, "tbody": {}, "tr": {}, "th": _TABLE_ALIGN, "td": _TABLE_ALIGN,
})

# Markdown that makes page structure: what to call it, and where in the source it most
# likely is (to point at its column).
_STRUCTURE = {
    **{f"h{n}": ("a heading", "#") for n in range(1, 7)},
    "blockquote": ("a block quote", ">"), "table": ("a table", "|"), "hr": ("a horizontal rule", "---"),
    "ul": ("a list", None), "ol": ("a list", None), "pre": ("a code block", "```"), "div": ("a block", None),
}


@dataclass(frozen=True)
class Finding:
    code: str
    message: str
    needle: str | tuple[str, ...] | None = None  # where in the source it most likely is


_URL_UNSAFE = re.compile(r"[\x00-\x20\x7f<>\"'`\\{}|^]")


@cache  # a page repeats its links (ranges, edit, sources): check each once
def web_url_problem(url: str) -> str | None:
    """Why a URL is not a plain http(s) address to show a reader, or None."""
    if not url.isascii():
        return "has characters outside ASCII; percent-encode them, and write the host in its xn-- form"
    if _URL_UNSAFE.search(url):
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
        return "has no host name; write the whole address, such as https://www.rfc-editor.org/rfc/rfc6335"
    return None


@cache
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
    attributes = node.attributes
    if not attributes:
        return
    # Event handlers first: the one finding reported for an element should be the worst.
    for name, value in sorted(attributes.items(), key=lambda item: not item[0].startswith("on")):
        value = value or ""
        rule = allowed.get(name)
        if rule == "url":
            why = _site_url_problem(value)
            if why:
                yield Finding("E502", f"link target {shown(value)} {why}", (value, "](", "<") if value else ("](", "<"))
        elif rule is None or not rule(value):
            if name.startswith("on"):
                yield Finding("E503", f"event handler attribute {shown(name)} is not allowed", (name + "=", name))
            else:
                yield Finding("E504", f"attribute {shown(name)}={shown(value, 30)} on <{node.tag}> is not allowed in {where}; "
                              "remove the attribute list { ... }, link title or HTML that sets it", (name + "=", "{", name))


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
        classes = (node.attributes.get("class") or "").split() if tag == "div" else []
        if ("admonition" in classes or "tabbed-set" in classes) and not (allowed and allowed["class"](node.attributes["class"])):
            what, marker = ("an admonition", ("!!!", "???")) if "admonition" in classes else ("tabs", ("===",))
            yield Finding("E504", f"{what} ({marker[0]}) is not allowed in {policy.name}; write plain paragraphs", marker)
            continue
        if allowed is None:
            if tag == "img":
                yield Finding("E503", "images are not allowed: a reader's browser would load them from another site", ("<img", "!["))
            elif tag in _STRUCTURE:
                what, marker = _STRUCTURE[tag]
                where = "a one-paragraph field" if policy.inline_only else policy.name
                yield Finding("E504", f"{what} is not allowed in {where}; write plain text", (f"<{tag}", marker) if marker else f"<{tag}")
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
        renderer.cache_clear()  # a render that failed half-way leaves its instance's state broken
        return Checked((Finding("E507", "this text is nested too deeply to render; write plain paragraphs"),), ())
    except Exception as exc:  # noqa: BLE001  Python-Markdown's own bugs: the build would crash on it too
        renderer.cache_clear()
        return Checked((Finding("E507", f"Markdown fails on this text ({type(exc).__name__}); simplify it"),), ())
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
    findings.extend(check_tree(nodes, policy))
    if policy.inline_only and not findings and len(nodes) > 1:
        findings.append(Finding("E504", "this field is one paragraph of text; write it without blocks"))
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


