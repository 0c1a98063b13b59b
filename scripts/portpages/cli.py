"""Command line: every stage's problems end here, printed one per line; no tracebacks."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from portpages.problems import Failed, Problem
from portpages.project import VENDORED_REGISTRY, open_project


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):
        # A wrong command line is bad input like any other: one line, a code, a fix, exit 1.
        raise Failed([Problem("command line", 1, 1, "E900", f"{message}; run `portpages --help`")])


def _report(problems) -> None:
    for problem in problems:
        print(problem, file=sys.stderr)
    if os.environ.get("GITHUB_ACTIONS") == "true":
        for problem in problems:
            print(problem.github())


def _registry_path(args) -> Path | None:
    """--registry, else the project's vendored snapshot; none with --curated (quick previews)."""
    if getattr(args, "curated", False):
        return None
    if getattr(args, "registry", None):
        return Path(args.registry)
    vendored = Path(args.root).resolve() / VENDORED_REGISTRY
    return vendored if vendored.is_file() else None


def _scope(args) -> str:
    """What the pages were built from, for the summary line."""
    if _registry_path(args) is not None:
        return ""
    if getattr(args, "curated", False):
        return " (curated records only)"
    return f" (curated records only: no registry snapshot at {VENDORED_REGISTRY})"


def _inputs(args):
    from portpages import pipeline

    return pipeline.load(Path(args.root).resolve(), _registry_path(args))


def _checked(args):
    """The loaded and checked records, their warnings printed."""
    from portpages import pipeline

    inputs = _inputs(args)
    loaded = pipeline.check(inputs)
    _report(loaded.problems)
    return inputs, loaded


def cmd_check(args) -> int:
    from portpages import pipeline

    _, loaded = _checked(args)
    pipeline.layout(loaded)
    warnings = len(loaded.problems)
    print(f"{len(loaded.records)} records OK" + (f", {warnings} warning(s)" if warnings else "") + _scope(args), file=sys.stderr)
    return 0


def cmd_generate(args) -> int:
    from portpages import pipeline
    from portpages.progress import BuildProgress

    with BuildProgress().stage("checking the records and writing the pages into docs/"):
        done = pipeline.generate(Path(args.root).resolve(), _registry_path(args))
    _report(done.warnings)
    unchanged = done.pages - done.written
    print(f"{done.pages} pages: {done.written} written, {done.removed} removed, {unchanged} unchanged"
          + (" (inputs unchanged)" if done.cached else "") + _scope(args), file=sys.stderr)
    return 0


def _build(args, offline: bool) -> str:
    from portpages import pipeline
    from portpages.progress import BuildProgress

    cmd_generate(args)
    with BuildProgress() as progress:
        options = pipeline.BuildOptions(sequential=args.sequential, jobs=args.jobs, watch=progress,
                                         full=getattr(args, "full", False))
        done = pipeline.build(Path(args.root).resolve(), Path(args.output), offline=offline,
                              dist=Path(args.dist) if offline else None, options=options)
    return f"{done}, {progress.elapsed:.0f} s"


def cmd_site(args) -> int:
    print(f"site: {_build(args, offline=False)}", file=sys.stderr)
    return 0


def cmd_offline(args) -> int:
    print(_build(args, offline=True), file=sys.stderr)
    return 0


def cmd_fmt(args) -> int:
    from portpages.fmt import relayout
    from portpages.write import write_atomic

    inputs, loaded = _checked(args)
    project = inputs.project
    changes = relayout(loaded.documents)  # every file is checked before any is written
    if args.check and changes:
        raise Failed([problem for _, _, problem in changes])
    for doc, wanted, _ in changes:
        write_atomic(project.root / doc.path, wanted.encode("utf-8"))
    print(f"{len(changes)} file(s) reformatted, {len(loaded.documents) - len(changes)} already canonical", file=sys.stderr)
    return 0


def cmd_new(args) -> int:
    from portpages.scaffold import new_record
    from portpages.write import write_atomic

    inputs = _inputs(args)
    path = inputs.project.ports_dir / f"{args.port}.yaml"
    shown = f"ports/{args.port}.yaml"
    if path.exists():
        raise Failed([Problem(shown, 1, 1, "E910", f"port {args.port} already has a record; edit {shown} instead")])
    write_atomic(path, new_record(args.port, inputs.registry).encode("utf-8"))
    print(f"wrote {shown}: replace every TODO, then run `make check`", file=sys.stderr)
    return 0


def cmd_facts(args) -> int:
    from portpages.facts import review

    inputs, loaded = _checked(args)
    if inputs.registry is None:
        raise Failed([Problem("command line", 1, 1, "E900", "make facts compares the records with the registry; leave out --curated")])
    report = review([doc for doc, kind in loaded.documents if kind == "record"], inputs.registry)
    _report(report.problems)
    wrong = sum(p.is_error for p in report.problems)
    print(f"{report.records} records, {report.claims} cited claims: {report.secondary} rest on secondary sources only (W852); "
          + (f"{wrong} registry fact(s) in the prose disagree with the registry (E851)" if wrong
             else "every service the prose names agrees with the registry"), file=sys.stderr)
    return 1 if wrong else 0


def cmd_feedback(args) -> int:
    from portpages import feedback

    db = Path(args.db)
    if args.action == "report":
        if not db.is_file():
            raise Failed([Problem(args.db, 1, 1, "E905", "no votes database here; run `portpages feedback serve --db` first, or give the right --db")])
        print("\n".join(feedback.report(db)))
        return 0
    host, _, port = args.listen.rpartition(":")
    if not host or not port.isdigit() or int(port) > 65535:
        raise Failed([Problem("command line", 1, 1, "E900", f"--listen {args.listen!r} is not HOST:PORT, such as 127.0.0.1:8765")])
    try:
        languages = frozenset(open_project(Path(args.root).resolve()).languages)
    except Failed:
        languages = None  # run outside the project: any language code
    origins = frozenset(args.origin) if args.origin else None
    try:
        feedback.serve(db, host, int(port), origins, languages,
                       ready=lambda url: print(f"receiving votes on {url}, storing them in {db}; Ctrl-C stops", file=sys.stderr, flush=True))
    except OSError as exc:
        raise Failed([Problem("command line", 1, 1, "E905", f"cannot listen on {args.listen}: {exc.strerror}")]) from None
    except KeyboardInterrupt:
        print("stopped", file=sys.stderr)
    return 0


def cmd_bundle(args) -> int:
    from portpages.bundle import make_bundle

    archive, wheels = make_bundle(Path(args.root).resolve(), Path(args.dist))
    size = archive.stat().st_size / 1e6
    print(f"wrote {archive.as_posix()} ({size:.1f} MB): the project and {wheels} wheels for Python "
          f"{sys.version.split()[0]} on {sys.platform}; on the build host: tar xzf it, cd portpages-bundle, make offline",
          file=sys.stderr)
    return 0


def cmd_translations(args) -> int:
    from portpages.render import translation_status

    inputs, loaded = _checked(args)
    for row in translation_status(inputs.project, loaded.records):
        counts = ", ".join(f"{len(row[k])} {k}" for k in ("translated", "stale", "missing"))
        print(f"{row['lang']} ({row['name']}): {counts}")
        for key in ("stale", "missing"):
            for port in row[key]:
                print(f"  {key:8} ports/{port}.{row['lang']}.yaml")
    return 0


def cmd_translate(args) -> int:
    from portpages.records import load_record
    from portpages.scaffold import new_overlay
    from portpages.write import write_atomic

    inputs = _inputs(args)
    project = inputs.project
    if args.language not in project.languages[1:]:
        raise Failed([Problem("command line", 1, 1, "E900", f"language '{args.language}' is not built; choose from {', '.join(project.languages[1:])}")])
    record = load_record(project, args.port, inputs.registry)
    shown = f"ports/{args.port}.{args.language}.yaml"
    if (project.ports_dir / f"{args.port}.{args.language}.yaml").exists():
        raise Failed([Problem(shown, 1, 1, "E910", f"{shown} exists; edit it, and set translates: {record.text.fingerprint()} when it matches the English again")])
    write_atomic(project.ports_dir / f"{args.port}.{args.language}.yaml", new_overlay(record).encode("utf-8"))
    print(f"wrote {shown} with the English text: translate it, then run `make check`", file=sys.stderr)
    return 0


REGISTRY_URL = "https://www.iana.org/assignments/service-names-port-numbers/service-names-port-numbers.csv"


def cmd_registry(args) -> int:
    """Download IANA's CSV into a git-ignored cache (online machines only)."""
    import urllib.error
    import urllib.request

    from portpages.registry import read_registry
    from portpages.write import write_atomic

    target = Path(args.root).resolve() / ".cache" / "service-names-port-numbers.csv"
    try:
        with urllib.request.urlopen(REGISTRY_URL, timeout=60) as response:
            data = response.read()
    except (urllib.error.URLError, OSError) as exc:
        raise Failed([Problem(REGISTRY_URL, 1, 1, "E812", f"cannot download the registry ({getattr(exc, 'reason', exc)}); offline, pass a copy with REGISTRY=path")]) from None
    staging = target.with_name(".download.csv")
    write_atomic(staging, data)
    read_registry(staging)  # refuse to cache something that is not the registry
    staging.replace(target)
    print(f"registry saved to {target.relative_to(Path(args.root).resolve())}", file=sys.stderr)
    return 0


def cmd_registry_changes(args) -> int:
    """Markdown summary of what a registry refresh changes (the refresh pull request's body)."""
    from portpages.registrychanges import report

    sys.stdout.write(report(Path(args.root).resolve(), Path(args.old), Path(args.new)))
    return 0


def cmd_bench(args) -> int:
    from portpages.bench import main as bench

    sizes = [None if s == "full" else int(s) for s in args.sizes.split(",")]
    return bench(Path(args.root).resolve(), Path(args.registry).resolve() if args.registry else None, sizes)


def cmd_audit(args) -> int:
    from portpages.audit import main as audit

    root = Path(args.root).resolve()
    return audit(root, root / args.site, args.runs)


def cmd_rules(args) -> int:
    from portpages.rules import RULES

    for code in sorted(RULES):
        rule = RULES[code]
        print(f"{code} {rule.name}\n    {rule.means}\n    fix: {rule.fix}")
    return 0


def cmd_serve(args) -> int:
    """Live preview: the site built as `portpages site` builds it, rebuilt when a record changes."""
    from portpages.preview import serve

    root = Path(args.root).resolve()
    args.output, args.sequential, args.jobs, args.full = "site", False, None, False

    def rebuild() -> tuple[Problem, ...]:
        try:
            cmd_site(args)
            return ()
        except Failed as failed:  # the browser shows them too, until they are fixed
            _report(failed.problems)
            return tuple(p for p in failed.problems if p.is_error)

    print(f"serving site/ on http://{args.dev_addr}/ (Ctrl-C stops)", file=sys.stderr)
    serve(root / "site", args.dev_addr, rebuild, root / "ports")
    return 0


def cmd_fingerprint(args) -> int:
    from portpages.records import load_record

    # Only the hash on stdout: other files' warnings are `make check`'s to report.
    print(load_record(_inputs(args).project, args.port).text.fingerprint())
    return 0


def _port(text: str) -> int:
    if not text.isdigit() or int(text) > 65535:
        raise argparse.ArgumentTypeError(f"'{text}' is not a port number from 0 to 65535")
    return int(text)


def _jobs(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"'{text}' is not a number of processes (1 or more)")
    return int(text)


def _build_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--jobs", type=_jobs, help="MkDocs processes at once (default: one per language, all at once)")
    p.add_argument("--sequential", action="store_true", help="build every language in turn in one MkDocs process (slower; for comparison)")


def parser() -> argparse.ArgumentParser:
    top = _Parser(prog="portpages", description="Check port records and build the reference site.")
    top.add_argument("--root", default=".", help="project folder (holding mkdocs.yml and ports/)")
    sub = top.add_subparsers(dest="command", required=True, parser_class=_Parser)

    def command(name, func, help_text, registry=True):
        p = sub.add_parser(name, help=help_text, description=help_text)
        if registry:
            p.add_argument("--registry", metavar="CSV", help=f"IANA service-names-port-numbers.csv to cross-check against (default: {VENDORED_REGISTRY})")
            p.add_argument("--curated", action="store_true", help="leave the registry out: curated records only (quick previews)")
        else:
            p.set_defaults(curated=True)
        p.set_defaults(func=func, writes=name in WRITERS)
        return p

    command("check", cmd_check, "check every record; print each problem as file:line:col: CODE message")
    command("generate", cmd_generate, "check, then write the Markdown pages into docs/ (only changed files)")
    site = command("site", cmd_site, "check, generate, and build the site with mkdocs build --strict")
    site.add_argument("--output", default="site", help="site folder, replaced only when the build succeeds")
    site.add_argument("--full", action="store_true", help="build every page, even when the last build could be updated")
    _build_options(site)
    offline = command("offline", cmd_offline, "check, generate, and build the offline site (file://, no external requests) and its zip")
    offline.add_argument("--output", default="site-offline", help="offline site folder, replaced only when the build succeeds")
    offline.add_argument("--dist", default="dist", help="folder for portpages-offline.zip and its .sha256")
    _build_options(offline)
    fmt = command("fmt", cmd_fmt, "rewrite records in the canonical layout (data unchanged)", registry=False)
    fmt.add_argument("--check", action="store_true", help="only report files that are not canonical")
    new = command("new", cmd_new, "write ports/<port>.yaml from the template (prefilled from --registry)")
    new.add_argument("port", type=_port)
    command("registry", cmd_registry, "download IANA's registry CSV into .cache/ (needs the internet)", registry=False)
    changes = command("registry-changes", cmd_registry_changes,
                      "print as Markdown what changes from one registry CSV to another, and which records the new one contradicts",
                      registry=False)
    changes.add_argument("old", metavar="OLD_CSV", help="the copy in use (scripts/iana/service-names-port-numbers.csv)")
    changes.add_argument("new", metavar="NEW_CSV", help="the copy to compare (.cache/service-names-port-numbers.csv from make registry)")
    audit = command("audit", cmd_audit, "run Lighthouse on a sample of page types served from site/ and print the scores (make audit)", registry=False)
    audit.add_argument("--site", default="site", help="the built site to serve (default: site)")
    audit.add_argument("--runs", type=int, default=3, help="runs per page; the table shows the median (default: 3)")
    bench = command("bench", cmd_bench, "build the full site every way it is built, and smaller sites, and print their cost (make bench)")
    bench.add_argument("--sizes", default="500,2000", help="registry ports per smaller site, comma-separated; full = all")
    command("rules", cmd_rules, "list every rule code: what it means and how to fix it", registry=False)
    command("facts", cmd_facts, "re-check the prose against the registry and list the claims that cite only secondary sources (make facts)")
    bundle = command("bundle", cmd_bundle, "write dist/portpages-bundle.tar.gz: the project and wheels of every pinned requirement, for a host with no package index", registry=False)
    bundle.add_argument("--dist", default="dist", help="folder for the archive (default: dist)")
    fb = command("feedback", cmd_feedback, "receive the feedback widget's votes into SQLite (serve), or list pages by unhelpful votes (report)", registry=False)
    fb.add_argument("action", choices=("serve", "report"))
    fb.add_argument("--db", default="feedback.sqlite", help="the SQLite file of votes (default: feedback.sqlite)")
    fb.add_argument("--listen", default="127.0.0.1:8765", help="HOST:PORT to receive votes on (serve; default: 127.0.0.1:8765)")
    fb.add_argument("--origin", action="append", help="a site origin allowed to send votes, such as https://ports.intranet.example; "
                                                       "`null` for pages read from a file share (repeat; default: any)")
    command("translations", cmd_translations, "per language: translated, out-of-date and missing records")
    tr = command("translate", cmd_translate, "write ports/<port>.<language>.yaml to translate, with the English text and its fingerprint", registry=False)
    tr.add_argument("port", type=_port)
    tr.add_argument("language")
    serve = command("serve", cmd_serve, "live preview on http://127.0.0.1:8000/, regenerating when a record changes")
    serve.add_argument("--dev-addr", default="127.0.0.1:8000", help="address for the preview server")
    fp = command("fingerprint", cmd_fingerprint, "print the fingerprint of a record's English text (for translations)", registry=False)
    fp.add_argument("port", type=_port)
    return top


# The commands that write files: only their failures need saying that nothing was written.
WRITERS = frozenset({"generate", "site", "offline", "fmt", "new", "translate", "serve", "registry", "bench", "bundle"})


def _interrupted(signum, frame):
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    import signal

    # SIGTERM (a CI timeout, `kill`) unwinds like Ctrl-C: MkDocs is stopped, staging removed.
    signal.signal(signal.SIGTERM, _interrupted)
    args = None
    try:
        args = parser().parse_args(argv)
        return args.func(args)
    except Failed as failed:
        if failed.detail:
            sys.stderr.write(failed.detail)
        _report(failed.problems)
        errors = sum(p.is_error for p in failed.problems)
        print(f"{errors} error(s)" + ("; nothing was written" if getattr(args, "writes", False) else ""), file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted; the previous site was kept", file=sys.stderr)
        return 130
