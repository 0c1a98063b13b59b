"""`make bench`: build the site every way it is built and print what that costs. Measures,
never asserts.

First the full registry site: the sequential and the parallel build side by side in one
run (their ratio is the figure that matters on a noisy machine), the incremental update
after a one-record change, a no-change run, peak memory per process, and sizes. Then
smaller sites (the project's records plus the registry's first N assigned ports) to show
how the cost grows. Everything runs in scratch copies of the project with the real
command line.
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

COLUMNS = ("size", "ports", "html pages", "generate s", "build s", "s/page", "KB/page avg", "KB/page max",
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
        mkdocs_s, _ = _timed([*args[:3], "site", "--full", *args[4:]], work)  # generate is cached by then
        rerun_s, rerun_out = _timed(args, work)
        pages = sorted((work / "site").glob("**/ports/*/index.html"))
        sizes = [p.stat().st_size for p in pages]
        html = list((work / "site").rglob("*.html"))
        ports = len({p.parent.name for p in pages})
        written = rerun_out.strip().splitlines()[-1].split(": ", 1)[-1].split(",")[0]
        return {
            "size": label, "ports": ports, "html pages": len(html),
            "generate s": f"{generate_s:.2f}", "build s": f"{mkdocs_s:.1f}",
            "s/page": f"{mkdocs_s / len(html):.4f}",
            "KB/page avg": f"{sum(sizes) / len(sizes) / 1024:.1f}", "KB/page max": f"{max(sizes) / 1024:.1f}",
            "search KB": f"{sum(p.stat().st_size for p in (work / 'site').glob('search/*.js')) / 1024:.0f}",
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


def _peak(args: list[str], cwd: Path) -> tuple[float, int, str]:
    """Wall time, the largest resident set of any one process it ran (MB), and stderr."""
    probe = ("import resource, subprocess, sys; r = subprocess.run(sys.argv[1:]); "
             "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr); sys.exit(r.returncode)")
    took, err = _timed([sys.executable, "-c", probe, *args], cwd)
    *lines, peak = err.strip().splitlines()
    return took, int(peak) // 1024, "\n".join(lines)


def _files(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in site.rglob("*") if p.is_file()}


def _stamps(site: Path) -> dict[str, int]:
    return {p.relative_to(site).as_posix(): p.stat().st_mtime_ns for p in site.rglob("*") if p.is_file()}


PARTS = (("head", "head"), ("header (search, language)", "header"), ("navigation", "nav.md-nav--primary"),
         ("contents", "nav.md-nav--secondary"), ("feedback", "form.md-feedback"), ("footer", "footer"))


def where_it_goes(html: str) -> str:
    """A page's bytes by part: what every page pays for, and the article itself."""
    import gzip

    from selectolax.lexbor import LexborHTMLParser

    tree = LexborHTMLParser(html)
    sizes = {name: len(node.html.encode()) for name, selector in PARTS if (node := tree.css_first(selector))}
    article = tree.css_first("article")
    article_bytes = len(article.html.encode()) - sizes.get("feedback", 0) if article else 0
    total = len(html.encode())
    rest = total - article_bytes - sum(sizes.values())
    parts = ", ".join(f"{name} {size / 1024:.1f}" for name, size in [("article", article_bytes), *sizes.items(), ("rest", rest)])
    return f"{total / 1024:.1f} KB ({len(gzip.compress(html.encode(), 9)) / 1024:.1f} KB gzipped): {parts}"


def full_size(root: Path, registry_csv: Path) -> list[tuple[str, str]]:
    """The full site, built every way it is built, in one scratch copy: what README quotes."""
    pp = [sys.executable, "-m", "portpages"]
    rows: list[tuple[str, str]] = []
    with tempfile.TemporaryDirectory(prefix="portpages-bench-") as scratch:
        work = Path(scratch)
        _project_copy(root, work)
        registry = ["--registry", str(registry_csv)]
        generate_s, _ = _timed([*pp, "generate", *registry], work)
        # MkDocs as it comes: `mkdocs build`, the i18n plugin building the languages in turn.
        plain_s, plain_mb, _ = _peak([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(work / "plain")], work)
        shutil.rmtree(work / "plain")
        sequential_s, sequential_mb, _ = _peak([*pp, "site", "--sequential", "--output", "sequential", *registry], work)
        parallel_s, parallel_mb, _ = _peak([*pp, "site", "--full", *registry], work)
        same = _files(work / "sequential") == _files(work / "site")
        shutil.rmtree(work / "sequential")
        site = work / "site"
        pages = sorted(site.glob("**/ports/*/index.html"))
        sizes = [p.stat().st_size for p in pages]
        total = sum(p.stat().st_size for p in site.rglob("*") if p.is_file())
        largest = max(pages, key=lambda p: p.stat().st_size)

        curated = {int(p.name.split(".")[0]) for p in (work / "ports").glob("*.yaml")}
        registry_page = next(p for p in sorted(site.glob("ports/*/index.html")) if int(p.parent.name) not in curated)
        registry_cost = where_it_goes(registry_page.read_text("utf-8"))
        largest_cost = where_it_goes(largest.read_text("utf-8"))
        before = _stamps(site)
        nothing_s, _ = _timed([*pp, "site", *registry], work)
        rewritten = sum(1 for k, v in _stamps(site).items() if before.get(k) != v)

        record = work / "ports" / "22.yaml"
        record.write_text(record.read_text("utf-8").replace("summary: >-\n  ", "summary: >-\n  Edited for the bench. ", 1), "utf-8")
        one_s, one_mb, one_err = _peak([*pp, "site", *registry], work)
        _timed([*pp, "site", "--full", "--output", "clean", *registry], work)
        one_same = _files(site) == _files(work / "clean")

    rows += [
        ("registry pages generated (`portpages generate`)", f"{generate_s:.1f} s"),
        ("`mkdocs build` (the i18n plugin's sequential build)", f"{plain_s:.0f} s, peak {plain_mb} MB"),
        ("`portpages site --sequential` (same, with this project's per-page savings)", f"{sequential_s:.0f} s, peak {sequential_mb} MB"),
        ("`portpages site` (one MkDocs process per language, merged)", f"{parallel_s:.0f} s, peak {parallel_mb} MB a process"),
        ("parallel / `mkdocs build`", f"{parallel_s / plain_s:.2f}x"),
        ("parallel / sequential", f"{parallel_s / sequential_s:.2f}x, output {'identical' if same else 'DIFFERENT'}"),
        ("one record changed: `portpages site`", f"{one_s:.1f} s, peak {one_mb} MB, "
         f"{one_err.strip().splitlines()[-1].split(': ', 1)[-1]}; equal to a full build: {'yes' if one_same else 'NO'}"),
        ("nothing changed: `portpages site`", f"{nothing_s:.2f} s, {rewritten} files rewritten"),
        ("site size", f"{total / 2**20:.0f} MB, {len(pages)} port pages"),
        ("port page, average", f"{sum(sizes) / len(sizes) / 1024:.1f} KB"),
        ("port page, largest", f"{max(sizes) / 1024:.1f} KB ({largest.relative_to(site).parent.as_posix()}/)"),
        (f"where a registry page's bytes go ({registry_page.relative_to(site).parent.as_posix()}/)", registry_cost),
        ("where the largest page's bytes go", largest_cost),
    ]
    return rows


def main(root: Path, registry_csv: Path | None, sizes: list[int | None]) -> int:
    print(check_cost(root), end="\n\n", flush=True)
    if registry_csv is not None:
        print("measure | result")
        print("--- | ---")
        for name, value in full_size(root, registry_csv):
            print(f"{name} | {value}", flush=True)
        print()
    print(" | ".join(COLUMNS))
    print(" | ".join("---" for _ in COLUMNS))
    runs = [(None, None)] + [(registry_csv, s) for s in sizes] if registry_csv else [(None, None)]
    for csv_path, size in runs:
        row = measure(root, csv_path, size)
        print(" | ".join(str(row[c]) for c in COLUMNS), flush=True)
    return 0
