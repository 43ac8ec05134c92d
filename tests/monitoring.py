"""Helpers shared by the monitor tests: run a command at a fixed clock, snapshot a repository."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from click.testing import CliRunner

from statusgen.cli import cli

NOW = datetime(2026, 11, 23, 18, 0, tzinfo=UTC)


def run(root: Path, *args: str, now: datetime = NOW) -> tuple[int, str]:
    """Run ``statusgen ARGS --root ROOT`` with the clock at ``now``; (exit code, stdout + stderr)."""
    env = {"SOURCE_DATE_EPOCH": str(int(now.timestamp()))}
    result = CliRunner().invoke(cli, [*args, "--root", str(root)], env=env)
    return result.exit_code, result.output


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` (relative POSIX path → bytes), to prove a command wrote nothing."""
    return {
        path.relative_to(root).as_posix(): path.read_bytes() for path in root.rglob("*") if path.is_file()
    }
