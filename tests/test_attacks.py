"""Attacks a stranger's pull request can make on the site, each refused at its exact place.

Every attack is one field of a record (or of its French translation) set to a hostile
value; the rest of the record is harmless. `portpages check` must answer with the rule
code at the line and column a reviewer would point at (the first occurrence of `at` in that
line, or the value's start), exit 1, and print no traceback. The values are written as YAML
double-quoted scalars, so newlines and control characters stay on one line of the file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest

RECORD = """\
port: 22
protocols: [tcp]
title: {title}
iana:
  status: assigned
  services:
    - name: ssh
      protocols: [tcp]
summary: {summary}
sections:
  - id: what
    heading: {heading}
    body: {body}
uses:
  - name: {use_name}
    official: true
    note: {use_note}
security:
  - {security}
related:
  - port: {related_port}
    note: {related_note}
sources:
  - key: rfc4251
    title: {source_title}
    url: {source_url}
    publisher: {publisher}
    primary: true
  - key: iana
    title: Service Name and Transport Protocol Port Number Registry
    url: https://www.iana.org/assignments/service-names-port-numbers/service-names-port-numbers.xhtml
    publisher: IANA
    primary: true
"""
RECORD_LINES = {"title": 3, "summary": 9, "heading": 12, "body": 13, "use_name": 15, "use_note": 17, "security": 19,
                "related_port": 21, "related_note": 22, "source_title": 25, "source_url": 26, "publisher": 27}
HARMLESS = {
    "title": '"SSH test"', "summary": '"A harmless summary of this port [^rfc4251] [^iana]."',
    "heading": '"What this port does"', "body": '"Harmless body text [^rfc4251]."', "use_name": '"OpenSSH"',
    "use_note": '"The usual server [^rfc4251]."', "security": '"Keep it patched and watched [^rfc4251]."',
    "related_port": "63146", "related_note": '"a harmless note"', "source_title": '"RFC 4251"',
    "source_url": '"https://www.rfc-editor.org/rfc/rfc4251"', "publisher": '"IETF"',
}

OVERLAY = """\
translates: 0123456789ab
title: {title}
summary: {summary}
sections:
  what:
    heading: {heading}
    body: {body}
uses:
  OpenSSH: {use_note}
security:
  - {security}
related:
  "63146": {related_note}
use_names:
  OpenSSH: {use_name}
publishers:
  IETF: {publisher}
"""
OVERLAY_LINES = {"title": 2, "summary": 3, "heading": 6, "body": 7, "use_note": 9, "security": 11, "related_note": 13,
                 "use_name": 15, "publisher": 17}
OVERLAY_HARMLESS = {
    "title": '"SSH essai"', "summary": '"Un résumé sans danger de ce port [^rfc4251]."', "heading": '"Ce que fait ce port"',
    "body": '"Un texte sans danger [^rfc4251]."', "use_note": '"Le serveur habituel [^rfc4251]."',
    "security": '"Le tenir à jour et le surveiller [^rfc4251]."', "related_note": '"une note sans danger"',
    "use_name": '"OpenSSH (serveur)"', "publisher": '"Groupe de travail IETF"',
}


@dataclass(frozen=True)
class Attack:
    name: str
    field: str
    value: str  # as written in the YAML file
    code: str
    at: str | None = None  # what the column points at; None: the value's first character
    overlay: bool = False


A = Attack
ATTACKS = [
    # Raw HTML and script, however it hides from a regex model of Markdown.
    A("script-in-body", "body", '"Intro. <script>alert(1)</script>"', "E503", "<script"),
    A("img-onerror-in-body", "body", '"Intro. <img src=x onerror=alert(1)>"', "E503", "<img"),
    A("escaped-backtick-hides-html", "body", '"Intro \\\\`<img src=x onerror=alert(1)>`"', "E503", "<img"),
    A("unequal-backticks-hide-html", "body", '"``a` <img src=x onerror=alert(1)>`"', "E503", "<img"),
    A("code-span-across-blank-line", "body", '"a `b\\n\\nc <img src=x onerror=alert(1)> d` e"', "E503", "<img"),
    A("svg-onload", "body", '"<svg onload=alert(1)>"', "E503", "<svg"),
    A("link-with-onclick", "body", '"<a href=\\"https://ok.example/\\" onclick=\\"alert(1)\\">x</a>"', "E503", "onclick="),
    A("style-element", "body", '"<style>body{display:none}</style>"', "E503", "<style"),
    A("iframe", "body", '"<iframe src=\\"https://evil.example/\\"></iframe>"', "E503", "<iframe"),
    A("form", "body", '"<form action=\\"https://evil.example/\\"><button>Log in</button></form>"', "E503", "<form"),
    A("html-comment", "body", '"Text <!-- hidden --> more."', "E503", "<!--"),
    A("plaintext", "body", '"Text.\\n\\n<plaintext>"', "E504"),
    A("markdown-image-pixel", "body", '"Seen ![x](https://tracker.example/p.png) here."', "E503", "!["),
    A("details-element", "body", '"<details open ontoggle=alert(1)>x</details>"', "E503", "<details"),
    # Links that go somewhere a reader did not expect.
    A("javascript-link", "body", '"[click](javascript:alert(1))"', "E502", "javascript:"),
    A("escaped-backtick-hides-javascript-link", "body", '"\\\\`[click](javascript:alert(1))`"', "E502", "javascript:"),
    A("mixed-case-javascript", "body", '"[click](JaVaScRiPt:alert(1))"', "E502", "JaVaScRiPt:"),
    A("tab-in-scheme", "body", '"[click](java\\tscript:alert(1))"', "E502", "]("),
    A("entity-encoded-scheme", "body", '"[click](&#106;avascript:alert(1))"', "E502", "]("),
    A("data-url", "body", '"[x](data:text/html;base64,PHNjcmlwdD4=)"', "E502", "data:"),
    A("protocol-relative", "body", '"[x](//evil.example/)"', "E502", "//evil"),
    A("userinfo-hides-host", "body", '"[bank](https://bank.example:x@evil.example/)"', "E502", "https://bank"),
    A("autolink-javascript", "body", '"<javascript:alert(1)>"', "E503", "<javascript"),
    A("reference-link-javascript", "body", '"[x][e]\\n\\n[e]: javascript:alert(1)"', "E504", "]:"),
    # Structure that belongs to the page, not to a field.
    A("attribute-list-handler", "body", '"*x*{autofocus onfocus=alert(1)}"', "E503", "onfocus="),
    A("block-attribute-list", "body", '"Text.\\n{: onclick=\\"alert(1)\\" }"', "E503", "onclick="),
    A("bare-attribute-list", "body", '"Text.\\n{ hidden }"', "E504", "{"),
    A("attribute-list-class", "body", '"Text.\\n{: .md-banner }"', "E504", "{"),
    A("setext-heading", "body", '"Title\\n=====\\n\\nText."', "E504"),
    A("atx-heading", "body", '"# Evil heading\\n\\nText."', "E504", "#"),
    A("admonition", "body", '"!!! danger \\"Hacked\\"\\n    Gotcha"', "E504", "!!!"),
    A("tabs", "body", '"=== \\"Tab\\"\\n    text"', "E504", "==="),
    A("block-quote", "body", '"> a quoted paragraph"', "E504", ">"),
    A("table", "body", '"| a | b |\\n|---|---|\\n| 1 | 2 |"', "E504", "|"),
    A("footnote-definition", "body", '"Text [^rfc4251].\\n\\n[^evil]: [x](https://evil.example/)"', "E504", "]:"),
    A("redefined-source-footnote", "body", '"Text [^rfc4251].\\n\\n[^rfc4251]: fake source"', "E504", "]:"),
    A("link-reference-definition", "body", '"See [x][evil].\\n\\n[evil]: https://evil.example/"', "E504", "]:"),
    A("unclosed-fence", "body", '"Text.\\n\\n```\\n<script>alert(1)</script>"', "E503", "<script"),
    A("unclosed-fence-in-list", "body", '"- item\\n\\n    ```\\n    <script>alert(1)</script>"', "E503", "<script"),
    A("undefined-citation", "body", '"Text [^nokey]."', "E301", "[^nokey]"),
    A("bracket-bomb", "body", '"' + "[" * 40 + '"', "E507"),
    A("body-too-long", "body", '"' + "x" * 4001 + '"', "E104"),
    # One-paragraph fields.
    A("summary-img", "summary", '"A summary <img src=x onerror=alert(1)>"', "E503", "<img"),
    A("summary-list", "summary", '"1. a numbered list"', "E504"),
    A("summary-heading", "summary", '"# A heading for a summary"', "E504", "#"),
    A("use-note-script", "use_note", '"<script>alert(1)</script>"', "E503", "<script"),
    A("use-note-list", "use_note", '"- a nested list"', "E504"),
    A("security-javascript", "security", '"Read [this](javascript:alert(1)) now, it matters."', "E502", "javascript:"),
    A("security-quote", "security", '"> quoted security note"', "E504", ">"),
    A("related-note-handler", "related_note", '"<b onmouseover=alert(1)>x</b>"', "E503", "<b"),
    # Plain-text fields: one line, no hidden characters.
    A("title-newline-admonition", "title", '"SSH\\n!!! danger \\"x\\""', "E505"),
    A("title-newline-heading", "title", '"SSH\\n# injected"', "E505"),
    A("heading-newline", "heading", '"What\\n<h1>x</h1>"', "E505"),
    A("use-name-newline", "use_name", '"SSH\\n- forged item"', "E505"),
    A("publisher-newline", "publisher", '"IETF\\n\\n[evil]: javascript:alert(1)"', "E505"),
    A("title-bidi-override", "title", '"SSH \\u202Egnp.exe"', "E506"),
    A("title-terminal-escape", "title", '"\\e[31mSSH"', "E506"),
    A("title-zero-width", "title", '"S\\u200BSH"', "E506"),
    A("body-line-separator", "body", '"Text\\u2028more text here [^rfc4251]."', "E506"),
    A("body-private-use", "body", '"Text \\uE000 with a private character [^rfc4251]."', "E506"),
    # Source URLs.
    A("source-javascript-url", "source_url", '"javascript:alert(1)"', "E501"),
    A("source-url-unparsable", "source_url", '"https://[x/"', "E501"),
    A("source-url-userinfo", "source_url", '"https://www.rfc-editor.org:x@evil.example/"', "E501"),
    A("source-url-newline", "source_url", '"https://ok.example/a\\nb"', "E501"),
    A("source-url-homograph", "source_url", '"https://\\u0430pple.com/"', "E501"),
    A("source-url-bad-port", "source_url", '"https://ok.example:99999/"', "E501"),
    A("source-url-no-host", "source_url", '"https://"', "E501"),
    # Numbers.
    A("related-float", "related_port", "63146.0", "E103"),
    A("related-one-port-range", "related_port", '"63146-63146"', "E402"),
    A("related-leading-zeros", "related_port", '"049152-065535"', "E104"),
    A("related-hex", "related_port", "0xF6AA", "E011"),
    # The same attacks in a translation.
    A("overlay-body-script", "body", '"Texte <script>alert(1)</script>"', "E503", "<script", overlay=True),
    A("overlay-title-newline", "title", '"SSH\\n# injecté"', "E505", overlay=True),
    A("overlay-summary-javascript", "summary", '"Un [lien](javascript:alert(1)) piégé ici."', "E502", "javascript:", overlay=True),
    A("overlay-use-heading", "use_note", '"# titre injecté"', "E504", "#", overlay=True),
    A("overlay-related-img", "related_note", '"<img src=x onerror=alert(1)>"', "E503", "<img", overlay=True),
    A("overlay-security-bidi", "security", '"Texte \\u202E inversé, assez long [^rfc4251]."', "E506", overlay=True),
    A("overlay-heading-control", "heading", '"Titre\\u0007"', "E506", overlay=True),
    A("overlay-undefined-citation", "body", '"Texte [^inconnu]."', "E301", "[^inconnu]", overlay=True),
    A("overlay-use-name-newline", "use_name", '"OpenSSH\\n- article forgé"', "E505", overlay=True),
    A("overlay-publisher-zero-width", "publisher", '"IE\\u200BTF"', "E506", overlay=True),
    A("overlay-attribute-list", "body", '"Texte.\\n{: onclick=\\"alert(1)\\" }"', "E503", "onclick=", overlay=True),
]


def _record(**values) -> str:
    return RECORD.format(**{**HARMLESS, **values})


def _overlay(**values) -> str:
    return OVERLAY.format(**{**OVERLAY_HARMLESS, **values})


@pytest.fixture
def check(attack_project, monkeypatch, capsys):
    """The real command line, in this process (eighty attacks, one start-up)."""
    from portpages.cli import main

    monkeypatch.chdir(attack_project.root)

    def run() -> tuple[int, list[str]]:
        code = main(["check"])
        err = capsys.readouterr().err
        assert "Traceback" not in err, err
        return code, err.splitlines()
    return run


@pytest.fixture(scope="module")
def attack_project(tmp_path_factory):
    from conftest import make_project

    return make_project(tmp_path_factory.mktemp("attacks"))


def test_the_harmless_record_and_translation_pass(attack_project, check):
    from portpages.cli import main

    attack_project.write("22.yaml", _record())
    attack_project.write("22.fr.yaml", _overlay())
    assert main(["fmt"]) == 0  # the attacks' layout is not canonical; E901 is not what they test
    code, lines = check()
    assert code == 0, lines
    assert not [line for line in lines if re.match(r"ports/22(\.fr)?\.yaml:\d+:\d+: E", line)]


def test_there_are_enough_attacks():
    assert len(ATTACKS) >= 60
    assert len({a.name for a in ATTACKS}) == len(ATTACKS)


@pytest.mark.parametrize("attack", ATTACKS, ids=[a.name for a in ATTACKS])
def test_attack_is_refused_where_it_is(attack_project, check, attack):
    attack_project.write("22.yaml", _record())
    (attack_project.ports / "22.fr.yaml").unlink(missing_ok=True)
    if attack.overlay:
        text, lines, name = _overlay(**{attack.field: attack.value}), OVERLAY_LINES, "22.fr.yaml"
    else:
        text, lines, name = _record(**{attack.field: attack.value}), RECORD_LINES, "22.yaml"
    attack_project.write(name, text)
    line_no = lines[attack.field]
    line = text.splitlines()[line_no - 1]
    value_col = line.index(attack.value) + 1
    col = line.index(attack.at, value_col - 1) + 1 if attack.at else value_col
    code, out = check()
    problems = [p for p in out if p.startswith(f"ports/{name}:")]
    assert code == 1, out
    assert problems, out
    assert problems[0].startswith(f"ports/{name}:{line_no}:{col}: {attack.code} "), out
    # Every line printed is a problem line or the closing count: nothing forged, nothing raw.
    assert all(re.fullmatch(r"ports/\S+:\d+:\d+: [EW]\d{3} [^\x00-\x1f\x7f]+", p) or re.fullmatch(r"\d+ error\(s\)", p)
               for p in out), out


def test_a_section_cannot_take_an_id_the_page_uses(attack_project, check):
    attack_project.write("22.yaml", _record().replace("  - id: what\n", "  - id: sources\n"))
    (attack_project.ports / "22.fr.yaml").unlink(missing_ok=True)
    code, out = check()
    assert code == 1
    assert out[0] == "ports/22.yaml:11:9: E304 section id 'sources' is the page's own heading; choose another id", out


def test_the_checker_renders_with_the_sites_own_markdown():
    """What make check renders must be what MkDocs renders: the same extensions, same options."""
    from mkdocs.config import load_config

    from conftest import ROOT
    from portpages.project import open_project

    site = load_config(str(ROOT / "mkdocs.yml"))
    ours = open_project(ROOT).markdown
    assert list(ours.extensions) == site.markdown_extensions
    assert ours.configs == site.mdx_configs
