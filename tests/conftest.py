"""Shared test helpers: a throwaway copy of the project with fixture records."""

from __future__ import annotations

import functools
import http.server
import shutil
import subprocess
import sys
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
REGISTRY = ROOT.parent / "shared" / "data" / "iana" / "service-names-port-numbers.csv"


@dataclass
class Run:
    code: int
    out: str
    err: str

    @property
    def lines(self) -> list[str]:
        return self.err.splitlines()


@dataclass
class Project:
    root: Path

    @property
    def ports(self) -> Path:
        return self.root / "ports"

    def write(self, name: str, text: str) -> Path:
        path = self.ports / name
        path.write_text(text, encoding="utf-8")
        return path

    def run(self, *args: str, env: dict | None = None) -> Run:
        """Run the real command line, as a contributor would, in the project folder."""
        result = subprocess.run(
            [sys.executable, "-m", "portpages", *args],
            cwd=self.root, capture_output=True, text=True, env=env,
        )
        return Run(result.returncode, result.stdout, result.stderr)

    def snapshot(self, folder: str) -> dict[str, bytes]:
        base = self.root / folder
        if not base.exists():
            return {}
        return {p.relative_to(base).as_posix(): p.read_bytes() for p in sorted(base.rglob("*")) if p.is_file()}


def make_project(dest: Path, ports: Path | None = FIXTURES / "ports") -> Project:
    """The project's site configuration with the given records (fixtures by default)."""
    for name in ("mkdocs.yml", "mkdocs.offline.yml"):
        shutil.copy(ROOT / name, dest / name)
    shutil.copytree(ROOT / "overrides", dest / "overrides")
    shutil.copytree(ROOT / "docs", dest / "docs", ignore=shutil.ignore_patterns("ports", "ranges", "reference", "index*.md"))
    (dest / "scripts" / "portpages").mkdir(parents=True)
    shutil.copy(ROOT / "scripts" / "portpages" / "mkdocs_hooks.py", dest / "scripts" / "portpages")
    if ports is not None:
        shutil.copytree(ports, dest / "ports")
    else:
        (dest / "ports").mkdir()
    return Project(dest)


@pytest.fixture
def project(tmp_path) -> Project:
    return make_project(tmp_path)


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> Project:
    """The fixture records built once with the real `mkdocs build --strict`."""
    proj = make_project(tmp_path_factory.mktemp("site"))
    run = proj.run("site")
    assert run.code == 0, run.err
    return proj


@pytest.fixture(scope="session")
def registry_site(tmp_path_factory) -> Project:
    """The fixture records with the fixture registry (registry-only pages, reserved and
    unassigned numbers), built once for every test that only reads the site."""
    proj = make_project(tmp_path_factory.mktemp("registry-site"))
    run = proj.run("site", "--registry", str(FIXTURES / "registry" / "current.csv"))
    assert run.code == 0, run.err
    return proj


def chromium_path() -> str | None:
    for candidate in ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome", shutil.which("chromium") or ""):
        if candidate and Path(candidate).exists():
            return candidate
    return None


CHROMIUM = chromium_path()
needs_chromium = pytest.mark.skipif(CHROMIUM is None, reason="SKIPPED BROWSER TESTS: no Chromium found (apt-get install chromium)")
# No background traffic: this machine's network is closed, and Chromium's own calls home
# would show up as failed requests.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]


@contextmanager
def serving(folder: Path):
    """A web server for a built site on a free loopback port; yields its base URL."""
    handler = functools.partial(QuietHandler, directory=str(folder))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep test output to what failed
        pass

    def send_error(self, code, message=None, explain=None):
        """A missing address gets the site's 404.html, with status 404, as static hosts do."""
        page = Path(self.directory) / "404.html"
        if code != 404 or not page.is_file():
            return super().send_error(code, message, explain)
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


@pytest.fixture(scope="session")
def browser():
    if CHROMIUM is None:
        pytest.skip("SKIPPED BROWSER TESTS: no Chromium found (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()



def search(page, query: str) -> list[str]:
    """Type a query into the header's search as a reader does; the results' addresses, in order."""
    box = page.locator(".md-search__input")
    box.click()
    box.fill(query)
    page.locator(".md-search-result__item > a").first.wait_for(state="attached", timeout=10_000)
    return page.eval_on_selector_all(".md-search-result__item > a", "links => links.map(a => a.href)")
