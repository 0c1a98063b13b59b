"""`make bundle`: one archive from which a host with no package index installs everything
(pip --no-index) and builds the offline site."""

from __future__ import annotations

import os
import subprocess
import sys
import tarfile

from conftest import ROOT


def test_the_bundle_installs_and_builds_offline_without_any_index(tmp_path):
    run = subprocess.run([sys.executable, "-m", "portpages", "bundle", "--dist", str(tmp_path / "dist")],
                         cwd=ROOT, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    archive = tmp_path / "dist" / "portpages-bundle.tar.gz"
    assert run.stderr.startswith(f"wrote {archive.as_posix()} (")
    with tarfile.open(archive) as tar:
        names = tar.getnames()
        tar.extractall(tmp_path / "host", filter="data")
    host = tmp_path / "host" / "portpages-bundle"
    wheels = [n for n in names if n.endswith(".whl")]
    pinned = [line for name in ("requirements.txt", "requirements-build.txt")
              for line in (ROOT / name).read_text().splitlines() if "==" in line and not line.startswith("#")]
    assert len(wheels) == len(pinned)
    assert (host / "scripts/iana/service-names-port-numbers.csv").is_file() and (host / "ports/22.yaml").is_file()
    # No pip setting of this machine (its config files, PIP_FIND_LINKS, local wheel folders)
    # and every index a dead address: only the bundle's wheels/ can answer.
    dead = "http://127.0.0.1:9/simple"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PIP_") and k != "VIRTUAL_ENV"}
    env.update({"PIP_CONFIG_FILE": os.devnull, "PIP_INDEX_URL": dead, "PIP_NO_CACHE_DIR": "1",
                "http_proxy": "http://127.0.0.1:9", "https_proxy": "http://127.0.0.1:9"})
    build = subprocess.run(["make", "offline", "CURATED=1"], cwd=host, capture_output=True, text=True, env=env)
    assert build.returncode == 0, build.stdout + build.stderr
    assert "--no-index --find-links wheels" in build.stdout
    assert (host / "site-offline" / "index.html").is_file()
    assert (host / "dist" / "portpages-offline.zip").is_file()


def test_the_same_checkout_gives_the_same_bundle(tmp_path):
    for name in ("a", "b"):
        run = subprocess.run([sys.executable, "-m", "portpages", "bundle", "--dist", str(tmp_path / name)],
                             cwd=ROOT, capture_output=True, text=True)
        assert run.returncode == 0, run.stderr
    assert (tmp_path / "a/portpages-bundle.tar.gz").read_bytes() == (tmp_path / "b/portpages-bundle.tar.gz").read_bytes()
