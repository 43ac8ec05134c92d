"""Feeds across real rebuilds: a later --now with one new update adds one entry and keeps every id."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import feedparser
from example import NOW, copy_example

from statusgen.build import build


def entry_ids(site: Path, feed: str) -> list[str]:
    parsed = feedparser.parse((site / feed).read_bytes())
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    return [entry.id for entry in parsed.entries]


def test_one_new_update_is_one_new_entry(tmp_path: Path) -> None:
    root = copy_example(tmp_path / "repo")
    build(root, tmp_path / "before", NOW, ["public"])
    incident = next(root.glob("incidents/**/2026-11-23-us-card-declines.md"))
    at = NOW + timedelta(hours=1)
    incident.write_text(
        incident.read_text() + f"\n## {at:%Y-%m-%d %H:%M} UTC — Monitoring\nDeclines are back to normal.\n"
    )
    build(root, tmp_path / "after", NOW + timedelta(hours=2), ["public"])

    for feed in ("history.atom", "history.rss"):
        before = entry_ids(tmp_path / "before" / "public", feed)
        after = entry_ids(tmp_path / "after" / "public", feed)
        new = [i for i in after if i not in before]
        assert len(new) == 1 and new[0].endswith("#update-20261123t190000z")
        assert after[0] == new[0]
        # Only the oldest entry may fall off the end of a full feed.
        assert set(before) - set(after) <= {before[-1]}
