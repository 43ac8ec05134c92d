"""A build killed with SIGKILL at any moment leaves one whole build behind, and no worker running.

A real ``python -m statusgen build`` of a copy of the example is killed at spread-out moments: once its
workers have started, at fractions of a full build's duration, and the instant anything in the output
folder changes (the swap). Each run changes one incident's title, so every audience's bytes tell the
previous build from the new one. After each kill all audiences together must be one or the other,
and the build's workers must be gone; the last, complete build must leave no staging folder behind.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from attack import NOW_TEXT, Target
from example import NOW, copy_example

from statusgen.build import build

INCIDENT = "incidents/2026/2026-09-09-eu-payments-outage.md"
# When to kill: a float at that fraction of a complete build's duration, "workers" as soon as the build
# has forked its workers, "swap" the instant the output folder changes.
MOMENTS: tuple[str | float, ...] = (0.15, "workers", 0.8, "swap")


def set_title(root: Path, title: str) -> None:
    path = root / INCIDENT
    text = path.read_text()
    current = next(line for line in text.splitlines() if line.startswith("title: "))
    path.write_text(text.replace(current, f"title: {title}", 1))


def build_command(target: Target) -> list[str]:
    command = [sys.executable, "-m", "statusgen", "build", "--root", str(target.root), "--out"]
    return [*command, str(target.out), "--now", NOW_TEXT]


def children(pid: int) -> list[int]:
    """Live processes whose parent is ``pid``, read from /proc (zombies have ended)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        fields = _stat_fields(stat)
        if fields is not None and int(fields[1]) == pid and fields[0] != "Z":
            found.append(int(stat.parent.name))
    return found


def workers_of(pid: int) -> list[int]:
    """The build's worker processes: its children other than git (which reads update authors)."""
    found = []
    for child in children(pid):
        try:
            if Path(f"/proc/{child}/comm").read_text().strip() != "git":
                found.append(child)
        except OSError:  # ended meanwhile
            continue
    return found


WORKERS = min(3, os.cpu_count() or 1) - 1
"""Render workers beside the build process itself, one per further core, for the example's 3 audiences."""


def running(pid: int) -> bool:
    fields = _stat_fields(Path(f"/proc/{pid}/stat"))
    return fields is not None and fields[0] != "Z"


def _stat_fields(stat: Path) -> list[str] | None:
    """State, ppid, … of /proc/PID/stat; the command name may hold spaces and parentheses."""
    try:
        return stat.read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None


def snapshot(out: Path) -> tuple[int, tuple[tuple[str, int], ...]]:
    """What a reader of ``out`` would notice changing: the identity of it and of its shown entries."""
    try:
        shown = (entry for entry in os.scandir(out) if not entry.name.startswith("."))
        entries = tuple(sorted((entry.name, entry.inode()) for entry in shown))
        return out.stat().st_ino, entries
    except OSError:
        return -1, ()


def wait_until(
    condition: Callable[[], bool], process: subprocess.Popen[bytes], limit: float, every: float
) -> None:
    deadline = time.monotonic() + limit
    while not condition() and process.poll() is None and time.monotonic() < deadline:
        time.sleep(every)


def kill_at(target: Target, moment: str | float, full: float) -> list[int]:
    """Start a build, SIGKILL it at ``moment``; the pids of the workers it had then."""
    process = subprocess.Popen(build_command(target), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    workers: list[int] = []
    try:
        if moment == "workers":
            # Reading all of /proc takes a while: poll it slowly, not to starve the build on a busy machine.
            wait_until(lambda: len(workers_of(process.pid)) >= WORKERS, process, 10 * full, every=0.02)
        elif moment == "swap":
            before = snapshot(target.out)
            wait_until(lambda: snapshot(target.out) != before, process, 10 * full, every=0.0005)
        else:
            wait_until(lambda: False, process, float(moment) * full, every=0.01)
        workers = workers_of(process.pid)
    finally:
        process.kill()
        process.wait()
    return workers


def assert_workers_end(workers: list[int]) -> None:
    deadline = time.monotonic() + 2
    while any(map(running, workers)) and time.monotonic() < deadline:
        time.sleep(0.01)
    alive = [pid for pid in workers if running(pid)]
    for pid in alive:
        os.kill(pid, signal.SIGKILL)
    assert not alive, "build workers outlived their killed parent"


def test_a_killed_build_leaves_one_whole_build_and_no_worker(tmp_path: Path) -> None:
    target = Target(copy_example(tmp_path / "repo"), tmp_path / "dist")
    set_title(target.root, "A")
    build(target.root, target.out, NOW)
    builds = {"A": target.output()}
    set_title(target.root, "B")
    started = time.monotonic()
    complete = subprocess.run(build_command(target), capture_output=True, check=False)
    assert complete.returncode == 0, complete.stderr
    full = time.monotonic() - started
    builds["B"] = target.output()
    assert builds["A"] != builds["B"]

    shown, outcomes = "B", []
    for moment in MOMENTS:
        wanted = "A" if shown == "B" else "B"
        set_title(target.root, wanted)
        workers = kill_at(target, moment, full)
        seen = target.output()
        assert seen in (builds[shown], builds[wanted]), f"killed at {moment}: the output mixes two builds"
        shown = wanted if seen == builds[wanted] else shown
        outcomes.append((moment, shown == wanted, len(workers)))
        assert_workers_end(workers)

    assert ("swap", True) in [(moment, new) for moment, new, _ in outcomes], (
        f"the swap was missed: {outcomes}"
    )
    assert WORKERS >= 1, "needs 2 cores: with one, a build forks no worker"
    assert any(count == WORKERS for _, _, count in outcomes), f"no kill met the workers: {outcomes}"
    wanted = "A" if shown == "B" else "B"
    set_title(target.root, wanted)
    assert target.build().exit_code == 0
    assert target.output() == builds[wanted]
    # Only the output swapped out is left beside, for the next build to start from.
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == [".dist.new"]
    assert sorted(p.name for p in target.out.iterdir()) == ["acme-partner", "internal", "public"]
