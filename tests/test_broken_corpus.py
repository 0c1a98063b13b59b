"""Every kind of mistake a contributor makes gets one precise line, exit 1, nothing written.

Each file in tests/broken/ says what it must produce in its first two lines:
`# expect: CODE LINE:COL` and `# as: <file name in ports/>`.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

BROKEN = sorted((Path(__file__).parent / "broken").glob("*.yaml"))


def _header(path: Path) -> tuple[str, str, str]:
    first, second = path.read_bytes().split(b"\n")[:2]
    code, position = re.match(rb"# expect: (\S+) (\d+:\d+)", first).groups()
    target = re.match(rb"# as: (\S+)", second).group(1)
    return code.decode(), position.decode(), target.decode()


def _place(project, path: Path) -> str:
    code, position, target = _header(path)
    (project.ports / target).write_bytes(path.read_bytes())
    return f"ports/{target}:{position}: {code} "


@pytest.mark.parametrize("path", BROKEN, ids=[p.stem for p in BROKEN])
def test_broken_record_is_reported_exactly_once(project, path):
    expected = _place(project, path)
    run = project.run("generate")
    problems = [line for line in run.lines if re.match(r"^\S+:\d+:\d+: [EW]\d{3} ", line)]
    assert run.code == 1
    assert "Traceback" not in run.err
    assert [line for line in problems if line.startswith("ports/")] == [problems[0]], run.err
    assert problems[0].startswith(expected), run.err
    assert run.lines[-1] == "1 error(s); nothing was written"
    assert not (project.root / "docs" / "ports").exists()


def test_corpus_covers_every_error_rule_a_record_can_break():
    from portpages.rules import RULES

    from test_attacks import ATTACKS

    # Tested on their own: size and permissions below; registry and layout in test_contributing;
    # hostile field values in test_attacks; file kinds, nesting and number forms in test_hostile_input.
    covered = ({_header(p)[0] for p in BROKEN} | {a.code for a in ATTACKS}
               | {"E004", "E006", "E801", "E802", "E901", "E010", "E011", "E012"}
               | {"E704"})  # needs git history: tests/test_messages.py
    reachable = {code for code, r in RULES.items() if code.startswith("E") and r.kind in ("file", "record", "overlay", "record+overlay")}
    assert reachable <= covered, sorted(reachable - covered)


def test_huge_file_is_refused_without_parsing(project):
    (project.ports / "22.yaml").write_text("# padding\n" * 8000 + "port: 22\n", encoding="utf-8")
    run = project.run("check")
    assert run.code == 1
    assert run.lines[0].startswith("ports/22.yaml:1:1: E004 file is 80009 bytes, over the 65536-byte limit")


def test_unreadable_file_is_reported(project):
    import os

    if os.geteuid() == 0:
        pytest.skip("root reads every file; permissions cannot be tested")
    (project.ports / "22.yaml").chmod(0)
    run = project.run("check")
    assert run.code == 1 and "E006" in run.lines[0]


def test_every_problem_in_every_file_is_reported_at_once(project):
    broken = Path(__file__).parent / "broken"
    (project.ports / "22.yaml").write_bytes((broken / "related-dangling.yaml").read_bytes())
    for name, old, new in (("60767.yaml", "Inline code", "<script>x</script> Inline code"),
                           ("63146.yaml", "https://www.rfc", "ftp://www.rfc")):
        path = project.ports / name
        path.write_text(path.read_text().replace(old, new, 1))
    run = project.run("check")
    found = [(line.split(":")[0], line.split()[1]) for line in run.lines if line.startswith("ports/")]
    assert found == [("ports/22.yaml", "E401"), ("ports/60767.yaml", "E503"), ("ports/63146.yaml", "E501")]
    assert run.lines[-1] == "3 error(s)"  # check writes nothing anyway: it does not say so


def test_a_broken_record_is_reported_once_not_in_every_file_that_names_it(project):
    path = project.ports / "63146.yaml"  # 60767 relates to it, and 60767.fr.yaml exists
    path.write_text(path.read_text().replace("protocols: [tcp, udp]", "protocols: tcp"))
    (project.ports / "63146.fr.yaml").write_text("translates: 0123456789ab\ntitle: Deuxième port\n")
    run = project.run("check")
    assert [line for line in run.lines if line.startswith("ports/")] == [
        "ports/63146.yaml:3:12: E103 protocols must be a list, not text"]
