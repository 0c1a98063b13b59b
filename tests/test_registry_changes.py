"""`portpages registry-changes`: the pull request body of the weekly registry refresh."""

from __future__ import annotations

import pytest

from conftest import FIXTURES, make_project
from portpages.cli import main
from portpages.registry import Entry, Registry
from portpages.registrychanges import compare, summary

SNAPSHOTS = FIXTURES / "registry"  # old.csv and new.csv: real rows; new.csv changes a few


def run(capsys, root, old: str, new: str) -> str:
    code = main(["--root", str(root), "registry-changes", str(old), str(new)])
    out = capsys.readouterr()
    assert (code, out.err) == (0, "")
    return out.out


def fails(capsys, root, old: str, new: str) -> list[str]:
    """The command line's problem lines, for a run that must fail with nothing on stdout."""
    code = main(["--root", str(root), "registry-changes", str(old), str(new)])
    out = capsys.readouterr()
    assert (code, out.out) == (1, "")
    return out.err.splitlines()


@pytest.fixture
def at_snapshots(monkeypatch):
    # Away from the project folder: record paths must still read ports/22.yaml, as in the repository.
    monkeypatch.chdir(SNAPSHOTS)


def test_fixture_snapshots_read_as_each_change_a_reviewer_can_check(tmp_path, capsys, at_snapshots):
    project = make_project(tmp_path)
    assert run(capsys, project.root, "old.csv", "new.csv") == """\
## IANA registry changes

From `old.csv` (newest date 2025-02-13) to `new.csv` (newest date 2025-06-02).

Ports with a service name: 80 → 80.

- Newly assigned ports: 1
- De-assigned ports: 1
- Renamed services: 1
- Protocols added to a service: 1
- Protocols removed from a service: 1
- Service names added to an assigned port: 0
- Service names removed from a port that stays assigned: 0
- Assignees changed: 1
- References changed: 2
- Curated records the new registry contradicts: 1

### Newly assigned ports (1)

- port 4: `fixture-svc` (tcp, udp)

### De-assigned ports (1)

- port 27: `nsw-fe` (tcp, udp); now unassigned

### Renamed services (1)

- port 29: `msg-icp` → `msgicp` (tcp, udp)

### Protocols added to a service (1)

- port 25: `smtp` adds sctp; now tcp, udp, sctp

### Protocols removed from a service (1)

- port 22: `ssh` drops sctp; now tcp, udp

### Assignees changed (1)

- port 17: `qotd`: `Jon Postel` → `IESG`

### References changed (2)

- port 22: `ssh`: `RFC4251`, `RFC9260` → `RFC4251`
- port 25: `smtp`: `RFC5321` → `RFC5321`, `RFC9260`

### Curated records the new registry contradicts (1)

- `ports/22.yaml:9:29: E802 the registry lists 'ssh' on port 22 for tcp, udp, not sctp`
"""


def test_identical_snapshots_say_no_changes_and_no_contradictions(tmp_path, capsys, at_snapshots):
    project = make_project(tmp_path)
    assert run(capsys, project.root, "old.csv", "old.csv").splitlines()[2:] == [
        "From `old.csv` (newest date 2025-02-13) to `old.csv` (newest date 2025-02-13).",
        "",
        "Ports with a service name: 80 → 80.",
        "",
        "No changes: both copies list the same service names, protocols, assignees and references on every port.",
        "",
        "### Curated records the new registry contradicts (0)",
        "",
        "none",
    ]


def test_another_error_in_a_record_does_not_hide_the_contradictions(tmp_path, capsys, at_snapshots):
    project = make_project(tmp_path)
    record = project.ports / "22.yaml"
    text = record.read_text("utf-8")
    record.write_text(text.replace("title: SSH (fixture)", "title: TODO"), "utf-8")
    project.write("100.yaml", text.replace("port: 22", "port: 100"))  # listed after 22, not before
    lines = run(capsys, project.root, "old.csv", "new.csv").splitlines()
    assert lines[-5:] == [
        "- `ports/22.yaml:9:29: E802 the registry lists 'ssh' on port 22 for tcp, udp, not sctp`",
        "- `ports/100.yaml:6:11: E801 the IANA registry says port 100 is unassigned, not assigned; set status: unassigned`",
        "- `ports/100.yaml:8:13: E802 the registry lists no service 'ssh' on port 100 (it lists: none)`",
        "",
        "1 other error(s) in the records kept some of them from this check; `make check` lists them.",
    ]


def test_a_broken_snapshot_is_a_located_problem_and_prints_nothing(tmp_path, capsys):
    project = make_project(tmp_path)
    broken = tmp_path / "broken.csv"
    lines = (SNAPSHOTS / "new.csv").read_text("utf-8").splitlines(keepends=True)
    assert lines[3].startswith("tcpmux,1,tcp,")
    lines[3] = lines[3].replace(",1,", ",1x,", 1)
    broken.write_text("".join(lines), "utf-8")
    missing = tmp_path / "missing.csv"
    lines = fails(capsys, project.root, missing, broken)
    # Both copies' problems at once: the refresh should not need two runs to show them.
    assert lines[0].startswith(f"{broken.as_posix()}:4:") and " E811 " in lines[0]
    assert "'1x' is not a number" in lines[0]
    assert lines[1].startswith(f"{missing.as_posix()}:1:1: E810 ")
    assert lines[2] == "2 error(s)"


def test_a_project_without_records_is_a_problem_not_a_summary_of_none(tmp_path, capsys):
    project = make_project(tmp_path, ports=None)
    project.ports.rmdir()
    lines = fails(capsys, project.root, SNAPSHOTS / "old.csv", SNAPSHOTS / "new.csv")
    assert " E013 " in lines[0]


def entries(*rows: tuple[str, str, str]) -> Registry:
    """Registry rows as (service name, port or low-high, protocol)."""
    out = []
    for name, port, protocol in rows:
        low, _, high = port.partition("-")
        out.append(Entry(name, int(low), int(high or low), protocol, name or "Unassigned"))
    return Registry(out)


def test_names_that_come_and_go_renames_ranges_and_the_cap():
    old = entries(
        ("a", "100", "tcp"), ("a", "100", "udp"), ("b", "100", "tcp"),
        ("x", "200", "tcp"), ("x", "200", "udp"),
        ("r", "300-399", "tcp"),
        ("z", "600", "tcp"),
        *[(f"old{i}", str(1000 + i), "tcp") for i in range(60)],
    )
    new = entries(
        ("a", "100", "tcp"), ("a", "100", "udp"), ("c", "100", "udp"),
        ("y", "200", "tcp"),
        ("w", "600", "tcp"), ("w", "600", "udp"),
        *[(f"new{i}", str(1000 + i), "tcp") for i in range(60)],
        ("`we`ird @team", "500", ""),
        ("dyn", "50000", "tcp"),  # RFC 6335: never assigned, whatever a row says
    )
    changes = compare(old, new)
    assert (len(changes.assigned), len(changes.deassigned), len(changes.renamed)) == (1, 100, 62)
    lines = summary(changes, [], "old", "new").splitlines()
    section = lines[lines.index("### Newly assigned ports (1)"):]
    assert section[:3] == ["### Newly assigned ports (1)", "", "- port 500: `` `we`ird @team `` (no protocol)"]
    assert "- ports 300-399: `r` (tcp); now unassigned" in lines  # one range, not 100 bullets
    renamed = lines[lines.index("### Renamed services (62)") + 2:]
    assert renamed[:3] == ["- port 200: `x` → `y` (tcp)", "- port 600: `z` → `w` (tcp)", "- port 1000: `old0` → `new0` (tcp)"]
    assert renamed[49:52] == ["- port 1047: `old47` → `new47` (tcp)", "- … and 12 more", ""]
    # A renamed service that also lost or gained a protocol, under its new name:
    assert "- port 200: `y` drops udp; now tcp" in lines
    assert "- port 600: `w` adds udp; now tcp, udp" in lines
    assert "- port 100: `c` (udp)" in lines[lines.index("### Service names added to an assigned port (1)"):]
    assert "- port 100: `b` (tcp)" in lines[lines.index("### Service names removed from a port that stays assigned (1)"):]
    assert "- Curated records the new registry contradicts: 0" in lines



def test_a_summary_too_long_for_a_pull_request_shortens_its_lists_not_the_contradictions(monkeypatch):
    import portpages.registrychanges as registrychanges
    from portpages.problems import Problem

    old = entries(*[(f"old{i}", str(1000 + i), "tcp") for i in range(300)])
    new = entries(*[(f"new{i}", str(1000 + i), "tcp") for i in range(300)])
    contradicted = [Problem(f"ports/{1000 + i}.yaml", 5, 3, "E802", "the registry lists no service") for i in range(300)]
    monkeypatch.setattr(registrychanges, "BUDGET", 2000)  # 50 or 20 bullets a list are too long, 10 fit
    text = summary(compare(old, new), contradicted, "old", "new")
    lines = text.splitlines()
    assert len(text) <= 2000
    renamed = lines[lines.index("### Renamed services (300)") + 2:]
    assert renamed[9:12] == ["- port 1009: `old9` → `new9` (tcp)", "- … and 290 more", ""]
    assert lines[-13:] == ["### Curated records the new registry contradicts (300)", "",
                           *[f"- `ports/{1000 + i}.yaml:5:3: E802 the registry lists no service`" for i in range(10)],
                           "- … and 290 more"]
