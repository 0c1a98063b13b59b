"""Render stage: checked Records -> Markdown files for every language (nothing written here)."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from urllib.parse import quote

from portpages import markup
from portpages.api import api_files
from portpages.model import PROTOCOLS, RANGES, Record, Service, Source, Text, range_of
from portpages.project import Project, strings
from portpages.records import schema
from portpages.rules import RULES
from portpages.registry import Facts, Registry
from portpages.scaffold import new_record
from portpages.lookupdata import lookup_data, lookup_messages, missing_data
from portpages.search import search_data
from portpages.templating import environment

@dataclass(frozen=True)
class Rendered:
    files: dict[str, str]  # path under docs/ -> its text
    kept: frozenset[str] = frozenset()  # pages not rendered again: docs/ holds them as they would be
    keys: dict[str, str] = field(default_factory=dict)  # registry page -> hash of what it is made of


def render_site(project: Project, records: tuple[Record, ...], registry: Registry | None = None,
                dates: dict[str, tuple[str, str]] | None = None, code: str = "",
                reuse: Callable[[str, str], bool] = lambda path, key: False) -> Rendered:
    """Every generated page, keyed by its path under docs/.

    A registry page is made of its port's registry rows, the language and the code
    (templates, strings, settings: `code`), nothing else. When `reuse(path, key)` says
    docs/ already holds that page made of the same, it is not rendered again: a changed
    record then costs its own pages and the lists, not 19,000 registry pages."""
    files: dict[str, str] = {}
    kept: set[str] = set()
    keys: dict[str, str] = {}
    env = environment(project.markdown)
    by_port = {r.port: r for r in records}
    registry_only = [p for p in registry.assigned_ports() if p not in by_port] if registry else []
    for lang in project.languages:
        t = strings(lang)
        suffix = "" if lang == project.default else f".{lang}"
        rows = [_row(r, lang, project.default) for r in records]
        for record in records:
            files[f"ports/{record.port}{suffix}.md"] = render_port(project, record, lang, t, by_port, registry)
        for port in registry_only:
            path = f"ports/{port}{suffix}.md"
            keys[path] = hashlib.sha256(f"{code}\0{lang}\0{registry.at(port)!r}".encode()).hexdigest()
            if reuse(path, keys[path]):
                kept.add(path)
            else:
                files[path] = render_registry_port(project, port, t, registry, _new_record_url(project, port, registry))
        files[f"ports/index{suffix}.md"] = env.get_template("ports-index.md.j2").render(
            t=t, rows=rows, registry_only=len(registry_only))
        messages = lookup_messages(t)
        popular = [row for port in project.popular for row in rows if row.port == port]
        files[f"index{suffix}.md"] = env.get_template("home.md.j2").render(
            t=t, records=records, ranges=RANGES, messages=messages, popular=popular)
        files[f"lookup/index{suffix}.md"] = env.get_template("lookup.md.j2").render(t=t, messages=messages)
        files[f"ranges/index{suffix}.md"] = env.get_template("ranges-index.md.j2").render(t=t, ranges=RANGES)
        for r in RANGES:
            files[f"ranges/{r.slug}{suffix}.md"] = env.get_template("range.md.j2").render(
                t=t, range=r, rows=[row for row in rows if row.range == r]
            )
        files[f"reference/translations{suffix}.md"] = env.get_template("translations.md.j2").render(
            t=t, status=translation_status(project, records))
        files[f"reference/record-format{suffix}.md"] = env.get_template("record-format.md.j2").render(
            t=t, translated=lang != project.default,
            record_fields=schema_fields(schema("record")), overlay_fields=schema_fields(schema("overlay")),
            rules=sorted(RULES.values(), key=lambda r: r.code),
        )
        files[f"search/{lang}.js"] = search_data(project, lang, t, records, registry, registry_only)
    files["lookup/ports.js"] = lookup_data(records, registry, registry_only)
    files["lookup/missing.js"] = missing_data(project)
    files.update(api_files(project, records, registry, registry_only, dates or {}))
    return Rendered(files, frozenset(kept), keys)


def translation_status(project: Project, records: tuple[Record, ...]) -> list[dict]:
    """Per translated language: the ports translated, out of date and missing."""
    status = []
    for lang in project.languages[1:]:
        row = {"lang": lang, "name": strings(lang)["language_name"], "translated": [], "stale": [], "missing": []}
        for record in records:
            row[record.text_in(lang).state].append(record.port)
        status.append(row)
    return status


@dataclass(frozen=True)
class _Row:
    port: int
    protocols: tuple[str, ...]
    title: str
    range: object


def _row(record: Record, lang: str, default: str) -> _Row:
    return _Row(record.port, record.protocols, _text(record, lang, default).title, record.range)


def _text(record: Record, lang: str, default: str) -> Text:
    return record.text if lang == default else record.text_in(lang).text


@dataclass(frozen=True)
class _Reference:
    label: str
    url: str | None


_RFC = re.compile(r"^RFC\s*-?\s*(\d+)\b(.*)$", re.I)


def _reference(text: str) -> _Reference:
    rfc = _RFC.match(text)
    if rfc:
        return _Reference(f"RFC {int(rfc.group(1))}{rfc.group(2)}", f"https://www.rfc-editor.org/rfc/rfc{int(rfc.group(1))}")
    if re.match(r"^https?://\S+$", text):
        return _Reference(text, text)
    return _Reference(text, None)


def _registry_notes(facts: tuple[Facts, ...]) -> tuple[dict[str, str], list[tuple[str, _Reference]]]:
    """Footnote keys for the registry's references; a dot keeps them apart from source keys."""
    keys: dict[str, str] = {}
    for f in facts:
        for ref in f.references:
            keys.setdefault(ref, f"registry.{len(keys) + 1}")
    return keys, [(key, _reference(ref)) for ref, key in keys.items()]


def _new_record_url(project: Project, port: int, registry: Registry) -> str:
    """GitHub's new-file page with the record template filled in for this port."""
    return (f"{project.repo_url}/new/main/ports?filename={port}.yaml&value="
            + quote(new_record(port, registry, guide=f"{project.site_url}reference/record-format/"), safe=""))


@dataclass(frozen=True)
class _PortFacts:
    """The facts box of a port that has no record."""

    port: int
    protocols: tuple[str, ...]
    status: str
    services: tuple[Service, ...]


def render_registry_port(project: Project, port: int, t: dict, registry: Registry, new_url: str) -> str:
    env = environment(project.markdown)
    facts = registry.facts(port)
    box = _PortFacts(port, tuple(p for p in PROTOCOLS if any(p in f.protocols for f in facts)),
                     registry.status(port), tuple(Service(f.name, f.protocols) for f in facts))
    reference_keys, registry_notes = _registry_notes(facts)
    protocols = ", ".join(p.upper() for p in box.protocols)
    code = env.filters["code"]
    return env.get_template("registry-port.md.j2").render(
        t=t, record=box, range=range_of(port), facts=facts, new_url=new_url,
        page_title=t["port"]["title"].format(port=port, title=facts[0].description or facts[0].name),
        summary=t["registry"]["summary"].format(names=", ".join(code(f.name) for f in facts), port=port, protocols=protocols),
        description=t["registry"]["summary"].format(names=", ".join(f.name for f in facts), port=port, protocols=protocols),
        footnotes=[], reference_keys=reference_keys, registry_notes=registry_notes,
    )


def render_port(project: Project, record: Record, lang: str, t: dict, by_port: dict[int, Record],
                registry: Registry | None = None) -> str:
    translation = record.text_in(lang)
    text, state = (record.text, "source") if lang == project.default else (translation.text, translation.state)
    sources = [translation.source(s) for s in record.sources]
    facts = registry.facts(record.port) if registry else ()
    reference_keys, registry_notes = _registry_notes(facts)
    english = _english_parts(text, record.text, lang != project.default, sources, record.sources)
    related = []
    for item in text.related:
        if item.is_range:
            r = range_of(item.low)
            label = t["port"]["related_range"].format(low=item.low, high=item.high, name=t["ranges"][r.slug]["name"])
            related.append(dict(label=label, link=f"../ranges/{r.slug}.md", note=item.note, english=english.related[item.key]))
        else:
            target = by_port[item.low]
            label = t["port"]["title"].format(port=item.low, title=_text(target, lang, project.default).title)
            related.append(dict(label=label, link=f"{item.low}.md", note=item.note, english=english.related[item.key]))
    edit_is_translation = state in ("translated", "stale")
    edit_path = record.path.replace(".yaml", f".{lang}.yaml") if edit_is_translation else record.path
    return environment(project.markdown).get_template("port.md.j2").render(
        t=t, record=record, text=text, state=state, range=record.range, en=english,
        page_title=t["port"]["title"].format(port=record.port, title=text.title),
        description=markup.summary_text(text.summary, project.markdown),
        related=related, footnotes=sources, facts=facts,
        reference_keys=reference_keys, registry_notes=registry_notes,
        edit_url=f"{project.repo_url}/edit/main/{edit_path}", edit_is_translation=edit_is_translation,
    )


@dataclass(frozen=True)
class _English:
    """Which parts of a page's record text are the English text (a translation leaves
    them out, or the language is English): those the template marks lang="en"."""

    title: bool
    summary: bool
    headings: dict[str, bool]
    bodies: dict[str, bool]
    names: list[bool]
    uses: list[bool]
    security: list[bool]
    related: dict[str, bool]
    source_titles: bool  # the cited documents' own titles, in English
    publishers: list[bool]


def _english_parts(text: Text, source: Text, translated_page: bool,
                   cited: list[Source], english_sources: tuple[Source, ...]) -> _English:
    same = (lambda a, b: translated_page and a == b)
    by_id = {s.id: s for s in source.sections}
    notes = {u.name: u.note for u in source.uses}
    related = {r.key: r.note for r in source.related}
    return _English(
        title=same(text.title, source.title), summary=same(text.summary, source.summary),
        headings={s.id: same(s.heading, by_id[s.id].heading) for s in text.sections},
        bodies={s.id: same(s.body, by_id[s.id].body) for s in text.sections},
        names=[same(u.shown, u.name) for u in text.uses],
        uses=[same(u.note, notes.get(u.name)) for u in text.uses],
        security=[translated_page and note in source.security for note in text.security],
        related={r.key: same(r.note, related.get(r.key)) for r in text.related},
        source_titles=translated_page,
        publishers=[same(c.publisher, e.publisher) for c, e in zip(cited, english_sources)],
    )


@dataclass(frozen=True)
class Field:
    path: str
    type: str
    required: bool
    description: str


def schema_fields(node: dict, prefix: str = "", required: bool = True) -> list[Field]:
    """Flatten a JSON Schema into one row per field, for the Record format page."""
    out = []
    defs = node.get("$defs", {})
    for name, prop in node.get("properties", {}).items():
        path = f"{prefix}{name}"
        is_required = required and name in node.get("required", [])
        out.append(Field(path, _type_of(prop, defs), is_required, prop.get("description", "")))
        out.extend(_children(prop, path, defs))
    return out


def _children(prop: dict, path: str, defs: dict) -> list[Field]:
    if prop.get("type") == "object" and "properties" in prop:
        return schema_fields({**prop, "$defs": defs}, f"{path}.", True)
    if prop.get("type") == "array" and isinstance(prop.get("items"), dict):
        return _children(prop["items"], f"{path}[]", defs)
    if prop.get("type") == "object" and isinstance(prop.get("additionalProperties"), dict):
        return _children(prop["additionalProperties"], f"{path}.<key>", defs)
    return []


def _type_of(prop: dict, defs: dict) -> str:
    if "$ref" in prop:
        prop = defs[prop["$ref"].rsplit("/", 1)[-1]]
    if "enum" in prop:
        return " / ".join(f"`{v}`" for v in prop["enum"])
    kind = prop.get("type", "")
    if kind == "array":
        return f"list of {_type_of(prop['items'], defs)}" if isinstance(prop.get("items"), dict) else "list"
    if isinstance(kind, list):
        return " or ".join(kind)
    return {"object": "mapping", "integer": "integer", "string": "text", "boolean": "true/false"}.get(kind, kind)
