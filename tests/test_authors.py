"""Update authors come from git history and are shown only where internal notes are."""

from __future__ import annotations

import errno
import subprocess
import tempfile
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from example import NOW, copy_example

from statusgen.load import load_repository
from statusgen.load.authors import parse_log, update_authors
from statusgen.model.incident import update_anchor
from statusgen.view.builder import build_view

BERLIN = ZoneInfo("Europe/Berlin")


def git(root: Path, *args: str, author: str = "Ada Lovelace") -> None:
    env = {"GIT_AUTHOR_NAME": author, "GIT_AUTHOR_EMAIL": "a@example.com"}
    env |= {"GIT_COMMITTER_NAME": "ci", "GIT_COMMITTER_EMAIL": "ci@example.com", "PATH": "/usr/bin:/bin"}
    subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True, env=env)


def test_each_heading_belongs_to_the_commit_that_added_it(tmp_path: Path) -> None:
    incident = tmp_path / "incidents" / "2026" / "x.md"
    incident.parent.mkdir(parents=True)
    incident.write_text("---\ntitle: X\n---\n\n## 2026-11-20 14:10 UTC — Investigating\nLooking.\n")
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-qm", "open", author="Ada Lovelace")
    text = incident.read_text().replace("\n\n## ", "\n\n## 2026-11-20 15:00 — Resolved\nFixed.\n\n## ", 1)
    incident.write_text(text.replace("Looking.", "Looking closely."))
    git(tmp_path, "commit", "-qam", "resolve", author="Grace Hopper")

    authors = update_authors(tmp_path, BERLIN)

    first = update_anchor(datetime(2026, 11, 20, 14, 10, tzinfo=ZoneInfo("UTC")))
    second = update_anchor(datetime(2026, 11, 20, 15, 0, tzinfo=BERLIN))
    assert authors == {
        ("incidents/2026/x.md", first): "Ada Lovelace",
        ("incidents/2026/x.md", second): "Grace Hopper",
    }


def test_history_with_bytes_that_are_not_utf8_still_gives_its_authors(tmp_path: Path) -> None:
    incident = tmp_path / "incidents" / "x.md"
    incident.parent.mkdir(parents=True)
    heading = "## 2026-11-20 14:10 UTC — Investigating\n".encode()
    incident.write_bytes(b"---\ntitle: X\n---\n\n" + heading + b"Caf\xe9.\n")  # Latin-1, not UTF-8
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-qm", "open", author="Ada Lovelace")

    authors = update_authors(tmp_path, BERLIN)

    anchor = update_anchor(datetime(2026, 11, 20, 14, 10, tzinfo=ZoneInfo("UTC")))
    assert authors == {("incidents/x.md", anchor): "Ada Lovelace"}


def test_only_added_headings_count_and_prose_mentioning_one_is_no_heading() -> None:
    log = (
        "\0Ada Lovelace\n"
        "diff --git a/incidents/x.md b/incidents/x.md\n--- /dev/null\n+++ b/incidents/x.md\n"
        "+We saw ## 2026-11-20 13:00 UTC — Investigating in the logs.\n"
        "+   ## 2026-11-20 14:10 UTC — Investigating\n"
        "-## 2026-11-20 12:00 UTC — Investigating\n"
        "\0Grace Hopper\n"
        "diff --git a/incidents/y.md b/incidents/y.md\n--- a/incidents/y.md\n+++ /dev/null\n"
        "+## 2026-11-20 15:00 UTC — Resolved\n"
        "diff --git a/incidents/x.md b/incidents/x.md\n--- a/incidents/x.md\n+++ b/incidents/x.md\n"
        "+## 2026-11-20 14:10 UTC — Investigating\n"
        "+## 2026-11-20 16:00 UTC — Resolved\r\n"
    )

    authors = parse_log(log, BERLIN)

    utc = ZoneInfo("UTC")
    assert authors == {
        ("incidents/x.md", update_anchor(datetime(2026, 11, 20, 14, 10, tzinfo=utc))): "Ada Lovelace",
        ("incidents/x.md", update_anchor(datetime(2026, 11, 20, 16, 0, tzinfo=utc))): "Grace Hopper",
    }


def test_outside_git_there_are_no_authors(tmp_path: Path) -> None:
    assert update_authors(tmp_path, BERLIN) == {}


def test_authors_reach_only_audiences_with_internal_notes(tmp_path: Path) -> None:
    root = copy_example(tmp_path)
    repo = load_repository(root, now=NOW)
    incident = next(i for i in repo.incidents if not i.is_maintenance and not i.draft)
    authors = {(incident.path, u.anchor): "Ada Lovelace" for u in incident.updates}

    internal = build_view(repo, "internal", NOW, authors)
    public = build_view(repo, "public", NOW, authors)

    shown = next(i for i in internal.incidents if i.id == incident.id)
    assert {u.author for u in shown.updates} == {"Ada Lovelace"}
    assert all(u.author is None for i in public.incidents for u in i.updates)


def test_without_room_for_the_log_file_the_authors_are_still_read(tmp_path: Path, monkeypatch) -> None:
    incident = tmp_path / "incidents" / "x.md"
    incident.parent.mkdir(parents=True)
    incident.write_text("---\ntitle: X\n---\n\n## 2026-11-20 14:10 UTC — Investigating\nLooking.\n")
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-qm", "open", author="Ada Lovelace")

    def full(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(tempfile, "TemporaryFile", full)

    anchor = update_anchor(datetime(2026, 11, 20, 14, 10, tzinfo=ZoneInfo("UTC")))
    assert update_authors(tmp_path, BERLIN) == {("incidents/x.md", anchor): "Ada Lovelace"}
