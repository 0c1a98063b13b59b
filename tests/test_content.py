"""The shipped records: correct facts, sources, and coverage (issue 5's accuracy checks).

Against the IANA registry snapshot in ../shared when it is there; otherwise against the
small fixture registry, which holds only a few ports, so fewer facts can be compared.
"""

from __future__ import annotations

from collections import Counter

import pytest

from conftest import FIXTURES, REGISTRY, ROOT
from portpages.project import open_project
from portpages.records import load_records
from portpages.registry import read_registry

PROJECT = open_project(ROOT)
LOADED = load_records(PROJECT)
RECORDS = LOADED.records
REGISTRY_FILE = REGISTRY if REGISTRY.exists() else FIXTURES / "registry" / "current.csv"
IANA = read_registry(REGISTRY_FILE)
PRIMARY_HOSTS = ("rfc-editor.org", "iana.org", "datatracker.ietf.org")


def test_records_pass_every_rule_with_the_registry_and_no_warnings():
    loaded = load_records(PROJECT, IANA)
    assert [str(p) for p in loaded.problems] == []


def test_enough_curated_records_and_translations():
    assert len(RECORDS) >= 129
    states = Counter((lang, r.text_in(lang).state) for r in RECORDS for lang in PROJECT.languages[1:])
    assert states[("fr", "translated")] >= 70
    assert states[("de", "translated")] >= 45


@pytest.mark.parametrize("lang", PROJECT.languages[1:])
def test_the_home_pages_popular_ports_are_translated_in_every_language(lang):
    by_port = {r.port: r for r in RECORDS}
    assert PROJECT.popular and set(PROJECT.popular) <= set(by_port)
    assert [p for p in PROJECT.popular if by_port[p].text_in(lang).state != "translated"] == []


@pytest.mark.parametrize("record", RECORDS, ids=[str(r.port) for r in RECORDS])
def test_every_record_agrees_with_the_registry(record):
    if not IANA.at(record.port) and REGISTRY_FILE != REGISTRY:
        pytest.skip("port not in the fixture registry")
    assert record.status == IANA.status(record.port)
    listed = IANA.services(record.port)
    assert {s.name for s in record.services} == set(listed)
    for service in record.services:
        assert set(service.protocols) == listed[service.name]
    if record.port >= 49152:
        assert record.status == "unassigned" and not record.services
        assert all(not use.official for use in record.text.uses)


@pytest.mark.parametrize("record", RECORDS, ids=[str(r.port) for r in RECORDS])
def test_every_record_has_two_sources_one_primary_all_web(record):
    assert len(record.sources) >= 2
    assert any(s.primary for s in record.sources)
    assert all(s.url.startswith(("https://", "http://")) for s in record.sources)
    for source in record.sources:
        # An Internet-Draft is work in progress, not a standard: it may stay secondary.
        if any(host in source.url for host in PRIMARY_HOSTS) and "/draft-" not in source.url:
            assert source.primary, f"{source.key}: an RFC or IANA page is a primary source"


def test_no_two_records_share_a_title():
    titles = Counter(r.text.title.casefold() for r in RECORDS)
    assert [t for t, n in titles.items() if n > 1] == []


def test_the_model_pages_ports_tell_the_truth():
    by_port = {r.port: r for r in RECORDS}
    for port in (60767, 63146):
        record = by_port[port]
        assert record.status == "unassigned" and record.services == ()
        assert {"tcp"} <= set(record.protocols)
        assert any("Xsan" in use.name and not use.official for use in record.text.uses)
        prose = " ".join(s.body for s in record.text.sections)
        assert "officially registered" not in prose
    assert {r.key for r in by_port[60767].text.related} >= {"63146", "49152-65535"}
