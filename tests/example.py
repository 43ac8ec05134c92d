"""The example repository of this project, built once at a fixed clock for integration tests."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
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


def run_entry(*args: str, at_exit: str) -> subprocess.CompletedProcess[str]:
    """``statusgen *args`` in a new process, started as its entry point is, with an exit handler (as a
    library could register) that prints the Python expression ``at_exit`` into stdout.

    Stdout is a pipe and block-buffered (``PYTHONUNBUFFERED`` is dropped): that line arrives only if
    the process flushed its output after its exit handlers ran.
    """
    script = (
        "import atexit, sys\n"
        "from statusgen.cli import main\n"
        f"atexit.register(lambda: print({at_exit}))\n"
        "sys.argv = ['statusgen', *sys.argv[1:]]\n"
        "main()\n"
    )
    buffered = {name: value for name, value in os.environ.items() if name != "PYTHONUNBUFFERED"}
    command = [sys.executable, "-c", script, *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, env=buffered)


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
