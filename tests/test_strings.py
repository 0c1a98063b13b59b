"""Languages: every table has every word, and every built language has a table."""

from __future__ import annotations

import re
from importlib import resources

import pytest
import yaml

from portpages.project import open_project
from conftest import ROOT

TABLES = sorted(p.name[:-5] for p in resources.files("portpages").joinpath("strings").iterdir() if p.name.endswith(".yaml"))


def _flat(table, prefix=""):
    for key, value in table.items():
        if isinstance(value, dict):
            yield from _flat(value, f"{prefix}{key}.")
        else:
            yield f"{prefix}{key}", value


def _table(lang):
    return dict(_flat(yaml.safe_load(resources.files("portpages").joinpath(f"strings/{lang}.yaml").read_text("utf-8"))))


@pytest.mark.parametrize("lang", [t for t in TABLES if t != "en"])
def test_table_has_the_same_words_and_placeholders_as_english(lang):
    en, other = _table("en"), _table(lang)
    assert sorted(other) == sorted(en)
    for key, text in en.items():
        assert set(re.findall(r"\{\w+\}", str(text))) == set(re.findall(r"\{\w+\}", str(other[key]))), key
        words = re.findall(r"[A-Za-z]{3,}", re.sub(r"\{\w+\}|RFC|IANA|TCP|UDP", "", str(text)))
        if len(words) >= 3:
            assert other[key] != text, f"{lang}: {key} is still English"


def test_every_language_in_mkdocs_yml_has_a_table():
    project = open_project(ROOT)
    assert project.languages[0] == "en"
    assert set(project.languages) <= set(TABLES)
    assert len(project.languages) >= 3
