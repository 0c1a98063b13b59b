"""Load stage: every file in ports/ -> checked Records, or every problem found."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

import jsonschema

from portpages import history, markup, rules
from portpages.model import Record, Related, Section, Service, Source, Text, Translation, Use
from portpages.problems import Failed, Problem
from portpages.project import Project
from portpages.yamlsource import KEY, Document, load, parse

# ASCII digits without leading zeros, matched whole: "٢٢.yaml", "0022.yaml" or a name
# ending in a newline would otherwise stand for port 22 too.
FILE_NAME = re.compile(r"(0|[1-9][0-9]{0,4})(?:\.([a-z]{2,3}(?:_[A-Z]{2})?))?\.yaml", re.ASCII)
SCHEMA_LINE = "# yaml-language-server: $schema=../scripts/portpages/schema/{}.schema.json"



@cache
def schema(name: str) -> dict:
    return json.loads(resources.files("portpages").joinpath(f"schema/{name}.schema.json").read_text("utf-8"))


@dataclass(frozen=True)
class Loaded:
    records: tuple[Record, ...]  # sorted by port
    problems: tuple[Problem, ...]  # warnings only, when loading succeeded
    documents: tuple[tuple[Document, str], ...] = ()  # every file as read, with "record" or "overlay"


def _files(ports_dir: Path) -> list[Path]:
    shown = _shown(ports_dir)
    if not ports_dir.is_dir():
        what = "is not a folder" if ports_dir.exists() else "is missing"
        raise Failed([Problem(shown, 1, 1, "E013", f"the records folder {shown}/ {what}; run from the project's top folder (the one with mkdocs.yml)")])
    try:
        return sorted(ports_dir.iterdir())
    except OSError as exc:
        raise Failed([Problem(shown, 1, 1, "E006", f"cannot list {shown}/: {exc.strerror}")]) from None


def load_records(project: Project, registry=None, checked: dict | None = None) -> Loaded:
    """Read, check and convert every record and overlay. Raises Failed listing every error.
    `checked` remembers rendered fields' checks between runs (see rules._checked)."""
    ports_dir, languages = project.ports_dir, project.languages
    problems: list[Problem] = []
    english: dict[int, Document] = {}
    overlays: list[tuple[Document, str]] = []
    present: set[int] = set()  # ports with an English record file, even a broken one
    shown_dir = _shown(ports_dir)
    for path in _files(ports_dir):
        if path.name.startswith("."):
            continue  # editors' swap and backup files
        shown = f"{shown_dir}/{markup.shown(path.name)[1:-1]}"
        if path.is_dir() and not path.is_symlink():
            problems.append(Problem(shown, 1, 1, "E010", "a folder in ports/; records are files directly in ports/, move or remove it"))
            continue
        match = FILE_NAME.fullmatch(path.name)
        lang = match and match.group(2)
        if not match or (lang and lang not in languages[1:]):
            allowed = ", ".join(languages[1:])
            problems.append(Problem(shown, 1, 1, "E007", f"file name must be <port>.yaml or <port>.<language>.yaml (port in digits 0-9, no leading zeros) with a language among {allowed}"))
            continue
        if not lang:
            present.add(int(match.group(1)))
        try:
            doc = load(path, shown)
        except Failed as failed:
            problems.extend(failed.problems)
            continue
        found = _schema_problems(doc, "overlay" if lang else "record")
        if found:
            problems.extend(found)
        elif lang:
            overlays.append((doc, lang))
        else:
            english[int(match.group(1))] = doc

    # A broken record is reported once, in its own file: rules elsewhere still see it exists.
    ctx = rules.Context(frozenset(present), languages, english, registry, project.markdown, checked=checked)
    for doc in english.values():
        problems.extend(rules.run(doc, ctx, "record"))
    for doc, _ in overlays:
        problems.extend(rules.run(doc, ctx, "overlay"))

    if any(p.is_error for p in problems):
        raise Failed(problems)

    records = {port: _record(doc) for port, doc in english.items()}
    for doc, lang in overlays:
        record = records[int(Path(doc.path).name.split(".")[0])]
        translation = _translation(doc, lang, record)
        if translation.state == "stale":
            problems.append(_stale(project, doc, record))
        record.translations[lang] = translation
    if any(p.is_error for p in problems):
        raise Failed(problems)
    documents = tuple(sorted([(d, "record") for d in english.values()] + [(d, "overlay") for d, _ in overlays], key=lambda x: x[0].path))
    return Loaded(tuple(records[p] for p in sorted(records)), tuple(sorted(problems)), documents)


def _stale(project: Project, doc: Document, record: Record) -> Problem:
    """W703 when `translates:` is the fingerprint of an earlier English text (the English
    changed since); E704 when it is no version's at all (mistyped or made up)."""
    wanted, current = doc.data["translates"], record.text.fingerprint()
    earlier = _past_fingerprints(project, record.path)
    if earlier is None:  # no history to tell the two apart
        return doc.problem(("translates",), "W703", f"translates: {wanted} is not the current English text's fingerprint ({current}): "
                                                    f"the English changed since this translation, or the value is mistyped; update the translation and set translates: {current}")
    if wanted in earlier:
        return doc.problem(("translates",), "W703", f"the English text changed since this translation; update it and set translates: {current}")
    return doc.problem(("translates",), "E704", f"translates: {wanted} is the fingerprint of no version of {record.path}, now or in any commit; "
                                                f"if the translation matches the English, set translates: {current}")


def _past_fingerprints(project: Project, path: str) -> set[str] | None:
    texts = history.past_texts(project.root, path)
    if texts is None:
        return None
    found = set()
    for text in texts:
        try:
            doc = parse(text, path)
            if not _schema_problems(doc, "record"):
                found.add(_record(doc).text.fingerprint())
        except (Failed, KeyError, TypeError, ValueError):
            continue  # an old version this checker no longer reads fingerprints nothing
    return found


def load_record(project: Project, port: int, registry=None) -> Record:
    """One English record, read and checked on its own: what `translate` and `fingerprint`
    need, whatever state the other files are in. Raises Failed with this file's errors."""
    ports_dir = project.ports_dir
    shown = f"{_shown(ports_dir)}/{port}.yaml"
    path = ports_dir / f"{port}.yaml"
    if not path.is_file():
        raise Failed([Problem(shown, 1, 1, "E702", f"no record for port {port}; write {shown} first (make new PORT={port})")])
    doc = load(path, shown)
    problems = _schema_problems(doc, "record")
    if not problems:
        present = frozenset(int(m.group(1)) for f in _files(ports_dir)
                            if (m := FILE_NAME.fullmatch(f.name)) and not m.group(2))
        ctx = rules.Context(present, project.languages, {port: doc}, registry, project.markdown)
        problems = rules.run(doc, ctx, "record")
    if any(p.is_error for p in problems):
        raise Failed([p for p in problems if p.is_error])
    return _record(doc)


def _shown(ports_dir: Path) -> str:
    try:
        return ports_dir.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return ports_dir.as_posix()


_TYPE_NAMES = {"integer": "a whole number", "string": "text", "array": "a list", "object": "a mapping of fields", "boolean": "true or false", "null": "empty"}


def _type_name(value) -> str:
    for name, kind in (("true or false", bool), ("a whole number", int), ("a number", float), ("text", str), ("a list", list), ("a mapping of fields", dict)):
        if isinstance(value, kind):
            return name
    return "empty"


# JSON Schema calls 22.0 an integer; a port page at /ports/22.0/ says otherwise.
_Validator = jsonschema.validators.extend(
    jsonschema.Draft202012Validator,
    type_checker=jsonschema.Draft202012Validator.TYPE_CHECKER.redefine(
        "integer", lambda checker, value: isinstance(value, int) and not isinstance(value, bool)),
)


def _schema_problems(doc: Document, kind: str) -> list[Problem]:
    validator = _Validator(schema(kind))
    problems = []
    for error in validator.iter_errors(doc.data):
        at = tuple(error.absolute_path)
        field_name = ".".join(str(p) for p in at) or "the file"
        v = error.validator
        if v == "additionalProperties":
            allowed = ", ".join(error.schema.get("properties", {}))
            for key in sorted(set(error.instance) - set(error.schema.get("properties", {}))):
                problems.append(doc.problem(at + (key, KEY), "E101", f"unknown field {markup.shown(key)}; allowed here: {allowed}"))
        elif v == "required":
            missing = re.match(r"'([^']+)'", error.message)
            name = missing.group(1) if missing else error.message
            problems.append(doc.problem(at, "E102", f"missing required field '{name}' in {field_name}; add it"))
        elif v == "type":
            wanted = error.validator_value if isinstance(error.validator_value, list) else [error.validator_value]
            names = " or ".join(_TYPE_NAMES[w] for w in wanted)
            problems.append(doc.problem(at, "E103", f"{field_name} must be {names}, not {_type_name(error.instance)}"))
        elif v in ("minimum", "maximum") and at and at[-1] == "port":
            problems.append(doc.problem(at, "E201", f"port {error.instance} is outside 0-65535; use a number from 0 to 65535"))
        else:
            problems.append(doc.problem(at, "E104", f"{field_name}: {_value_message(error)}"))
    return problems


def _value_message(error: jsonschema.ValidationError) -> str:
    v, want = error.validator, error.validator_value
    if v == "enum":
        return f"{markup.shown(error.instance)} is not allowed; use one of: {', '.join(map(str, want))}"
    if v == "minLength":
        return f"too short; write at least {want} characters"
    if v == "maxLength":
        return f"too long ({len(error.instance)} characters); write at most {want}"
    if v == "minItems":
        return f"needs at least {want} item(s)"
    if v == "uniqueItems":
        return "lists the same item twice; remove the repeat"
    if v == "pattern":
        # x-form: a field's own short "write it like this"; its description explains the field.
        hint = error.schema.get("x-form") or error.schema.get("description", "")
        return f"{markup.shown(error.instance)} has the wrong form; {hint or 'see the Record format page'}"
    return error.message


def _related(item: dict) -> Related:
    port = item["port"]
    low, high = rules.parse_range(port) if isinstance(port, str) else (port, port)  # checked by E402
    return Related(low, high, item["note"])


def _record(doc: Document) -> Record:
    data = doc.data
    iana = data.get("iana") or {}
    text = Text(
        title=data["title"],
        summary=data["summary"],
        sections=tuple(Section(s["id"], s["heading"], s["body"]) for s in data["sections"]),
        uses=tuple(Use(u["name"], u["official"], u["note"]) for u in data.get("uses", [])),
        security=tuple(data.get("security", [])),
        related=tuple(_related(r) for r in data.get("related", [])),
    )
    return Record(
        port=data["port"],
        protocols=tuple(data["protocols"]),
        status=iana.get("status"),
        services=tuple(Service(s["name"], tuple(s["protocols"])) for s in iana.get("services", [])),
        text=text,
        sources=tuple(Source(s["key"], s["title"], s["url"], s["publisher"], s.get("date"), s.get("primary", False)) for s in data["sources"]),
        path=doc.path,
    )


def _translation(doc: Document, lang: str, record: Record) -> Translation:
    """The English text with the overlay's translated fields laid over it."""
    data, en = doc.data, record.text
    sections = data.get("sections", {})
    security = data.get("security", [])
    text = Text(
        title=data.get("title", en.title),
        summary=data.get("summary", en.summary),
        sections=tuple(
            Section(s.id, sections.get(s.id, {}).get("heading", s.heading), sections.get(s.id, {}).get("body", s.body))
            for s in en.sections
        ),
        uses=tuple(Use(u.name, u.official, data.get("uses", {}).get(u.name, u.note), data.get("use_names", {}).get(u.name))
                   for u in en.uses),
        security=tuple(security[i] if i < len(security) else note for i, note in enumerate(en.security)),
        related=tuple(Related(r.low, r.high, data.get("related", {}).get(r.key, r.note)) for r in en.related),
    )
    state = "translated" if data["translates"] == en.fingerprint() else "stale"
    return Translation(lang, text, state, dict(data.get("publishers", {})))
