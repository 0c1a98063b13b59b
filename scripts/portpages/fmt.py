"""The one canonical layout of a record: key order from the schema, fixed quoting and wrapping.

Formatting never changes data: long prose is folded (YAML joins the lines again with
spaces) and text with line breaks stays a literal block, so loading the canonical text
gives back exactly the values it was made from.
"""

from __future__ import annotations

import yaml

from portpages.problems import Failed, Problem
from portpages.records import SCHEMA_LINE, schema
from portpages.yamlsource import Document, parse

WIDTH = 88


class _Dumper(yaml.SafeDumper):
    def increase_indent(self, flow=False, indentless=False):
        # Indent list items under their key ("  - id: what"), as most YAML is written.
        return super().increase_indent(flow, False)


def _str(dumper, value: str):
    if "\n" in value.rstrip("\n") or value.endswith("\n"):
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|")
    if len(value) > 60 and " " in value and value == value.strip() and "  " not in value:
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=">")
    return dumper.represent_scalar("tag:yaml.org,2002:str", value)


def _list(dumper, value: list):
    flow = bool(value) and all(isinstance(v, (str, int)) and not isinstance(v, bool) and len(str(v)) < 12 for v in value)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", value, flow_style=flow)


_Dumper.add_representer(str, _str)
_Dumper.add_representer(list, _list)


def _ordered(value, node: dict, defs: dict):
    """Order mapping keys as the schema lists its properties."""
    if "$ref" in node:
        node = defs[node["$ref"].rsplit("/", 1)[-1]]
    if isinstance(value, dict):
        props = node.get("properties")
        if props is not None:
            keys = [k for k in props if k in value] + [k for k in value if k not in props]
            return {k: _ordered(value[k], props.get(k, {}), defs) for k in keys}
        extra = node.get("additionalProperties")
        child = extra if isinstance(extra, dict) else {}
        return {k: _ordered(v, child, defs) for k, v in value.items()}
    if isinstance(value, list):
        items = node.get("items") if isinstance(node.get("items"), dict) else {}
        return [_ordered(v, items, defs) for v in value]
    return value


def canonical(data: dict, kind: str) -> str:
    """The canonical text of a record ("record") or translation ("overlay")."""
    root = schema(kind)
    body = yaml.dump(_ordered(data, root, root.get("$defs", {})), Dumper=_Dumper, sort_keys=False,
                     allow_unicode=True, width=WIDTH, indent=2)
    return SCHEMA_LINE.format(kind) + "\n" + body


def first_difference(text: str, wanted: str) -> int:
    """1-based line where two texts first differ."""
    for number, (a, b) in enumerate(zip(text.splitlines(), wanted.splitlines()), start=1):
        if a != b:
            return number
    return min(len(text.splitlines()), len(wanted.splitlines())) + 1


def relayout(documents) -> list[tuple[Document, str, Problem]]:
    """Each file not in canonical layout, its canonical text, and the problem to report.

    Raises Failed if the canonical text would not load back to the same data: a formatter
    bug must never reach a record.
    """
    changes = []
    for doc, kind in documents:
        wanted = canonical(doc.data, kind)
        if doc.text == wanted:
            continue
        if parse(wanted, doc.path).data != doc.data:
            raise Failed([Problem(doc.path, 1, 1, "E902", "the canonical layout would change this file's data; the file was left as it was")])
        line = first_difference(doc.text, wanted)
        changes.append((doc, wanted, Problem(doc.path, line, 1, "E901", "not in the canonical layout (from this line); run `make fmt`, which changes layout only")))
    return changes
