"""Who wrote each incident update, read from git history: the repository's audit log."""

from __future__ import annotations

import contextlib
import re
import subprocess
import threading
from datetime import tzinfo
from pathlib import Path

from statusgen.load.frontmatter import UPDATE_HEADING
from statusgen.model.incident import update_anchor
from statusgen.timeparse import TimeFormatError, parse_time

Authors = dict[tuple[str, str], str]
"""(incident file path, update anchor) → name of the author of the commit that added the heading."""


def update_authors(root: Path, zone: tzinfo) -> Authors:
    """Authors of every update heading under ``incidents/``; empty outside a git checkout."""
    return parse_log(History(root).take(), zone)


class History:
    """The text of one ``git log`` pass over ``incidents/``, oldest commit first, which git starts
    writing as soon as this is made: a build reads it on another core while it loads the files.

    The first commit that adds a heading is its author's, later edits of the text around it are not.
    """

    def __init__(self, root: Path) -> None:
        self._text = ""
        # A daemon: a build that fails meanwhile need not wait for git to finish.
        self._reader = threading.Thread(target=self._read, args=(root,), daemon=True)
        self._reader.start()

    def _read(self, root: Path) -> None:
        command = ["git", "-C", str(root), "log", "--reverse", "--relative", "--no-renames", "--no-color"]
        command += ["--format=%x00%an", "--unified=0", "-p", "--", "incidents"]
        # Replaced, not refused: a file once committed with bytes that are not UTF-8 has no update
        # heading on those lines, and must not stop the build.
        with contextlib.suppress(OSError, subprocess.CalledProcessError):
            run = subprocess.run(command, capture_output=True, check=True, text=True, errors="replace")
            self._text = run.stdout

    def take(self) -> str:
        """The log, once git has written all of it (empty outside a git checkout), handed over: this
        object keeps no reference to it."""
        self._reader.join()
        text, self._text = self._text, ""
        return text


_INTERESTING = re.compile(
    r"^(?:\0(?P<author>.*)|\+\+\+ (?P<path>.*)|\+(?P<heading> {0,3}##.*))$", re.MULTILINE
)
"""The lines of the log that matter: a commit's author, a file's new path, an added line that may be
an update heading. Found by the regex engine: most of a log is added prose, which Python never sees."""


def parse_log(log: str, zone: tzinfo) -> Authors:
    """Authors from the text of ``git log -p --format=%x00%an`` (:class:`History`)."""
    authors: Authors = {}
    author = path = None
    for found in _INTERESTING.finditer(log):
        heading = found["heading"]
        if heading is None:
            if found["author"] is not None:
                author = found["author"]
            else:
                path = found["path"].removeprefix("b/") if found["path"].startswith("b/") else None
        elif path and author:
            match = UPDATE_HEADING.match(heading)
            if match:
                try:
                    anchor = update_anchor(parse_time(match["time"], zone))
                except TimeFormatError:
                    continue
                authors.setdefault((path, anchor), author)
    return authors
