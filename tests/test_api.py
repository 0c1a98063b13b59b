"""The static API in the built site: valid against its own schema, complete, with a feed."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import xml.etree.ElementTree as ET

import jsonschema
import pytest

from conftest import FIXTURES, make_project

REGISTRY = FIXTURES / "registry" / "current.csv"
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture(scope="module")
def api_site(tmp_path_factory):
    project = make_project(tmp_path_factory.mktemp("api-site"))
    env = {**os.environ, "GIT_COMMITTER_DATE": "2026-01-02T03:04:05+00:00"}
    git = lambda *a: subprocess.run(["git", *a], cwd=project.root, check=True, capture_output=True, env=env)  # noqa: E731
    git("init", "-q")
    git("-c", "user.name=t", "-c", "user.email=t@example.org", "add", "ports")
    git("-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-q", "-m", "records")
    run = project.run("site", "--registry", str(REGISTRY))
    assert run.code == 0, run.err
    return project.root / "site" / "api" / "v1"


def test_files_validate_against_the_published_schema(api_site):
    schema = json.loads((api_site / "schema.json").read_text())
    validator = jsonschema.Draft202012Validator(schema)
    listing = json.loads((api_site / "ports.json").read_text())
    validator.validate(listing)
    files = sorted((api_site / "ports").glob("*.json"))
    assert len(files) == len(listing["ports"])
    for path in files:
        validator.validate(json.loads(path.read_text()))


def test_listing_has_curated_and_registry_ports(api_site):
    ports = {p["port"]: p for p in json.loads((api_site / "ports.json").read_text())["ports"]}
    assert ports[60767] == {"port": 60767, "title": "Xsan filesystem access (fixture)", "protocols": ["tcp"],
                            "range": "dynamic", "status": "unassigned", "curated": True,
                            "languages": ["en", "fr"], "url": "ports/60767/"}
    assert ports[443]["curated"] is False and ports[443]["status"] == "assigned"
    assert 24 not in ports and 6031 in ports


def test_port_file_has_record_and_registry_facts(api_site):
    data = json.loads((api_site / "ports" / "22.json").read_text())
    assert data["record"]["text"]["title"] == "SSH (fixture)"
    assert data["registry"][0]["name"] == "ssh" and data["registry"][0]["references"] == ["RFC4251", "RFC9260"]


def test_csv_matches_the_listing(api_site):
    rows = list(csv.DictReader(io.StringIO((api_site / "ports.csv").read_text())))
    listing = json.loads((api_site / "ports.json").read_text())["ports"]
    assert [int(r["port"]) for r in rows] == [p["port"] for p in listing]
    assert rows[0]["protocols"] == "tcp udp sctp"


def test_feed_lists_records_with_their_commit_dates(api_site):
    feed = ET.parse(api_site / "feed.atom").getroot()
    entries = feed.findall(f"{ATOM}entry")
    assert {e.find(f"{ATOM}id").text for e in entries} == {
        f"https://portpages.example/ports/{p}/" for p in (22, 60767, 63146)}
    assert all(e.find(f"{ATOM}updated").text == "2026-01-02T03:04:05+00:00" for e in entries)
