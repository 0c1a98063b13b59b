"""`make facts`: a reviewer's re-check of what the records claim.

Two lists, each line located like the checker's:
- E851: a sentence that cites the IANA registry and names a service (`ssh`) on ports the
  registry does not list it on. `make check` already compares each record's `iana:` block
  with the registry; this reads the prose too.
- W852: a claim (a sentence of a section, use note or security note that cites sources)
  whose sources are all secondary, so a reviewer sees at a glance what rests on them.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from urllib.parse import urlsplit

from portpages import markup
from portpages.problems import Problem
from portpages.yamlsource import Document

CITATION = re.compile(r"\[\^([a-z0-9][a-z0-9-]*)\]")
CODE = re.compile(r"`([^`\n]+)`")
NUMBER = re.compile(r"(?<!\d)(?<!\d\.)\d{1,5}(?!\d|\.\d)")  # not part of a version such as 9.8
# A sentence ends at . ! ? (after its citations, if any) followed by space and a capital,
# a backtick or a digit.
SENTENCE_END = re.compile(r"(?<=[.!?])(?:\s*\[\^[a-z0-9-]+\])*\s+(?=[A-Z`\d\"(])")


@dataclass(frozen=True)
class Report:
    problems: tuple[Problem, ...]
    records: int
    claims: int  # sentences that cite something
    secondary: int  # of which cite only secondary sources


def _is_registry(url: str) -> bool:
    parts = urlsplit(url)
    return parts.hostname == "www.iana.org" and "service-names-port-numbers" in parts.path


def _fields(data: dict):
    for i, section in enumerate(data.get("sections", [])):
        yield ("sections", i, "body"), section["body"], f"section '{section['id']}'"
    for i, use in enumerate(data.get("uses", [])):
        yield ("uses", i, "note"), use["note"], f"the use note '{use['name']}'"
    for i, note in enumerate(data.get("security", [])):
        yield ("security", i), note, f"security note {i + 1}"


def _sentences(text: str) -> list[str]:
    # Cut at each end, keeping the citations that follow a full stop with their sentence.
    out, start = [], 0
    for m in SENTENCE_END.finditer(text):
        out.append(text[start:m.start() + len(m.group(0).rstrip())])
        start = m.end()
    out.append(text[start:])
    return [s.strip() for s in out if s.strip()]


def review(documents: list[Document], registry) -> Report:
    ports_of: dict[str, set[int]] = defaultdict(set)
    for entry in registry.entries:
        if entry.name and entry.high - entry.low < 100:
            ports_of[entry.name].update(range(entry.low, entry.high + 1))
    problems, claims, secondary = [], 0, 0
    for doc in documents:
        data = doc.data
        primary = {s["key"] for s in data["sources"] if s.get("primary")}
        registry_keys = {s["key"] for s in data["sources"] if _is_registry(s["url"])}
        for at, text, what in _fields(data):
            for sentence in _sentences(text):
                keys = set(CITATION.findall(sentence))
                if not keys:
                    continue
                claims += 1
                if not keys & primary:
                    secondary += 1
                    cited = ", ".join(sorted(keys))
                    problems.append(doc.problem(at, "W852", f"{what}: this claim cites only secondary sources ({cited})",
                                                needle=sentence[:40]))
                if keys & registry_keys:
                    problems.extend(_registry_claims(doc, at, sentence, data["port"], ports_of))
    return Report(tuple(sorted(problems)), len(documents), claims, secondary)


def _registry_claims(doc: Document, at: tuple, sentence: str, port: int, ports_of: dict[str, set[int]]):
    outside_code = CODE.sub(" ", CITATION.sub(" ", sentence))
    mentioned = {int(n) for n in NUMBER.findall(outside_code) if int(n) <= 65535} | {port}
    for name in dict.fromkeys(CODE.findall(sentence)):
        known = ports_of.get(name)
        if known and not known & mentioned:
            listed = ", ".join(str(p) for p in sorted(known)[:5])
            yield doc.problem(at, "E851", f"the registry lists {markup.shown(name)} on port {listed}, not on "
                                          f"{', '.join(str(p) for p in sorted(mentioned))}; correct the name or the number",
                              needle=f"`{name}`")
