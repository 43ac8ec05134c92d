"""Shared fixtures: throw-away repositories built from ``tests/fixtures/``."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import monitoring
import pytest

FIXTURES = Path(__file__).parent / "fixtures"


def build_fixture_repo(name: str, target: Path) -> Path:
    """Copy ``fixtures/minimal`` to ``target``, then lay ``fixtures/<name>`` over it.

    A failure fixture holds only the files it changes or adds, so each one stays a few lines.
    """
    shutil.copytree(FIXTURES / "minimal", target)
    if name != "minimal":
        shutil.copytree(FIXTURES / name, target, dirs_exist_ok=True)
    return target


@pytest.fixture
def fixture_repo(tmp_path: Path) -> Callable[[str], Path]:
    """``fixture_repo("unknown-key")`` → a fresh copy of that fixture repository."""
    return lambda name: build_fixture_repo(name, tmp_path / name)


@pytest.fixture
def alertmanager(tmp_path: Path) -> Iterator[monitoring.Alertmanager]:
    """A real Alertmanager for the test (a failure in CI when the package is missing)."""
    monitoring.require(monitoring.ALERTMANAGER, "prometheus-alertmanager")
    server = monitoring.Alertmanager(tmp_path)
    yield server
    server.stop()
