"""The build, top to bottom: load, check, render, write, build.

Each step takes and returns plain values; none of them prints. The command line (cli.py)
picks the steps a command needs and prints what they return. A new stage (parallel
languages, incremental builds) goes here, between the two steps it sits between.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from portpages.processes import Watch
from portpages.problems import Failed, Problem
from portpages.project import Project, open_project
from portpages.records import Loaded, load_records
from portpages.registry import Registry, read_registry

if TYPE_CHECKING:
    from portpages.render import Rendered


@dataclass(frozen=True)
class Inputs:
    project: Project
    registry: Registry | None
    registry_path: Path | None


@dataclass(frozen=True)
class Generated:
    pages: int
    written: int
    removed: int
    warnings: tuple[Problem, ...] = field(default=())
    cached: bool = False  # nothing was read: the inputs are the last run's


def load(root: Path, registry_path: Path | None = None) -> Inputs:
    """mkdocs.yml's settings and the registry, if one is given."""
    project = open_project(root)
    return Inputs(project, read_registry(registry_path) if registry_path else None, registry_path)


def check(inputs: Inputs, checked: dict | None = None) -> Loaded:
    """Every record and translation, checked; Failed lists every error. `checked`: what
    earlier runs found in each Markdown field (cache.FieldChecks)."""
    return load_records(inputs.project, inputs.registry, checked)


def layout(loaded: Loaded) -> None:
    """E901 stops the build as it fails `make check`: one layout for every record, so that a
    review diff shows what changed and nothing else."""
    from portpages.fmt import relayout

    wrong = [problem for _, _, problem in relayout(loaded.documents)]
    if wrong:
        raise Failed(sorted([*wrong, *loaded.problems]))


def render(inputs: Inputs, loaded: Loaded, reuse=None) -> Rendered:
    """Every generated page, keyed by its path under docs/ (nothing is written). `reuse`
    (from the cache) names registry pages that docs/ already holds as they would be."""
    from portpages.cache import code_key
    from portpages.history import record_dates
    from portpages.render import render_site

    project = inputs.project
    code = code_key(project.root, f"{project.site_url}\0{project.repo_url}")
    return render_site(project, loaded.records, inputs.registry, record_dates(project.root), code,
                       reuse or (lambda path, key: False))


def write(inputs: Inputs, rendered: Rendered) -> tuple[int, int]:
    """Changed pages into docs/, gone ones removed: (written, removed)."""
    from portpages.write import write_generated

    return write_generated(inputs.project.docs_dir, rendered.files, rendered.kept)


def generate(root: Path, registry_path: Path | None = None) -> Generated:
    """Load, check, render and write, or nothing at all when no input changed since last time."""
    from portpages.cache import Cache, FieldChecks, inputs_key

    project = open_project(root)
    cache = Cache(project.root)
    key = inputs_key(project.root, registry_path, extra=project.site_url)
    last = cache.fresh(key)
    if last is not None:
        count = len(last["pages"])
        return Generated(count, 0, 0, tuple(Problem(*w) for w in last["warnings"]), cached=True)
    inputs = load(root, registry_path)
    fields = FieldChecks(project.root)
    try:
        loaded = check(inputs, fields.checked)
    finally:
        fields.save()
    layout(loaded)
    rendered = render(inputs, loaded, cache.reuse())
    written, removed = write(inputs, rendered)
    pages = [*rendered.files, *rendered.kept]
    cache.save(key, pages, list(loaded.problems), rendered.keys)
    return Generated(len(pages), written, removed, loaded.problems)


@dataclass(frozen=True)
class BuildOptions:
    sequential: bool = False  # every language in one MkDocs process, in turn (the i18n plugin's way)
    jobs: int | None = None  # MkDocs processes at once; None: one per language
    watch: Watch | None = None  # told each process's progress a few times a second
    full: bool = False  # never update the last build in place


def build(root: Path, output: Path, offline: bool = False, dist: Path | None = None,
          options: BuildOptions = BuildOptions()) -> str:
    """MkDocs over docs/ into fresh folders (one per language, side by side), merged and
    swapped in for `output` only when all went well; or, when only some pages changed since
    the last build, those pages rebuilt and put in place. Returns what was done, to tell the reader."""
    project = open_project(root)
    how = {"sequential": options.sequential, "jobs": options.jobs, "watch": options.watch}
    if offline:
        from portpages.offline import build_offline

        return build_offline(project.root, project.languages, output, dist or project.root / "dist", **how)
    from portpages import incremental
    from portpages.build import build_site
    from portpages.update import Outdated, update_site

    output = output if output.is_absolute() else project.root / output
    plan = incremental.plan(project.root, output, CONFIG, project.languages, project.nav)
    reason = plan.full or ("asked for" if options.full or options.sequential else None)
    if reason is None:
        if not plan.count:
            return f"{_shown(project.root, output)}/ is up to date"
        try:
            rebuilt = update_site(project.root, output, plan.pages, plan.copies, plan.sources, CONFIG, project.languages,
                                  options.watch)
            incremental.save(project.root, output, CONFIG, project.languages, plan.docs)
            return f"{_shown(project.root, output)}/ updated: {rebuilt} pages rebuilt"
        except Outdated as why:
            reason = str(why)
        except Failed as failed:
            if any(p.code == "E970" for p in failed.problems):
                raise  # the site folder cannot be written: a full build cannot either
            # MkDocs stopped on the few pages (a link to a page the update did not load, say):
            # the full build shows any real problem with every page in view.
            reason = "the update stopped"
    shown = build_site(project.root, output, languages=project.languages, site_url=project.site_url, **how)
    incremental.save(project.root, output, CONFIG, project.languages, plan.docs)
    return f"{shown}/ built (full build: {reason})"


CONFIG = "mkdocs.yml"


def _shown(root: Path, path: Path) -> str:
    return path.relative_to(root).as_posix() if path.is_relative_to(root) else path.as_posix()
