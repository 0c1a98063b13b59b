"""The checker's rules: each a small named unit with a code, what it means, and its fix.

Codes starting with E are errors (the build stops); W are warnings. Rules without a
check function are applied by the loader (E0xx) or the schema (E1xx); they are listed
here so that the rule reference in CONTRIBUTING and the site is generated from one place.
"""

from __future__ import annotations

import hashlib
import re

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from portpages import kept, markup
from portpages.model import RANGES, range_of
from portpages.problems import Problem
from portpages.yamlsource import KEY, Document


@dataclass(frozen=True)
class Context:
    """What a rule may know beyond the one file it checks."""

    ports: frozenset[int]  # ports that have an English record file
    languages: tuple[str, ...]  # every configured language, default first
    records: dict = field(default_factory=dict)  # port -> Document of each English record that loaded
    registry: object | None = None  # registry.Registry when a registry file is given
    markdown: markup.Config | None = None  # the site's Markdown, to render text as pages do
    rendered: dict = field(default_factory=dict)  # path -> each Markdown field of that file, checked once
    checked: dict | None = None  # field digest -> markup.Checked, kept between runs (cache.FieldChecks)


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    means: str
    fix: str
    kind: str  # what it applies to: "file", "record", "overlay" ("record+overlay": both), "registry", "command"
    check: Callable[[Document, Context], Iterator[Problem]] | None = None


RULES: dict[str, Rule] = {}


def rule(code: str, name: str, means: str, fix: str, kind: str = "record"):
    def register(check):
        RULES[code] = Rule(code, name, means, fix, kind, check)
        return check

    return register


def declare(code: str, name: str, means: str, fix: str, kind: str = "file") -> None:
    RULES[code] = Rule(code, name, means, fix, kind)


declare("E001", "yaml-syntax", "The file is not valid YAML.", "Fix the indentation or quoting at the given position.")
declare("E002", "duplicate-key", "A mapping has the same key twice; YAML would silently keep the last.", "Keep one of the two keys.")
declare("E003", "yaml-alias", "The file uses YAML anchors (&) or aliases (*), which records never need and which can blow up memory.", "Write the value out in full.")
declare("E004", "file-too-large", "The file is over 64 KiB.", "Shorten the record; a port page does not need that much text.")
declare("E005", "not-utf8", "The file has bytes that are not UTF-8.", "Save the file as UTF-8.")
declare("E006", "unreadable", "The file cannot be read.", "Check the file's permissions.")
declare("E007", "file-name", "A file in ports/ is not named `<port>.yaml` or `<port>.<language>.yaml`, with the port in ASCII digits and no leading zeros (so that no two files can stand for one port).", "Rename it, e.g. ports/8080.yaml or ports/8080.fr.yaml.")
declare("E008", "config-languages", "mkdocs.yml builds a language that has no strings table, or has no i18n languages.", "Add `scripts/portpages/strings/<locale>.yaml` (translate en.yaml) or fix the i18n plugin's languages.", kind="command")
declare("E015", "config-analytics", "mkdocs.yml asks for an analytics provider other than custom or google, or for google without a measurement ID.", "Leave ANALYTICS_PROVIDER unset (the site's own widget), or set ANALYTICS_PROVIDER=google and ANALYTICS_PROPERTY=G-....", kind="command")
declare("E009", "yaml-tag", "The file uses a YAML tag (!!python/..., !custom), which records never need.", "Write a plain value without a tag.")
declare("E010", "not-a-regular-file", "Something in ports/ is a symbolic link, a folder, a device or a pipe; a record is a regular file, so that what is reviewed is what is published.", "Put the record's file itself in ports/.")
declare("E011", "number-form", "A number is written in a form YAML reads as a number but people do not (0x16, 026, 1_000, 0:22).", "Write it in decimal digits without leading zeros.")
declare("E012", "yaml-depth", "Lists and mappings are nested deeper than any record needs.", "Follow the layout of the Record format page.")
declare("E013", "ports-folder", "The ports/ folder is missing or is not a folder.", "Run portpages from the project's top folder, the one with mkdocs.yml and ports/.", kind="command")
declare("E101", "unknown-field", "A field that the record format does not have (often a typo).", "Rename or remove it; see the Record format page.")
declare("E102", "missing-field", "A required field is missing.", "Add it; `portpages new` writes a template with every field.")
declare("E103", "wrong-type", "A value has the wrong type, e.g. text where a number belongs.", "Write the value in the type the message names.")
declare("E104", "bad-value", "A value breaks the record format: not an allowed word, too short, wrong pattern.", "Change the value as the message says.")
declare("E201", "port-range", "A port number outside 0-65535.", "Use a number from 0 to 65535.")


def _strings(data, at: tuple = ()) -> Iterator[tuple[tuple, str]]:
    """Every string in a document, with its path."""
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _strings(value, at + (key,))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from _strings(value, at + (i,))
    elif isinstance(data, str):
        yield at, data


def _kind(doc: Document) -> str:
    """ "record" for ports/22.yaml, "overlay" for a translation such as ports/22.fr.yaml."""
    return "overlay" if doc.path.rsplit("/", 1)[-1].count(".") == 2 else "record"


def _prose(doc: Document) -> Iterator[tuple[tuple, str, markup.Policy]]:
    """Every Markdown field of a record or overlay, with how the page renders it."""
    data, kind = doc.data, _kind(doc)
    if isinstance(data.get("summary"), str):
        yield ("summary",), data["summary"], markup.INLINE
    for i, note in enumerate(data.get("security") or ()):
        yield ("security", i), note, markup.INLINE
    if kind == "record":
        for i, section in enumerate(data.get("sections") or ()):
            yield ("sections", i, "body"), section["body"], markup.PROSE
        for name in ("uses", "related"):
            for i, item in enumerate(data.get(name) or ()):
                yield (name, i, "note"), item["note"], markup.INLINE
    else:
        for sid, section in (data.get("sections") or {}).items():
            if "body" in section:
                yield ("sections", sid, "body"), section["body"], markup.PROSE
        for name in ("uses", "related"):
            for key, note in (data.get(name) or {}).items():
                yield (name, key), note, markup.INLINE


def _plain(doc: Document) -> Iterator[tuple[tuple, str]]:
    """Every plain-text field: shown literally, on one line."""
    data, kind = doc.data, _kind(doc)
    if "title" in data:
        yield ("title",), data["title"]
    if kind == "record":
        for i, section in enumerate(data.get("sections") or ()):
            yield ("sections", i, "heading"), section["heading"]
        for i, use in enumerate(data.get("uses") or ()):
            yield ("uses", i, "name"), use["name"]
        for i, source in enumerate(data.get("sources") or ()):
            yield ("sources", i, "title"), source["title"]
            yield ("sources", i, "publisher"), source["publisher"]
    else:
        for sid, section in (data.get("sections") or {}).items():
            if "heading" in section:
                yield ("sections", sid, "heading"), section["heading"]
        for name in ("use_names", "publishers"):
            for key, value in (data.get(name) or {}).items():
                yield (name, key), value


# Python-Markdown's link parsing costs, for every unclosed '[', a scan of the rest of its
# text; these bound a 64 KiB record's check to well under a second. Records use at most 29.
MAX_BRACKETS = 32  # in one field
MAX_RECORD_BRACKETS = 96  # in all of a file's Markdown fields


def rendered(doc: Document, ctx: Context) -> list[tuple[tuple, str, markup.Checked]]:
    """Each Markdown field as the site renders it, checked; rendered once per document."""
    key = doc.path
    if key not in ctx.rendered:
        english = _english(doc, ctx)
        keys = tuple(s["key"] for s in english.data.get("sources", [])) if english else ()
        out = []
        total = 0
        for at, text, policy in _prose(doc):
            total += text.count("[")
            if text.count("[") > MAX_BRACKETS:
                found = markup.Checked((markup.Finding("E507", f"more than {MAX_BRACKETS} '[' in one field; "
                                                       "split the text or write fewer links"),), ())
            elif total > MAX_RECORD_BRACKETS:
                found = markup.Checked((markup.Finding("E507", f"more than {MAX_RECORD_BRACKETS} '[' in this file's text, "
                                                       "counted up to here; write fewer links and citations"),), ())
            else:
                found = _checked(text, policy, keys, ctx)
            out.append((at, text, found))
        ctx.rendered[key] = out
    return ctx.rendered[key]


def _checked(text: str, policy: markup.Policy, keys: tuple[str, ...], ctx: Context) -> markup.Checked:
    """check_field's answer, from the last runs' when the same text was checked the same way
    (rendering every field of every record is most of a check's time)."""
    if ctx.checked is None:
        return markup.check_field(text, policy, ctx.markdown, keys)
    digest = hashlib.sha256("\0".join((policy.name, " ".join(keys), text)).encode("utf-8")).hexdigest()
    if digest not in ctx.checked:
        ctx.checked[digest] = markup.check_field(text, policy, ctx.markdown, keys)
    return ctx.checked[digest]


def _markup_rule(code: str):
    def check(doc: Document, ctx: Context):
        seen = set()
        for at, _, found in rendered(doc, ctx):
            for finding in found.findings:
                if finding.code == code and (at, finding.message) not in seen:
                    seen.add((at, finding.message))
                    yield doc.problem(at, code, finding.message, needle=finding.needle)
    return check


@rule("E105", "template-placeholder", "A TODO from the `portpages new` template is still there.", "Replace every TODO with real text.", kind="record+overlay")
def no_placeholders(doc: Document, ctx: Context):
    for at, text in _strings(doc.data):
        if "TODO" in text:
            yield doc.problem(at, "E105", "replace this TODO from the template with real text", needle="TODO")


@rule("E106", "title-repeats-port", "The title names the port's own number, which every page title already starts with.",
      "Leave the number out of the title: every page title already reads `Port N: …`.", kind="record+overlay")
def title_without_port(doc: Document, ctx: Context):
    title = doc.data.get("title")
    port = doc.path.rsplit("/", 1)[-1].split(".")[0]
    if isinstance(title, str) and port.isdigit() and re.search(rf"(?<![\d.]){port}(?![\d.])", title):
        yield doc.problem(("title",), "E106", f"the title repeats the port number {port}; pages already show \"Port {port}: …\", so leave it out",
                          needle=port)


@rule("E202", "port-file-name", "The port in the record differs from the number in its file name.", "Make `port:` equal the file name's number, or rename the file.")
def port_matches_file(doc: Document, ctx: Context):
    expected = int(doc.path.rsplit("/", 1)[-1].split(".")[0])
    if doc.data["port"] != expected:
        yield doc.problem(("port",), "E202", f"port {doc.data['port']} does not match the file name {expected}; set port: {expected} or rename the file")


@rule("E301", "undefined-source", "Prose cites [^key] but no source has that key.", "Add the source under `sources:` or correct the key.", kind="record+overlay")
def citations_defined(doc: Document, ctx: Context):
    english = _english(doc, ctx)
    if english is None:
        return
    keys = {s["key"] for s in english.data.get("sources", [])}
    for at, _, found in rendered(doc, ctx):
        for key in dict.fromkeys(found.citations):
            if key not in keys:
                yield doc.problem(at, "E301", f"citation [^{markup.shown(key)[1:-1]}] has no source with that key; add it under sources or fix the key",
                                  needle=f"[^{key}]")


@rule("W302", "unused-source", "A source is listed but never cited.", "Cite it as [^key] where it supports a claim, or remove it.")
def sources_cited(doc: Document, ctx: Context):
    cited = {key for _, _, found in rendered(doc, ctx) for key in found.citations}
    for i, source in enumerate(doc.data["sources"]):
        if source["key"] not in cited:
            yield doc.problem(("sources", i, "key"), "W302", f"source '{source['key']}' is never cited; cite it as [^{source['key']}] or remove it")


@rule("E303", "duplicate-source", "Two sources share a key.", "Give each source its own key.")
def source_keys_unique(doc: Document, ctx: Context):
    yield from _unique(doc, "sources", "key", "E303", "source key")


# Hosts whose pages repeat what others wrote: never the standard, the registry or the vendor.
SECONDARY_HOSTS = ("wikipedia.org", "stackoverflow.com", "stackexchange.com", "serverfault.com", "superuser.com",
                   "reddit.com", "medium.com", "speedguide.net", "grc.com", "adminsub.net")


@rule("E305", "too-few-sources", "A record has fewer than two sources.",
      "Add a second source under `sources:`: the standard, the registry, the vendor's documentation, or a careful secondary one.")
def two_sources(doc: Document, ctx: Context):
    count = len(doc.data["sources"])
    if count < 2:
        yield doc.problem(("sources", KEY), "E305", f"{count} source; every record needs at least two, one of them primary; add another under sources")


@rule("E306", "no-primary-source", "No source of a record is primary (the standard or RFC, the IANA registry, or the vendor's own documentation), or a source marked primary is a site that repeats others (Wikipedia, Q&A sites, port lists).",
      "Cite the RFC, the registry or the vendor's documentation and mark it `primary: true`; take `primary: true` off secondary sites.")
def primary_source(doc: Document, ctx: Context):
    sources = doc.data["sources"]
    for i, source in enumerate(sources):
        try:
            host = (urlsplit(source["url"]).hostname or "").lower()
        except ValueError:  # an unparsable URL is E501's to report
            host = ""
        secondary = next((h for h in SECONDARY_HOSTS if host == h or host.endswith("." + h)), None)
        if source.get("primary") and secondary:
            yield doc.problem(("sources", i, "primary"), "E306", f"{secondary} repeats what others wrote and is not a primary source; remove primary: true")
    if not any(s.get("primary") for s in sources):
        yield doc.problem(("sources", KEY), "E306", "no source is primary; cite the RFC, the IANA registry or the vendor's documentation and mark it primary: true")


# What a reader must be able to check: the sections, the uses and the security notes (the
# summary restates the sections; a related note only points at another page).
MUST_CITE = {"sections": "section", "uses": "use note", "security": "security note"}


@rule("E307", "uncited-claim", "A section, use note or security note (in a record or its translation) cites no source.",
      "Add [^key] after the claim it supports, with the key of one of the record's sources.", kind="record+overlay")
def claims_cited(doc: Document, ctx: Context):
    for at, _, found in rendered(doc, ctx):
        what = MUST_CITE.get(at[0])
        if what and not found.citations and not any(f.code.startswith("E") for f in found.findings):
            yield doc.problem(at, "E307", f"this {what} cites no source; add [^key] after the claim it supports")


# Ids the port page template gives its own headings; a section with one would make two
# elements with one id, and links to either land on the first.
PAGE_IDS = frozenset({"uses", "security", "registry", "check", "test", "firewall", "related", "sources"})


@rule("E304", "duplicate-section", "Two sections share an id, or a section takes an id the page gives its own headings (uses, security, registry, check, test, firewall, related, sources).",
      "Give each section its own id.")
def section_ids_unique(doc: Document, ctx: Context):
    yield from _unique(doc, "sections", "id", "E304", "section id")
    for i, section in enumerate(doc.data.get("sections", [])):
        if section["id"] in PAGE_IDS:
            yield doc.problem(("sections", i, "id"), "E304", f"section id '{section['id']}' is the page's own heading; choose another id")


def _unique(doc: Document, listing: str, key: str, code: str, what: str):
    seen: dict = {}
    for i, item in enumerate(doc.data.get(listing, [])):
        value = item[key]
        if value in seen:
            yield doc.problem((listing, i, key), code, f"{what} '{value}' is used twice (first at item {seen[value] + 1}); rename one")
        seen.setdefault(value, i)


def parse_range(text: str) -> tuple[int, int] | None:
    """'49152-65535' as (low, high); None unless both are plain decimal numbers."""
    low, _, high = text.partition("-")
    if not all(part.isascii() and part.isdigit() and (part == "0" or not part.startswith("0")) for part in (low, high)):
        return None
    return int(low), int(high)


@rule("E401", "related-port", "A related port has no record (only ranges may point outside ports/).", "Write a record for that port, or remove the entry.")
def related_ports_exist(doc: Document, ctx: Context):
    for i, item in enumerate(doc.data.get("related", [])):
        if isinstance(item["port"], int) and item["port"] not in ctx.ports:
            yield doc.problem(("related", i, "port"), "E401", f"related port {item['port']} has no record ports/{item['port']}.yaml; add one or remove this entry")


@rule("E402", "related-range", "A related range is backwards, out of 0-65535, not written as two plain numbers, a single port written as a range, or crosses an RFC 6335 range boundary.", "Write low-high inside one of 0-1023, 1024-49151 or 49152-65535, or a single port as a number.")
def related_ranges_valid(doc: Document, ctx: Context):
    bounds = ", ".join(f"{r.low}-{r.high}" for r in RANGES)
    for i, item in enumerate(doc.data.get("related", [])):
        if isinstance(item["port"], str):
            parsed = parse_range(item["port"])
            if parsed is None:
                yield doc.problem(("related", i, "port"), "E402", f"range {markup.shown(item['port'])} must be two decimal numbers low-high, without leading zeros")
            elif parsed[0] == parsed[1]:
                yield doc.problem(("related", i, "port"), "E402", f"range {item['port']} is one port; write port: {parsed[0]}")
            elif not (0 <= parsed[0] < parsed[1] <= 65535) or range_of(parsed[0]) != range_of(parsed[1]):
                yield doc.problem(("related", i, "port"), "E402", f"range {item['port']} must be low-high within one of {bounds}")


@rule("E501", "source-url", "A source URL is not a plain http(s) address: another scheme, spaces or quotes, a user name or password before the host (which hides where the link goes), no host, or characters outside ASCII.", "Link the source over https (or http), as the browser's address bar shows it.")
def source_urls_http(doc: Document, ctx: Context):
    for i, source in enumerate(doc.data["sources"]):
        why = markup.web_url_problem(source["url"])
        if why:
            yield doc.problem(("sources", i, "url"), "E501", f"source URL {markup.shown(source['url'])} {why}")


RULES["E502"] = Rule("E502", "link-url", "A link in text points somewhere other than an http(s) address or one of the site's pages (javascript:, data:, another site's root, a hidden user name).",
                     "Link to an https:// address, or name the port in `related:`.", "record+overlay", _markup_rule("E502"))
RULES["E503"] = Rule("E503", "html", "Text renders to HTML that a page may not contain: raw HTML elements, event handlers, comments, images.",
                     "Write plain text or Markdown; put code in `backticks` or a fenced block, where it shows literally.", "record+overlay", _markup_rule("E503"))
RULES["E504"] = Rule("E504", "text-structure", "Text renders to structure that belongs to the page, not to a field: headings, admonitions, tabs, block quotes, tables, "
                     "attribute lists, footnote or link definitions, a list or second paragraph in a one-paragraph field, or an unclosed fence, comment or tag.",
                     "Write plain paragraphs; sources go under `sources:` and sections under `sections:`.", "record+overlay", _markup_rule("E504"))


@rule("E505", "plain-text", "A plain-text field (title, heading, use name, source title or publisher) has a line break; it is shown on one line.",
      "Write it on one line.", kind="record+overlay")
def plain_text_one_line(doc: Document, ctx: Context):
    for at, text in _plain(doc):
        if "\n" in text or "\r" in text:
            yield doc.problem(at, "E505", "this field is plain text on one line; remove the line break")


@rule("E506", "hidden-character", "Text has a control, bidirectional-override or invisible character that can hide or reorder what readers see, or break the outputs.",
      "Delete the character (the message names it); retype the text around it.", kind="record+overlay")
def no_hidden_characters(doc: Document, ctx: Context):
    for at, text in _strings(doc.data):
        bad = markup.bad_character(text, newlines=True)
        if bad:
            yield doc.problem(at, "E506", f"{bad[1]} is not allowed in text; delete it", needle=text[bad[0]])


RULES["E507"] = Rule("E507", "text-too-complex", "Text is too complex to render quickly (too many brackets, or nesting too deep).",
                     "Simplify it: fewer links and nested lists in one field.", "record+overlay", _markup_rule("E507"))


@rule("E601", "rfc6335-status", "A port in the Dynamic range (49152-65535) is called IANA-assigned or given IANA service names; RFC 6335 says IANA never assigns them.", "Set iana.status to unassigned and describe vendor use under `uses:` with official: false.")
def dynamic_not_assigned(doc: Document, ctx: Context):
    iana = doc.data.get("iana")
    if iana and doc.data["port"] >= 49152:
        if iana["status"] == "assigned":
            yield doc.problem(("iana", "status"), "E601", "ports 49152-65535 are never assigned by IANA (RFC 6335 section 6); set status: unassigned")
        if iana.get("services"):
            yield doc.problem(("iana", "services"), "E601", "IANA lists no services in 49152-65535 (RFC 6335 section 6); remove services and describe the vendor's use under uses")


@rule("E602", "status-services", "IANA status and service names disagree: an assigned port needs its service names, an unassigned one has none.", "List the registry's service names for an assigned port; remove them otherwise.")
def status_matches_services(doc: Document, ctx: Context):
    iana = doc.data.get("iana")
    if not iana or doc.data["port"] >= 49152:
        return
    if iana["status"] == "assigned" and not iana.get("services"):
        yield doc.problem(("iana", "status"), "E602", "an assigned port needs services: the registry's service name(s) with their protocols")
    if iana["status"] != "assigned" and iana.get("services"):
        yield doc.problem(("iana", "services"), "E602", f"a port with status {iana['status']} has no IANA services; remove them or set status: assigned")


@rule("E701", "overlay-field", "A translation has a field the English record does not (a section id, use, related port or publisher that is not there).", "Translate only what the English record has; match ids exactly.", kind="overlay")
def overlay_fields_exist(doc: Document, ctx: Context):
    record = _english(doc, ctx)
    if record is None:
        return
    english = record.data
    known = {
        "sections": {s["id"] for s in english.get("sections", [])},
        "uses": {u["name"] for u in english.get("uses", [])},
        "use_names": {u["name"] for u in english.get("uses", [])},
        "related": {str(r["port"]) for r in english.get("related", [])},
        "publishers": {s["publisher"] for s in english.get("sources", [])},
    }
    for field_name, names in known.items():
        for name in doc.data.get(field_name, {}):
            if name not in names:
                choices = ", ".join(sorted(names)) or "none"
                yield doc.problem((field_name, name, KEY), "E701", f"{field_name} '{name}' is not in the English record (it has: {choices})")
    extra = len(doc.data.get("security", [])) - len(english.get("security", []))
    if extra > 0:
        at = ("security", len(english.get("security", [])))
        yield doc.problem(at, "E701", f"{extra} security note(s) more than the English record has; keep the English order and count")
    for field_name in ("summary", "security", "uses", "related"):
        if field_name in doc.data and field_name not in english:
            yield doc.problem((field_name, KEY), "E701", f"the English record has no {field_name} to translate; remove it")


declare("E704", "unknown-fingerprint", "A translation's `translates:` is the fingerprint of no version of the English record, now or in its git history: mistyped, or copied from another record.", "Set `translates:` to what `portpages fingerprint <port>` prints, once the translation matches the English.", kind="overlay")
declare("W703", "stale-translation", "The English text changed since this translation was made (its `translates:` fingerprint is old).", "Update the translation, then set `translates:` to what `portpages fingerprint <port>` prints.", kind="overlay")


@rule("W705", "untranslated", "A translation repeats the English text of a field word for word.", "Translate it, or leave the field out to show the English under a notice.", kind="overlay")
def overlay_is_translated(doc: Document, ctx: Context):
    record = _english(doc, ctx)
    if record is None:
        return
    en = record.data
    pairs = [(("title",), en.get("title")), (("summary",), en.get("summary"))]
    for s in en.get("sections", []):
        pairs += [(("sections", s["id"], "heading"), s["heading"]), (("sections", s["id"], "body"), s["body"])]
    for at, text in pairs:
        value = doc.data
        for part in at:
            value = value.get(part) if isinstance(value, dict) else None
        if value is not None and value == text and len(text.split()) > 3:
            yield doc.problem(at, "W705", "this is the English text word for word; translate it or remove the field")


@rule("E706", "translation-changes-facts", "A translated field's numbers, transport protocols (TCP, UDP, SCTP, DCCP, QUIC), `code` or link targets differ from the English field's.",
      "Translate the words around them; keep every number, protocol name, code span and link as the English has them.", kind="overlay")
def overlay_keeps_facts(doc: Document, ctx: Context):
    record = _english(doc, ctx)
    if record is None:
        return
    en, data = record.data, doc.data
    keys = tuple(s["key"] for s in en.get("sources", []))
    md = (lambda text: kept.kept(text, ctx.markdown, keys))
    fields = [(("title",), data.get("title"), en.get("title"), kept.plain), (("summary",), data.get("summary"), en.get("summary"), md)]
    for s in en.get("sections", []):
        mine = (data.get("sections") or {}).get(s["id"]) or {}
        fields += [(("sections", s["id"], "heading"), mine.get("heading"), s["heading"], kept.plain),
                   (("sections", s["id"], "body"), mine.get("body"), s["body"], md)]
    for u in en.get("uses", []):
        fields += [(("uses", u["name"]), (data.get("uses") or {}).get(u["name"]), u["note"], md),
                   (("use_names", u["name"]), (data.get("use_names") or {}).get(u["name"]), u["name"], kept.plain)]
    for i, note in enumerate(data.get("security") or ()):
        if i < len(en.get("security", [])):
            fields.append((("security", i), note, en["security"][i], md))
    for r in en.get("related", []):
        fields.append((("related", str(r["port"])), (data.get("related") or {}).get(str(r["port"])), r["note"], md))
    broken = {at for at, _, found in rendered(doc, ctx) if any(f.code.startswith("E") for f in found.findings)}
    for at, mine, english, facts in fields:
        if isinstance(mine, str) and isinstance(english, str) and at not in broken:
            changed = facts(mine).differences(facts(english))
            if changed:
                yield doc.problem(at, "E706", f"the translation changes the facts: {'; '.join(changed[:3])}; keep them as the English has them")


# `make facts` (facts.py): a reviewer's report, not part of `make check`.
declare("E851", "prose-registry-fact", "A sentence citing the IANA registry names a service on a port the registry does not list it on (`make facts`).",
        "Correct the name or the number from the registry, or cite the source the statement really comes from.", kind="facts")
declare("W852", "secondary-only-claim", "A claim cites only secondary sources (`make facts` lists them for reviewers).",
        "Add the standard, the registry or the vendor's documentation where it says the same, or keep it and let a reviewer judge.", kind="facts")


@rule("E702", "overlay-record", "A translation exists for a port that has no English record.", "Add the English record first, or fix the file name.", kind="overlay")
def overlay_has_record(doc: Document, ctx: Context):
    if _file_port(doc) not in ctx.ports:
        port = _file_port(doc)
        yield doc.problem((), "E702", f"no English record ports/{port}.yaml for this translation; add it or rename this file")


declare("E901", "canonical-layout", "The file is not in the canonical layout (key order, quoting, wrapping).", "Run `make fmt`; it changes layout only, never data.", kind="record+overlay")
declare("E902", "formatter-data", "The formatter would have changed a file's data (a bug); the file is left alone.", "Report it; format that file by hand.", kind="command")
declare("E910", "new-record-exists", "`portpages new` was asked for a port that already has a record.", "Edit the existing file instead.", kind="command")
declare("E900", "command-line", "The command line is wrong: unknown command, missing or bad argument.", "Run `portpages --help`.", kind="command")
declare("E905", "feedback", "`portpages feedback` cannot open its votes database or listen where asked.", "Give --db the votes file `feedback serve` writes, and --listen a free HOST:PORT.", kind="command")
declare("E906", "bundle", "`make bundle` cannot pack a pinned requirement (not installed, another version, not from a wheel) or is not run in a git checkout.", "Run `make site` (or `make clean site`) first, in a clone of the project.", kind="command")
declare("E950", "build-failed", "mkdocs build --strict failed; the previous site was kept.", "Read MkDocs' output above the line.", kind="command")
declare("E952", "audit-tools", "`make audit` found no site to audit, no Lighthouse or no Chromium, or Lighthouse failed on a page.", "Run `make site` first; `make audit` installs Lighthouse (npm ci); install Debian's chromium.", kind="command")
declare("E963", "page-markup", "A generated page renders to HTML outside the page allowlist (the build-time twin of E502-E504, for what no single field shows).", "Read the message; fix the record whose page it names.", kind="command")
declare("E964", "page-scan", "A built page lacks the Content-Security-Policy or has an inline script the theme did not write, an inline event handler, a javascript: or data: URL, or a frame.", "Fix the template or override that wrote it (overrides/, scripts/portpages/templates/).", kind="command")
declare("E970", "cannot-write", "An output folder or file cannot be written (permissions, a full disk, a file where a folder belongs).", "Make docs/, site/, .cache/ and the project folder writable, then run the command once more; the last good output was kept.", kind="command")
declare("E961", "offline-external-resource", "A file of the offline site loads something from outside the site (another host, or a path from the disk's root).", "Vendor the file under docs/assets/vendor/ and point to it with a relative path.", kind="command")
declare("E962", "offline-external-feature", "A page uses a Material feature that loads from the internet (Mermaid diagrams, repo_url).", "Drop the feature from the page or from mkdocs.yml (the message says which).", kind="command")
declare("E965", "offline-bundle", "The offline build cannot make Material's bundle load nothing from outside: the bundle is not the one it knows (Material was upgraded).", "Update offline.BUNDLE_REWRITES for the new bundle, or keep the pinned Material version.", kind="command")
declare("E812", "registry-download", "The registry could not be downloaded.", "Work offline with a copy: REGISTRY=path/to/service-names-port-numbers.csv.", kind="command")
declare("E810", "registry-file", "The registry file given with --registry cannot be read or lacks a column.", "Give the path of IANA's service-names-port-numbers.csv.", kind="registry")
declare("E811", "registry-row", "A registry row has a port number that is neither a number nor a range.", "Use an unmodified copy of the registry.", kind="registry")


@rule("E801", "registry-status", "The record's IANA status differs from the registry's (e.g. it calls a port assigned that the registry does not assign).", "Set iana.status to what the registry says.")
def status_matches_registry(doc: Document, ctx: Context):
    iana = doc.data.get("iana")
    if ctx.registry is None or not iana:
        return
    actual = ctx.registry.status(doc.data["port"])
    if iana["status"] != actual:
        yield doc.problem(("iana", "status"), "E801", f"the IANA registry says port {doc.data['port']} is {actual}, not {iana['status']}; set status: {actual}")


@rule("E802", "registry-service", "The record names an IANA service the registry does not list for that port and protocol.", "Use the registry's service name and protocols exactly.")
def services_match_registry(doc: Document, ctx: Context):
    iana = doc.data.get("iana")
    if ctx.registry is None or not iana:
        return
    listed = ctx.registry.services(doc.data["port"])
    for i, service in enumerate(iana.get("services", [])):
        name = service["name"]
        if name not in listed:
            names = ", ".join(sorted(listed)) or "none"
            yield doc.problem(("iana", "services", i, "name"), "E802", f"the registry lists no service '{name}' on port {doc.data['port']} (it lists: {names})")
            continue
        for j, protocol in enumerate(service["protocols"]):
            if protocol not in listed[name]:
                yield doc.problem(("iana", "services", i, "protocols", j), "E802", f"the registry lists '{name}' on port {doc.data['port']} for {', '.join(sorted(listed[name]))}, not {protocol}")


@rule("W803", "registry-protocol", "The registry assigns a service on this port for a protocol that the record's iana.services entry leaves out.", "Add the protocol to that service's protocols (the record's own `protocols:` says what is used in practice).")
def protocols_cover_registry(doc: Document, ctx: Context):
    iana = doc.data.get("iana")
    if ctx.registry is None or not iana:
        return
    listed = ctx.registry.services(doc.data["port"])
    for i, service in enumerate(iana.get("services", [])):
        missing = sorted(listed.get(service["name"], set()) - set(service["protocols"]))
        if missing:
            yield doc.problem(("iana", "services", i, "protocols"), "W803", f"the registry also assigns '{service['name']}' on port {doc.data['port']} for {', '.join(missing)}; add it to this service's protocols")


@rule("W804", "registry-missing-service", "The registry lists a service name on this port that the record does not mention.", "Add it under iana.services.")
def registry_services_listed(doc: Document, ctx: Context):
    iana = doc.data.get("iana")
    if ctx.registry is None or not iana or iana["status"] != "assigned":
        return
    named = {s["name"] for s in iana.get("services", [])}
    for name in sorted(set(ctx.registry.services(doc.data["port"])) - named):
        yield doc.problem(("iana", "services"), "W804", f"the registry also lists '{name}' on port {doc.data['port']}; add it under iana.services")


def _file_port(doc: Document) -> int:
    return int(doc.path.rsplit("/", 1)[-1].split(".")[0])


def _english(doc: Document, ctx: Context) -> Document | None:
    """The English record a document belongs to (itself, for an English record)."""
    return ctx.records.get(_file_port(doc))


def run(doc: Document, ctx: Context, kind: str) -> list[Problem]:
    problems = []
    for r in RULES.values():
        if r.check and kind in r.kind.split("+"):
            problems.extend(r.check(doc, ctx))
    return sorted(set(problems))
