"""`portpages new`: a record to fill in, in canonical layout, prefilled from the registry."""

from __future__ import annotations

from portpages.fmt import canonical
from portpages.model import range_of
from portpages.project import strings

REGISTRY_URL = "https://www.iana.org/assignments/service-names-port-numbers/service-names-port-numbers.xhtml?search={port}"


def new_record(port: int, registry=None) -> str:
    words = strings("en")
    r = range_of(port)
    range_name = words["ranges"][r.slug]["name"].removesuffix(" Ports")
    protocols, iana = ["tcp"], {"status": "unassigned"}
    if registry is not None:
        services = registry.services(port)
        iana = {"status": registry.status(port)}
        if services:
            iana["services"] = [{"name": name, "protocols": sorted(p)} for name, p in sorted(services.items())]
            protocols = sorted(set().union(*services.values())) or protocols
    record = {
        "port": port,
        "protocols": protocols,
        "title": "TODO the service as people know it",
        "iana": iana,
        "summary": "TODO one line that says what this port is [^iana].",
        "sections": [
            {"id": "what", "heading": "What this port does", "body": "TODO who uses this port and for what, in your own words [^iana].\n"},
            {"id": "range", "heading": f"Why it sits in the {range_name} range", "body": f"TODO what RFC 6335 says of ports {r.low}-{r.high} and how this port came to be used [^iana].\n"},
            {"id": "how", "heading": "How it works", "body": "TODO how the service uses the port; cite a primary source such as an RFC or the vendor's documentation.\n"},
        ],
        "uses": [{"name": "TODO product or protocol", "official": True, "note": "TODO one sentence; official is true only when IANA or the protocol's standard assigns the port to it [^iana]."}],
        "sources": [
            {"key": "iana", "title": "Service Name and Transport Protocol Port Number Registry", "url": REGISTRY_URL.format(port=port), "publisher": "IANA", "primary": True},
        ],
    }
    return canonical(record, "record")


def new_overlay(record) -> str:
    """A translation file holding the English text, ready to be translated in place."""
    text = record.text
    overlay = {
        "translates": text.fingerprint(),
        "title": text.title,
        "summary": text.summary,
        "sections": {s.id: {"heading": s.heading, "body": s.body} for s in text.sections},
    }
    if text.uses:
        overlay["uses"] = {u.name: u.note for u in text.uses}
    if text.security:
        overlay["security"] = list(text.security)
    if text.related:
        overlay["related"] = {r.key: r.note for r in text.related}
    return canonical(overlay, "overlay")
