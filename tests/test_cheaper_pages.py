"""What makes pages cheaper to build and smaller changes nothing a reader sees."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys

import pytest
from selectolax.lexbor import LexborHTMLParser

from conftest import FIXTURES, make_project
from portpages.htmlspace import compact


@pytest.fixture(scope="module")
def plain_site(tmp_path_factory):
    """The fixture site (with a small registry) built by MkDocs without the project's hook:
    pages as the theme writes them, before anything is taken out."""
    project = make_project(tmp_path_factory.mktemp("cheaper"))
    (project.root / "scripts" / "iana").mkdir(parents=True)
    shutil.copy(FIXTURES / "registry" / "old.csv", project.root / "scripts" / "iana" / "service-names-port-numbers.csv")
    assert project.run("generate").code == 0
    config = project.root / "mkdocs.yml"
    config.write_text(re.sub(r"^hooks:\n(  - .*\n)+", "", config.read_text("utf-8"), flags=re.M), "utf-8")
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--site-dir", "plain"], cwd=project.root,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    pages = sorted((project.root / "plain").rglob("*.html"))
    assert len(pages) > 30
    return {p.relative_to(project.root / "plain").as_posix(): p.read_text("utf-8") for p in pages}


def _tree(html: str) -> list:
    """Every element with its attributes, and the text as a browser collapses it."""
    out = []
    for node in LexborHTMLParser(html).root.traverse(include_text=True):
        if node.tag == "-text":
            text = " ".join((node.text_content or "").split())
            if text:
                out.append(text)
        else:
            out.append((node.tag, tuple(sorted(node.attributes.items()))))
    return out


_INLINE_HOLDERS = "p, h1, h2, h3, h4, h5, h6, td, th, a, span, label, button, legend, summary, dt, dd"


def _shown_text(html: str) -> list[str]:
    # Inside elements that hold inline content a lost space would join two words.
    return [" ".join(node.text().split()) for node in LexborHTMLParser(html).css(_INLINE_HOLDERS)]


def test_compacting_keeps_every_element_and_the_text_as_shown(plain_site):
    for name, html in plain_site.items():
        small = compact(html)
        assert len(small) < len(html), name
        assert _tree(small) == _tree(html), name
        assert _shown_text(small) == _shown_text(html), name


def test_the_text_check_notices_a_lost_space():
    html = "<p><a href='#'>one</a>\n<a href='#'>two</a></p>"
    assert _shown_text(html) != _shown_text(html.replace("\n", ""))
    assert compact(html) == html


def test_compacting_leaves_code_scripts_and_styles_byte_for_byte(plain_site):
    kept = re.compile(r"<(pre|code|script|style|textarea)\b.*?</\1>", re.S)
    for name, html in plain_site.items():
        assert kept.findall(compact(html)) == kept.findall(html), name
        assert [m.group(0) for m in kept.finditer(compact(html))] == [m.group(0) for m in kept.finditer(html)], name
