"""Render stage: checked Records -> Markdown files for every language (nothing written here)."""

from __future__ import annotations

import re
from dataclasses import dataclass

import jinja2

from portpages import rules
from portpages.model import RANGES, Record, Text, range_of
from portpages.project import Project, strings
from portpages.records import schema

_ENV = jinja2.Environment(
    loader=jinja2.PackageLoader("portpages", "templates"),
    autoescape=False,  # output is Markdown; contributed text was checked for HTML before
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
)
_ENV.filters["fill"] = lambda template, **values: template.format(**values)
_ENV.filters["protocols"] = lambda protocols: ", ".join(p.upper() for p in protocols)
_ENV.filters["plain"] = lambda text: " ".join(re.sub(r"\s*\[\^[^\]]+\]|[*_`]", "", text).split())
_ENV.filters["cell"] = lambda text: " ".join(text.split()).replace("|", "\\|")
_ENV.filters["link_text"] = lambda text: text.replace("[", "\\[").replace("]", "\\]")
_ENV.filters["link_url"] = lambda url: url.replace(" ", "%20").replace("(", "%28").replace(")", "%29")


def render_site(project: Project, records: tuple[Record, ...]) -> dict[str, str]:
    """Every generated page, keyed by its path under docs/."""
    files: dict[str, str] = {}
    by_port = {r.port: r for r in records}
    for lang in project.languages:
        t = strings(lang)
        suffix = "" if lang == project.default else f".{lang}"
        rows = [_row(r, lang, project.default) for r in records]
        for record in records:
            files[f"ports/{record.port}{suffix}.md"] = render_port(project, record, lang, t, by_port)
        files[f"ports/index{suffix}.md"] = _ENV.get_template("ports-index.md.j2").render(t=t, rows=rows)
        files[f"index{suffix}.md"] = _ENV.get_template("home.md.j2").render(t=t, records=records, ranges=RANGES)
        files[f"ranges/index{suffix}.md"] = _ENV.get_template("ranges-index.md.j2").render(t=t, ranges=RANGES)
        for r in RANGES:
            files[f"ranges/{r.slug}{suffix}.md"] = _ENV.get_template("range.md.j2").render(
                t=t, range=r, rows=[row for row in rows if row.range == r]
            )
        files[f"reference/translations{suffix}.md"] = _ENV.get_template("translations.md.j2").render(
            t=t, status=translation_status(project, records))
        files[f"reference/record-format{suffix}.md"] = _ENV.get_template("record-format.md.j2").render(
            t=t, record_fields=schema_fields(schema("record")), overlay_fields=schema_fields(schema("overlay")),
            rules=sorted(rules.RULES.values(), key=lambda r: r.code),
        )
    return files


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


def render_port(project: Project, record: Record, lang: str, t: dict, by_port: dict[int, Record]) -> str:
    if lang == project.default:
        text, state = record.text, "source"
    else:
        translation = record.text_in(lang)
        text, state = translation.text, translation.state
    numbers = _citation_numbers(text)
    cite = lambda prose: rules._CITATION.sub(lambda m: f"[^{numbers[m.group(1)]}]", prose)  # noqa: E731
    sources = {s.key: s for s in record.sources}
    footnotes = [(n, sources[key]) for key, n in numbers.items()]
    related = []
    for item in text.related:
        if item.is_range:
            r = range_of(item.low)
            label = t["port"]["related_range"].format(low=item.low, high=item.high, name=t["ranges"][r.slug]["name"])
            related.append(dict(label=label, link=f"../ranges/{r.slug}.md", note=item.note))
        else:
            target = by_port[item.low]
            label = t["port"]["title"].format(port=item.low, title=_text(target, lang, project.default).title)
            related.append(dict(label=label, link=f"{item.low}.md", note=item.note))
    edit_is_translation = state in ("translated", "stale")
    edit_path = record.path.replace(".yaml", f".{lang}.yaml") if edit_is_translation else record.path
    env = _ENV.overlay()
    env.filters["cite"] = cite
    return env.get_template("port.md.j2").render(
        t=t, record=record, text=text, state=state, range=record.range,
        page_title=t["port"]["title"].format(port=record.port, title=text.title),
        related=related, footnotes=footnotes,
        edit_url=f"{project.repo_url}/edit/main/{edit_path}", edit_is_translation=edit_is_translation,
    )


def _citation_numbers(text: Text) -> dict[str, int]:
    """Source key -> footnote number, in order of first citation down the page."""
    prose = [text.summary, *(s.body for s in text.sections), *(u.note for u in text.uses), *text.security,
             *(r.note for r in text.related)]
    numbers: dict[str, int] = {}
    for chunk in prose:
        for key in rules.citations(chunk):
            numbers.setdefault(key, len(numbers) + 1)
    return numbers


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
