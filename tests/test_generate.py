"""Generation: what the Markdown pages say, and that rewriting is deterministic and incremental."""

from __future__ import annotations

import re


def _page(project, rel):
    return (project.root / "docs" / rel).read_text(encoding="utf-8")


def test_second_run_rewrites_nothing_and_files_are_identical(project):
    first = project.run("generate")
    assert first.code == 0, first.err
    before = project.snapshot("docs")
    mtimes = {p: p.stat().st_mtime_ns for p in (project.root / "docs").rglob("*.md")}
    second = project.run("generate")
    assert second.code == 0
    assert " 0 written, 0 removed" in second.err
    assert project.snapshot("docs") == before
    assert {p: p.stat().st_mtime_ns for p in (project.root / "docs").rglob("*.md")} == mtimes


def test_two_fresh_projects_generate_byte_identical_files(tmp_path):
    from conftest import make_project

    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    a, b = make_project(tmp_path / "a"), make_project(tmp_path / "b")
    assert a.run("generate").code == 0 and b.run("generate").code == 0
    assert a.snapshot("docs") == b.snapshot("docs")


def test_changed_record_rewrites_only_its_pages_and_deleted_record_loses_its_pages(project):
    project.run("generate")
    path = project.ports / "22.yaml"
    path.write_text(path.read_text().replace("Fixture prose", "Changed fixture prose"))
    run = project.run("generate")
    # 22 in four languages, its API file and each language's search words; nothing else
    # holds that sentence.
    assert " 9 written, 0 removed" in run.err, run.err
    path.unlink()
    run = project.run("generate")
    assert " 5 removed" in run.err
    assert not (project.root / "docs/ports/22.md").exists()
    assert not (project.root / "docs/ports/22.fr.md").exists()


def test_footnotes_are_numbered_in_order_of_first_citation(built_site):
    page = (built_site.root / "site/ports/60767/index.html").read_text()
    # The summary cites apple first, so apple is 1 and rfc6335 2 everywhere on the page.
    refs = re.findall(r'<a class="footnote-ref" href="#fn:([a-z0-9-]+)">(\d+)</a>', page)
    assert refs[0] == ("apple", "1") and ("rfc6335", "2") in refs
    assert {number for key, number in refs if key == "apple"} == {"1"}
    notes = re.findall(r'<li id="fn:([a-z0-9-]+)">\s*<p><a href="[^"]+">([^<]+)</a>', page)
    assert notes[:2] == [("apple", "TCP and UDP ports used by Apple software products"), ("rfc6335", notes[1][1])]


def test_commands_follow_the_record_protocols(project):
    project.run("generate")
    tcp_only = _page(project, "ports/60767.md")
    assert "sudo ss -ltnp 'sport = :60767'" in tcp_only
    assert "ss -lunp" not in tcp_only and "Get-NetUDPEndpoint" not in tcp_only
    three = _page(project, "ports/22.md")
    for command in ("sudo ss -lunp 'sport = :22'", "sudo ss -lSnp 'sport = :22'", "Get-NetUDPEndpoint -LocalPort 22",
                    "sudo firewall-cmd --permanent --add-port=22/sctp", "sudo nmap -sY -p 22 HOST"):
        assert command in three, command


def test_translation_states_show_the_right_notice(project):
    project.run("generate")
    translated = _page(project, "ports/60767.fr.md")
    assert "# Port 60767\u00a0: Accès au système de fichiers Xsan \\(fixture\\)" in translated
    assert "!!! info" not in translated and "!!! warning" not in translated
    untranslated = _page(project, "ports/22.fr.md")
    assert "!!! info" in untranslated
    assert "Fixture prose" in untranslated  # English prose shown
    english = project.ports / "60767.yaml"
    english.write_text(english.read_text().replace("Fixture text", "Changed fixture text"))
    run = project.run("generate")
    assert "W703" in run.err
    assert "!!! warning" in _page(project, "ports/60767.fr.md")


def test_related_ports_link_to_pages_with_their_titles(project):
    project.run("generate")
    page = _page(project, "ports/60767.fr.md")
    # The note is not translated: shown in English, marked as English.
    assert '- [Port 63146\u00a0: Second fixture port](63146.md) — <span lang="en">the other fixture port</span>' in page
    assert "(../ranges/dynamic.md) — <span lang=\"en\">the whole Dynamic range</span>" in page


def test_untranslated_use_names_and_publishers_are_marked_english(project):
    project.run("generate")
    page = _page(project, "ports/60767.fr.md")
    assert '- **<span lang="en">Xsan</span>**' in page
    assert '. <span lang="en">Apple</span>.' in page
    overlay = project.ports / "60767.fr.yaml"
    overlay.write_text(overlay.read_text() + "use_names:\n  Xsan: Xsan chez Apple\npublishers:\n  Apple: Société Apple\n")
    assert project.run("generate").code == 0
    page = _page(project, "ports/60767.fr.md")
    assert "- **Xsan chez Apple**" in page
    assert "). Société Apple." in page


def test_pages_for_every_language_and_range(project):
    project.run("generate")
    docs = project.root / "docs"
    for lang in ("", ".fr", ".de"):
        for rel in (f"index{lang}.md", f"ports/index{lang}.md", f"ranges/system{lang}.md", f"ranges/user{lang}.md",
                    f"ranges/dynamic{lang}.md", f"reference/record-format{lang}.md", f"ports/22{lang}.md"):
            assert (docs / rel).is_file(), rel
    assert "[60767](../ports/60767.md)" in _page(project, "ranges/dynamic.md")
    assert "60767" not in _page(project, "ranges/system.md")


def test_record_format_page_is_generated_from_the_schema(project):
    import json

    from conftest import ROOT

    project.run("generate")
    page = _page(project, "reference/record-format.md")
    schema = json.loads((ROOT / "scripts/portpages/schema/record.schema.json").read_text())
    for name, prop in schema["properties"].items():
        assert f"| `{name}` |" in page
        assert " ".join(prop["description"].split())[:40] in page
    assert "| `E503` html |" in page


def test_unchanged_inputs_skip_the_work_and_a_hand_edited_page_is_restored(project):
    assert project.run("generate").code == 0
    second = project.run("generate")
    assert "(inputs unchanged)" in second.err
    page = project.root / "docs/ports/22.md"
    original = page.read_bytes()
    page.write_text("edited by hand\n")
    third = project.run("generate")
    assert "(inputs unchanged)" not in third.err and " 1 written, 0 removed" in third.err
    assert page.read_bytes() == original
    record = project.ports / "63146.yaml"
    record.write_text(record.read_text().replace("Nothing real", "Still nothing real"))
    assert "(inputs unchanged)" not in project.run("generate").err
