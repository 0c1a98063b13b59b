"""The contributor's path: scaffold, canonical layout, registry cross-check, CI annotations."""

from __future__ import annotations

import os
import re

import pytest

from conftest import FIXTURES, ROOT

REGISTRY = FIXTURES / "registry" / "current.csv"


def _fill(text: str) -> str:
    """What a contributor does with the template: real words where the TODOs were."""
    text = text.replace("title: TODO the service as people know it", "title: Italk chat")
    text = text.replace("name: TODO product or protocol", "name: Italk")
    text = re.sub(r"note: >-\n\s+TODO[^\n]*\n[^\n]*\n", "note: Italk registered the port for its chat [^iana].\n", text)
    return re.sub(r"TODO[^\n]*", "Italk chat is registered on this port [^iana].", text)


def test_new_writes_a_template_prefilled_from_the_registry(project):
    run = project.run("new", "12345", "--registry", str(REGISTRY))
    assert run.code == 0, run.err
    text = (project.ports / "12345.yaml").read_text()
    assert text.startswith("# yaml-language-server: $schema=../scripts/portpages/schema/record.schema.json\n")
    assert "protocols: [tcp, udp]" in text
    assert "status: assigned" in text and "- name: italk" in text
    assert "heading: Why it sits in the User range" in text
    check = project.run("check")
    assert check.code == 1 and "E105 replace this TODO" in check.err


def test_filled_template_passes_check_with_the_registry(project):
    project.run("new", "12345", "--registry", str(REGISTRY))
    path = project.ports / "12345.yaml"
    path.write_text(_fill(path.read_text()))
    run = project.run("check", "--registry", str(REGISTRY))
    assert run.code == 0, run.err


def test_new_in_the_dynamic_range_is_unassigned(project):
    assert project.run("new", "50000").code == 0
    text = (project.ports / "50000.yaml").read_text()
    assert "status: unassigned" in text and "services" not in text
    assert "Why it sits in the Dynamic range" in text


@pytest.mark.parametrize("args, expected", [
    (("new", "22"), "ports/22.yaml:1:1: E910 port 22 already has a record; edit ports/22.yaml instead"),
    (("new", "65536"), "command line:1:1: E900 argument port: '65536' is not a port number from 0 to 65535"),
    (("new", "http"), "command line:1:1: E900 argument port: 'http' is not a port number from 0 to 65535"),
    (("new",), "command line:1:1: E900 the following arguments are required: port"),
    (("chek",), "command line:1:1: E900 argument command: invalid choice: 'chek'"),
    (("check", "--registry", "missing.csv"), "missing.csv:1:1: E810 cannot read the registry: No such file or directory"),
])
def test_wrong_command_lines_get_one_line_and_exit_1(project, args, expected):
    before = (project.ports / "22.yaml").read_bytes()
    run = project.run(*args)
    assert run.code == 1
    assert run.lines[0].startswith(expected), run.err
    assert "Traceback" not in run.err
    assert (project.ports / "22.yaml").read_bytes() == before


def test_check_points_to_fmt_and_fmt_changes_layout_only(project):
    from portpages.yamlsource import load

    path = project.ports / "22.yaml"
    original = load(path).data
    path.write_text(path.read_text().replace("protocols: [tcp, udp, sctp]\ntitle", "protocols:\n- tcp\n- udp\n- sctp\ntitle"))
    assert load(path).data == original
    run = project.run("check")
    assert run.code == 1
    assert re.match(r"ports/22\.yaml:\d+:1: E901 not in the canonical layout .*run `make fmt`", run.lines[0]), run.err
    assert project.run("fmt").code == 0
    assert load(path).data == original
    assert project.run("check").code == 0
    assert project.run("fmt", "--check").code == 0


def test_every_real_record_is_canonical_and_formatting_keeps_its_data():
    from portpages.fmt import canonical
    from portpages.yamlsource import load, parse

    for path in sorted((ROOT / "ports").glob("*.yaml")):
        doc = load(path, f"ports/{path.name}")
        kind = "overlay" if path.name.count(".") == 2 else "record"
        text = canonical(doc.data, kind)
        assert parse(text, "x").data == doc.data, path.name
        assert canonical(parse(text, "x").data, kind) == text, path.name


def test_github_actions_gets_workflow_commands(project):
    path = project.ports / "22.yaml"
    path.write_text(path.read_text().replace("port: 22", "port: 22\nprt: 22"))
    run = project.run("check", env={**os.environ, "GITHUB_ACTIONS": "true"})
    assert run.code == 1
    assert "::error file=ports/22.yaml,line=3,col=1::E101 unknown field 'prt'" in run.out


def test_github_warning_for_warnings(project):
    path = project.ports / "22.yaml"
    path.write_text(path.read_text().replace("sources:\n", "sources:\n  - key: spare\n    title: Spare\n    url: https://example.org/\n    publisher: Nobody\n"))
    project.run("fmt")
    run = project.run("check", env={**os.environ, "GITHUB_ACTIONS": "true"})
    assert run.code == 0
    assert re.search(r"^::warning file=ports/22\.yaml,line=\d+,col=\d+::W302 source 'spare' is never cited", run.out, re.M)


def _registry_case(project, old: str, new: str):
    path = project.ports / "22.yaml"
    path.write_text(path.read_text().replace(old, new))
    return project.run("check", "--registry", str(REGISTRY))


def test_registry_status_contradiction_is_an_error(project):
    run = _registry_case(project, "status: assigned\n  services:\n    - name: ssh\n      protocols: [tcp, udp, sctp]\n", "status: unassigned\n")
    assert run.lines[0] == "ports/22.yaml:6:11: E801 the IANA registry says port 22 is assigned, not unassigned; set status: assigned"


def test_registry_unknown_service_is_an_error(project):
    run = _registry_case(project, "- name: ssh", "- name: secure-shell")
    assert run.code == 1
    assert "ports/22.yaml:8:13: E802 the registry lists no service 'secure-shell' on port 22 (it lists: ssh)" in run.lines


def test_registry_missing_protocol_is_a_warning(project):
    run = _registry_case(project, "      protocols: [tcp, udp, sctp]", "      protocols: [tcp, udp]")
    assert run.code == 0
    assert "ports/22.yaml:9:18: W803 the registry also assigns 'ssh' on port 22 for sctp; add it to this service's protocols" in run.lines, run.err


@pytest.mark.parametrize("name", ["current.csv", "older.csv"])
def test_registry_reader_finds_columns_by_header(name):
    from portpages.registry import read_registry

    registry = read_registry(FIXTURES / "registry" / name)
    assert registry.services(22) == {"ssh": {"tcp", "udp", "sctp"}}
    assert registry.services(6031) == {"x11": {"tcp", "udp"}}  # inside the range 6000-6063
    assert registry.status(6063) == "assigned" and registry.status(6064) == "unassigned"
    assert registry.status(230) == "reserved" and registry.status(0) == "reserved"
    assert registry.status(24) == "unassigned"  # a row with no service name
    assert registry.at(12345)[0].unauthorized == "Possible Trojan"
    assert all(e.name != "argus" for e in registry.entries)  # no port number: not a port
    assert registry.assigned_ports() == [22, 443, *range(6000, 6064), 12345]


def test_registry_without_needed_columns_is_refused(tmp_path, project):
    bad = tmp_path / "bad.csv"
    bad.write_text("Name,Port\nssh,22\n")
    run = project.run("check", "--registry", str(bad))
    assert run.code == 1
    assert run.lines[0] == f"{bad}:1:1: E810 registry has no 'Service Name' column; is this IANA's service-names-port-numbers.csv?"


def test_translate_writes_an_overlay_that_marks_the_page_translated(project):
    run = project.run("translate", "22", "de")
    assert run.code == 0, run.err
    path = project.ports / "22.de.yaml"
    text = path.read_text()
    fingerprint = project.run("fingerprint", "22").out.strip()
    assert f"translates: {fingerprint}\n" in text
    check = project.run("check")
    # Untranslated text is a warning that names the field still in English.
    assert check.code == 0
    assert "ports/22.de.yaml:4:10: W705 this is the English text word for word; translate it or remove the field" in check.lines
    path.write_text(text.replace("title: SSH (fixture)", "title: SSH (Testeintrag)"))
    assert project.run("generate").code == 0
    page = (project.root / "docs/ports/22.de.md").read_text()
    assert "# Port 22: SSH \\(Testeintrag\\)" in page and "!!! info" not in page
    again = project.run("translate", "22", "de")
    assert again.code == 1
    assert any(line.startswith("ports/22.de.yaml:1:1: E910 ports/22.de.yaml exists; edit it") for line in again.lines)


def test_translate_and_fingerprint_work_while_another_record_is_broken(project):
    # Someone else's half-written record must not stop a translator.
    (project.ports / "63146.yaml").write_text("port: 63146\ntitle: TODO\n")
    fingerprint = project.run("fingerprint", "22")
    assert fingerprint.code == 0, fingerprint.err
    assert re.fullmatch(r"[0-9a-f]{12}\n", fingerprint.out) and fingerprint.err == ""
    run = project.run("translate", "22", "de")
    assert run.code == 0, run.err
    assert f"translates: {fingerprint.out.strip()}\n" in (project.ports / "22.de.yaml").read_text()
    # The record asked for is still checked on its own.
    broken = project.run("fingerprint", "63146")
    assert broken.code == 1 and broken.lines[0].startswith("ports/63146.yaml:")
    assert project.run("fingerprint", "4").lines[0] == "ports/4.yaml:1:1: E702 no record for port 4; write ports/4.yaml first (make new PORT=4)"


def test_translations_lists_each_language(project):
    run = project.run("translations")
    assert run.code == 0
    assert "fr (Français): 1 translated, 0 stale, 2 missing" in run.out
    assert "  missing  ports/22.fr.yaml" in run.out
    assert "de (Deutsch): 0 translated, 0 stale, 3 missing" in run.out


def test_registry_download_without_network_is_one_clear_line(project):
    dead = "http://127.0.0.1:9"  # discard port: nothing listens, the connection is refused at once
    env = {**os.environ, "https_proxy": dead, "HTTPS_PROXY": dead, "http_proxy": dead, "HTTP_PROXY": dead}
    run = project.run("registry", env=env)
    assert run.code == 1 and "Traceback" not in run.err
    assert run.lines[0].startswith("https://www.iana.org/assignments/service-names-port-numbers/service-names-port-numbers.csv:1:1: E812 cannot download the registry")
    assert not (project.root / ".cache" / "service-names-port-numbers.csv").exists()
