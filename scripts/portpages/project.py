"""Where things are, and what mkdocs.yml says the generator needs to know."""

from __future__ import annotations

import re
import os
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

import yaml

from portpages.markup import MKDOCS_BUILTINS, Config, site_config
from portpages.problems import Failed, Problem

# IANA's registry, vendored (public domain, CC0 1.0); `registry-changes` says what a refresh changes.
VENDORED_REGISTRY = Path("scripts/iana/service-names-port-numbers.csv")
GENERATED = ("index", "ports", "ranges", "reference", "lookup", "api", "search")  # under docs/: written by the generator


@dataclass(frozen=True)
class Project:
    root: Path
    languages: tuple[str, ...]  # default language first
    repo_url: str
    site_url: str = ""
    popular: tuple[int, ...] = ()
    nav: tuple[str, ...] = ()  # the Markdown files in mkdocs.yml's nav
    markdown: Config = Config(MKDOCS_BUILTINS)  # the site's Markdown extensions, for the checker

    @property
    def ports_dir(self) -> Path:
        return self.root / "ports"

    @property
    def docs_dir(self) -> Path:
        return self.root / "docs"

    @property
    def default(self) -> str:
        return self.languages[0]


class _ConfigLoader(yaml.SafeLoader):
    """Reads mkdocs.yml as MkDocs does for the keys we use: !ENV [NAME, default] is resolved."""


def _env(loader, node):
    names = [loader.construct_scalar(node)] if isinstance(node, yaml.ScalarNode) else loader.construct_sequence(node)
    *variables, default = names if len(names) > 1 else (*names, None)
    return next((os.environ[v] for v in variables if os.environ.get(v)), default)


_ConfigLoader.add_constructor("!ENV", _env)
_ConfigLoader.add_multi_constructor("!", lambda loader, suffix, node: None)


def read_mkdocs_config(root: Path) -> dict:
    config_path = root / "mkdocs.yml"
    try:
        config = yaml.load(config_path.read_text("utf-8"), Loader=_ConfigLoader)
    except OSError as exc:
        raise Failed([Problem(str(config_path), 1, 1, "E006", f"cannot read mkdocs.yml: {exc.strerror}; run from the project's top folder")]) from None
    except (yaml.YAMLError, ValueError) as exc:
        mark = getattr(exc, "problem_mark", None)
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        raise Failed([Problem("mkdocs.yml", line, col, "E001", f"YAML syntax: {getattr(exc, 'problem', exc)}")]) from None
    if not isinstance(config, dict):
        raise Failed([Problem("mkdocs.yml", 1, 1, "E001", "mkdocs.yml must be a mapping of settings")])
    return config


def open_project(root: Path) -> Project:
    config = read_mkdocs_config(root)
    i18n = next((p["i18n"] for p in config.get("plugins", []) if isinstance(p, dict) and "i18n" in p), None)
    if not i18n:
        raise Failed([Problem("mkdocs.yml", 1, 1, "E008", "no i18n plugin with languages in mkdocs.yml; add one")])
    langs = [lang["locale"] for lang in i18n["languages"] if lang.get("build", True)]
    default = next(lang["locale"] for lang in i18n["languages"] if lang.get("default"))
    ordered = (default, *[lang for lang in langs if lang != default])
    missing = [lang for lang in ordered if not resources.files("portpages").joinpath(f"strings/{lang}.yaml").is_file()]
    if missing:
        raise Failed([Problem("mkdocs.yml", 1, 1, "E008", f"language '{lang}' has no strings table scripts/portpages/strings/{lang}.yaml; translate en.yaml into it") for lang in missing])
    extra = config.get("extra") or {}
    _check_analytics(extra.get("analytics") or {})
    return Project(root, ordered, extra.get("repository", "").rstrip("/"), (config.get("site_url") or "").rstrip("/") + "/",
                   tuple(extra.get("popular", ())), _nav_files(config.get("nav") or []), site_config(config))


GOOGLE_PROPERTY = re.compile(r"G-[A-Z0-9]{4,20}")


def _check_analytics(analytics: dict) -> None:
    """custom (the site's own widget) or google (Material's provider, with a property)."""
    provider = analytics.get("provider") or "custom"
    if provider not in ("custom", "google"):
        raise Failed([Problem("mkdocs.yml", 1, 1, "E015", f"analytics provider {provider!r} is not custom or google; set ANALYTICS_PROVIDER to one of them")])
    if provider == "google" and not GOOGLE_PROPERTY.fullmatch(str(analytics.get("property") or "")):
        raise Failed([Problem("mkdocs.yml", 1, 1, "E015", "the google analytics provider needs ANALYTICS_PROPERTY, a measurement ID such as G-AB12CD34EF")])


def _nav_files(nav) -> tuple[str, ...]:
    """Every Markdown path in a nav (entries: "a.md", {"Title": "a.md"}, {"Section": [...]})."""
    found: list[str] = []
    for item in nav if isinstance(nav, list) else [nav]:
        if isinstance(item, str) and item.endswith(".md"):
            found.append(item)
        elif isinstance(item, dict):
            for value in item.values():
                found.extend(_nav_files(value) if isinstance(value, (list, dict)) else _nav_files([value]))
    return tuple(found)


@cache
def strings(lang: str) -> dict:
    """The words of one language (strings/<lang>.yaml)."""
    return yaml.safe_load(resources.files("portpages").joinpath(f"strings/{lang}.yaml").read_text("utf-8"))
