"""Files for contributors to fill in: a new record, a new translation. Both in canonical layout."""

from __future__ import annotations

from portpages.fmt import canonical
from portpages.model import range_of
from portpages.project import strings
from portpages.markup import MKDOCS_BUILTINS, Config
from portpages.templating import environment


def new_record(port: int, registry=None, guide: str | None = None) -> str:
    """The template `portpages new` writes; with `guide` (the record format page's address),
    the short start that a registry page's link opens in GitHub's editor."""
    r = range_of(port)
    services, status = [], "unassigned"
    if registry is not None:
        status = registry.status(port)
        services = [(name, sorted(protocols)) for name, protocols in sorted(registry.services(port).items())]
    protocols = sorted({p for _, ps in services for p in ps}) or ["tcp"]
    # A YAML template: which Markdown extensions the site has makes no difference to it.
    template = "new-record.yaml.j2" if guide is None else "new-record-link.yaml.j2"
    return environment(Config(MKDOCS_BUILTINS)).get_template(template).render(
        guide=guide, port=port, protocols=protocols, status=status, services=services,
        range_name=strings("en")["ranges"][r.slug]["name"].removesuffix(" Ports"), low=r.low, high=r.high,
    )


def new_record_pattern(r, guide: str) -> str:
    """The "write a record" start for any unassigned port of range `r`, with `{port}` where
    its number goes: what the 404 page fills in for the number a reader asked for."""
    return environment(Config(MKDOCS_BUILTINS)).get_template("new-record-link.yaml.j2").render(
        guide=guide, port="{port}", protocols=["tcp"], status="unassigned", services=[],
        range_name=strings("en")["ranges"][r.slug]["name"].removesuffix(" Ports"), low=r.low, high=r.high,
    )


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
        overlay["use_names"] = {u.name: u.name for u in text.uses}
    if text.security:
        overlay["security"] = list(text.security)
    if text.related:
        overlay["related"] = {r.key: r.note for r in text.related}
    overlay["publishers"] = {s.publisher: s.publisher for s in record.sources}
    return canonical(overlay, "overlay")
