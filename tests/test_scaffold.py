"""``statusgen init``: a repository that loads and builds at once, written in one piece."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from statusgen.author.scaffold import init_repository
from statusgen.build import build
from statusgen.cli import cli
from statusgen.errors import StatusgenError
from statusgen.load import load_repository

NOW = datetime(2026, 11, 23, 18, 0, tzinfo=UTC)


def test_init_loads_and_builds_every_audience(tmp_path: Path) -> None:
    root = tmp_path / "status"
    written = init_repository(root, NOW)
    assert {
        ".gitattributes",
        ".gitignore",
        ".github/CODEOWNERS",
        ".github/workflows/deploy.yml",
        ".github/workflows/monitor.yml",
        ".github/workflows/validate.yml",
        ".github/workflows/keepalive.yml",
        ".github/changed-audiences.sh",
        ".github/commit-and-push.sh",
        "hosting/nginx.conf",
        "hosting/netlify.toml",
        "hosting/s3-cloudfront.md",
        "README.md",
        "requirements.txt",
        "schemas/incident.schema.json",
        "site-config/audiences/internal.yaml",
        "site-config/audiences/public.yaml",
        "incidents/2026/2026-11-21-slow-api-responses.md",
    } <= set(written)
    assert sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()) == written
    repo = load_repository(root, now=NOW)
    assert list(repo.audiences) == ["internal", "public"]
    assert repo.audiences["internal"].access == "private"
    assert len(repo.catalogue.groups) == 1
    assert repo.warnings == ()
    (incident,) = repo.incidents
    assert incident.resolved_at == datetime(2026, 11, 21, 10, 0, tzinfo=UTC)
    reports = build(root, tmp_path / "dist", NOW)
    assert [r.audience for r in reports] == ["internal", "public"]
    assert (
        b"Slow API responses"
        in (tmp_path / "dist/public/incidents/2026-11-21-slow-api-responses/index.html").read_bytes()
    )


def test_init_writes_merge_union_and_ignores_build_output(tmp_path: Path) -> None:
    init_repository(tmp_path / "status", NOW)
    assert "status-log/*.yaml merge=union" in (tmp_path / "status/.gitattributes").read_text()
    ignored = (tmp_path / "status/.gitignore").read_text().splitlines()
    assert {"/dist/", "/.dist.new/", "/.dist.old/"} <= set(ignored)


def test_scaffolded_yaml_points_at_existing_schemas(tmp_path: Path) -> None:
    root = tmp_path / "status"
    init_repository(root, NOW)
    for path in (root / "site-config").rglob("*.yaml"):
        first = path.read_text().splitlines()[0]
        assert first.startswith("# yaml-language-server: $schema="), path
        assert (path.parent / first.split("=", 1)[1]).resolve().is_file(), path


def test_init_into_an_empty_folder(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    init_repository(tmp_path / "empty", NOW)
    assert (tmp_path / "empty/site-config/site.yaml").is_file()


def test_init_refuses_a_folder_with_files_and_leaves_it_alone(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(StatusgenError, match="is not an empty folder"):
        init_repository(tmp_path, NOW)
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]


def test_cli_init_prints_next_steps(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["init", str(tmp_path / "status")])
    assert result.exit_code == 0, result.output
    assert "statusgen serve" in result.output
    assert "Keep this repository private when you push it" in result.output
    refused = CliRunner().invoke(cli, ["init", str(tmp_path / "status")])
    assert refused.exit_code == 1
    assert "is not an empty folder" in refused.output
