"""The Jinja environment every template renders in, with the filters pages need.

Templates write Markdown, so autoescaping (HTML's) would be wrong there. Instead every
value from a record or the registry goes through the filter for the place it lands in:
`md_text` for plain text inside Markdown, `md_url` for a link target, `html_text` for
front matter (which Material prints into HTML as it is). Trusted text (the strings tables,
the schema's descriptions) is Markdown already and goes in as it is.
"""

from __future__ import annotations

import html
import json
from functools import cache

import jinja2
import yaml

from portpages import markup


def _yaml_scalar(value: str) -> str:
    return value if yaml.safe_load(value) == value else json.dumps(value)


@cache
def environment(config: markup.Config) -> jinja2.Environment:
    """Templates for a site whose Markdown has these extensions (they decide what needs escaping)."""
    escapable = markup.renderer(config).escaped_chars
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("portpages", "templates"),
        autoescape=False,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(
        fill=lambda template, **values: template.format(**values),
        protocols=lambda protocols: ", ".join(p.upper() for p in protocols),
        md_text=lambda text: markup.md_text(markup.oneline(str(text)), escapable),
        md_url=markup.md_url,
        html_text=lambda text: html.escape(markup.oneline(str(text)), quote=True),
        inline=markup.oneline,
        cell=lambda text: " ".join(text.split()).replace("|", "\\|"),  # trusted Markdown in a table cell
        code=lambda name: "`" + markup.oneline(str(name).replace("`", "'")) + "`",
        yaml_scalar=_yaml_scalar,
        # Record text a translated page shows in English, so a screen reader reads it with
        # an English voice. Inline Markdown stays Markdown inside the span.
        english=lambda text, flag: f'<span lang="en">{text}</span>' if flag else text,
    )
    return env
