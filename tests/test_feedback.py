"""`portpages feedback serve` receives the widget's votes into SQLite, with CORS for pages
read from a file share (Origin: null); every bad request gets a 4xx and stores nothing;
`portpages feedback report` lists pages by unhelpful votes."""

from __future__ import annotations

import http.server
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from contextlib import contextmanager

import pytest

from conftest import ROOT, make_project, needs_chromium
from portpages import feedback


def _rows(db) -> list[tuple]:
    with sqlite3.connect(db) as c:
        return c.execute("SELECT page, lang, rating FROM votes ORDER BY rowid").fetchall()


@contextmanager
def receiver(db, origins=None, rate=feedback.RATE):
    store = feedback.Store(db)
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), feedback.handler(store, origins, frozenset({"en", "fr"}), rate))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


def send(url, body: bytes | str, method="POST", headers=None) -> tuple[int, dict, bytes]:
    data = body.encode() if isinstance(body, str) else body
    request = urllib.request.Request(url, data=data if method == "POST" else None, method=method,
                                     headers={"Content-Type": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=5) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()


VOTE = json.dumps({"page": "fr/ports/22/", "lang": "fr", "value": 0})


def test_a_vote_is_stored_with_page_language_rating_and_time(tmp_path):
    db = tmp_path / "votes.sqlite"
    with receiver(db) as url:
        status, headers, _ = send(url + "/", VOTE, headers={"Origin": "null"})
    assert status == 204
    assert headers["Access-Control-Allow-Origin"] == "null"
    assert _rows(db) == [("ports/22", "fr", 0)]
    with sqlite3.connect(db) as c:
        (when,) = c.execute("SELECT time FROM votes").fetchone()
    assert len(when) == 20 and when.endswith("Z")  # 2026-12-02T03:04:05Z


def test_the_preflight_of_a_file_page_is_allowed(tmp_path):
    with receiver(tmp_path / "v.sqlite") as url:
        status, headers, _ = send(url + "/", "", method="OPTIONS",
                                  headers={"Origin": "null", "Access-Control-Request-Method": "POST",
                                           "Access-Control-Request-Headers": "content-type"})
    assert status == 204
    assert headers["Access-Control-Allow-Origin"] == "null"
    assert headers["Access-Control-Allow-Methods"] == "POST"
    assert headers["Access-Control-Allow-Headers"] == "Content-Type"


@pytest.mark.parametrize("body, headers, path, status", [
    ("{not json", {}, "/", 400),
    (json.dumps({"page": "ports/22/", "lang": "fr", "value": 0, "extra": 1}), {}, "/", 400),
    (json.dumps({"page": "ports/22/", "lang": "fr", "value": 2}), {}, "/", 400),
    (json.dumps({"page": "ports/22/", "lang": "fr", "value": True}), {}, "/", 400),
    (json.dumps({"page": "ports/22/", "lang": "xx", "value": 1}), {}, "/", 400),
    (json.dumps({"page": "../../etc/passwd", "lang": "fr", "value": 1}), {}, "/", 400),
    (json.dumps({"page": "<script>", "lang": "fr", "value": 1}), {}, "/", 400),
    (json.dumps({"page": "p" * 300, "lang": "fr", "value": 1}), {}, "/", 400),
    ('{"page": "' + "x" * 2000 + '"}', {}, "/", 413),
    (VOTE, {"Content-Type": "text/plain"}, "/", 415),
    (VOTE, {}, "/elsewhere", 404),
    (VOTE, {"Origin": "https://evil.example"}, "/", 403),
], ids=["not-json", "extra-field", "value-2", "value-true", "unknown-language", "path-escape", "markup-page",
        "page-too-long", "too-large", "wrong-type", "wrong-path", "origin-not-allowed"])
def test_a_bad_request_gets_a_4xx_and_stores_nothing(tmp_path, body, headers, path, status):
    db = tmp_path / "v.sqlite"
    with receiver(db, origins=frozenset({"null", "https://ports.intranet.example"})) as url:
        got, _, answer = send(url + path, body, headers=headers)
    assert got == status
    assert "error" in json.loads(answer)
    assert _rows(db) == []


def test_reading_votes_over_http_is_refused(tmp_path):
    with receiver(tmp_path / "v.sqlite") as url:
        assert send(url + "/", "", method="GET")[0] == 405


def test_too_many_votes_from_one_address_are_refused(tmp_path):
    db = tmp_path / "v.sqlite"
    with receiver(db, rate=(2, 60.0)) as url:
        assert [send(url + "/", VOTE)[0] for _ in range(3)] == [204, 204, 429]
    assert len(_rows(db)) == 2


def test_the_report_lists_pages_by_unhelpful_votes(project, tmp_path):
    db = tmp_path / "v.sqlite"
    store = feedback.Store(db)
    for page, lang, rating in [("ports/22/", "en", 0), ("ports/22/", "en", 0), ("ports/22.html", "en", 1),
                               ("fr/ports/80/index.html", "fr", 0), ("ports/443/", "en", 1), ("", "en", 0)]:
        store.add(feedback.Vote(feedback.page_key(page, lang), lang, rating))
    run = project.run("feedback", "report", "--db", str(db))
    assert run.code == 0, run.err
    assert run.out.splitlines() == [
        "page | language | not helpful | helpful",
        "--- | --- | --- | ---",
        "ports/22 | en | 2 | 1",
        "(home) | en | 1 | 0",
        "ports/80 | fr | 1 | 0",
        "ports/443 | en | 0 | 1",
    ]


@needs_chromium
def test_a_vote_from_the_offline_site_read_from_file_lands_in_sqlite(tmp_path, browser):
    db = tmp_path / "votes.sqlite"
    serve = subprocess.Popen([sys.executable, "-m", "portpages", "feedback", "serve", "--db", str(db),
                              "--listen", "127.0.0.1:0", "--origin", "null"],
                             cwd=ROOT, stderr=subprocess.PIPE, text=True)
    try:
        line = serve.stderr.readline()
        url = line.split("receiving votes on ", 1)[1].split(",", 1)[0]
        (tmp_path / "p").mkdir()
        project = make_project(tmp_path / "p")
        shutil.copy(ROOT / "mkdocs.offline.yml", project.root / "mkdocs.offline.yml")
        run = project.run("offline", env={**os.environ, "FEEDBACK_URL": url})
        assert run.code == 0, run.err
        page = browser.new_page()
        page.goto((project.root / "site-offline" / "fr" / "ports" / "60767.html").as_uri())
        with page.expect_response(lambda r: r.url.startswith(url)) as answer:
            page.locator("form[name=feedback] button[data-md-value='0']").click()
        assert answer.value.status == 204
        assert _rows(db) == [("ports/60767", "fr", 0)]
        page.close()
    finally:
        serve.terminate()
        serve.wait(timeout=10)
