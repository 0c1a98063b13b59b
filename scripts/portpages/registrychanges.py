"""What a refresh of the vendored IANA registry changes, in words a reviewer can check.

The weekly refresh workflow opens a pull request that replaces a 1 MB CSV; its diff is
unreadable, so the pull request's body is this summary: which ports gained or lost service
names, which names and protocols changed, and which curated records the new copy contradicts.
"""

from __future__ import annotations

import dataclasses
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from portpages.model import PROTOCOLS
from portpages.problems import Failed, Problem, one_line
from portpages.project import Project, open_project
from portpages.records import load_records
from portpages.registry import Registry, read_registry
from portpages.rules import RULES

# A pull request body holds at most 65,536 characters, and create-pull-request cuts off the
# rest: the contradictions, which come last. So the lists shrink until the summary fits,
# leaving room for the cross-check's output that the workflow appends.
CAPS = (50, 20, 10, 5)  # bullets per list, tried in turn
BUDGET = 50_000  # characters
NO_PROTOCOL = ""  # a service name on a port with no transport protocol (e.g. active-net, 3322-3325)

Listing = tuple[tuple[str, tuple[str, ...]], ...]  # (service name, its protocols), by name


@dataclass(frozen=True, order=True)
class Port:
    """A port all of whose service names came (newly assigned) or went (de-assigned)."""

    port: int
    services: Listing
    now: str = ""  # de-assigned: what the new registry calls the port ("unassigned", "reserved")


@dataclass(frozen=True, order=True)
class Renamed:
    port: int
    old: str
    new: str
    protocols: tuple[str, ...]  # those on which the old name gave way to the new one


@dataclass(frozen=True, order=True)
class Protocols:
    """Protocols added to or removed from a service name that stays on its port."""

    port: int
    name: str
    changed: tuple[str, ...]
    now: tuple[str, ...]  # every protocol the new registry lists for the name


@dataclass(frozen=True, order=True)
class Named:
    """A service name added to, or removed from, a port that is assigned in both copies."""

    port: int
    name: str
    protocols: tuple[str, ...]


@dataclass(frozen=True, order=True)
class Field:
    """One fact of a service that the port page shows (assignee, references), before and after."""

    port: int
    name: str
    old: tuple[str, ...]
    new: tuple[str, ...]


@dataclass(frozen=True)
class Changes:
    assigned: tuple[Port, ...] = ()
    deassigned: tuple[Port, ...] = ()
    renamed: tuple[Renamed, ...] = ()
    protocols_added: tuple[Protocols, ...] = ()
    protocols_removed: tuple[Protocols, ...] = ()
    names_added: tuple[Named, ...] = ()
    names_removed: tuple[Named, ...] = ()
    assignees: tuple[Field, ...] = ()
    references: tuple[Field, ...] = ()
    ports_before: int = 0  # ports with at least one service name
    ports_after: int = 0

    @property
    def empty(self) -> bool:
        return not any(getattr(self, name) for name, _, _ in CATEGORIES)


def _order(protocols) -> tuple[str, ...]:
    rank = {p: i for i, p in enumerate(PROTOCOLS)}
    return tuple(sorted(set(protocols), key=lambda p: (rank.get(p, len(rank)), p)))


def _pairs(services: dict[str, set[str]]) -> set[tuple[str, str]]:
    return {(name, protocol) for name, protocols in services.items() for protocol in protocols or {NO_PROTOCOL}}


def _listing(services: dict[str, set[str]]) -> Listing:
    return tuple((name, _order(protocols or {NO_PROTOCOL})) for name, protocols in sorted(services.items()))


def _grouped(pairs: set[tuple[str, str]]) -> dict[str, tuple[str, ...]]:
    by_name: dict[str, set[str]] = defaultdict(set)
    for name, protocol in pairs:
        by_name[name].add(protocol)
    return {name: _order(protocols) for name, protocols in sorted(by_name.items())}


def _renames(gone: set[tuple[str, str]], came: set[tuple[str, str]]) -> dict[tuple[str, str], set[str]]:
    """(old, new) -> protocols: on a protocol where exactly one name went and one came, the
    registry renamed it; with more on either side, which became which is a guess, so none is made."""
    found: dict[tuple[str, str], set[str]] = defaultdict(set)
    for protocol in {p for _, p in gone} & {p for _, p in came}:
        went = [n for n, p in gone if p == protocol]
        arrived = [n for n, p in came if p == protocol]
        if len(went) == 1 and len(arrived) == 1:
            found[(went[0], arrived[0])].add(protocol)
    return found


def _names(before: dict[str, set[str]], after: dict[str, set[str]], port: int, found: dict[str, list]) -> None:
    gone, came = _pairs(before) - _pairs(after), _pairs(after) - _pairs(before)
    renames = _renames(gone, came)
    target = {}
    for (old, new), protocols in sorted(renames.items()):
        found["renamed"].append(Renamed(port, old, new, _order(protocols)))
        gone -= {(old, p) for p in protocols}
        came -= {(new, p) for p in protocols}
        target.setdefault(old, new)
    now = {name: _order(protocols or {NO_PROTOCOL}) for name, protocols in after.items()}
    for name, protocols in _grouped(gone).items():
        # A renamed service that also lost a protocol is reported under the name it has now.
        shown = name if name in after else target.get(name, name)
        if shown in after:
            found["protocols_removed"].append(Protocols(port, shown, protocols, now[shown]))
        else:
            found["names_removed"].append(Named(port, name, protocols))
    for name, protocols in _grouped(came).items():
        if name in before or name in target.values():
            found["protocols_added"].append(Protocols(port, name, protocols, now[name]))
        else:
            found["names_added"].append(Named(port, name, protocols))


def _facts(old: Registry, new: Registry, port: int, found: dict[str, list]) -> None:
    before = {f.name: f for f in old.facts(port)}
    for fact in new.facts(port):
        was = before.get(fact.name)
        if was is None:
            continue
        if was.assignee != fact.assignee:
            found["assignees"].append(Field(port, fact.name, (was.assignee,) if was.assignee else (), (fact.assignee,) if fact.assignee else ()))
        if was.references != fact.references:
            found["references"].append(Field(port, fact.name, was.references, fact.references))


def compare(old: Registry, new: Registry) -> Changes:
    """Every difference in the service names, protocols, assignees and references of ports
    0-49151 (RFC 6335 leaves 49152-65535 unassigned, whatever a row says)."""
    found: dict[str, list] = defaultdict(list)
    before_ports, after_ports = old.assigned_ports(), new.assigned_ports()
    for port in sorted(set(before_ports) | set(after_ports)):
        before, after = old.services(port), new.services(port)
        if not before:
            found["assigned"].append(Port(port, _listing(after)))
        elif not after:
            found["deassigned"].append(Port(port, _listing(before), new.status(port)))
        else:
            _names(before, after, port, found)
            _facts(old, new, port, found)
    lists = {name: tuple(sorted(found[name])) for name, _, _ in CATEGORIES}
    return Changes(**lists, ports_before=len(before_ports), ports_after=len(after_ports))


# Markdown. Everything the registry wrote goes in a code span: a service name or assignee
# with `*`, `[` or `@` must show as written, not format text, link or notify anyone.

def _code(text: str) -> str:
    text = one_line(text)
    fence = "`" * (max((len(run) for run in re.findall(r"`+", text)), default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def _protocols(protocols: tuple[str, ...]) -> str:
    return ", ".join(p or "no protocol" for p in protocols)


def _values(values: tuple[str, ...]) -> str:
    return ", ".join(map(_code, values)) or "none"


def _services(listing: Listing) -> str:
    return "; ".join(f"{_code(name)} ({_protocols(protocols)})" for name, protocols in listing)


def _assigned(item: Port) -> str:
    return _services(item.services)


def _deassigned(item: Port) -> str:
    return f"{_services(item.services)}; now {item.now}"


def _renamed(item: Renamed) -> str:
    return f"{_code(item.old)} → {_code(item.new)} ({_protocols(item.protocols)})"


def _protocol_change(verb: str):
    """How a service's added ("adds") or removed ("drops") protocols read."""
    def describe(item: Protocols) -> str:
        return f"{_code(item.name)} {verb} {_protocols(item.changed)}; now {_protocols(item.now)}"
    return describe


_added, _removed = _protocol_change("adds"), _protocol_change("drops")


def _named(item: Named) -> str:
    return f"{_code(item.name)} ({_protocols(item.protocols)})"


def _field(item: Field) -> str:
    return f"{_code(item.name)}: {_values(item.old)} → {_values(item.new)}"


# (Changes field, heading, how one item reads after its port), in the summary's order.
CATEGORIES = (
    ("assigned", "Newly assigned ports", _assigned),
    ("deassigned", "De-assigned ports", _deassigned),
    ("renamed", "Renamed services", _renamed),
    ("protocols_added", "Protocols added to a service", _added),
    ("protocols_removed", "Protocols removed from a service", _removed),
    ("names_added", "Service names added to an assigned port", _named),
    ("names_removed", "Service names removed from a port that stays assigned", _named),
    ("assignees", "Assignees changed", _field),
    ("references", "References changed", _field),
)


def _bullets(items, describe, cap: int) -> list[str]:
    """One bullet per item, consecutive ports with the same change as one range (x11 is on
    6000-6063: 64 identical items), at most cap bullets."""
    runs: list[tuple[int, int, str, int]] = []  # low, high, text, items
    for item in items:
        text = describe(item)
        if runs and runs[-1][2] == text and item.port == runs[-1][1] + 1:
            low, _, _, count = runs[-1]
            runs[-1] = (low, item.port, text, count + 1)
        else:
            runs.append((item.port, item.port, text, 1))
    lines = [f"- port {low}: {text}" if low == high else f"- ports {low}-{high}: {text}" for low, high, text, _ in runs[:cap]]
    rest = sum(count for *_, count in runs[cap:])
    if rest:
        lines.append(f"- … and {rest:,} more")
    return lines


def _problems(problems: list[Problem], cap: int) -> list[str]:
    lines = [f"- {_code(str(p))}" for p in problems[:cap]]
    if len(problems) > cap:
        lines.append(f"- … and {len(problems) - cap:,} more")
    return lines


def summary(changes: Changes, contradicted: list[Problem], old_label: str, new_label: str, unchecked: int = 0) -> str:
    """The pull request's body. The labels are Markdown (see label()); unchecked counts the
    records' other errors, which keep a record from the registry check."""
    for cap in CAPS:
        text = _summary(changes, contradicted, old_label, new_label, unchecked, cap)
        if len(text) <= BUDGET:
            break
    return text


def _summary(changes: Changes, contradicted: list[Problem], old_label: str, new_label: str, unchecked: int, cap: int) -> str:
    lines = ["## IANA registry changes", "", f"From {old_label} to {new_label}.", "",
             f"Ports with a service name: {changes.ports_before:,} → {changes.ports_after:,}.", ""]
    if changes.empty:
        lines += ["No changes: both copies list the same service names, protocols, assignees and references on every port.", ""]
    else:
        lines += [f"- {heading}: {len(getattr(changes, name)):,}" for name, heading, _ in CATEGORIES]
        lines.append(f"- Curated records the new registry contradicts: {len(contradicted):,}")
        lines.append("")
        for name, heading, describe in CATEGORIES:
            items = getattr(changes, name)
            if items:
                lines += [f"### {heading} ({len(items):,})", "", *_bullets(items, describe, cap), ""]
    lines += [f"### Curated records the new registry contradicts ({len(contradicted):,})", ""]
    lines += _problems(contradicted, cap) if contradicted else ["none"]
    if unchecked:
        lines += ["", f"{unchecked} other error(s) in the records kept some of them from this check; `make check` lists them."]
    return "\n".join(lines) + "\n"


def snapshot_date(registry: Registry) -> str:
    """The newest Registration or Modification Date: how IANA's copies are told apart."""
    dates = (d for e in registry.entries for d in (e.registered, e.modified) if re.fullmatch(r"\d{4}-\d{2}(-\d{2})?", d))
    return max(dates, default="unknown")


def label(path: Path, registry: Registry) -> str:
    return f"{_code(path.as_posix())} (newest date {snapshot_date(registry)})"


# The registry cross-check rules are the E8xx/W8xx codes with a check; E810-E812 are about
# the registry file and its download, not about a record.
REGISTRY_RULES = frozenset(code for code, rule in RULES.items() if code[1] == "8" and rule.check)


def _relative(problem: Problem, root: Path) -> Problem:
    """ports/22.yaml whatever the working folder: the PR's reader knows only the repository."""
    try:
        shown = Path(problem.path).resolve().relative_to(root).as_posix()
    except (ValueError, OSError):
        return problem
    return dataclasses.replace(problem, path=shown)


def _by_port(problem: Problem) -> tuple[int, Problem]:
    """ports/22.yaml before ports/110.yaml, as the summary's other lists go."""
    match = re.match(r"ports/(\d+)\.", problem.path)
    return (int(match.group(1)) if match else -1, problem)


def contradictions(project: Project, registry: Registry) -> tuple[list[Problem], int]:
    """The registry rules' problems with the records, and how many other errors there are.

    Another error (a typo in a record) must not hide what the registry changed, so the
    loader's Failed is read, not raised: the rules still ran on every record that loaded.
    Without a ports/ folder no record was read at all, and "none" would be a false answer."""
    try:
        problems = list(load_records(project, registry).problems)
    except Failed as failed:
        if any(RULES[p.code].kind == "command" for p in failed.problems if p.code in RULES):
            raise
        problems = failed.problems
    root = project.root.resolve()
    found = sorted((_relative(p, root) for p in problems if p.code in REGISTRY_RULES), key=_by_port)
    others = sum(1 for p in problems if p.is_error and p.code not in REGISTRY_RULES)
    return found, others


def _read(paths: list[Path]) -> list[Registry]:
    """Both copies, or every problem of both: a refresh should not fail twice to say so."""
    registries, problems = [], []
    for path in paths:
        try:
            registries.append(read_registry(path))
        except Failed as failed:
            problems.extend(failed.problems)
    if problems:
        raise Failed(problems)
    return registries


def report(root: Path, old_path: Path, new_path: Path) -> str:
    """The Markdown summary of what changes from old_path to new_path (CSV files)."""
    project = open_project(root)
    old, new = _read([old_path, new_path])
    contradicted, others = contradictions(project, new)
    return summary(compare(old, new), contradicted, label(old_path, old), label(new_path, new), others)
