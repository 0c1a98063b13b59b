"""The IANA "Service Name and Transport Protocol Port Number Registry" CSV, read by header."""

from __future__ import annotations

import csv
import io
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from portpages.problems import Failed, Problem, one_line

# Our name -> the header spellings IANA has used for it.
COLUMNS = {
    "name": ("Service Name",),
    "port": ("Port Number",),
    "protocol": ("Transport Protocol",),
    "description": ("Description",),
    "assignee": ("Assignee",),
    "contact": ("Contact",),
    "registered": ("Registration Date",),
    "modified": ("Modification Date",),
    "reference": ("Reference",),
    "service_code": ("Service Code",),
    "unauthorized": ("Unauthorized Use Reported", "Known Unauthorized Uses"),
    "notes": ("Assignment Notes",),
}
REQUIRED = ("name", "port", "protocol", "description")


@dataclass(frozen=True)
class Entry:
    """One row: a service name (or an Unassigned/Reserved note) on a port or range."""

    name: str
    low: int
    high: int
    protocol: str
    description: str
    assignee: str = ""
    contact: str = ""
    registered: str = ""
    modified: str = ""
    reference: str = ""
    service_code: str = ""
    unauthorized: str = ""
    notes: str = ""


@dataclass(frozen=True)
class Facts:
    """What the registry says of one service name on one port, its rows merged."""

    name: str
    protocols: tuple[str, ...]
    description: str
    assignee: str
    registered: str
    modified: str
    references: tuple[str, ...]  # "RFC4251", an http(s) address, or other text
    notes: str


_BRACKETED = re.compile(r"\[([^\]]+)\]")  # the registry writes "[RFC4251][RFC9260]", "[Mark_Lottor]"


def _people(text: str) -> str:
    """"[Mark_Lottor]" -> "Mark Lottor": the registry's contact keys, readable."""
    names = _BRACKETED.findall(text) or ([text] if text else [])
    return ", ".join(n.replace("_", " ") for n in names)


class Registry:
    def __init__(self, entries: list[Entry]):
        self.entries = tuple(entries)
        self._by_port: dict[int, list[Entry]] = defaultdict(list)
        self._facts: dict[int, tuple[Facts, ...]] = {}
        for entry in entries:
            for port in range(entry.low, entry.high + 1):
                self._by_port[port].append(entry)

    def at(self, port: int) -> list[Entry]:
        return self._by_port.get(port, [])

    def services(self, port: int) -> dict[str, set[str]]:
        """Service name -> the protocols it is registered for on this port."""
        found: dict[str, set[str]] = {}
        for entry in self.at(port):
            if entry.name:
                found.setdefault(entry.name, set()).update([entry.protocol] if entry.protocol else [])
        return found

    def facts(self, port: int) -> tuple[Facts, ...]:
        # Every language's page and the API ask for the same port's facts: merge rows once.
        if port not in self._facts:
            self._facts[port] = self._merge(port)
        return self._facts[port]

    def _merge(self, port: int) -> tuple[Facts, ...]:
        merged: dict[str, list[Entry]] = {}
        for entry in self.at(port):
            if entry.name:
                merged.setdefault(entry.name, []).append(entry)
        out = []
        for name, rows in merged.items():
            first = rows[0]
            refs = []
            for row in rows:
                for ref in _BRACKETED.findall(row.reference) or ([row.reference] if row.reference else []):
                    ref = " ".join(ref.split())
                    if ref not in refs:
                        refs.append(ref)
            out.append(Facts(
                name=name,
                protocols=tuple(p for p in ("tcp", "udp", "sctp", "dccp") if any(r.protocol == p for r in rows)),
                description=" ".join(first.description.split()),
                assignee=_people(first.assignee),
                registered=min((r.registered for r in rows if r.registered), default=""),
                modified=max((r.modified for r in rows if r.modified), default=""),
                references=tuple(refs),
                notes=" ".join(dict.fromkeys(" ".join(r.notes.split()) for r in rows if r.notes)),
            ))
        return tuple(out)

    def status(self, port: int) -> str:
        if port >= 49152:
            return "unassigned"  # RFC 6335 section 6: never assigned
        entries = self.at(port)
        if any(e.name for e in entries):
            return "assigned"
        if any(e.description.strip().lower() == "reserved" for e in entries):
            return "reserved"
        return "unassigned"

    def assigned_ports(self) -> list[int]:
        return sorted(p for p, entries in self._by_port.items() if p < 49152 and any(e.name for e in entries))


MAX_BYTES = 64 * 1024 * 1024  # IANA's file is about 4 MB


def _number(text: str) -> int | None:
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 5 else None


def _text(path: Path, shown: str) -> str:
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_BYTES + 1)
    except OSError as exc:
        raise Failed([Problem(shown, 1, 1, "E810", f"cannot read the registry: {exc.strerror}; give the path of service-names-port-numbers.csv")]) from None
    if len(raw) > MAX_BYTES:
        raise Failed([Problem(shown, 1, 1, "E810", f"the registry is over {MAX_BYTES // 2**20} MiB; is this IANA's service-names-port-numbers.csv?")])
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise Failed([Problem(shown, line, 1, "E810", f"byte 0x{raw[exc.start]:02x} is not UTF-8; use an unmodified copy of IANA's CSV (it is UTF-8)")]) from None
    if "\0" in text:
        line = text.count("\n", 0, text.index("\0")) + 1
        raise Failed([Problem(shown, line, 1, "E810", "the registry has a NUL byte, so it is not a CSV file; use an unmodified copy of IANA's CSV")])
    return text


def read_registry(path: Path) -> Registry:
    shown = path.as_posix()
    reader = csv.reader(io.StringIO(_text(path, shown), newline=""))
    try:
        header = next(reader, [])
        index = {}
        for ours, spellings in COLUMNS.items():
            found = next((header.index(s) for s in spellings if s in header), None)
            if found is None and ours in REQUIRED:
                raise Failed([Problem(shown, 1, 1, "E810", f"registry has no '{spellings[0]}' column; is this IANA's service-names-port-numbers.csv?")])
            index[ours] = found
        entries, problems = [], []
        for row in reader:
            line = reader.line_num
            values = {ours: (row[i].strip() if i is not None and i < len(row) else "") for ours, i in index.items()}
            port = values.pop("port")
            if not port:
                continue  # a service name with no port (e.g. DNS-SD names)
            low, _, high = port.partition("-")
            low, high = _number(low), _number(high or low)
            if low is None or high is None:
                problems.append(Problem(shown, line, 1, "E811", f"port number {one_line(repr(port[:40]))} is not a number or a range low-high"))
                continue
            if not 0 <= low <= high <= 65535:
                problems.append(Problem(shown, line, 1, "E811", f"port number '{port}' is outside 0-65535"))
                continue
            entries.append(Entry(low=low, high=high, **values))
    except csv.Error as exc:
        raise Failed([Problem(shown, reader.line_num or 1, 1, "E810", f"not a CSV file IANA would publish ({exc}); use an unmodified copy")]) from None
    if problems:
        raise Failed(problems)
    return Registry(entries)
