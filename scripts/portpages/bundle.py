"""`make bundle`: one archive with everything a build host without network needs.

portpages-bundle.tar.gz holds the project's tracked files (records, registry snapshot,
templates, Makefile) and, in its wheels/ folder, a wheel of every pinned requirement
(requirements.txt, requirements-build.txt) for this machine's Python and platform. The
wheels are packed from the virtual environment `make site` installed, so making the
bundle needs no network either. Unpacked, `make offline` installs from wheels/ only
(pip --no-index) and builds site-offline/.
"""

from __future__ import annotations

import base64
import csv
import gzip
import hashlib
import io
import re
import subprocess
import sys
import tarfile
import zipfile
from importlib import metadata
from pathlib import Path

from portpages.problems import Failed, Problem

NAME = "portpages-bundle"
REQUIREMENTS = ("requirements.txt", "requirements-build.txt")
ZIP_DATE = (1980, 1, 1, 0, 0, 0)
# What pip writes when it installs, not part of a wheel.
_INSTALL_ONLY = {"RECORD", "INSTALLER", "REQUESTED", "direct_url.json"}


def pins(root: Path) -> list[tuple[str, int, str, str]]:
    """(file, line, name, version) of every `name==version` line of the requirements files."""
    found = []
    for name in REQUIREMENTS:
        for number, line in enumerate((root / name).read_text("utf-8").splitlines(), 1):
            m = re.match(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;#]+)", line)
            if m:
                found.append((name, number, m.group(1), m.group(2)))
    return found


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "_", name).lower()


def wheel_of(dist: metadata.Distribution) -> tuple[str, bytes]:
    """An installed distribution packed back into the wheel it was installed from: its files
    (compiled code as built for this machine), its metadata, a fresh RECORD."""
    tags = [line.split(":", 1)[1].strip() for line in (dist.read_text("WHEEL") or "").splitlines() if line.startswith("Tag:")]
    if not tags:
        raise Failed([Problem(dist.metadata["Name"], 1, 1, "E906", "was not installed from a wheel; reinstall it with `make site`")])
    # The file name carries every tag, compressed as wheels write them (py2.py3-none-any).
    parts = [".".join(dict.fromkeys(tag.split("-")[i] for tag in tags)) for i in range(3)]
    name = f"{_normal(dist.metadata['Name'])}-{dist.version}-{'-'.join(parts)}.whl"
    buffer, record = io.BytesIO(), []
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        info_dir = None
        for file in sorted(dist.files or (), key=str):
            rel = file.as_posix()
            parts = rel.split("/")
            if rel.startswith("..") or "__pycache__" in parts:
                continue  # scripts pip writes into bin/ from entry points; bytecode
            if parts[0].endswith(".dist-info"):
                info_dir = parts[0]
                if parts[-1] in _INSTALL_ONLY:
                    continue
            data = Path(file.locate()).read_bytes()
            z.writestr(zipfile.ZipInfo(rel, ZIP_DATE), data)
            digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
            record.append((rel, f"sha256={digest}", str(len(data))))
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerows(record + [(f"{info_dir}/RECORD", "", "")])
        z.writestr(zipfile.ZipInfo(f"{info_dir}/RECORD", ZIP_DATE), out.getvalue())
    return name, buffer.getvalue()


def _project_files(root: Path) -> list[str]:
    try:
        out = subprocess.run(["git", "ls-files", "-z"], cwd=root, capture_output=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        raise Failed([Problem(".", 1, 1, "E906", "make bundle packs the committed project; run it in a git checkout")]) from None
    return sorted(f for f in out.decode("utf-8").split("\0") if f and (root / f).is_file())


def make_bundle(root: Path, dest: Path) -> tuple[Path, int]:
    """Write dest/portpages-bundle.tar.gz; (its path, the number of wheels)."""
    wheels = []
    for file, line, pin_name, version in pins(root):
        try:
            dist = metadata.distribution(pin_name)
        except metadata.PackageNotFoundError:
            raise Failed([Problem(file, line, 1, "E906", f"{pin_name} is not installed; run `make site` first, then `make bundle`")]) from None
        if dist.version != version:
            raise Failed([Problem(file, line, 1, "E906", f"{pin_name} {dist.version} is installed, the pin says {version}; "
                                                       "run `make clean site` to reinstall, then `make bundle`")])
        wheels.append(wheel_of(dist))
    dest.mkdir(parents=True, exist_ok=True)
    archive = dest / f"{NAME}.tar.gz"
    staged = archive.with_name(f".{archive.name}.tmp")
    try:
        # mtime=0 in the gzip header too: the same commit and wheels give the same bytes.
        with open(staged, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as gz, \
                tarfile.open(fileobj=gz, mode="w", format=tarfile.PAX_FORMAT) as tar:
            def add(name: str, data: bytes, mode: int = 0o644) -> None:
                info = tarfile.TarInfo(f"{NAME}/{name}")
                info.size, info.mode, info.mtime = len(data), mode, 0
                tar.addfile(info, io.BytesIO(data))

            for rel in _project_files(root):
                path = root / rel
                add(rel, path.read_bytes(), 0o755 if path.stat().st_mode & 0o111 else 0o644)
            for name, data in sorted(wheels):
                add(f"wheels/{name}", data)
            add("wheels/BUILT-FOR.txt", f"Python {sys.version.split()[0]} on {sys.platform}; "
                                        f"wheel tags as installed by make site\n".encode())
        staged.replace(archive)
    finally:
        staged.unlink(missing_ok=True)
    return archive, len(wheels)
