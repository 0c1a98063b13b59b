"""The registry is part of the project: every build and check reads the vendored snapshot
unless told to use another copy or none."""

from __future__ import annotations

import shutil

from conftest import FIXTURES, ROOT, make_project

SNAPSHOT = FIXTURES / "registry" / "old.csv"


def _with_snapshot(tmp_path):
    project = make_project(tmp_path)
    (project.root / "scripts" / "iana").mkdir(parents=True)
    shutil.copy(SNAPSHOT, project.root / "scripts" / "iana" / "service-names-port-numbers.csv")
    return project


def test_the_vendored_snapshot_is_the_default(tmp_path):
    project = _with_snapshot(tmp_path)
    run = project.run("generate")
    assert run.code == 0, run.err
    assert "curated records only" not in run.err
    # Port 7 has no record: its page exists only because the registry was read.
    assert (project.root / "docs" / "ports" / "7.md").is_file()
    assert "echo" in (project.root / "docs" / "ports" / "7.md").read_text("utf-8")


def test_curated_leaves_the_registry_out_and_says_so(tmp_path):
    project = _with_snapshot(tmp_path)
    run = project.run("generate", "--curated")
    assert run.code == 0, run.err
    assert run.lines[-1].endswith("(curated records only)")
    assert not (project.root / "docs" / "ports" / "7.md").exists()


def test_registry_names_another_copy(tmp_path):
    project = _with_snapshot(tmp_path)
    assert project.run("check").code == 0
    # The other copy drops SCTP from ssh, which the fixture record for 22 states.
    run = project.run("check", "--registry", str(FIXTURES / "registry" / "new.csv"))
    assert run.code == 1
    assert run.lines[0] == "ports/22.yaml:9:29: E802 the registry lists 'ssh' on port 22 for tcp, udp, not sctp"


def test_without_a_snapshot_the_summary_says_what_was_built(tmp_path):
    project = make_project(tmp_path)
    run = project.run("check")
    assert run.code == 0, run.err
    assert run.lines[-1].endswith("(curated records only: no registry snapshot at scripts/iana/service-names-port-numbers.csv)")


def test_the_project_vendors_the_registry_with_its_date_and_source():
    csv = ROOT / "scripts" / "iana" / "service-names-port-numbers.csv"
    readme = (ROOT / "scripts" / "iana" / "README.md").read_text("utf-8")
    assert csv.read_text("utf-8").startswith("Service Name,Port Number,Transport Protocol,Description")
    assert "https://www.iana.org/assignments/service-names-port-numbers/service-names-port-numbers.csv" in readme
    assert "CC0 1.0" in readme
    from portpages.registry import read_registry
    from portpages.registrychanges import snapshot_date

    assert f"Snapshot date (newest registration or modification date in the file): {snapshot_date(read_registry(csv))}" in readme
