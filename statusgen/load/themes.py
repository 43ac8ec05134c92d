"""The repository's own themes: every file a build may read from ``themes/`` stays in the repository.

Jinja and the stylesheet reader open theme files by path and follow symbolic links, so a link in
``themes/`` to a file outside the repository (or into ``.git``) would be published as a template or
a stylesheet. The themes statusgen ships are part of the package and are not checked.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

from statusgen.errors import Problem

FOLDER = "themes"


def theme_file_problems(root: Path) -> list[Problem]:
    """A problem at each file under ``themes/`` that, once links are followed, is outside the
    repository, in a ``.git`` folder, or not a regular file; nothing of such a file is read."""
    real_root = os.path.realpath(root)
    problems = []
    for relative, real in _files(root):
        inside = real.startswith(f"{real_root}/")
        reason = None
        if not inside:
            reason = "is outside the repository once symbolic links are followed"
        elif ".git" in real[len(real_root) + 1 :].split("/"):
            reason = "is in a .git folder once symbolic links are followed"
        elif not Path(real).is_file():
            reason = "is not a regular file"
        if reason:
            problems.append(Problem(relative, 1, 1, f"the theme file {reason}; replace it with a plain file"))
    return problems


def _files(root: Path) -> Iterator[tuple[str, str]]:
    """(repository-relative path, real path) of every entry but folders under ``themes/``, links
    followed; a folder reached twice (a link cycle) is walked once."""
    seen: set[str] = set()
    for folder, names, files in os.walk(root / FOLDER, followlinks=True):
        real_folder = os.path.realpath(folder)
        if real_folder in seen:
            names.clear()
            continue
        seen.add(real_folder)
        names.sort()
        relative_folder = Path(folder).relative_to(root).as_posix()
        for name in sorted(files):
            yield f"{relative_folder}/{name}", os.path.realpath(f"{folder}/{name}")
