"""Input that is not a field's value: file names and kinds, YAML bombs, hostile registry
files, unwritable output, signals, and what reaches CSV and Atom. Each gets one located
line with a code, exit 1, no traceback, and leaves what was there before."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import xml.dom.minidom

import pytest

from conftest import FIXTURES


def _problem(run, prefix: str) -> None:
    assert run.code == 1, run.err
    assert "Traceback" not in run.err, run.err
    assert [line for line in run.lines if line.startswith(prefix)], run.err


@pytest.mark.parametrize("name", ["٢٢.yaml", "２２.yaml", "22.yaml\n", "0022.yaml", "22 .yaml", "22.YAML", "22.fr.yaml.bak"])
def test_a_file_name_that_could_stand_for_another_port_is_refused(project, name):
    (project.ports / name).write_bytes((FIXTURES / "ports" / "22.yaml").read_bytes())
    run = project.run("check")
    shown = name.replace("\n", "\\n")
    _problem(run, f"ports/{shown}:1:1: E007 ")


def test_symlinks_are_refused_even_to_a_real_record(project, tmp_path):
    outside = tmp_path / "outside.yaml"
    outside.write_bytes((FIXTURES / "ports" / "22.yaml").read_bytes())
    (project.ports / "22.yaml").unlink()
    (project.ports / "22.yaml").symlink_to(outside)
    _problem(project.run("check"), "ports/22.yaml:1:1: E010 this is a symbolic link")


def test_a_symlink_to_dev_zero_costs_nothing(project):
    (project.ports / "22.yaml").unlink()
    (project.ports / "22.yaml").symlink_to("/dev/zero")
    _problem(project.run("check"), "ports/22.yaml:1:1: E010 ")


def test_a_pipe_or_folder_in_ports_is_refused(project):
    (project.ports / "22.yaml").unlink()
    os.mkfifo(project.ports / "22.yaml")
    (project.ports / "23.yaml").mkdir()
    run = project.run("check")
    _problem(run, "ports/22.yaml:1:1: E010 this is not a regular file")
    assert any(line.startswith("ports/23.yaml:1:1: E010 a folder in ports/") for line in run.lines)


@pytest.mark.parametrize("depth", [1000, 30000])
def test_deep_yaml_is_refused_before_it_is_built(project, depth):
    (project.ports / "22.yaml").write_text("port: 22\nx: " + "[" * depth + "]" * depth + "\n")
    _problem(project.run("check"), "ports/22.yaml:2:15: E012 ")


@pytest.mark.parametrize("value, code", [("22.0", "E103"), ("0x16", "E011"), ("026", "E011"), ("true", "E103")])
def test_a_port_written_as_anything_but_a_decimal_number_is_refused(project, value, code):
    path = project.ports / "22.yaml"
    path.write_text(path.read_text().replace("port: 22\n", f"port: {value}\n"))
    _problem(project.run("check"), f"ports/22.yaml:2:7: {code} ")
    assert not (project.root / "docs" / "ports").exists()


def test_a_nul_byte_in_a_record_is_located(project):
    path = project.ports / "22.yaml"
    path.write_bytes(path.read_bytes().replace(b"title: SSH", b"title: S\x00SH"))
    _problem(project.run("check"), "ports/22.yaml:4:9: E001 YAML does not allow the character U+0000")


def test_a_value_cannot_forge_a_problem_line_or_reach_the_terminal(project):
    path = project.ports / "22.yaml"
    path.write_text(path.read_text() + '"x\\e[31m\\nports/22.yaml:1:1: E000 forged": 1\n')
    run = project.run("check")
    _problem(run, "ports/22.yaml:28:1: E101 unknown field 'x\\x1b[31m\\nports/22.yaml:1:1: E000 forged'")
    assert "\x1b" not in run.err and len(run.lines) == 2


def test_missing_or_wrong_ports_folder(project):
    import shutil

    shutil.rmtree(project.ports)
    _problem(project.run("check"), "ports:1:1: E013 the records folder ports/ is missing")
    project.ports.write_text("not a folder")
    _problem(project.run("site"), "ports:1:1: E013 the records folder ports/ is not a folder")


@pytest.mark.parametrize("content, message", [
    (b"\x89PNG\r\n\x1a\n\x00\x00", "E810 byte 0x89 is not UTF-8"),
    ("Service Name,Port Number,Transport Protocol,Description\nssh,22,tcp,Caf\xe9\n".encode("latin-1"), "E810 byte 0xe9 is not UTF-8"),
    (b"Service Name,Port Number,Transport Protocol,Description\nssh,22,tcp,\"" + b"x" * 200_000 + b"\"\n", "E810 not a CSV file"),
    (b"Service Name,Port Number,Transport Protocol,Description\nssh,22,tcp,a\x00b\n", "E810 the registry has a NUL byte"),
    ("Service Name,Port Number,Transport Protocol,Description\nssh,٢٢,tcp,x\n".encode(), "E811 port number"),
])
def test_a_hostile_registry_file_is_one_located_line(project, tmp_path, content, message):
    registry = tmp_path / "registry.csv"
    registry.write_bytes(content)
    run = project.run("check", "--registry", str(registry))
    _problem(run, registry.as_posix())
    assert message in run.err, run.err


def test_unwritable_docs_is_a_located_problem_and_the_site_stays(built_site):
    before = built_site.snapshot("site")
    ports = built_site.root / "docs" / "ports"
    moved = built_site.root / "docs" / "ports-moved"
    ports.rename(moved)
    ports.write_text("a file where the generator writes a folder")
    try:
        path = built_site.ports / "22.yaml"
        original = path.read_text()
        path.write_text(original.replace("Fixture prose", "Changed fixture prose"))
        run = built_site.run("site")
        _problem(run, "docs/ports/")
        assert "E970 cannot write" in run.err
    finally:
        path.write_text(original)
        ports.unlink()
        moved.rename(ports)
    assert built_site.snapshot("site") == before


def test_an_output_folder_that_cannot_be_made_is_a_located_problem(project):
    (project.root / "blocked").write_text("a file, not a folder")
    run = project.run("site", "--output", "blocked/site")
    _problem(run, "blocked/site:1:1: E970 cannot create a build folder")


def test_sigterm_stops_mkdocs_and_leaves_no_staging_folder(built_site):
    before = built_site.snapshot("site")
    path = built_site.ports / "63146.yaml"
    original = path.read_text()
    path.write_text(original.replace("Second fixture", "Third fixture"))
    try:
        proc = subprocess.Popen([sys.executable, "-m", "portpages", "site"], cwd=built_site.root,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 60
        while not list(built_site.root.glob(".site-*")) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert list(built_site.root.glob(".site-*")), "the build never started"
        children = subprocess.run(["pgrep", "-P", str(proc.pid)], capture_output=True, text=True).stdout.split()
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=60)
        assert proc.returncode == 130 and "Traceback" not in err, err
        assert err.strip().endswith("interrupted; the previous site was kept")
        assert not list(built_site.root.glob(".site-*"))
        for child in children:
            assert not os.path.exists(f"/proc/{child}") or open(f"/proc/{child}/stat").read().split()[2] == "Z"
    finally:
        path.write_text(original)
    assert built_site.snapshot("site") == before


def test_csv_cells_that_look_like_formulas_are_text(project):
    path = project.ports / "63146.yaml"
    path.write_text(path.read_text().replace("title: Second fixture port", 'title: "=HYPERLINK(\\"https://evil.example\\",\\"x\\")"'))
    assert project.run("fmt").code == 0
    assert project.run("generate").code == 0
    rows = (project.root / "docs/api/v1/ports.csv").read_text().splitlines()
    row = next(r for r in rows if r.startswith("63146,"))
    assert row.startswith("63146,\"'=HYPERLINK(")


def test_the_feed_is_valid_xml_whatever_a_title_holds(project):
    from dataclasses import replace

    from portpages.api import _feed
    from portpages.project import open_project
    from portpages.records import load_records

    proj = open_project(project.root)
    record = load_records(proj).records[0]
    hostile = replace(record, text=replace(record.text, title="a\x01b <x> & \ud800", summary="c\x1bd"))
    feed = _feed(proj, (hostile,), {hostile.path: ("2026-01-01T00:00:00+00:00", "2026-01-01T00:00:00+00:00")})
    parsed = xml.dom.minidom.parseString(feed.encode("utf-8", "surrogatepass"))
    title = parsed.getElementsByTagName("entry")[0].getElementsByTagName("title")[0].firstChild.data
    assert title == f"Port {record.port}: a\ufffdb <x> & \ufffd"


def test_a_record_full_of_brackets_is_refused_before_markdown_sees_them_all(project):
    # Each field stays under the per-field limit; together they pass the record's.
    path = project.ports / "22.yaml"
    notes = "".join(f'  - "{"[" * 30} note {i} long enough"\n' for i in range(4))
    path.write_text(path.read_text().replace("sources:\n", f"security:\n{notes}sources:\n", 1))
    run = project.run("check")
    _problem(run, "ports/22.yaml:")
    lines = [line for line in run.lines if " E507 " in line]
    message = "E507 more than 96 '[' in this file's text, counted up to here; write fewer links and citations"
    # The fourth note passes the budget, and so does the section body checked after the notes.
    assert lines == [f"ports/22.yaml:14:11: {message}", f"ports/22.yaml:20:5: {message}"], run.err
