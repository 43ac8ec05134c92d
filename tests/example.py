"""The example repository of this project, built once at a fixed clock for integration tests."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

from statusgen.build import build
from statusgen.clock import Clock

EXAMPLE_ROOT = Path(__file__).resolve().parent.parent
NOW = datetime(2026, 11, 23, 18, 0, tzinfo=UTC)
AUDIENCES = ("public", "internal", "acme-partner")


def copy_example(target: Path) -> Path:
    """A writable copy of the example's input files (site-config, incidents, status-log, subscribers)."""
    for folder in ("site-config", "incidents", "status-log", "subscribers"):
        shutil.copytree(EXAMPLE_ROOT / folder, target / folder)
    return target


def build_tree(root: Path, out: Path, audiences: tuple[str, ...] = ()) -> dict[str, dict[str, bytes]]:
    """Build ``root`` into ``out`` at :data:`NOW`; audience → {relative path: bytes}."""
    return {report.audience: files_of(out / report.audience) for report in build(root, out, NOW, audiences)}


def files_of(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder``: relative POSIX path → bytes."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


CLOCK = Clock(NOW, NOW + timedelta(days=30))
"""The commands' clock in tests: acting at :data:`NOW`, with a real time late enough for every
update the tests write (the refusal of later ones is tested with the real clock, through the CLI)."""
