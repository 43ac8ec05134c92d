"""``statusgen validate``: load the repository, report every problem, exit 1 when it is not clean."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import click

from statusgen.errors import InputError, Problem, StatusgenError
from statusgen.load import load_repository
from statusgen.load.visibility import remote_hosts, visibility_warnings
from statusgen.render.theme import check_themes
from statusgen.themedirs import theme_dirs


def run_validate(
    root: Path,
    *,
    strict: bool,
    output_format: str,
    now: datetime | None = None,
    real_now: datetime | None = None,
    visibility: str | None = None,
) -> None:
    """Print the repository's problems; raise when there are errors (or warnings with ``strict``).

    :param now: the clock overdue and silent incidents are judged at (see ``load_repository``).
    :param real_now: the real time, after which nothing may be dated.
    :param visibility: the repository's visibility as its host reported it (``public``, ``private``,
        ``internal``), or ``None`` when unknown: then the git remotes are all there is to go by.

    :param output_format: ``text`` (``path:line:col: error: message``) or ``github`` (workflow
        commands that annotate the lines of a pull request, followed by the text report).
    :raises InputError: when a file has errors.
    :raises StatusgenError: when ``strict`` and there are warnings.
    """
    try:
        repository = load_repository(root, now=now, real_now=real_now)
        check_themes(theme_dirs(root), (a.theme for a in repository.audiences.values()))
    except InputError as error:
        _annotate(error.problems, output_format)
        raise
    warnings = [*repository.warnings, *visibility_warnings(repository, remote_hosts(root), visibility)]
    _annotate(warnings, output_format)
    for warning in warnings:
        click.echo(str(warning), err=True)
    if strict and warnings:
        count = f"{len(warnings)} warning{'s' if len(warnings) != 1 else ''}"
        raise StatusgenError(f"{count} found; --strict treats warnings as errors")
    files = len({incident.path for incident in repository.incidents})  # a recurring maintenance once
    summary = (
        f"ok: {_count(len(repository.catalogue.components), 'component')}, "
        f"{_count(len(repository.audiences), 'audience')}, {_count(files, 'incident')}"
    )
    if warnings:
        summary += f" ({_count(len(warnings), 'warning')})"
    click.echo(summary)


def _annotate(problems: list[Problem], output_format: str) -> None:
    if output_format == "github":
        for problem in problems:
            click.echo(problem.github())


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'s' if number != 1 else ''}"
