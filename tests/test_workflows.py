"""The contributor-facing GitHub files are valid, and say what the project does."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import ROOT

GITHUB = ROOT / ".github"
CHECK = Path(sys.executable).with_name("check-jsonschema")


@pytest.mark.parametrize("schema, files", [
    ("vendor.github-workflows", sorted((GITHUB / "workflows").glob("*.yml"))),
    ("vendor.github-issue-forms", sorted(p for p in (GITHUB / "ISSUE_TEMPLATE").glob("*.yml") if p.name != "config.yml")),
])
def test_files_match_githubs_schemas(schema, files):
    assert files
    result = subprocess.run([str(CHECK), "--builtin-schema", schema, *map(str, files)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_pull_request_workflow_checks_formats_tests_builds_and_uploads_a_preview():
    flow = yaml.safe_load((GITHUB / "workflows" / "pull-request.yml").read_text())
    assert "pull_request" in flow[True]  # PyYAML reads the key `on` as true
    runs = " ".join(step.get("run", "") for job in flow["jobs"].values() for step in job["steps"])
    uses = [step.get("uses", "") for job in flow["jobs"].values() for step in job["steps"]]
    for command in ("make check", "fmt --check", "make test", "make site"):
        assert command in runs
    assert any(u.startswith("actions/upload-artifact") for u in uses)


def test_main_deploys_to_pages():
    flow = yaml.safe_load((GITHUB / "workflows" / "deploy.yml").read_text())
    assert flow[True]["push"]["branches"] == ["main"]
    uses = [step.get("uses", "") for job in flow["jobs"].values() for step in job["steps"]]
    assert any(u.startswith("actions/deploy-pages") for u in uses)


@pytest.mark.parametrize("workflow", ["deploy.yml", "pull-request.yml"])
def test_deploy_and_preview_build_the_full_site(workflow):
    # `make site` with no CURATED= and no REGISTRY=: the vendored registry, every language.
    flow = yaml.safe_load((GITHUB / "workflows" / workflow).read_text())
    runs = [step.get("run", "") for job in flow["jobs"].values() for step in job["steps"]]
    builds = [run for run in runs if "make site" in run]
    assert builds and not any("CURATED" in run or "REGISTRY" in run or "--curated" in run for run in builds)
    assert (ROOT / "scripts" / "iana" / "service-names-port-numbers.csv").is_file()
    makefile = (ROOT / "Makefile").read_text()
    assert "$(if $(CURATED),--curated)" in makefile


def test_feedback_issue_link_uses_an_existing_template_and_field():
    form = yaml.safe_load((GITHUB / "ISSUE_TEMPLATE" / "correction.yml").read_text())
    assert "page" in [item.get("id") for item in form["body"]]  # the widget prefills ?page=


def test_contributing_names_only_real_rule_codes_and_make_targets():
    import re

    from portpages.rules import RULES

    text = (ROOT / "CONTRIBUTING.md").read_text()
    codes = set(re.findall(r"\b[EW]\d{3}\b", text))
    assert codes and codes <= set(RULES)
    makefile = (ROOT / "Makefile").read_text()
    for target in set(re.findall(r"`make (\w+)", text)):
        assert re.search(rf"^{target}:", makefile, re.M), target
