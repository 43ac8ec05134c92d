"""Who wrote each incident update, read from git history: the repository's audit log."""

from __future__ import annotations

import subprocess
from datetime import tzinfo
from pathlib import Path

from statusgen.load.frontmatter import UPDATE_HEADING
from statusgen.model.incident import update_anchor
from statusgen.timeparse import TimeFormatError, parse_time

Authors = dict[tuple[str, str], str]
"""(incident file path, update anchor) → name of the author of the commit that added the heading."""


def update_authors(root: Path, zone: tzinfo) -> Authors:
    """Authors of every update heading under ``incidents/``; empty outside a git checkout.

    One ``git log`` pass over the whole history, oldest commit first: the first commit that adds a
    heading is its author's, later edits of the text around it are not.
    """
    command = ["git", "-C", str(root), "log", "--reverse", "--relative", "--no-renames", "--no-color"]
    command += ["--format=%x00%an", "--unified=0", "-p", "--", "incidents"]
    try:
        log = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return {}
    return parse_log(log, zone)


def parse_log(log: str, zone: tzinfo) -> Authors:
    """Authors from the text of ``git log -p --format=%x00%an`` (see :func:`update_authors`)."""
    authors: Authors = {}
    author = path = None
    for line in log.splitlines():
        if line.startswith("\0"):
            author = line[1:]
        elif line.startswith("+++ "):
            path = line.removeprefix("+++ b/") if line.startswith("+++ b/") else None
        elif line.startswith("+") and path and author:
            match = UPDATE_HEADING.match(line[1:])
            if match:
                try:
                    anchor = update_anchor(parse_time(match["time"], zone))
                except TimeFormatError:
                    continue
                authors.setdefault((path, anchor), author)
    return authors
