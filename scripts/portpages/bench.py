"""`make bench`: build sites of several sizes and print what they cost. Measures, never asserts.

Each size is the project's own records plus the registry's assigned ports up to that many
port numbers, built in a scratch copy of the project with the real command line.
"""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from portpages.registry import read_registry

COLUMNS = ("size", "ports", "html pages", "generate s", "mkdocs s", "s/page", "KB/page avg", "KB/page max",
           "search KB", "re-run s", "re-run wrote")  # search KB: every language's index, added up


def _project_copy(root: Path, dest: Path) -> None:
    for name in ("mkdocs.yml", "ports", "overrides", "docs"):
        src = root / name
        if src.is_dir():
            shutil.copytree(src, dest / name, ignore=shutil.ignore_patterns("ports", "ranges", "reference", "lookup", "api", "index*.md")
                            if name == "docs" else None)
        else:
            shutil.copy(src, dest / name)
    (dest / "scripts" / "portpages").mkdir(parents=True)
    shutil.copy(root / "scripts" / "portpages" / "mkdocs_hooks.py", dest / "scripts" / "portpages")


def _subset(registry_csv: Path, keep: set[int], dest: Path) -> None:
    """The registry's rows for the ports kept (plus its header), as IANA's CSV."""
    with registry_csv.open(newline="", encoding="utf-8") as src, dest.open("w", newline="", encoding="utf-8") as out:
        reader, writer = csv.reader(src), csv.writer(out)
        header = next(reader)
        writer.writerow(header)
        column = header.index("Port Number")
        for row in reader:
            low, _, high = row[column].partition("-")
            if low and any(p in keep for p in range(int(low), int(high or low) + 1)):
                writer.writerow(row)


def _timed(args: list[str], cwd: Path) -> tuple[float, str]:
    start = time.perf_counter()
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    result = subprocess.run(args, cwd=cwd, capture_output=True, text=True, env=env)
    took = time.perf_counter() - start
    if result.returncode != 0:
        sys.stderr.write(result.stdout + result.stderr)
        raise SystemExit(f"bench: {' '.join(args[:3])} failed in {cwd}")
    return took, result.stderr


def measure(root: Path, registry_csv: Path | None, size: int | None) -> dict:
    with tempfile.TemporaryDirectory(prefix="portpages-bench-") as scratch:
        work = Path(scratch)
        _project_copy(root, work)
        args = [sys.executable, "-m", "portpages", "generate"]
        label = "curated only"
        if registry_csv is not None:
            registry = read_registry(registry_csv)
            assigned = registry.assigned_ports()
            curated = {int(p.name.split(".")[0]) for p in (root / "ports").glob("*.yaml")}
            keep = set(assigned if size is None else assigned[:size]) | curated  # records are checked against it
            _subset(registry_csv, keep, work / "registry.csv")
            args += ["--registry", str(work / "registry.csv")]
            label = "full registry" if size is None else f"{size} registry"
        generate_s, _ = _timed(args, work)
        mkdocs_s, _ = _timed([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(work / "site")], work)
        rerun_s, rerun_out = _timed(args, work)
        pages = sorted((work / "site").glob("**/ports/*/index.html"))
        sizes = [p.stat().st_size for p in pages]
        html = list((work / "site").rglob("*.html"))
        ports = len({p.parent.name for p in pages})
        written = rerun_out.strip().splitlines()[-1].split(": ", 1)[-1].split(",")[0]
        return {
            "size": label, "ports": ports, "html pages": len(html),
            "generate s": f"{generate_s:.2f}", "mkdocs s": f"{mkdocs_s:.1f}",
            "s/page": f"{mkdocs_s / len(html):.4f}",
            "KB/page avg": f"{sum(sizes) / len(sizes) / 1024:.1f}", "KB/page max": f"{max(sizes) / 1024:.1f}",
            "search KB": f"{sum(p.stat().st_size for p in (work / 'site').glob('**/search/search_index.json')) / 1024:.0f}",
            "re-run s": f"{rerun_s:.2f}", "re-run wrote": written,
        }


def _hostile_record() -> str:
    """A record near the 64 KiB limit whose every body is the costliest text the checker
    lets through to Python-Markdown: as many unclosed '[' as allowed, then code spans."""
    import json

    from portpages.rules import MAX_BRACKETS

    body = json.dumps("[" * MAX_BRACKETS + "`a" * 1980)
    sections = "".join(f"  - id: s{i}\n    heading: Heading {i}\n    body: {body}\n" for i in range(15))
    return ("port: 22\nprotocols: [tcp]\ntitle: A costly record\nsummary: A summary long enough [^rfc].\n"
            f"sections:\n{sections}sources:\n  - key: rfc\n    title: RFC 4251\n"
            "    url: https://www.rfc-editor.org/rfc/rfc4251\n    publisher: IETF\n    primary: true\n")


def check_cost(root: Path) -> str:
    """Seconds `portpages check` takes, start-up included, over a hostile 64 KiB record."""
    with tempfile.TemporaryDirectory(prefix="portpages-bench-") as scratch:
        work = Path(scratch)
        _project_copy(root, work)
        record = _hostile_record()
        shutil.rmtree(work / "ports")  # that record alone: what one contributor's file costs
        (work / "ports").mkdir()
        (work / "ports" / "22.yaml").write_text(record, encoding="utf-8")
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "portpages", "check"], cwd=work, capture_output=True)
        return f"{len(record.encode()) // 1024} KiB hostile record: `portpages check` took {time.perf_counter() - start:.2f} s"


def main(root: Path, registry_csv: Path | None, sizes: list[int | None]) -> int:
    print(check_cost(root), end="\n\n", flush=True)
    print(" | ".join(COLUMNS))
    print(" | ".join("---" for _ in COLUMNS))
    runs = [(None, None)] + [(registry_csv, s) for s in sizes] if registry_csv else [(None, None)]
    for csv_path, size in runs:
        row = measure(root, csv_path, size)
        print(" | ".join(str(row[c]) for c in COLUMNS), flush=True)
    return 0
