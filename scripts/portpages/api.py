"""Static JSON API under /api/v1/: the port list, one file per port, CSV, schema, Atom feed."""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import asdict
from importlib import resources
from xml.sax.saxutils import escape, quoteattr

from portpages.model import Record, range_of
from portpages.project import Project
from portpages.registry import Registry

FEED_SIZE = 30


def _dump(data) -> str:
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n"


def _summary(project: Project, port: int, record: Record | None, registry: Registry | None) -> dict:
    if record is not None:
        title, protocols, status = record.text.title, list(record.protocols), record.status
        languages = [project.default] + [lang for lang in project.languages[1:] if record.text_in(lang).state != "missing"]
    else:
        facts = registry.facts(port)
        title = facts[0].description or facts[0].name
        protocols = [p for p in ("tcp", "udp", "sctp", "dccp") if any(p in f.protocols for f in facts)]
        status, languages = registry.status(port), [project.default]
    return {"port": port, "title": title, "protocols": protocols, "range": range_of(port).slug, "status": status,
            "curated": record is not None, "languages": languages, "url": f"ports/{port}/"}


def api_files(project: Project, records: tuple[Record, ...], registry: Registry | None,
              registry_only: list[int], dates: dict[str, tuple[str, str]]) -> dict[str, str]:
    by_port = {r.port: r for r in records}
    ports = sorted(set(by_port) | set(registry_only))
    summaries = [_summary(project, p, by_port.get(p), registry) for p in ports]
    files = {"api/v1/ports.json": _dump({"version": 1, "ports": summaries})}
    for summary in summaries:
        port = summary["port"]
        record = by_port.get(port)
        facts = [asdict(f) for f in registry.facts(port)] if registry else []
        files[f"api/v1/ports/{port}.json"] = _dump({
            "version": 1, "port": summary,
            "record": asdict(record) if record else None,
            "registry": facts,
        })
    files["api/v1/ports.csv"] = _csv(summaries)
    files["api/v1/schema.json"] = resources.files("portpages").joinpath("schema/api.schema.json").read_text("utf-8")
    files["api/v1/feed.atom"] = _feed(project, records, dates)
    return files


def _cell(value) -> str:
    """A CSV cell a spreadsheet shows as text: one starting like a formula gets a leading
    apostrophe (OWASP's advice for CSV injection)."""
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _csv(summaries: list[dict]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["port", "title", "protocols", "range", "status", "curated", "languages", "url"])
    for s in summaries:
        writer.writerow([_cell(v) for v in (s["port"], s["title"], " ".join(s["protocols"]), s["range"], s["status"] or "",
                                            "yes" if s["curated"] else "no", " ".join(s["languages"]), s["url"])])
    return out.getvalue()


# XML 1.0 allows no C0 control character but tab, newline and carriage return, no surrogate
# and no U+FFFE/U+FFFF; the checker refuses them in records, the registry may still have them.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _xml(text: str) -> str:
    return escape(_NOT_XML.sub("\ufffd", text))


def _feed(project: Project, records: tuple[Record, ...], dates: dict[str, tuple[str, str]]) -> str:
    """Records added or changed most recently, newest first (dates from git)."""
    dated = sorted(((dates[r.path][1], r) for r in records if r.path in dates),
                   key=lambda x: (x[0], x[1].port), reverse=True)[:FEED_SIZE]
    site = project.site_url
    updated = dated[0][0] if dated else "1970-01-01T00:00:00+00:00"
    lines = ['<?xml version="1.0" encoding="utf-8"?>', '<feed xmlns="http://www.w3.org/2005/Atom">',
             "  <title>portpages: records added or changed</title>",
             f"  <id>{escape(site)}api/v1/feed.atom</id>",
             f"  <link rel=\"self\" href={quoteattr(site + 'api/v1/feed.atom')}/>",
             f"  <link href={quoteattr(site)}/>",
             f"  <updated>{updated}</updated>"]
    for when, record in dated:
        url = f"{site}ports/{record.port}/"
        lines += ["  <entry>",
                  f"    <title>{_xml(f'Port {record.port}: {record.text.title}')}</title>",
                  f"    <id>{escape(url)}</id>",
                  f"    <link href={quoteattr(url)}/>",
                  f"    <updated>{when}</updated>",
                  f"    <summary>{_xml(record.text.summary)}</summary>",
                  "    <author><name>portpages contributors</name></author>",
                  "  </entry>"]
    lines.append("</feed>")
    return "\n".join(lines) + "\n"
