"""Read a YAML file into plain values plus the 1-based line:col of every node.

PyYAML's composer keeps each node's start mark, so a problem found later (by the
schema or a rule) can be reported at the exact place the contributor typed it.
Constructing the values ourselves also lets us refuse what a record never needs
and what makes YAML dangerous: anchors and aliases (the "billion laughs" bomb),
duplicate keys (PyYAML silently keeps the last), non-string keys, and any tag.
"""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from portpages.problems import Failed, Problem

MAX_BYTES = 64 * 1024
MAX_DEPTH = 12  # a record nests 4 deep; PyYAML's composer recurses (a C stack overflow at 30,000)

KEY = "<key>"  # suffix of a path that points at a mapping key instead of its value


@dataclass
class Document:
    path: str
    data: object
    marks: dict[tuple, tuple[int, int]] = field(default_factory=dict)
    spans: dict[tuple, tuple[int, int]] = field(default_factory=dict)  # character offsets
    text: str = ""

    def where(self, at: tuple) -> tuple[int, int]:
        """Line and column of the node at `at`, or of its nearest existing parent."""
        while at not in self.marks and at:
            at = at[:-1]
        return self.marks.get(at, (1, 1))

    def problem(self, at: tuple, code: str, message: str, needle: str | tuple[str, ...] | None = None) -> Problem:
        """A problem at node `at`; with `needle` (or the first of several found), at that text inside the node."""
        line, col = self.where(at)
        if needle and at in self.spans:
            start, end = self.spans[at]
            for candidate in (needle,) if isinstance(needle, str) else needle:
                found = self.text.find(candidate, start, end)
                if found >= 0:
                    line = self.text.count("\n", 0, found) + 1
                    col = found - (self.text.rfind("\n", 0, found) + 1) + 1
                    break
        return Problem(self.path, line, col, code, message)


class _Refused(Exception):
    def __init__(self, mark, code: str, message: str):
        self.mark, self.code, self.message = mark, code, message


ANCHOR_MESSAGE = "YAML anchors and aliases are not allowed in records; write the value out in full"


class _Loader(yaml.SafeLoader):
    def compose_node(self, parent, index):
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            raise _Refused(event.start_mark, "E003", ANCHOR_MESSAGE)
        return super().compose_node(parent, index)


_PLAIN_TAGS = {
    "tag:yaml.org,2002:map",
    "tag:yaml.org,2002:seq",
    "tag:yaml.org,2002:timestamp",
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:float",
}
_constructor = yaml.SafeLoader(b"")


def _pos(mark) -> tuple[int, int]:
    return mark.line + 1, mark.column + 1


def _value(node, at: tuple, marks: dict, spans: dict) -> object:
    marks[at] = _pos(node.start_mark)
    spans[at] = (node.start_mark.index, node.end_mark.index)
    if node.tag not in _PLAIN_TAGS:
        raise _Refused(node.start_mark, "E009", f"YAML tag {node.tag} is not allowed; write a plain value")
    if isinstance(node, yaml.MappingNode):
        out: dict = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag != "tag:yaml.org,2002:str":
                raise _Refused(key_node.start_mark, "E101", f"unknown field {key_node.value!r}: field names are words; see the Record format page")
            key = key_node.value
            if key in out:
                line, col = marks[at + (key, KEY)]
                raise _Refused(
                    key_node.start_mark,
                    "E002",
                    f"duplicate key '{key}' (first at line {line}); keep one and delete the other",
                )
            marks[at + (key, KEY)] = _pos(key_node.start_mark)
            out[key] = _value(value_node, at + (key,), marks, spans)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_value(item, at + (i,), marks, spans) for i, item in enumerate(node.value)]
    if node.tag == "tag:yaml.org,2002:timestamp":
        # Dates stay text: a record's dates are labels, never computed with.
        return node.value
    if node.tag == "tag:yaml.org,2002:int" and not _DECIMAL.fullmatch(node.value):
        # YAML 1.1 reads 0x16, 026, 1_000 and 0:22 as numbers; a port is written as people read it.
        raise _Refused(node.start_mark, "E011", f"write the number {node.value} in decimal digits without leading zeros")
    return _constructor.construct_object(node)


_DECIMAL = re.compile(r"-?(0|[1-9][0-9]*)", re.ASCII)


def read_text(path: Path, shown: str) -> str:
    """The file's text, or Failed with one problem saying why it can't be read.

    Opened without following a link and read only up to the size limit, so that a link to
    /dev/zero, a pipe or a huge file costs nothing.
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError as exc:
        if os.path.islink(path):
            raise Failed([Problem(shown, 1, 1, "E010", "this is a symbolic link; a record is a regular file in ports/, so copy the file itself here")]) from None
        raise Failed([Problem(shown, 1, 1, "E006", f"cannot read file: {exc.strerror}")]) from None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise Failed([Problem(shown, 1, 1, "E010", "this is not a regular file; a record is a plain YAML file")])
        with os.fdopen(fd, "rb", closefd=False) as stream:
            raw = stream.read(MAX_BYTES + 1)
            size = os.fstat(fd).st_size
    except OSError as exc:
        raise Failed([Problem(shown, 1, 1, "E006", f"cannot read file: {exc.strerror}")]) from None
    finally:
        os.close(fd)
    if len(raw) > MAX_BYTES:
        raise Failed([Problem(shown, 1, 1, "E004", f"file is {max(size, len(raw))} bytes, over the {MAX_BYTES}-byte limit; a record is a page, split or shorten it")])
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        col = len(before) - (before.rfind(b"\n") + 1) + 1
        raise Failed([Problem(shown, line, col, "E005", f"byte 0x{raw[exc.start]:02x} is not UTF-8; save the file as UTF-8")]) from None


def load(path: Path, shown: str | None = None) -> Document:
    """Parse one YAML file; every problem comes back as Failed, never as a traceback."""
    shown = shown or path.as_posix()
    return parse(read_text(path, shown), shown)


def _compose(text: str):
    """The node tree; libyaml's parser when PyYAML has it (about 18x faster), else PyYAML's.

    The events are read first, flat, to refuse aliases and deep nesting before the
    composer's recursion sees them.
    """
    loader = yaml.CSafeLoader if yaml.__with_libyaml__ else yaml.SafeLoader
    depth = 0
    for event in yaml.parse(text, Loader=loader):
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            raise _Refused(event.start_mark, "E003", ANCHOR_MESSAGE)
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                raise _Refused(event.start_mark, "E012", f"lists and mappings nested more than {MAX_DEPTH} deep; a record nests 4 deep, see the Record format page")
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
    if not yaml.__with_libyaml__:
        loader = _Loader(text)
        try:
            return loader.get_single_node()
        finally:
            loader.dispose()
    return yaml.compose(text, Loader=yaml.CSafeLoader)


# `key: |` or `key: >-` (a block of text follows), with its indentation.
_BLOCK_START = re.compile(r"^( *)((?:- )?)([A-Za-z_][\w-]*): *[|>][+-]?[1-9]?[+-]? *(?:#.*)?$")


def _slip(text: str) -> tuple[int, str, int, str] | None:
    """The two layout slips YAML's own messages do not name: a tab in the indentation, and
    a block of text (`body: |`) whose lines are not indented under its key."""
    lines = text.split("\n")
    for i, line in enumerate(lines):
        m = _BLOCK_START.match(line)
        if not m:
            continue
        key_col = len(m.group(1)) + len(m.group(2))
        following = next((n for n in lines[i + 1:] if n.strip()), None)
        if following is not None and len(following) - len(following.lstrip(" ")) <= key_col \
                and not following.lstrip(" ").startswith("\t"):
            at = i + 2 + lines[i + 1:].index(following)
            return (i + 1, m.group(3), at, f"the text under `{m.group(3)}: |` must be indented more than `{m.group(3)}:`; "
                                           f"indent its lines by {key_col + 2} spaces")
    return None


def _empty_block(slip: tuple[int, str, int, str], data, marks: dict) -> bool:
    """Whether the slip's key really holds an empty text: a `key: |` line inside a code
    sample of a body is text, not a key, and says nothing about the layout."""
    line, key = slip[0], slip[1]
    for at, (mark_line, _) in marks.items():
        if len(at) >= 2 and at[-1] == KEY and at[-2] == key and mark_line == line:
            value = data
            for part in at[:-1]:
                value = value[part]
            return value == ""
    return False


def _tab(text: str, upto: int) -> tuple[int, int] | None:
    """Where a tab sits in the indentation, up to line `upto`: YAML indents with spaces only."""
    for i, line in enumerate(text.split("\n")[:upto]):
        lead = line[: len(line) - len(line.lstrip(" \t"))]
        if "\t" in lead:
            return i + 1, lead.index("\t") + 1
    return None


def parse(text: str, shown: str) -> Document:
    slip = _slip(text)
    try:
        node = _compose(text)
        marks: dict = {}
        spans: dict = {}
        data = None if node is None else _value(node, (), marks, spans)
    except _Refused as refused:
        line, col = _pos(refused.mark)
        raise Failed([Problem(shown, line, col, refused.code, refused.message)]) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        if exc.context_mark and "end of stream" in (exc.problem or ""):
            mark = exc.context_mark  # an unclosed quote or bracket: point at where it opened
        line, col = _pos(mark) if mark else (1, 1)
        tab = _tab(text, line)
        if tab:
            raise Failed([Problem(shown, *tab, "E001", "a tab in the indentation; YAML indents with spaces only: replace it with spaces")]) from None
        if slip:
            raise Failed([Problem(shown, slip[2], 1, "E001", slip[3])]) from None
        what = exc.problem or "invalid YAML"
        if exc.context:
            what = f"{exc.context}, {what}"
        raise Failed([Problem(shown, line, col, "E001", f"YAML syntax: {what}; fix the indentation or quoting here")]) from None
    except yaml.reader.ReaderError as exc:
        before = text[: exc.position]
        line, col = before.count("\n") + 1, len(before) - (before.rfind("\n") + 1) + 1
        raise Failed([Problem(shown, line, col, "E001", f"YAML does not allow the character U+{exc.character:04X} here; delete it")]) from None
    except yaml.YAMLError as exc:
        raise Failed([Problem(shown, 1, 1, "E001", f"YAML syntax: {exc}")]) from None
    if slip and _empty_block(slip, data, marks):  # valid YAML: the block's text became keys
        raise Failed([Problem(shown, slip[2], 1, "E001", slip[3])])
    return Document(shown, data, marks, spans, text)
