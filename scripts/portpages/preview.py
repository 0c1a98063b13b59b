"""`portpages serve`: the built site on a local address, rebuilt when a record changes.

It serves the same site/ that `portpages site` builds (MkDocs' own server would rebuild
all 19,000 pages on every change and serves one search index for every language), so an
edit costs an incremental update. While the records have errors, every page answers
with them, located, and the page comes back once they are fixed.
"""

from __future__ import annotations

import functools
import html
import http.server
import threading
from collections.abc import Callable
from pathlib import Path

from portpages.problems import Problem


class _State:
    problems: tuple[Problem, ...] = ()


def _handler(site: Path, state: _State):
    class Handler(http.server.SimpleHTTPRequestHandler):
        def do_GET(self):
            if state.problems:
                return self._send(500, _error_page(state.problems))
            return super().do_GET()

        def send_error(self, code, message=None, explain=None):
            page = site / "404.html"
            if code == 404 and page.is_file():
                return self._send(404, page.read_bytes())
            return super().send_error(code, message, explain)

        def _send(self, code: int, body: bytes):
            self.send_response(code)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass  # the terminal shows the build, not every request

    return functools.partial(Handler, directory=str(site))


def _error_page(problems: tuple[Problem, ...]) -> bytes:
    lines = "\n".join(f"<li><code>{html.escape(str(p))}</code></li>" for p in problems)
    return (f"<!doctype html><html lang=\"en\"><meta charset=\"utf-8\"><title>Records have errors</title>"
            f"<h1>The records have errors</h1><p>Fix them and this page comes back.</p><ul>{lines}</ul>").encode("utf-8")


def _records(ports: Path) -> list[tuple[str, int, int]]:
    found = []
    for path in ports.glob("*.yaml"):
        try:
            stat = path.stat()
        except OSError:  # removed while we looked
            continue
        found.append((path.name, stat.st_mtime_ns, stat.st_size))
    return sorted(found)


def serve(site: Path, address: str, rebuild: Callable[[], tuple[Problem, ...]], ports: Path,
          interval: float = 0.5) -> None:
    """Serve `site` on host:port until interrupted, calling rebuild() first and whenever a
    record in `ports` changes. rebuild() returns the errors of a failed build: every page
    shows them until a rebuild succeeds (the last good site stays behind them)."""
    host, _, port = address.rpartition(":")
    state = _State()
    seen = _records(ports)
    state.problems = rebuild()
    server = http.server.ThreadingHTTPServer((host or "127.0.0.1", int(port)), _handler(site, state))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        stop = threading.Event()
        while not stop.wait(interval):
            now = _records(ports)
            if now != seen:
                seen = now
                state.problems = rebuild()
    finally:
        server.shutdown()
        server.server_close()
