"""The messages a first-time contributor meets name the mistake they made, where they made
it, and how to fix it: each case is the exact line `make check` prints."""

from __future__ import annotations

import os
import subprocess

import pytest

from conftest import ROOT

TAB = ("  - id: what\n", "\t- id: what\n")
UNDER_INDENTED = ("    body: |\n      Fixture prose", "    body: |\n    Fixture prose")
# The same slip where the text has a colon: YAML reads it as a field, not as text.
UNDER_INDENTED_KEY = ("    body: |\n      Fixture prose [^rfc4251], in the registry too [^iana].",
                      "    body: |\n    RFC 6335 puts it: the registry too [^iana].")
NO_HOST = ("    url: https://www.rfc-editor.org/rfc/rfc4251", "    url: https://")


@pytest.mark.parametrize("edit, expected", [
    (TAB, "ports/22.yaml:12:1: E001 a tab in the indentation; YAML indents with spaces only: replace it with spaces"),
    (UNDER_INDENTED, "ports/22.yaml:15:1: E001 the text under `body: |` must be indented more than `body:`; indent its lines by 6 spaces"),
    (UNDER_INDENTED_KEY, "ports/22.yaml:15:1: E001 the text under `body: |` must be indented more than `body:`; indent its lines by 6 spaces"),
    (NO_HOST, "ports/22.yaml:19:10: E501 source URL 'https://' has no host name; write the whole address, such as https://www.rfc-editor.org/rfc/rfc6335"),
], ids=["tab", "under-indented-body", "under-indented-body-with-colon", "url-without-host"])
def test_a_slip_in_a_record_is_named(project, edit, expected):
    path = project.ports / "22.yaml"
    text = path.read_text()
    assert edit[0] in text
    path.write_text(text.replace(edit[0], edit[1], 1))
    run = project.run("check")
    assert run.code == 1
    assert run.lines == [expected, "1 error(s)"]  # check writes nothing, and does not say it did not


def test_a_malformed_fingerprint_says_what_one_looks_like(project):
    path = project.ports / "60767.fr.yaml"
    path.write_text(path.read_text().replace("translates: bb52f08744ff", "translates: the fingerprint"))
    run = project.run("check")
    assert run.lines[0] == ("ports/60767.fr.yaml:2:13: E104 translates: 'the fingerprint' has the wrong form; "
                            "write the 12 hex digits (0-9, a-f) that `.venv/bin/portpages fingerprint <port>` prints")


def _git(root, *args):
    subprocess.run(["git", *args], cwd=root, check=True, capture_output=True,
                   env={**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org",
                        "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org"})


def test_a_mistyped_fingerprint_is_not_called_an_old_one(project):
    _git(project.root, "init", "-q")
    _git(project.root, "add", "ports")
    _git(project.root, "commit", "-qm", "records")
    overlay = project.ports / "60767.fr.yaml"
    right = "bb52f08744ff"
    overlay.write_text(overlay.read_text().replace(f"translates: {right}", "translates: 0123456789ab"))
    run = project.run("check")
    assert run.code == 1
    assert run.lines[0] == ("ports/60767.fr.yaml:2:13: E704 translates: 0123456789ab is the fingerprint of no version of "
                            f"ports/60767.yaml, now or in any commit; if the translation matches the English, set translates: {right}")
    # A real old fingerprint: the English changed since, which is a warning, said as such.
    overlay.write_text(overlay.read_text().replace("translates: 0123456789ab", f"translates: {right}"))
    english = project.ports / "60767.yaml"
    english.write_text(english.read_text().replace("Fixture text", "Changed fixture text"))
    _git(project.root, "commit", "-qam", "English changed")
    run = project.run("check")
    assert run.code == 0, run.err
    new = project.run("fingerprint", "60767").out.strip()
    assert (f"ports/60767.fr.yaml:2:13: W703 the English text changed since this translation; update it and set translates: {new}"
            in run.lines)


def test_make_new_without_a_port_says_how(tmp_path):
    run = subprocess.run(["make", "-s", "new"], cwd=ROOT, capture_output=True, text=True)
    assert run.returncode != 0
    assert run.stderr.splitlines()[0] == ("command line:1:1: E900 say which port: make new PORT=NNNN "
                                          "(the lookup page tells which numbers have no record)")


def test_new_for_an_unassigned_port_does_not_call_its_use_official(project):
    assert project.run("new", "50000").code == 0
    text = (project.ports / "50000.yaml").read_text()
    assert "official: false" in text and "official: true" not in text


def test_a_layout_slip_stops_the_build_as_it_fails_check(project):
    path = project.ports / "22.yaml"
    path.write_text(path.read_text().replace("protocols: [tcp, udp, sctp]\n", "protocols: [tcp,   udp, sctp]\n", 1))
    check, site = project.run("check"), project.run("site")
    line = "ports/22.yaml:3:1: E901 not in the canonical layout (from this line); run `make fmt`, which changes layout only"
    assert check.code == site.code == 1
    assert check.lines[0] == site.lines[0] == line
    assert site.lines[-1] == "1 error(s); nothing was written"
    assert not (project.root / "site").exists()


def test_the_documented_examples_work_on_this_checkout():
    import re

    docs = "\n".join((ROOT / name).read_text("utf-8") for name in ("README.md", "CONTRIBUTING.md"))
    news = set(re.findall(r"make new PORT=(\d+)", docs))
    translations = set(re.findall(r"portpages translate (\d+) ([a-z]{2})\b", docs))
    assert news and translations
    assert [p for p in news if (ROOT / "ports" / f"{p}.yaml").exists()] == []  # `new` refuses an existing record
    for port, lang in translations:
        assert (ROOT / "ports" / f"{port}.yaml").exists() and not (ROOT / "ports" / f"{port}.{lang}.yaml").exists()
    for port in re.findall(r"portpages fingerprint (\d+)", docs):
        assert (ROOT / "ports" / f"{port}.yaml").exists()


def test_a_yaml_sample_in_a_body_is_code_not_a_slip(project):
    # A `key: |` line inside a fenced sample is text; its highlighting classes (p-Indicator,
    # a Pygments subtype) are only colours of code.
    path = project.ports / "22.yaml"
    sample = "\n\n      ```yaml\n      body: |\n      ```"
    path.write_text(path.read_text().replace("in the registry too [^iana].", "in the registry too [^iana]." + sample, 1))
    run = project.run("site")
    assert run.code == 0, run.err
    html = (project.root / "site/ports/22/index.html").read_text("utf-8")
    assert 'class="p p-Indicator"' in html
