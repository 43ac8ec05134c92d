"""The input digest and the file hashes it keeps in the build cache (``inputs.json``).

A digest made with recorded hashes must always be the digest made by reading every file: the hashes
only spare reading a file whose stat signature is the one it was hashed with.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from pathlib import Path

import pytest

import statusgen.clock
from statusgen.write import buildcache
from statusgen.write.buildcache import FileHashes, cache_folder, input_digest

LATER_NS = 10_000_000_000
"""How far the file clock is moved on in these tests, so that the files just written have settled."""


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    for name, text in {
        "site-config/site.yaml": "title: Example\n",
        "incidents/2026/2026-11-20-payments.md": "---\ntitle: Payments\n---\n",
        "status-log/api.yaml": "- {at: 2026-11-20T10:00:00Z, status: major_outage}\n",
    }.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root


@pytest.fixture
def settled_files(monkeypatch: pytest.MonkeyPatch) -> None:
    """The files written so far count as changed long ago."""
    now = time.time_ns() + LATER_NS
    monkeypatch.setattr(statusgen.clock.time, "time_ns", lambda: now)


def digest(root: Path, hashes: FileHashes | None = None) -> str:
    return input_digest(root, root.parent / "dist", "request", hashes)


def recorded(root: Path) -> dict[str, list[object]]:
    files: dict[str, list[object]] = json.loads((cache_folder(root) / "inputs.json").read_text())["files"]
    return files


def kept_digest(root: Path) -> str:
    """The digest made with the hashes the build cache holds, which it then saves."""
    hashes = FileHashes.of(root)
    made = digest(root, hashes)
    hashes.save()
    return made


@pytest.mark.usefixtures("settled_files")
def test_recorded_hashes_give_the_digest_of_reading_every_file(repo: Path) -> None:
    plain = digest(repo)
    assert kept_digest(repo) == plain
    assert sorted(recorded(repo)) == [
        "incidents/2026/2026-11-20-payments.md",
        "site-config/site.yaml",
        "status-log/api.yaml",
    ]
    assert kept_digest(repo) == plain  # from the recorded hashes this time


@pytest.mark.usefixtures("settled_files")
def test_a_second_digest_takes_the_hashes_the_first_made(repo: Path) -> None:
    """A build digests its inputs before and after: the second reads none of the files again."""
    hashes = FileHashes.of(repo)
    first = digest(repo, hashes)
    path = repo / "site-config/site.yaml"
    assert hashes.get("site-config/site.yaml", path.stat()) == hashlib.sha256(path.read_bytes()).digest()
    assert digest(repo, hashes) == first


@pytest.mark.usefixtures("settled_files")
def test_a_file_rewritten_with_the_same_size_and_time_is_read_again(repo: Path) -> None:
    kept_digest(repo)
    path = repo / "site-config/site.yaml"
    before = path.stat()
    path.write_text("title: Exampl!\n")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))  # only the change time tells
    assert path.stat().st_size == before.st_size
    assert kept_digest(repo) == digest(repo) != input_digest(repo, repo.parent / "dist", "other")
    hashes = FileHashes.of(repo)
    assert hashes.get("site-config/site.yaml", path.stat()) == hashlib.sha256(b"title: Exampl!\n").digest()


def test_a_file_changed_a_moment_ago_is_not_recorded(repo: Path) -> None:
    assert kept_digest(repo) == digest(repo)
    assert not (cache_folder(repo) / "inputs.json").exists() or recorded(repo) == {}


@pytest.mark.parametrize("name", [".env", "credentials.json", "deploy/.npmrc", "subscribers/team.yaml"])
@pytest.mark.usefixtures("settled_files")
def test_a_file_outside_the_content_folders_counts_but_its_hash_is_never_kept(repo: Path, name: str) -> None:
    """A file a CI step wrote from its secrets must not reach a cache that other runs can read."""
    secret = b"TOKEN=hunter2\n"
    (repo / name).parent.mkdir(parents=True, exist_ok=True)
    (repo / name).write_bytes(secret)
    first = kept_digest(repo)
    assert name not in recorded(repo)
    assert len(recorded(repo)) == 3  # the content files still are
    assert hashlib.sha256(secret).hexdigest() not in (cache_folder(repo) / "inputs.json").read_text()
    (repo / name).write_bytes(b"TOKEN=other\n")
    assert kept_digest(repo) != first


@pytest.mark.usefixtures("settled_files")
def test_a_removed_file_is_forgotten_and_an_added_one_recorded(repo: Path) -> None:
    kept_digest(repo)
    (repo / "status-log/api.yaml").unlink()
    (repo / "status-log/db.yaml").write_text("[]\n")
    assert kept_digest(repo) == digest(repo)
    assert "status-log/api.yaml" not in recorded(repo)
    assert "status-log/db.yaml" in recorded(repo)


@pytest.mark.usefixtures("settled_files")
def test_a_file_replaced_by_a_link_to_the_same_bytes_changes_the_digest(repo: Path, tmp_path: Path) -> None:
    first = kept_digest(repo)
    path = repo / "site-config/site.yaml"
    outside = tmp_path / "same.yaml"
    outside.write_bytes(path.read_bytes())
    path.unlink()
    path.symlink_to(outside)
    assert kept_digest(repo) == digest(repo) != first
    assert "site-config/site.yaml" not in recorded(repo)


@pytest.mark.parametrize(
    "damage",
    [
        "{",
        "[]",
        '{"version": 1, "files": []}',
        '{"version": 2, "files": {}}',
        '{"version": 1, "files": {"site-config/site.yaml": [1, 2, 3]}}',
        '{"version": 1, "files": {"site-config/site.yaml": [1, 2, 3, 4, 5.0, "' + "a" * 64 + '"]}}',
        '{"version": 1, "files": {"site-config/site.yaml": [1, 2, 3, 4, 5, "' + "g" * 64 + '"]}}',
        '{"version": 1, "files": {"site-config/site.yaml": [1, 2, 3, 4, 5, null]}}',
    ],
)
@pytest.mark.usefixtures("settled_files")
def test_a_damaged_record_is_ignored_and_written_again(repo: Path, damage: str) -> None:
    inputs = cache_folder(repo) / "inputs.json"
    inputs.parent.mkdir(parents=True)
    inputs.write_text(damage)
    assert kept_digest(repo) == digest(repo)
    assert len(recorded(repo)) == 3


@pytest.mark.usefixtures("settled_files")
def test_a_file_name_that_is_not_utf8_is_digested_and_recorded(repo: Path) -> None:
    odd = os.fsencode(repo / "incidents/2026") + b"/caf\xe9.md"
    with open(odd, "wb") as file:  # noqa: PTH123 (a name pathlib cannot spell)
        file.write(b"---\ntitle: x\n---\n")
    plain = digest(repo)
    assert kept_digest(repo) == plain == kept_digest(repo)
    assert len(recorded(repo)) == 4
    os.unlink(odd)  # noqa: PTH108
    assert digest(repo) != plain


@pytest.mark.parametrize(
    "value",
    [
        [1, 2, 3, 4, True, "ab" * 32],
        [1, 2, 3, 4, 5.0, "ab" * 32],
        [1, 2, 3, 4, 5, "AB" * 32],
        [1, 2, 3, 4, 5, "ab " * 21 + "a"],
        [1, 2, 3, 4, 5, "ab" * 31],
        [1, 2, 3, 4, 5, "ab" * 32, 6],
        (1, 2, 3, 4, 5, "ab" * 32),
    ],
)
def test_only_a_recorded_hash_written_as_the_cache_writes_it_is_read(value: object) -> None:
    assert buildcache._hash_entry(value) is None


def test_a_recorded_hash_is_read_with_its_signature() -> None:
    assert buildcache._hash_entry([1, 2, 3, 4, 5, "ab" * 32]) == ((1, 2, 3, 4, 5), b"\xab" * 32)
