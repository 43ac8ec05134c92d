"""The build cache: compiled templates kept between builds, and a build with nothing to do doing nothing."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from example import NOW, copy_example, files_of, run_entry

from statusgen.build import build
from statusgen.write.buildcache import BuildRecord, cache_folder

NOW_TEXT = NOW.strftime("%Y-%m-%d %H:%M UTC")


def stamps(folder: Path) -> dict[str, tuple[int, int]]:
    """Every path under ``folder`` (the folder too) → (inode, mtime): what any write would change."""
    paths = [folder, *sorted(folder.rglob("*"))]
    return {p.relative_to(folder).as_posix(): (p.lstat().st_ino, p.lstat().st_mtime_ns) for p in paths}


@pytest.fixture
def built(tmp_path: Path) -> tuple[Path, Path]:
    root = copy_example(tmp_path / "repo")
    out = tmp_path / "dist"
    build(root, out, NOW)
    return root, out


def test_nothing_changed_touches_no_output_file(built: tuple[Path, Path]) -> None:
    root, out = built
    first = build(root, out, NOW)
    before = stamps(out)
    assert build(root, out, NOW + timedelta(seconds=1)) == first
    assert stamps(out) == before
    assert sorted(p.name for p in out.parent.iterdir()) == ["dist", "repo"]


@pytest.mark.parametrize(
    "change",
    [
        "edit an incident",
        "add a file",
        "remove the output's site",
        "build earlier",
        "past the next change",
        "corrupt record",
        "other audiences",
    ],
)
def test_a_build_that_could_differ_is_made_again(
    built: tuple[Path, Path], tmp_path: Path, change: str
) -> None:
    root, out = built
    when, audiences = NOW, ()
    incident = sorted((root / "incidents").rglob("*.md"))[-1]
    if change == "edit an incident":
        incident.write_text(incident.read_text() + "\nOne more sentence.\n")
    elif change == "add a file":
        (root / "site-config" / "notes.txt").write_text("anything\n")
    elif change == "remove the output's site":
        (out / "public").rename(tmp_path / "elsewhere")
    elif change == "build earlier":
        when = NOW - timedelta(minutes=1)
    elif change == "past the next change":
        when = NOW + timedelta(days=1)
    elif change == "corrupt record":
        for record in (cache_folder(root) / "builds").iterdir():
            record.write_text('{"digest": ')
    else:
        audiences = ("public",)
    inode = out.stat().st_ino
    build(root, out, when, audiences)
    assert out.stat().st_ino != inode, "the output folder was swapped: a real build ran"
    cold = tmp_path / "cold"
    build(root, cold, when, audiences)
    assert files_of(out / "public") == files_of(cold / "public")


def test_a_record_names_the_clock_state_it_holds_until(built: tuple[Path, Path]) -> None:
    root, out = built
    entry = json.loads(BuildRecord.of(root, out).path.read_text())
    assert entry["built"] == NOW.isoformat()
    assert entry["until"] > NOW.isoformat()
    assert {report[0] for report in entry["reports"]} == {"public", "internal", "acme-partner"}


def test_compiled_templates_are_reused_and_a_damaged_one_is_compiled_again(
    built: tuple[Path, Path], tmp_path: Path
) -> None:
    root, out = built
    compiled = sorted((cache_folder(root) / "jinja").rglob("*.cache"))
    assert compiled, "the first build keeps its compiled templates"
    for damaged in compiled[::2]:
        damaged.write_bytes(b"j2 not a compiled template")
    kept = {p: p.stat().st_mtime_ns for p in compiled[1::2]}
    again = tmp_path / "again"
    # A new process: this one holds the templates compiled already.
    command = [sys.executable, "-m", "statusgen", "build", "--root", str(root), "--out", str(again)]
    subprocess.run([*command, "--now", NOW_TEXT], check=True, capture_output=True)
    assert files_of(again) == files_of(out)
    assert {p: p.stat().st_mtime_ns for p in compiled[1::2]} == kept, (
        "intact entries are loaded, not rewritten"
    )
    assert all(p.read_bytes().startswith(b"j2\x80") for p in compiled[::2]), "damaged entries are rewritten"


def test_a_build_that_takes_the_calendar_from_the_cache_does_not_import_icalendar(
    built: tuple[Path, Path],
) -> None:
    root, out = built
    incident = next(
        p for p in sorted((root / "incidents").rglob("*.md")) if "type: maintenance" not in p.read_text()
    )
    incident.write_text(incident.read_text() + "\nOne more sentence.\n")
    # A new process, whose modules at the end show what the build imported.
    done = run_entry(
        "build",
        "--root",
        str(root),
        "--out",
        str(out),
        "--now",
        NOW_TEXT,
        at_exit="'icalendar' in sys.modules",
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == "False"
    assert (out / "public" / "maintenance.ics").is_file()
