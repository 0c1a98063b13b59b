"""No English word of the site's own interface on a French, German or Spanish page: every built
page of every language is scanned for the English strings of our tables and of Material's,
in its text and in the attributes a reader meets (titles, labels, placeholders), outside
what is marked lang="en" (record text not translated yet, names).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from selectolax.lexbor import LexborHTMLParser

from conftest import ROOT

STRINGS = ROOT / "scripts" / "portpages" / "strings"
SHOWN_ATTRIBUTES = ("title", "aria-label", "placeholder", "alt", "data-pp-loading", "data-pp-failed")
LANGUAGES = ("fr", "de", "es")


def _leaves(node, path=()):
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _leaves(value, (*path, key))
    elif isinstance(node, str):
        yield path, node


def _pieces(text: str) -> set[str]:
    """The parts of a string a page shows as they are: between placeholders and markup."""
    return {p.strip(" .,:;“”\"'") for p in re.split(r"\{\w+\}|<[^>]*>", text)} - {""}


def _material(lang: str) -> dict[str, str]:
    """Material's words for a language (its partials/languages/<lang>.html table)."""
    import material

    text = (Path(material.__file__).parent / "templates" / "partials" / "languages" / f"{lang}.html").read_text("utf-8")
    return dict(re.findall(r'^\s*"([\w.]+)": "((?:[^"\\]|\\.)*)",?$', text, re.M))


def english_strings(lang: str) -> set[str]:
    """Every English interface string that this language says otherwise, 6 letters or more."""
    ours_en = dict(_leaves(yaml.safe_load((STRINGS / "en.yaml").read_text("utf-8"))))
    ours = dict(_leaves(yaml.safe_load((STRINGS / f"{lang}.yaml").read_text("utf-8"))))
    theirs_en, theirs = _material("en"), _material(lang)
    pairs = [(v, ours.get(k, "")) for k, v in ours_en.items()] + [(v, theirs.get(k, "")) for k, v in theirs_en.items()]
    found = set()
    for english, translated in pairs:
        if english != translated:
            found |= {p for p in _pieces(english) if len(p) >= 6 and p not in translated and " " in p}
    return found


@pytest.fixture(scope="module")
def site(registry_site):
    return registry_site.root / "site"


def _shown(tree) -> list[str]:
    """Text and shown attributes, leaving out scripts, code and anything marked English."""
    out = []
    for node in tree.root.traverse(include_text=True):
        if node.tag == "-text":
            parent = node.parent
            skip = False
            while parent is not None:
                if parent.tag in ("script", "style", "code", "pre") or parent.attributes.get("lang") == "en":
                    skip = True
                    break
                parent = parent.parent
            if not skip:
                out.append(node.text_content)
        else:
            inside_english = False
            parent = node
            while parent is not None:
                if parent.attributes.get("lang") == "en":
                    inside_english = True
                    break
                parent = parent.parent
            if not inside_english:
                out.extend(node.attributes.get(a) or "" for a in SHOWN_ATTRIBUTES)
    return out


def test_the_scan_knows_the_english_strings():
    strings = english_strings("fr")
    assert {"Made with", "Was this page helpful?", "Copy to clipboard", "Skip to content", "Port number or name"} <= strings


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_english_interface_string_on_a_translated_page(site, lang):
    strings = english_strings(lang)
    pages = sorted((site / lang).rglob("*.html"))
    assert len(pages) > 20
    found = {}
    for path in pages:
        text = "\n".join(_shown(LexborHTMLParser(path.read_text("utf-8"))))
        hits = sorted(s for s in strings if s in text)
        if hits:
            found[path.relative_to(site).as_posix()] = hits
    assert found == {}


def test_the_scan_finds_english_that_is_not_marked(site, tmp_path):
    page = (site / "fr" / "ports" / "22" / "index.html").read_text("utf-8")
    tree = LexborHTMLParser(page.replace("</article>", "<p>Copy to clipboard</p></article>"))
    assert "Copy to clipboard" in "\n".join(_shown(tree))
    tree = LexborHTMLParser(page.replace("</article>", '<p lang="en">Copy to clipboard</p></article>'))
    assert "Copy to clipboard" not in "\n".join(_shown(tree))
