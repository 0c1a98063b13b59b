"""`portpages feedback serve` and `report`: the other end of the feedback widget.

The widget POSTs {"page", "lang", "value"} as JSON to FEEDBACK_URL. The receiver checks
every field, stores one row per vote in SQLite (page, language, rating, time) and answers
with CORS headers, `Origin: null` included: pages opened from a file share send that.
Anything else gets a 4xx and stores nothing. The report lists pages by unhelpful votes.
"""

from __future__ import annotations

import http.server
import json
import re
import sqlite3
import threading
import time
from collections import defaultdict, deque
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

MAX_BODY = 1024  # bytes; a vote is about 60
PAGE = re.compile(r"[a-z0-9][a-z0-9._/-]{0,199}")  # a site path such as ports/22/ or ports/22.html
LANG = re.compile(r"[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})?")
RATE = (30, 60.0)  # votes per address, per this many seconds
SCHEMA = """
CREATE TABLE IF NOT EXISTS votes (
  page TEXT NOT NULL,
  lang TEXT NOT NULL,
  rating INTEGER NOT NULL CHECK (rating IN (0, 1)),
  time TEXT NOT NULL
)
"""


class Invalid(ValueError):
    """A request this receiver refuses: its status and the reason, for the answer."""

    def __init__(self, status: int, reason: str):
        super().__init__(reason)
        self.status = status


@dataclass(frozen=True)
class Vote:
    page: str
    lang: str
    rating: int


def page_key(path: str, lang: str) -> str:
    """ports/22/, ports/22.html, fr/ports/22/index.html -> ports/22: one key however the
    site was read (hosted or from a file share) and whatever its language prefix."""
    key = re.sub(r"(?:^|/)index\.html$", "", path).removesuffix(".html").strip("/")
    return key.removeprefix(f"{lang}/") if key != lang else ""


def parse_vote(body: bytes, languages: frozenset[str] | None) -> Vote:
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise Invalid(400, "the body is not JSON") from None
    if not isinstance(data, dict) or set(data) != {"page", "lang", "value"}:
        raise Invalid(400, "a vote is an object with page, lang and value, nothing else")
    page, lang, value = data["page"], data["lang"], data["value"]
    if not isinstance(lang, str) or not LANG.fullmatch(lang) or (languages and lang not in languages):
        raise Invalid(400, "lang is not one of the site's languages")
    if not isinstance(page, str) or ".." in page or not (page == "" or PAGE.fullmatch(page)):
        raise Invalid(400, "page is not a path of the site")
    if type(value) is not int or value not in (0, 1):
        raise Invalid(400, "value is 1 (helpful) or 0 (not helpful)")
    return Vote(page_key(page, lang), lang, value)


class Store:
    def __init__(self, path: Path):
        self.path = path
        self.lock = threading.Lock()
        with self._connect() as db:
            db.execute(SCHEMA)

    @contextmanager
    def _connect(self):
        db = sqlite3.connect(self.path, timeout=10)
        try:
            with db:  # one transaction: committed, or rolled back on an error
                yield db
        finally:
            db.close()

    def add(self, vote: Vote, when: datetime | None = None) -> None:
        stamp = (when or datetime.now(timezone.utc)).strftime("%Y-%m-%dT%H:%M:%SZ")
        with self.lock, self._connect() as db:
            db.execute("INSERT INTO votes (page, lang, rating, time) VALUES (?, ?, ?, ?)",
                       (vote.page, vote.lang, vote.rating, stamp))

    def totals(self) -> list[tuple[str, str, int, int]]:
        """(page, lang, unhelpful, helpful), most unhelpful first."""
        with self._connect() as db:
            return db.execute(
                "SELECT page, lang, SUM(rating = 0), SUM(rating = 1) FROM votes GROUP BY page, lang "
                "ORDER BY SUM(rating = 0) DESC, SUM(rating = 1) ASC, page, lang").fetchall()


class _Limiter:
    def __init__(self, count: int, seconds: float):
        self.count, self.seconds = count, seconds
        self.seen: dict[str, deque] = defaultdict(deque)
        self.lock = threading.Lock()

    def allow(self, address: str) -> bool:
        now = time.monotonic()
        with self.lock:
            times = self.seen[address]
            while times and now - times[0] > self.seconds:
                times.popleft()
            if len(times) >= self.count:
                return False
            times.append(now)
            return True


def handler(store: Store, origins: frozenset[str] | None, languages: frozenset[str] | None, rate=RATE):
    limiter = _Limiter(*rate)

    class Votes(http.server.BaseHTTPRequestHandler):
        server_version = "portpages-feedback"
        sys_version = ""

        def log_message(self, format, *args):  # noqa: A002  one line per vote is noise
            pass

        def _allowed_origin(self) -> str | None:
            origin = self.headers.get("Origin")
            if origin is None:
                return None
            return origin if origins is None or origin in origins else None

        def _answer(self, status: int, reason: str = "") -> None:
            body = (json.dumps({"error": reason}) + "\n").encode() if reason else b""
            self.send_response(status)
            origin = self._allowed_origin()
            if origin is not None:
                self.send_header("Access-Control-Allow-Origin", origin)
                self.send_header("Vary", "Origin")
            if body:
                self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_OPTIONS(self):  # noqa: N802  the preflight a JSON POST from another origin sends
            if self.headers.get("Origin") is not None and self._allowed_origin() is None:
                return self._answer(403, "this origin may not send votes")
            self.send_response(204)
            origin = self._allowed_origin()
            if origin is not None:
                self.send_header("Access-Control-Allow-Origin", origin)
                self.send_header("Vary", "Origin")
            self.send_header("Access-Control-Allow-Methods", "POST")
            self.send_header("Access-Control-Allow-Headers", "Content-Type")
            self.send_header("Access-Control-Max-Age", "86400")
            self.send_header("Content-Length", "0")
            self.end_headers()

        def do_POST(self):  # noqa: N802
            try:
                self._post()
            except Invalid as refused:
                self._answer(refused.status, str(refused))

        def _post(self):
            if self.path.split("?")[0] not in ("/", "/votes"):
                raise Invalid(404, "votes go to / or /votes")
            if self.headers.get("Origin") is not None and self._allowed_origin() is None:
                raise Invalid(403, "this origin may not send votes")
            if (self.headers.get("Content-Type") or "").split(";")[0].strip().lower() != "application/json":
                raise Invalid(415, "send the vote as application/json")
            length = self.headers.get("Content-Length")
            if length is None or not length.isdigit():
                raise Invalid(411, "say the body's length (Content-Length)")
            if int(length) > MAX_BODY:
                raise Invalid(413, f"a vote is at most {MAX_BODY} bytes")
            if not limiter.allow(self.client_address[0]):
                raise Invalid(429, "too many votes from this address; wait a minute")
            vote = parse_vote(self.rfile.read(int(length)), languages)
            store.add(vote)
            self._answer(204)

        def do_GET(self):  # noqa: N802
            self._answer(405, "votes are POSTed; `portpages feedback report` reads them")

        do_PUT = do_DELETE = do_PATCH = do_GET

    return Votes


def serve(db: Path, host: str, port: int, origins: frozenset[str] | None, languages: frozenset[str] | None,
          ready=None) -> None:
    """Receive votes until interrupted. `ready(address)` is told where it listens."""
    store = Store(db)
    httpd = http.server.ThreadingHTTPServer((host, port), handler(store, origins, languages))
    if ready:
        ready(f"http://{httpd.server_address[0]}:{httpd.server_address[1]}/")
    try:
        httpd.serve_forever()
    finally:
        httpd.server_close()


def report(db: Path) -> list[str]:
    rows = Store(db).totals()
    lines = ["page | language | not helpful | helpful", "--- | --- | --- | ---"]
    lines += [f"{page or '(home)'} | {lang} | {bad} | {good}" for page, lang, bad, good in rows]
    return lines
