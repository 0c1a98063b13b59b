"""`make serve`: a live preview that picks up a changed record without a restart."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode("utf-8")
    except urllib.error.HTTPError as exc:  # the error page while a record is broken
        return exc.read().decode("utf-8")
    except OSError:
        return None


def _wait_for(url: str, text: str, seconds: float) -> bool:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        page = _get(url)
        if page and text in page:
            return True
        time.sleep(0.5)
    return False


def test_preview_regenerates_when_a_record_changes(project):
    port = _free_port()
    server = subprocess.Popen([sys.executable, "-m", "portpages", "serve", "--dev-addr", f"127.0.0.1:{port}"],
                              cwd=project.root, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        url = f"http://127.0.0.1:{port}/ports/22/"
        assert _wait_for(url, "Fixture prose", 90), "the preview never served port 22"
        record = project.ports / "22.yaml"
        record.write_text(record.read_text().replace("Fixture prose", "Freshly edited prose"))
        assert _wait_for(url, "Freshly edited prose", 90), "the preview did not pick up the change"
    finally:
        server.terminate()
        server.wait(timeout=30)


def _status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code
    except OSError:
        return 0


def test_preview_shows_a_broken_records_errors_then_the_page_again(project):
    port = _free_port()
    server = subprocess.Popen([sys.executable, "-m", "portpages", "serve", "--dev-addr", f"127.0.0.1:{port}"],
                              cwd=project.root, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        url = f"http://127.0.0.1:{port}/ports/22/"
        assert _wait_for(url, "Fixture prose", 90), "the preview never served port 22"
        assert _status(f"http://127.0.0.1:{port}/ports/12346/") == 404
        record = project.ports / "22.yaml"
        good = record.read_text()
        record.write_text(good.replace("port: 22\n", "port: twenty-two\n"))
        assert _wait_for(url, "ports/22.yaml:", 60), "the preview did not show the record's error"
        page = _get(url)
        assert "E2" in page or "E1" in page, page  # a rule code, located, on the page
        record.write_text(good.replace("Fixture prose", "Mended prose"))
        assert _wait_for(url, "Mended prose", 60), "the preview did not come back once the record was fixed"
    finally:
        server.terminate()
        server.wait(timeout=30)

