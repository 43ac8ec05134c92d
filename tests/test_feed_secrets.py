"""Secret feed addresses of private audiences: published where asked, and nowhere else.

The canary secret is searched for in every byte of every audience's output and of the repository:
it may appear only inside ``internal/feeds/<secret>/``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import feedparser
import pytest
from click.testing import CliRunner

from statusgen.build import build
from statusgen.cli import cli
from statusgen.errors import StatusgenError
from statusgen.load import load_repository
from statusgen.load.feedsecrets import feed_secrets

NOW = datetime(2026, 11, 23, 18, 0, tzinfo=UTC)
CANARY = "canary-4f1c9e0b7a2d4e6f8a1b3c5d7e9f0a2b"
SECRETS = json.dumps({"internal": CANARY})


def _files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def test_the_secret_appears_only_in_the_private_audiences_secret_folder(
    fixture_repo: Callable[[str], Path], tmp_path: Path
) -> None:
    root = fixture_repo("minimal")
    build(root, tmp_path / "dist", NOW, feed_secrets=SECRETS)
    output = _files(tmp_path / "dist")
    secret_folder = f"internal/feeds/{CANARY}/"
    holding = sorted(path for path, content in output.items() if CANARY.encode() in content or CANARY in path)
    assert holding
    assert all(path.startswith(secret_folder) for path in holding), holding
    assert not any(CANARY.encode() in content for content in _files(root).values())
    copied = {path.removeprefix(secret_folder) for path in output if path.startswith(secret_folder)}
    assert {"history.rss", "history.atom", "maintenance.ics", "api/v2/summary.json", "badge.svg"} <= copied
    assert not any(path.endswith(".html") for path in copied)
    # The calendar and the API are the same bytes as at the root; the feeds differ in their self link.
    for name in ("maintenance.ics", "api/v2/summary.json", "badge.svg"):
        assert output[secret_folder + name] == output[f"internal/{name}"]
    feed = feedparser.parse(output[secret_folder + "history.atom"])
    self_link = next(link.href for link in feed.feed.links if link.rel == "self")
    assert self_link == f"https://internal.status.acme.example/feeds/{CANARY}/history.atom"
    assert feed.entries
    assert all(
        entry.link.startswith("https://internal.status.acme.example/incidents/") for entry in feed.entries
    )
    assert len(feed.entries) == len(feedparser.parse(output["internal/history.atom"]).entries)


def test_without_a_secret_there_is_no_secret_folder(
    fixture_repo: Callable[[str], Path], tmp_path: Path
) -> None:
    build(fixture_repo("minimal"), tmp_path / "dist", NOW)
    assert not (tmp_path / "dist/internal/feeds").exists()


def test_a_new_secret_retires_the_old_address(fixture_repo: Callable[[str], Path], tmp_path: Path) -> None:
    root = fixture_repo("minimal")
    build(root, tmp_path / "dist", NOW, feed_secrets=SECRETS)
    rotated = "rotated-" + "x" * 32
    build(root, tmp_path / "dist", NOW, feed_secrets=json.dumps({"internal": rotated}))
    assert [p.name for p in (tmp_path / "dist/internal/feeds").iterdir()] == [rotated]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "not json",
            'STATUSGEN_FEED_SECRETS is not a JSON object of audience id → secret, e.g. {"internal": "…"}',
        ),
        ('["x"]', "STATUSGEN_FEED_SECRETS is not a JSON object"),
        (
            json.dumps({"intrenal": CANARY}),
            "names the audience 'intrenal', which does not exist; did you mean 'internal'?",
        ),
        (json.dumps({"public": CANARY}), "STATUSGEN_FEED_SECRETS['public']: the audience is public"),
        (
            json.dumps({"internal": "short"}),
            "STATUSGEN_FEED_SECRETS['internal'] must be at least 32 characters",
        ),
        (
            json.dumps({"internal": CANARY + "/.."}),
            "must be at least 32 characters of A-Z, a-z, 0-9, '-' and '_'",
        ),
    ],
)
def test_bad_secrets_are_refused_without_repeating_them(
    fixture_repo: Callable[[str], Path], text: str, message: str
) -> None:
    audiences = load_repository(fixture_repo("minimal")).audiences
    with pytest.raises(StatusgenError) as refused:
        feed_secrets(text, audiences)
    assert message in str(refused.value)
    assert CANARY not in str(refused.value)


def test_cli_reads_the_secrets_from_the_environment_and_refuses_before_writing(
    fixture_repo: Callable[[str], Path], tmp_path: Path
) -> None:
    root, out = fixture_repo("minimal"), tmp_path / "dist"
    args = ["build", "--root", str(root), "--out", str(out), "--now", "2026-11-23 18:00 UTC"]
    refused = CliRunner().invoke(cli, args, env={"STATUSGEN_FEED_SECRETS": json.dumps({"public": CANARY})})
    assert refused.exit_code == 1
    assert "Traceback" not in refused.output
    assert not out.exists()
    built = CliRunner().invoke(cli, args, env={"STATUSGEN_FEED_SECRETS": SECRETS})
    assert built.exit_code == 0, built.output
    assert (out / f"internal/feeds/{CANARY}/history.rss").is_file()
    assert CANARY not in built.output
