"""``validate`` warns when the status repository is, or may be, public and holds internal content."""

from __future__ import annotations

import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from statusgen.author.scaffold import init_repository
from statusgen.cli import cli
from statusgen.load import load_repository
from statusgen.load.visibility import internal_content, remote_hosts

NOW = datetime(2026, 11, 23, 18, 0, tzinfo=UTC)


def _repository(tmp_path: Path, remote: str | None) -> Path:
    root = tmp_path / "status"
    init_repository(root, NOW)
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    if remote is not None:
        subprocess.run(["git", "-C", str(root), "remote", "add", "origin", remote], check=True)
    return root


def _validate(root: Path, visibility: str | None = None) -> str:
    env = {"STATUSGEN_REPOSITORY_VISIBILITY": visibility} if visibility else {}
    result = CliRunner().invoke(
        cli, ["validate", "--root", str(root), "--now", "2026-11-23 18:00 UTC"], env=env
    )
    assert result.exit_code == 0, result.output
    return result.output


@pytest.mark.parametrize(
    ("url", "host"),
    [
        ("git@github.com:acme/status.git", "github.com"),
        ("https://gitlab.com/acme/status.git", "gitlab.com"),
        ("ssh://git@bitbucket.org/acme/status", "bitbucket.org"),
        ("https://token@GitHub.com/acme/status", "github.com"),
        ("https://git.acme.example/status.git", "git.acme.example"),
    ],
)
def test_remote_hosts_are_read_from_every_url_form(tmp_path: Path, url: str, host: str) -> None:
    assert remote_hosts(_repository(tmp_path, url)) == [("origin", host)]


def test_a_remote_on_a_public_host_with_internal_content_is_a_warning(tmp_path: Path) -> None:
    root = _repository(tmp_path, "git@github.com:acme/status.git")
    assert internal_content(load_repository(root)) == [
        "the private audience 'internal'",
        "1 [internal] update",
    ]
    output = _validate(root)
    assert (
        "site-config:1:1: warning: the git remote 'origin' is on github.com, where repositories can be "
        "public, and the files hold the private audience 'internal', 1 [internal] update; "
        "statusgen cannot see whether the repository is private"
    ) in output
    assert "ok: 3 components, 2 audiences, 1 incident (1 warning)" in output


def test_what_github_says_decides(tmp_path: Path) -> None:
    root = _repository(tmp_path, "git@github.com:acme/status.git")
    assert "warning" not in _validate(root, "private")
    certain = _validate(root, "public")
    assert "warning: this repository is public and its files hold the private audience 'internal'" in certain
    assert "cannot see" not in certain


def test_no_warning_without_a_public_remote_or_without_internal_content(tmp_path: Path) -> None:
    assert "warning" not in _validate(_repository(tmp_path / "none", None))
    assert "warning" not in _validate(_repository(tmp_path / "own", "https://git.acme.example/status.git"))
    root = _repository(tmp_path / "public-only", "git@github.com:acme/status.git")
    audience = root / "site-config/audiences/internal.yaml"
    audience.write_text(audience.read_text().replace("access: private", "access: public"))
    (incident,) = (root / "incidents/2026").glob("*.md")
    incident.write_text(incident.read_text().replace(" [internal]", ""))
    assert internal_content(load_repository(root)) == []
    assert "warning" not in _validate(root)
