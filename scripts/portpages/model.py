"""Plain typed values passed between the stages: load -> check -> render -> write."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field, replace

PROTOCOLS = ("tcp", "udp", "sctp", "dccp")


@dataclass(frozen=True)
class Range:
    """An RFC 6335 port range."""

    slug: str  # "system", "user", "dynamic": the range page's file name and strings key
    low: int
    high: int

    def __contains__(self, port: int) -> bool:
        return self.low <= port <= self.high


RANGES = (Range("system", 0, 1023), Range("user", 1024, 49151), Range("dynamic", 49152, 65535))


def range_of(port: int) -> Range:
    return next(r for r in RANGES if port in r)


@dataclass(frozen=True)
class Service:
    name: str
    protocols: tuple[str, ...]


@dataclass(frozen=True)
class Section:
    id: str
    heading: str
    body: str


@dataclass(frozen=True)
class Use:
    name: str  # the English name: how overlays refer to the use
    official: bool
    note: str
    label: str | None = None  # the name in a translation's language, when it gives one

    @property
    def shown(self) -> str:
        return self.label or self.name


@dataclass(frozen=True)
class Related:
    low: int
    high: int  # equal to low for a single port
    note: str

    @property
    def key(self) -> str:
        """How the English record and overlays name it: "63146" or "49152-65535"."""
        return str(self.low) if self.low == self.high else f"{self.low}-{self.high}"

    @property
    def is_range(self) -> bool:
        return self.low != self.high


@dataclass(frozen=True)
class Source:
    key: str
    title: str
    url: str
    publisher: str
    date: str | None = None
    primary: bool = False


@dataclass(frozen=True)
class Text:
    """Every translatable field of a record, in one language."""

    title: str
    summary: str
    sections: tuple[Section, ...]
    uses: tuple[Use, ...]
    security: tuple[str, ...]
    related: tuple[Related, ...]

    def fingerprint(self) -> str:
        """Identifies the English text a translation was made from."""
        data = {
            "title": self.title,
            "summary": self.summary,
            "sections": [[s.id, s.heading, s.body] for s in self.sections],
            "uses": [[u.name, u.note] for u in self.uses],
            "security": list(self.security),
            "related": [[r.key, r.note] for r in self.related],
        }
        blob = json.dumps(data, ensure_ascii=False, sort_keys=True).encode("utf-8")
        return hashlib.sha256(blob).hexdigest()[:12]


@dataclass(frozen=True)
class Translation:
    """An overlay applied to a record: the text in one language, and how it stands."""

    lang: str
    text: Text
    state: str  # "translated", "stale" (English changed since) or "missing" (English shown)
    publishers: dict[str, str] = field(default_factory=dict)  # English publisher -> translated

    def source(self, source: Source) -> Source:
        """A source as this language's page cites it."""
        return replace(source, publisher=self.publishers.get(source.publisher, source.publisher))


@dataclass(frozen=True)
class Record:
    port: int
    protocols: tuple[str, ...]
    status: str | None  # IANA status; None when the record doesn't say
    services: tuple[Service, ...]
    text: Text  # English
    sources: tuple[Source, ...]
    path: str  # "ports/22.yaml"
    translations: dict[str, Translation] = field(default_factory=dict, compare=False)

    @property
    def range(self) -> Range:
        return range_of(self.port)

    def text_in(self, lang: str) -> Translation:
        return self.translations.get(lang) or Translation(lang, self.text, "missing")
