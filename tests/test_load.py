"""The YAML reader: positions, refusals and plain values."""

from __future__ import annotations

import pytest

from portpages.problems import Failed
from portpages.yamlsource import KEY, load


def _load(tmp_path, text: str):
    path = tmp_path / "22.yaml"
    path.write_text(text, encoding="utf-8")
    return load(path, "ports/22.yaml")


def test_positions_are_one_based_and_point_at_keys_and_values(tmp_path):
    doc = _load(tmp_path, "# comment\nport: 22\nsections:\n  - id: what\n")
    assert doc.where(("port",)) == (2, 7)
    assert doc.where(("port", KEY)) == (2, 1)
    assert doc.where(("sections", 0, "id")) == (4, 9)
    assert doc.where(("sections", 0, "missing")) == (4, 5)  # nearest parent


def test_dates_stay_text_and_booleans_are_booleans(tmp_path):
    doc = _load(tmp_path, "date: 2006-01-15\nofficial: true\n")
    assert doc.data == {"date": "2006-01-15", "official": True}


def test_needle_finds_text_inside_a_block_scalar(tmp_path):
    doc = _load(tmp_path, "body: |\n  first line\n  second [^x] here\n")
    problem = doc.problem(("body",), "E301", "m", needle="[^x]")
    assert (problem.line, problem.col) == (3, 10)


def test_alias_bomb_is_refused_before_expansion(tmp_path):
    levels = ["a: &a [" + ", ".join(["x"] * 9) + "]"]
    for name, prev in zip("bcdefghij", "abcdefghi"):
        levels.append(f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 9) + "]")
    with pytest.raises(Failed) as failed:
        _load(tmp_path, "\n".join(levels) + "\n")
    assert str(failed.value.problems[0]).startswith("ports/22.yaml:1:4: E003 ")
