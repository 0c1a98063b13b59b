"""The Jinja environment every template renders in, with the filters pages need."""

from __future__ import annotations

import html
import json
import re

import jinja2
import yaml


def registry_text(text: str) -> str:
    # Registry text is data, not Markdown: show it literally, whatever characters it has.
    text = html.escape(" ".join(text.split()), quote=False)
    return re.sub(r"([\\`*_\[\]|#{}])", r"\\\1", text)


def _yaml_scalar(value: str) -> str:
    return value if yaml.safe_load(value) == value else json.dumps(value)


ENV = jinja2.Environment(
    loader=jinja2.PackageLoader("portpages", "templates"),
    autoescape=False,  # output is Markdown; contributed text was checked for HTML before
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
)
ENV.filters.update(
    fill=lambda template, **values: template.format(**values),
    protocols=lambda protocols: ", ".join(p.upper() for p in protocols),
    plain=lambda text: " ".join(re.sub(r"\s*\[\^[^\]]+\]|[*_`]", "", text).split()),
    cell=lambda text: " ".join(text.split()).replace("|", "\\|"),
    link_text=lambda text: text.replace("[", "\\[").replace("]", "\\]"),
    link_url=lambda url: url.replace(" ", "%20").replace("(", "%28").replace(")", "%29"),
    registry_text=registry_text,
    registry_code=lambda name: name.replace("`", ""),
    yaml_scalar=_yaml_scalar,
)
