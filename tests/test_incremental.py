"""After a small change, `portpages site` rebuilds only the pages that depend on it, and the
site it leaves equals a clean build of the same inputs."""

from __future__ import annotations

import re
import shutil

import pytest

from conftest import make_project


def _site(project, *args):
    run = project.run("site", *args)
    assert run.code == 0, run.err
    return run.lines[-1]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    project = make_project(tmp_path_factory.mktemp("incremental"))
    assert "full build: no earlier build to update" in _site(project)
    return project


def _clean_build(project, tmp_path):
    """The same inputs built from nothing, in another folder."""
    (tmp_path / "clean").mkdir()
    clean = make_project(tmp_path / "clean", ports=project.ports)
    _site(clean)
    return clean.snapshot("site")


def test_nothing_changed_means_nothing_rewritten(built):
    before = {p: p.stat().st_mtime_ns for p in (built.root / "site").rglob("*") if p.is_file()}
    assert re.fullmatch(r"site: site/ is up to date, \d+ s", _site(built))
    after = {p: p.stat().st_mtime_ns for p in (built.root / "site").rglob("*") if p.is_file()}
    assert after == before


def test_one_changed_record_rebuilds_its_pages_and_equals_a_clean_build(built, tmp_path):
    record = built.ports / "22.yaml"
    record.write_text(record.read_text("utf-8").replace("Fixture prose", "Edited prose"), "utf-8")
    untouched = built.root / "site" / "ports" / "63146" / "index.html"
    stamp = untouched.stat().st_mtime_ns
    line = _site(built)
    count = int(re.fullmatch(r"site: site/ updated: (\d+) pages rebuilt, \d+ s", line).group(1))
    # Port 22 in three languages and the navigation's pages, not the whole site.
    pages = sum(1 for _ in (built.root / "site").rglob("index.html"))
    assert 3 < count < pages, line
    assert untouched.stat().st_mtime_ns == stamp
    site = built.snapshot("site")
    assert "Edited prose" in site["ports/22/index.html"].decode()
    assert "edited" in site["search/en.js"].decode().split("[22,", 1)[1].split("]", 1)[0]  # its search words
    clean = _clean_build(built, tmp_path)
    assert sorted(site) == sorted(clean)
    assert [name for name in site if site[name] != clean[name]] == []


def test_an_added_record_means_a_full_build_and_says_why(built, tmp_path):
    shutil.copy(built.ports / "22.yaml", built.ports / "2222.yaml")
    text = (built.ports / "2222.yaml").read_text("utf-8")
    (built.ports / "2222.yaml").write_text(text.replace("port: 22\n", "port: 2222\n", 1), "utf-8")
    run = built.run("site")
    (built.ports / "2222.yaml").unlink()
    if run.code != 0:  # the copy may break a fixture rule; the point is what a valid change does
        pytest.skip(run.err)
    assert "(full build: pages were added or removed)" in run.lines[-1]


def test_a_hand_edited_site_is_rebuilt_in_full(built):
    _site(built)  # back to the records as they are
    page = built.root / "site" / "ports" / "63146" / "index.html"
    page.write_text("edited by hand", "utf-8")
    record = built.ports / "22.yaml"
    good = record.read_text("utf-8")
    record.write_text(good.replace("Fixture prose", "Fixture prose, edited", 1), "utf-8")  # a record change an update could take
    try:
        line = _site(built)
    finally:
        record.write_text(good, "utf-8")
    assert "(full build: site/ was changed since the last build)" in line
    assert page.read_text("utf-8") != "edited by hand"


def test_a_changed_navigation_title_means_a_full_build(built):
    from portpages import pipeline

    _site(built)
    index = built.root / "docs" / "ports" / "index.md"
    text = index.read_text("utf-8")
    index.write_text(re.sub(r"^title: .*$", 'title: "Every port, retitled"', text, count=1, flags=re.M), "utf-8")
    line = pipeline.build(built.root, built.root / "site")
    assert line.endswith("(full build: the navigation changed)"), line
    assert "Every port, retitled" in (built.root / "site" / "ports" / "63146" / "index.html").read_text("utf-8")


def _with_registry(tmp_path, name="project"):
    from conftest import FIXTURES

    (tmp_path / name).mkdir()
    project = make_project(tmp_path / name)
    (project.root / "scripts" / "iana").mkdir(parents=True)
    shutil.copy(FIXTURES / "registry" / "old.csv", project.root / "scripts" / "iana" / "service-names-port-numbers.csv")
    return project


def test_registry_pages_are_not_rendered_again_for_a_record_change(tmp_path):
    project = _with_registry(tmp_path)
    assert project.run("generate").code == 0
    registry_page = project.root / "docs" / "ports" / "7.fr.md"
    stamp = registry_page.stat().st_mtime_ns
    record = project.ports / "22.yaml"
    record.write_text(record.read_text("utf-8").replace("Fixture prose", "Edited prose"), "utf-8")
    run = project.run("generate")
    assert run.code == 0, run.err
    assert registry_page.stat().st_mtime_ns == stamp
    # What docs/ holds equals a generate from nothing.
    clean = _with_registry(tmp_path, "clean")
    shutil.rmtree(clean.ports)
    shutil.copytree(project.ports, clean.ports)
    assert clean.run("generate").code == 0
    assert project.snapshot("docs") == clean.snapshot("docs")


def test_a_registry_page_is_rendered_again_when_its_rows_change(tmp_path):
    project = _with_registry(tmp_path)
    assert project.run("generate").code == 0
    snapshot = project.root / "scripts" / "iana" / "service-names-port-numbers.csv"
    snapshot.write_text(snapshot.read_text("utf-8").replace("Echo,", "Echo Protocol,"), "utf-8")
    assert project.run("generate").code == 0
    assert "Echo Protocol" in (project.root / "docs" / "ports" / "7.md").read_text("utf-8")
    assert "Echo Protocol" in (project.root / "docs" / "ports" / "7.de.md").read_text("utf-8")


def test_a_registry_page_edited_by_hand_is_rendered_again(tmp_path):
    project = _with_registry(tmp_path)
    assert project.run("generate").code == 0
    page = project.root / "docs" / "ports" / "7.md"
    good = page.read_text("utf-8")
    page.write_text("edited by hand", "utf-8")
    record = project.ports / "22.yaml"
    record.write_text(record.read_text("utf-8").replace("Fixture prose", "Fixture prose, edited", 1), "utf-8")  # any input change: generate runs
    assert project.run("generate").code == 0
    assert page.read_text("utf-8") == good


def test_field_checks_remembered_between_runs_report_the_same_problems(tmp_path):
    project = make_project(tmp_path)
    record = project.ports / "22.yaml"
    good = record.read_text("utf-8")
    record.write_text(good.replace("Fixture prose", "Fixture <b>bold</b> prose", 1), "utf-8")
    first = project.run("generate")
    assert (project.root / ".cache" / "fields.json").is_file()
    second = project.run("generate")  # the field's check now comes from .cache/fields.json
    assert first.code == second.code == 1
    assert [line for line in first.lines if " E503 " in line] == [line for line in second.lines if " E503 " in line] != []
    record.write_text(good, "utf-8")
    assert project.run("generate").code == 0
