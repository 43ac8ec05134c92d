"""Who wrote each incident update, read from git history: the repository's audit log."""

from __future__ import annotations

import re
import subprocess
import tempfile
from datetime import tzinfo
from pathlib import Path
from typing import IO

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
        self._command = ["git", "-C", str(root), "log", "--reverse", "--relative", "--no-renames"]
        self._command += ["--no-color", "--format=%x00%an", "--unified=0", "-p", "--", "incidents"]
        self._started: tuple[IO[bytes], subprocess.Popen[bytes]] | None = None
        # Into a file, not a pipe: git need not wait for this process to read, and no thread reads
        # meanwhile (the loader forks).
        log = None
        try:
            log = tempfile.TemporaryFile()  # noqa: SIM115 (closed by take, once git is done)
            quiet = subprocess.DEVNULL
            git = subprocess.Popen(self._command, stdin=quiet, stdout=log, stderr=quiet)
            self._started = (log, git)
        except OSError:  # no room for the file, or no git: take() runs git itself, which says which
            if log is not None:
                log.close()

    def take(self) -> str:
        """The log, once git has written all of it; empty outside a git checkout."""
        if self._started is None:
            try:
                return _text(subprocess.run(self._command, capture_output=True, check=True).stdout)
            except (OSError, subprocess.CalledProcessError):
                return ""
        log, git = self._started
        with log:
            if git.wait() != 0:
                return ""
            log.seek(0)
            return _text(log.read())


def _text(log: bytes) -> str:
    # Replaced, not refused: a file once committed with bytes that are not UTF-8 has no update heading
    # on those lines, and must not stop the build.
    return log.decode(errors="replace")


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
