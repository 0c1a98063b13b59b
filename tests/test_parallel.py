"""Languages built side by side, one MkDocs process each, give the site the i18n plugin
builds in one process: every file the same."""

from __future__ import annotations

import os
import pty
import re
import subprocess
import sys
from importlib.metadata import version

import markdown
import pytest

from conftest import ROOT, make_project
from portpages.mkdocs_run import I18N_VERSION, fast_highlight


@pytest.fixture(scope="module")
def both(tmp_path_factory):
    project = make_project(tmp_path_factory.mktemp("parallel"))
    parallel = project.run("site", "--output", "parallel")
    sequential = project.run("site", "--sequential", "--output", "sequential")
    one_at_a_time = project.run("site", "--jobs", "1", "--output", "one-at-a-time")
    for run in (parallel, sequential, one_at_a_time):
        assert run.code == 0, run.err
    return project, parallel


def test_parallel_and_sequential_builds_write_the_same_files(both):
    project, _ = both
    parallel, sequential = project.snapshot("parallel"), project.snapshot("sequential")
    assert sorted(parallel) == sorted(sequential)
    differ = [name for name in parallel if parallel[name] != sequential[name]]
    assert differ == []
    # The comparison covers every language's pages and search rows, not one language.
    assert {"index.html", "fr/index.html", "de/index.html", "search/fr.js", "sitemap.xml"} <= set(parallel)
    assert project.snapshot("one-at-a-time") == parallel  # --jobs 1: the same processes, in turn


def test_each_language_built_alone_keeps_its_paths_words_and_switcher(both):
    project, _ = both
    page = (project.root / "parallel" / "fr" / "ports" / "22" / "index.html").read_text("utf-8")
    assert '<html lang="fr"' in page
    assert "Voir ce qui utilise ce port" in page  # the French strings table, not English
    for lang, href in (("en", "../../../ports/22/"), ("de", "../../../de/ports/22/")):
        assert f'hreflang="{lang}"' in page
        assert f'href="{href}"' in page


def test_the_root_404_page_is_the_default_languages(both):
    project, _ = both
    page = (project.root / "parallel" / "404.html").read_text("utf-8")
    assert '<html lang="en"' in page
    assert not (project.root / "parallel" / "fr" / "404.html").exists()


def test_one_sitemap_lists_every_language_with_its_alternates_and_x_default(both):
    project, _ = both
    sitemap = (project.root / "parallel" / "sitemap.xml").read_text("utf-8")
    entry = re.search(r"<url><loc>https://portpages\.example/fr/ports/22/</loc>(.*?)</url>", sitemap, re.S)
    assert entry, sitemap[:500]
    links = re.findall(r'hreflang="([^"]+)" href="([^"]+)"', entry.group(1))
    assert links == [("en", "https://portpages.example/ports/22/"), ("fr", "https://portpages.example/fr/ports/22/"),
                     ("de", "https://portpages.example/de/ports/22/"), ("es", "https://portpages.example/es/ports/22/"),
                     ("x-default", "https://portpages.example/ports/22/")]
    pages = len(re.findall(r"<loc>https://portpages\.example/ports/", sitemap))
    assert pages == len(re.findall(r"<loc>https://portpages\.example/de/ports/", sitemap)) > 1



def test_a_log_gets_one_line_per_stage(both):
    _, parallel = both
    assert len(parallel.lines) == 2, parallel.err
    assert re.fullmatch(r"site: parallel/ built \(full build: no earlier build to update\), \d+ s", parallel.lines[1])


def test_a_terminal_shows_each_languages_progress(tmp_path):
    project = make_project(tmp_path)
    leader, follower = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "portpages", "site"], cwd=project.root,
                            stdin=follower, stdout=follower, stderr=follower, env={**os.environ, "COLUMNS": "100"})
    os.close(follower)
    shown = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        shown += chunk
    assert proc.wait() == 0, shown.decode(errors="replace")
    text = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", shown.decode(errors="replace"))
    assert "checking the records and writing the pages into docs/" in text
    for lang in ("en", "fr", "de"):
        assert re.search(rf"\b{lang}\b.*\d+/\d+ pages", text), text
    assert "site: site/ built" in text


def test_the_one_language_builds_rely_on_the_pinned_i18n_plugin():
    # mkdocs_run sets the plugin's internals; a different version must be read again first.
    assert version("mkdocs-static-i18n") == I18N_VERSION
    pins = (ROOT / "requirements.txt").read_text("utf-8")
    assert f"mkdocs-static-i18n=={I18N_VERSION}\n" in pins


def test_a_cached_highlighter_writes_the_same_html():
    text = "".join(f"```text\nss -ltnp 'sport = :{n}'\n```\n\n```\nplain {n} <b>\n```\n\n" for n in range(5))
    config = {"pymdownx.highlight": {}}

    def render():
        return markdown.markdown(text, extensions=["pymdownx.superfences", "pymdownx.highlight"], extension_configs=config)

    before = render()
    fast_highlight()
    assert render() == before
    assert before.count('class="highlight"') == 10
