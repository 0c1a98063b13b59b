"""`portpages audit` (`make audit`): Lighthouse on a sample of page types served from site/.

Lighthouse 12.2.3 (pinned in package-lock.json, installed by `make audit` with npm ci)
drives Debian's Chromium with its default mobile settings: a mid-range phone's screen and
CPU, and a slow 4G network simulated. Each page runs three times and the table shows the
median of each category, and what the first view transfers.

The site is served on loopback the way a static host serves it: gzip for text, and the
404 page for a missing address. Python's http.server sends everything uncompressed, which
no host does, and Lighthouse would then time a page that no reader gets.
"""

from __future__ import annotations

import functools
import gzip
import http.server
import io
import json
import os
import shutil
import statistics
import subprocess
import tempfile
import threading
from pathlib import Path

from portpages.problems import Failed, Problem

CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
RUNS = 3
COMPRESSED = {".html", ".css", ".js", ".json", ".svg", ".xml", ".txt"}


class StaticHost(http.server.SimpleHTTPRequestHandler):
    """A folder served as static hosts serve one: gzip when asked, 404.html when missing."""

    def log_message(self, *args):
        pass

    def send_head(self):
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            if not self.path.split("?")[0].endswith("/"):
                return super().send_head()  # the redirect to the folder's address
            path = path / "index.html"
        status = 200
        if not path.is_file():
            path, status = Path(self.directory) / "404.html", 404
            if not path.is_file():
                return super().send_head()
        body = path.read_bytes()
        gzipped = path.suffix in COMPRESSED and "gzip" in (self.headers.get("Accept-Encoding") or "")
        if gzipped:
            body = _gzip(str(path), path.stat().st_mtime_ns)
        self.send_response(status)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "max-age=600")
        if gzipped:
            self.send_header("Content-Encoding", "gzip")
        self.end_headers()
        return io.BytesIO(body)


@functools.lru_cache(maxsize=512)
def _gzip(path: str, stamp: int) -> bytes:
    return gzip.compress(Path(path).read_bytes(), compresslevel=6, mtime=0)


def samples(site: Path) -> list[tuple[str, str]]:
    """(page type, address) of each page type the site has; a registry-only port is the
    first port page without a record (its page offers to write one)."""
    chosen = [("home", "/"), ("curated port", "/ports/22/"), ("curated port (fr)", "/fr/ports/22/"),
              ("curated port (de)", "/de/ports/443/")]
    for page in sorted((site / "ports").glob("*/index.html"), key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0):
        if page.parent.name.isdigit() and "/new/main/ports?filename=" in page.read_text("utf-8"):
            chosen.append(("registry-only port", f"/ports/{page.parent.name}/"))
            break
    chosen += [("lookup", "/lookup/"), ("ports index", "/ports/"), ("range", "/ranges/user/"),
               ("record format", "/reference/record-format/"), ("translation status", "/fr/reference/translations/")]
    return [(kind, url) for kind, url in chosen if (site / url.strip("/") / "index.html").is_file() or url == "/"]


def lighthouse(root: Path) -> Path:
    tool = root / "node_modules" / ".bin" / "lighthouse"
    if not tool.is_file():
        raise Failed([Problem("package.json", 1, 1, "E952", "Lighthouse is not installed; run `make audit` (it runs npm ci)")])
    return tool


def chromium() -> str:
    found = os.environ.get("CHROME_PATH") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not found:
        raise Failed([Problem("site", 1, 1, "E952", "no Chromium found for Lighthouse; install Debian's chromium (apt-get install chromium)")])
    return found


def run_once(tool: Path, browser: str, url: str, out: Path) -> dict:
    result = subprocess.run(
        [str(tool), url, "--output=json", f"--output-path={out}", "--quiet",
         f"--only-categories={','.join(CATEGORIES)}",
         "--chrome-flags=--headless=new --no-sandbox --disable-gpu --disable-background-networking --no-first-run"],
        env={**os.environ, "CHROME_PATH": browser}, capture_output=True, text=True)
    if result.returncode != 0 or not out.is_file():
        raise Failed([Problem("site", 1, 1, "E952", f"Lighthouse failed on {url}: {(result.stderr or result.stdout).strip()[-300:]}")])
    report = json.loads(out.read_text("utf-8"))
    scores = {c: report["categories"][c]["score"] for c in CATEGORIES}
    resources = report["audits"].get("network-requests", {}).get("details", {}).get("items", [])
    scores["kb"] = sum(item.get("resourceSize", 0) for item in resources) / 1024
    scores["failed"] = sorted(k for k, a in report["audits"].items()
                              if a.get("score") is not None and a["score"] < 1 and a.get("scoreDisplayMode") == "binary")
    return scores


def main(root: Path, site: Path, runs: int = RUNS) -> int:
    if not (site / "index.html").is_file():
        raise Failed([Problem(site.name, 1, 1, "E952", f"no site to audit in {site.name}/; run `make site` first")])
    tool, browser = lighthouse(root), chromium()
    handler = functools.partial(StaticHost, directory=str(site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{httpd.server_address[1]}"
    rows = []
    try:
        with tempfile.TemporaryDirectory() as work:
            for kind, url in samples(site):
                results = [run_once(tool, browser, base + url, Path(work) / f"{len(rows)}-{i}.json") for i in range(runs)]
                row = {c: statistics.median(r[c] for r in results) for c in CATEGORIES}
                row["kb"] = statistics.median(r["kb"] for r in results)
                row["failed"] = sorted({a for r in results for a in r["failed"]})
                rows.append((kind, url, row))
                print(f"{kind}: {url} done", flush=True)
    finally:
        httpd.shutdown()
    print(f"\nLighthouse 12 (mobile), median of {runs} runs; KB: what the first view loads, before compression\n")
    print("page | address | performance | accessibility | best practices | SEO | KB")
    print("---|---|---|---|---|---|---")
    for kind, url, row in rows:
        print(f"{kind} | `{url}` | " + " | ".join(f"{row[c]:.2f}" for c in CATEGORIES) + f" | {row['kb']:.0f}")
    misses = [(kind, row["failed"]) for kind, _, row in rows if row["failed"]]
    for kind, failed in misses:
        print(f"{kind}: failed audits: {', '.join(failed)}")
    return 0
