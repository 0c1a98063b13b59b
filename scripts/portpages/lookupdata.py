"""What the lookup form and the 404 page need to answer any number without a server.

lookup/ports.js says which ports have pages and which the registry reserves (everything
else below 49152 is unassigned). lookup/missing.js gives the 404 page every language's
words: a static host serves the one root 404.html for /fr/ports/12346/ as for /ports/12346/,
so the page answers in the language the address names.
"""

from __future__ import annotations

import json

from portpages.model import RANGES, Record
from portpages.project import Project, strings
from portpages.registry import Registry
from portpages.scaffold import new_record_pattern


def lookup_messages(t: dict) -> dict:
    """The lookup script's words, in the page's language."""
    return {**t["lookup"], "ranges": {r.slug: t["ranges"]["rfc"].format(
        name=t["ranges"][r.slug]["name"], low=r.low, high=r.high) for r in RANGES}}


def lookup_data(records: tuple[Record, ...], registry: Registry | None, registry_only: list[int]) -> str:
    pages = sorted({r.port for r in records} | set(registry_only))
    registry_pages = set(registry_only)
    reserved: list[list[int]] = []
    if registry is not None:
        for port in range(49152):
            if port not in registry_pages and registry.status(port) == "reserved":
                if reserved and reserved[-1][1] == port - 1:
                    reserved[-1][1] = port
                else:
                    reserved.append([port, port])
    data = {"registry": registry is not None, "pages": pages, "reserved": reserved}
    return "window.__portpagesLookup = " + json.dumps(data, separators=(",", ":")) + ";\n"


def missing_data(project: Project) -> str:
    """Per language: the lookup's words, the 404 page's own, and the start of a new record
    for each range (`{port}` filled in by the script)."""
    languages = {}
    for lang in project.languages:
        t = strings(lang)
        guide = f"{project.site_url}{'' if lang == project.default else lang + '/'}reference/record-format/"
        languages[lang] = {
            **lookup_messages(t),
            **t["missing"],
            "prefix": "" if lang == project.default else f"{lang}/",
            "record": {r.slug: new_record_pattern(r, guide) for r in RANGES},
        }
    data = {"default": project.default, "new_file": f"{project.repo_url}/new/main/ports", "languages": languages}
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/")
    return f"window.__portpagesMissing = {text};\n"
