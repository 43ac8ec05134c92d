"""Incremental builds give the bytes of a cold build: random edits to a generated repository, each
followed by a build that reuses the previous one's pages and a cold build, compared file by file."""

from __future__ import annotations

import json
import random
import re
import shutil
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from example import files_of

from statusgen.build import build
from statusgen.themedirs import BUILTIN_THEMES
from statusgen.write.buildcache import cache_folder

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"
START = datetime(2026, 6, 1, 18, 0, tzinfo=UTC)
RENDERED = re.compile(r"^(.*)/: \d+ files, \d+ KiB(?: \((\d+) of (\d+) pages and feeds rendered)?", re.M)


def generated(root: Path) -> Path:
    spec = [
        "--components",
        "12",
        "--incidents",
        "60",
        "--audiences",
        "3",
        "--years",
        "1",
        "--seed",
        "7",
        "--end",
        "2026-06-01",
    ]
    subprocess.run([sys.executable, str(BENCHMARKS / "generate.py"), *spec, str(root)], check=True)
    return root


def incremental(root: Path, out: Path, now: datetime) -> dict[str, tuple[int, int] | None]:
    """Build in a process of its own (its own hash seed, as every CI run has): audience → (pages
    rendered, pages), or None when the output says every page was rendered."""
    command = [sys.executable, "-m", "statusgen", "build", "--root", str(root), "--out", str(out)]
    result = subprocess.run([*command, "--now", now.isoformat()], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    sites: dict[str, tuple[int, int] | None] = {}
    for site, rendered, pages in RENDERED.findall(result.stdout):
        sites[Path(site).name] = (int(rendered), int(pages)) if pages else None
    return sites


def cold(root: Path, out: Path, now: datetime) -> dict[str, bytes]:
    """A build that reuses nothing: a new output folder has no pages recorded."""
    build(root, out, now)
    return files_of(out)


# --- Edits --------------------------------------------------------------------------------------


def incidents(root: Path) -> list[Path]:
    return sorted((root / "incidents").rglob("*.md"))


def edit_body(root: Path, rng: random.Random, now: datetime) -> datetime:
    path = rng.choice(incidents(root))
    path.write_text(path.read_text() + f"Edited once more ({rng.randrange(10**6)}).\n")
    return now


def retitle(root: Path, rng: random.Random, now: datetime) -> datetime:
    path = rng.choice(incidents(root))
    text = re.sub(
        r'^title: ".*"$', f'title: "Retitled {rng.randrange(10**6)}"', path.read_text(), count=1, flags=re.M
    )
    path.write_text(text)
    return now


def remove(root: Path, rng: random.Random, now: datetime) -> datetime:
    rng.choice(incidents(root)).unlink()
    return now


def add(root: Path, rng: random.Random, now: datetime) -> datetime:
    source = rng.choice(incidents(root))
    copy = source.with_name(f"{source.stem}-again-{rng.randrange(10**6)}.md")
    copy.write_text(re.sub(r'^title: "', 'title: "Again: ', source.read_text(), count=1, flags=re.M))
    return now


def log_line(root: Path, rng: random.Random, now: datetime) -> datetime:
    path = rng.choice(sorted((root / "status-log").glob("*.yaml")))
    last = re.findall(r"at: (\S+?)Z", path.read_text())[-1]
    at = max(datetime.fromisoformat(last).replace(tzinfo=UTC), now - timedelta(hours=3)) + timedelta(
        minutes=9
    )
    status = rng.choice(["major_outage", "partial_outage", "operational"])
    with path.open("a") as file:
        file.write(f"- {{at: {at:%Y-%m-%dT%H:%M:%S}Z, status: {status}, source: probe}}\n")
    return max(now, at + timedelta(minutes=1))


def rename_component(root: Path, rng: random.Random, now: datetime) -> datetime:
    path = root / "site-config" / "components.yaml"
    names = re.findall(r'^    name: "(.*)"$', path.read_text(), flags=re.M)
    name = rng.choice(names)
    path.write_text(path.read_text().replace(f'name: "{name}"', f'name: "{name} Prime"', 1))
    return now


def retitle_audience(root: Path, rng: random.Random, now: datetime) -> datetime:
    path = rng.choice(sorted((root / "site-config" / "audiences").glob("*.yaml")))
    text = re.sub(
        r"^title: .*$", f"title: Status {rng.randrange(10**6)}", path.read_text(), count=1, flags=re.M
    )
    path.write_text(text)
    return now


def edit_template(root: Path, rng: random.Random, now: datetime) -> datetime:
    """A repository theme overriding one built-in template: every page may change."""
    name = rng.choice(["incident.html", "month.html", "component.html"])
    target = root / "themes" / "default" / "templates" / name
    target.parent.mkdir(parents=True, exist_ok=True)
    source = target if target.exists() else BUILTIN_THEMES / "default" / "templates" / name
    target.write_text(source.read_text() + f"{{# edit {rng.randrange(10**6)} #}}<!-- edited -->\n")
    return now


def advance_clock(root: Path, rng: random.Random, now: datetime) -> datetime:
    return now + rng.choice([timedelta(minutes=1), timedelta(hours=5), timedelta(days=1), timedelta(days=40)])


EDITS = [
    edit_body,
    retitle,
    remove,
    add,
    log_line,
    rename_component,
    retitle_audience,
    edit_template,
    advance_clock,
]
SMALL_EDITS = {edit_body, retitle, log_line}


@pytest.mark.parametrize("seed", [1, 2])
def test_builds_after_random_edits_equal_cold_builds(tmp_path: Path, seed: int) -> None:
    rng = random.Random(seed)
    root = generated(tmp_path / "repo")
    out = tmp_path / "site"
    now = START
    incremental(root, out, now)
    reused_after_small_edit = False
    for round_number in range(6):
        chosen = [rng.choice(EDITS) for _ in range(rng.choice([1, 1, 2]))]
        for edit in chosen:
            now = edit(root, rng, now)
        sites = incremental(root, out, now)
        expected = cold(root, tmp_path / f"cold-{round_number}", now)
        assert files_of(out) == expected, [edit.__name__ for edit in chosen]
        if set(chosen) <= SMALL_EDITS:
            # A small edit renders a few pages of each site; the rest are the previous build's.
            assert all(site and site[0] < site[1] / 2 for site in sites.values()), (chosen, sites)
            reused_after_small_edit = True
    assert reused_after_small_edit or seed != 1  # seed 1 draws small edits; a change of the RNG shows here


def test_a_changed_or_corrupt_cache_is_not_trusted(tmp_path: Path) -> None:
    root = generated(tmp_path / "repo")
    out = tmp_path / "site"
    incremental(root, out, START)
    # A page changed in place (same size), another removed, one record garbage and one of the wrong shape.
    page = next((out / "public" / "incidents").rglob("index.html"))
    page.write_bytes(page.read_bytes().replace(b"<main", b"<mAin"))
    next((out / "internal" / "incidents").rglob("index.html")).unlink()
    records = sorted((cache_folder(root) / "pages").glob("*/pages.json"))
    assert len(records) == 3
    records[0].write_text("{not json")
    records[1].write_text(json.dumps({"index.html": "abc", "404.html": [1, 2]}))
    later = START + timedelta(minutes=1)
    sites = incremental(root, out, later)
    assert files_of(out) == cold(root, tmp_path / "cold", later)
    assert all(site is None or site[0] >= 1 for site in sites.values())


def test_a_restored_cache_without_the_output_renders_only_private_sites(tmp_path: Path) -> None:
    """As in CI: the cache comes back, the previous output does not. Public pages come from the
    cache's copies; private pages were never copied, so those sites render again."""
    root = generated(tmp_path / "repo")
    out = tmp_path / "site"
    incremental(root, out, START)
    shutil.rmtree(out)
    later = START + timedelta(minutes=1)
    sites = incremental(root, out, later)
    assert files_of(out) == cold(root, tmp_path / "cold", later)
    public = sites["public"]
    assert public and public[0] < public[1] / 2
    assert sites["internal"] is None and sites["partner-acme"] is None
    # Not a byte of a private page is in the cache: the internal site's title is on each of its pages.
    cached = b"".join(path.read_bytes() for path in cache_folder(root).rglob("*") if path.is_file())
    assert b"Northwind Status" in cached
    assert b"Northwind Internal Status" not in cached


def test_the_calendar_follows_its_windows_through_edits_and_time(tmp_path: Path) -> None:
    """maintenance.ics is taken from the cache only while its windows are those it was made from."""
    root = generated(tmp_path / "repo")
    out = tmp_path / "site"
    now = START
    incremental(root, out, now)
    windows = sorted(path for path in incidents(root) if "window:" in path.read_text())
    ahead = next(path for path in windows if path.name > f"{START:%Y-%m-%d}")
    edits = [
        lambda: ahead.write_text(
            re.sub(
                r"^## ",
                f"## {START:%Y-%m-%d %H:%M} UTC — Scheduled\nMoved to the afternoon.\n\n## ",
                ahead.read_text(),
                count=1,
                flags=re.M,
            )
        ),
        lambda: ahead.write_text(
            re.sub(r'^title: "', 'title: "Rescheduled: ', ahead.read_text(), flags=re.M)
        ),
        lambda: None,  # only the clock: windows that ended 90 days ago leave the calendar
    ]
    calendars = set()
    for number, edit in enumerate(edits):
        edit()
        now += timedelta(days=100) if number == 2 else timedelta(minutes=1)
        incremental(root, out, now)
        expected = cold(root, tmp_path / f"cold-{number}", now)
        assert files_of(out) == expected
        calendars.add(expected["public/maintenance.ics"])
    assert len(calendars) == 3  # each step changed the calendar, and the cache followed
