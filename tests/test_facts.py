"""`make facts`: the prose's registry claims re-checked, and the claims that rest on
secondary sources listed where they are."""

from __future__ import annotations

from conftest import REGISTRY

SECONDARY = """\
  - key: blog
    title: A blog post about SSH
    url: https://blog.example/ssh
    publisher: Someone
"""


def _edit(project, old: str, new: str, sources: str = "") -> None:
    path = project.ports / "22.yaml"
    path.write_text(path.read_text().replace(old, new) + sources)


def test_a_claim_resting_on_secondary_sources_is_listed_where_it_is(project):
    _edit(project, "      Fixture prose [^rfc4251], in the registry too [^iana].\n",
          "      Fixture prose [^rfc4251], in the registry too [^iana]. Many people say so [^blog].\n", SECONDARY)
    run = project.run("facts", "--registry", str(REGISTRY))
    assert run.code == 0, run.err
    assert "ports/22.yaml:15:62: W852 section 'what': this claim cites only secondary sources (blog)" in run.lines
    assert run.lines[-1].endswith("rest on secondary sources only (W852); every service the prose names agrees with the registry")
    assert not [line for line in run.lines if " W852 " in line and "22.yaml:15:7:" in line]  # the primary-cited sentence


def test_a_service_named_on_the_wrong_port_is_an_error(project):
    _edit(project, "in the registry too [^iana].", "and the registry lists `telnet` on it [^iana].")
    run = project.run("facts", "--registry", str(REGISTRY))
    assert run.code == 1
    assert "ports/22.yaml:15:56: E851 the registry lists 'telnet' on port 23, not on 22; correct the name or the number" in run.lines, run.err
    _edit(project, "lists `telnet` on it [^iana].", "lists `telnet` on 23 [^iana].")
    assert project.run("facts", "--registry", str(REGISTRY)).code == 0


def test_facts_needs_the_registry(project):
    run = project.run("facts", "--curated")
    assert run.code == 1
    assert run.lines[0] == "command line:1:1: E900 make facts compares the records with the registry; leave out --curated"
