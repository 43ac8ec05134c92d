"""``load_repository``: read every input file, check them together, fail once with every problem."""

from __future__ import annotations

import gc
import os
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, tzinfo
from functools import partial
from pathlib import Path
from typing import Any

from statusgen.errors import InputError, Problem, StatusgenError
from statusgen.load.branding import load_branding
from statusgen.load.cache import LoadCache, read_file
from statusgen.load.checks import cross_file_problems, future_problems
from statusgen.load.files import Located, Raw, escapes, file_stem, parse_document
from statusgen.load.incidents import read_incident
from statusgen.load.lint import repository_warnings
from statusgen.load.parsed import Parsed
from statusgen.load.recurrence import expand
from statusgen.load.statuslog import parse_status_log
from statusgen.load.subscribers import load_subscribers
from statusgen.load.templates import template_problems
from statusgen.load.themes import theme_file_problems
from statusgen.model import Audience, Catalogue, Incident, Repository, Site
from statusgen.themedirs import available_themes
from statusgen.workers import forked_pool

CONFIG = "site-config"
SITE = f"{CONFIG}/site.yaml"
COMPONENTS = f"{CONFIG}/components.yaml"
AUDIENCES = f"{CONFIG}/audiences"
INCIDENTS = "incidents"
STATUS_LOG = "status-log"


def load_repository(
    root: Path,
    *,
    now: datetime | None = None,
    real_now: datetime | None = None,
    cache: LoadCache | None = None,
) -> Repository:
    """Read and check the whole repository at ``root``. Pure: the clocks are parameters.

    :param now: the clock for the warnings that depend on time (overdue updates, silent incidents);
        without it those are not looked for.
    :param real_now: the real time (``clock.wall_clock()``, whatever ``--now`` says): an update,
        ``started:`` time or status-log entry dated after it is an error; not checked when ``None``.
    :param cache: kept by the caller between loads of one repository (``serve``): files unchanged
        since the last load are not read again, and give the same objects (and problems) as then.
        The checks across files run on the whole repository every time.
    :returns: the repository, with ``warnings`` filled.
    :raises InputError: with every error of every file, sorted by location.
    :raises StatusgenError: when ``root`` has no ``site-config/`` folder.
    """
    if not (root / "site-config").is_dir():
        raise StatusgenError(
            f"no site-config/ folder in {root}; run statusgen in a status repository or pass --root PATH"
        )
    with _collector_paused():
        return _load(root, now, real_now, cache)


def _load(root: Path, now: datetime | None, real_now: datetime | None, cache: LoadCache | None) -> Repository:
    problems: list[Problem] = []
    parsed = _parse(root, problems, cache)
    if cache is not None:
        cache.forget_unread()
    branding = load_branding(root, parsed.audiences, problems)
    catalogue = parsed.catalogue.value if parsed.catalogue else None
    subscribers = load_subscribers(root, parsed.audiences, catalogue, problems)
    problems += cross_file_problems(parsed, available_themes(root))
    problems += template_problems(root, catalogue, parsed.site.value.tz if parsed.site else UTC)
    problems += theme_file_problems(root)
    if real_now is not None:
        # Outside the cache: the same file becomes valid as the real time catches up with it.
        problems += future_problems(parsed, real_now)
    if problems or parsed.site is None or parsed.catalogue is None:
        raise InputError(problems)
    site = parsed.site.value
    warnings = repository_warnings(parsed, now, site.tz)
    # After the checks and warnings, which speak of files: every stage from here on sees occurrences.
    expanded = expand((i.value for i in parsed.incidents), site.tz, now or real_now)
    incidents = sorted(expanded, key=lambda i: (i.started, i.id))
    return Repository(
        root=root,
        site=site,
        catalogue=parsed.catalogue.value,
        audiences={audience_id: a.value for audience_id, a in sorted(parsed.audiences.items())},
        incidents=tuple(incidents),
        status_log={component: log.value for component, log in sorted(parsed.status_logs.items())},
        branding=dict(sorted(branding.items())),
        warnings=tuple(sorted(warnings)),
        subscribers=subscribers,
    )


def site_timezone(root: Path) -> tzinfo:
    """site.yaml's timezone, for a time written on the command line without one; UTC when site.yaml
    cannot be read or is not valid (loading the repository then says why)."""
    site = _required(root, SITE, [], None, "", Site, None)[1]
    return site.value.tz if site else UTC


def component_names(root: Path) -> list[tuple[str, str]]:
    """(id, name) of every component in components.yaml, in its order, for a prompt; none when the
    file is not valid (loading the repository then says why)."""
    catalogue = _required(root, COMPONENTS, [], None, "", Catalogue, None)[1]
    return [] if catalogue is None else [(c.id, c.name) for c in catalogue.value.components]


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Reading makes a great many objects that all live on, and no reference cycles: the cyclic
    garbage collector would walk them again and again (a fifth of the load time) and free nothing."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _parse(root: Path, problems: list[Problem], cache: LoadCache | None) -> Parsed:
    """Read every file; each file's own problems are added to ``problems``."""
    site = _required(root, SITE, problems, cache, "name: <your organisation>", Site, None)[1]
    zone: tzinfo = site.value.tz if site else UTC
    example = "components: [{id: api, name: API}]"
    catalogue_raw, catalogue = _required(root, COMPONENTS, problems, cache, example, Catalogue, zone)
    audience_paths = _files(root, AUDIENCES, ".yaml", problems, recursive=False, within=CONFIG)
    if not audience_paths:
        problems.append(Problem(AUDIENCES, 1, 1, f"no audience; add a file such as {AUDIENCES}/public.yaml"))
    audiences = {file_stem(p): _document(root, p, problems, cache, Audience, zone) for p in audience_paths}
    incident_paths = _files(root, INCIDENTS, ".md", problems, recursive=True)
    log_paths = {file_stem(p): p for p in _files(root, STATUS_LOG, ".yaml", problems, recursive=False)}
    log_in_zone = partial(parse_status_log, context={"timezone": zone})
    with _shared_out(root, incident_paths, cache, zone) as (own_paths, read_apart):
        incidents = [_incident(root, path, problems, cache, zone) for path in own_paths]
        logs = {
            component: read_file(root, path, problems, log_in_zone, cache=cache, token=("status-log", zone))
            for component, path in log_paths.items()
        }
        incidents += read_apart(problems)
    return Parsed(
        site=site,
        catalogue=catalogue,
        catalogue_raw=catalogue_raw,
        audience_ids=tuple(sorted(audiences)),
        audiences={a: located for a, (_, located) in audiences.items() if located is not None},
        broken_audiences=_broken(audiences.values()),
        incidents=tuple(located for _, located in incidents if located is not None),
        broken_incidents=_broken(incidents),
        incident_paths=tuple(incident_paths),
        status_logs={c: log for c, log in logs.items() if log is not None},
        status_log_paths=log_paths,
    )


SPLIT_FROM = 500
"""Incident files from which a load without a cache reads part of them in a forked process, on another
core: with fewer, starting that process costs about as much as it saves."""
APART_SHARE = 0.55
"""The part the other process reads: a little more than half, as this one also reads the status logs
and unpickles what the other read."""

_Read = tuple[Raw | None, Located[Incident] | None]
_ReadApart = Callable[[list[Problem]], list[_Read]]


@contextmanager
def _shared_out(
    root: Path, paths: list[str], cache: LoadCache | None, zone: tzinfo
) -> Iterator[tuple[list[str], _ReadApart]]:
    """The incident files for this process to read, and what reads the others, in their order, adding
    their problems: a forked process, which works meanwhile, or this one when it is not worth it."""
    # The cache is this process's: whatever another process read would not reach it.
    if cache is not None or len(paths) < SPLIT_FROM or (os.cpu_count() or 1) < 2:
        yield paths, lambda problems: []
        return
    split = len(paths) - int(len(paths) * APART_SHARE)
    # What the other process read comes back pickled from a process of this build (never from a file).
    with forked_pool(1) as pool:
        apart = pool.submit(_incidents_apart, root, paths[split:], zone)

        def read_apart(problems: list[Problem]) -> list[_Read]:
            read, found = apart.result()
            problems += found
            return read

        yield paths[:split], read_apart


def _incidents_apart(root: Path, paths: list[str], zone: tzinfo) -> tuple[list[_Read], list[Problem]]:
    problems: list[Problem] = []
    with _collector_paused():
        return [_incident(root, path, problems, None, zone) for path in paths], problems


def _incident(root: Path, path: str, problems: list[Problem], cache: LoadCache | None, zone: tzinfo) -> _Read:
    parse = partial(read_incident, zone=zone)
    return read_file(root, path, problems, parse, cache=cache, token=("incident", zone)) or (None, None)


def _broken(read: Iterable[tuple[Raw | None, Located[Any] | None]]) -> tuple[Raw, ...]:
    """The parsed documents of the files that failed validation."""
    return tuple(raw for raw, located in read if raw is not None and located is None)


def _required(
    root: Path,
    path: str,
    problems: list[Problem],
    cache: LoadCache | None,
    example: str,
    target: Any,
    zone: tzinfo | None,
) -> tuple[Raw | None, Located[Any] | None]:
    if not os.path.lexists(f"{root}/{path}"):
        problems.append(Problem(path, 1, 1, f"missing file; create {path} with at least '{example}'"))
        return None, None
    # Resolved whether or not the file is a link: site-config/ itself may be one.
    escaped = _escaped(root, path, CONFIG)
    if escaped is not None:
        problems.append(escaped)
        return None, None
    return _document(root, path, problems, cache, target, zone)


def _document(
    root: Path, path: str, problems: list[Problem], cache: LoadCache | None, target: Any, zone: tzinfo | None
) -> tuple[Raw | None, Located[Any] | None]:
    """A YAML file parsed and validated against ``target``; ``zone`` reads times written without one
    (``None``: no context, for site.yaml that names the zone)."""
    parse = partial(parse_document, target=target, context={} if zone is None else {"timezone": zone})
    return read_file(root, path, problems, parse, cache=cache, token=(target, zone)) or (None, None)


def _files(
    root: Path,
    folder: str,
    suffix: str,
    problems: list[Problem],
    *,
    recursive: bool,
    within: str | None = None,
) -> list[str]:
    """Repository-relative POSIX paths of the files in ``folder`` whose names end in ``suffix``, sorted.

    ``README.md`` files are documentation, not incidents. A ``.yml`` file is reported: it would
    otherwise be ignored without a word. A symbolic link is listed only when it leads to a file in
    ``within`` (``folder`` when ``None``) and in no ``.git`` folder; a ``folder`` reached through a
    link is not read at all.
    """
    if os.path.realpath(root / folder) != f"{os.path.realpath(root)}/{folder}":
        message = "the folder is a symbolic link, or inside one; make it a plain folder of the repository"
        problems.append(Problem(folder, 1, 1, message))
        return []
    paths = []
    for relative, linked in _walk(root, folder, problems, recursive=recursive):
        name = relative.rpartition("/")[2]
        if name.lower() == "readme.md":
            continue
        escaped = _escaped(root, relative, within or folder) if linked and name.endswith(suffix) else None
        if escaped is not None:
            problems.append(escaped)
        elif name.endswith(suffix):
            paths.append(relative)
        elif suffix == ".yaml" and name.endswith(".yml") and len(name) > len(".yml"):
            message = f"rename the file to {file_stem(name)}.yaml; only .yaml files are read"
            problems.append(Problem(relative, 1, 1, message))
    return paths


def _escaped(root: Path, path: str, folder: str) -> Problem | None:
    """The problem of a file that is not in ``folder`` once symbolic links are followed, if it is not."""
    escaped = escapes(root, path, folder)
    return None if escaped is None else Problem(path, 1, 1, f"the file {escaped}")


def _walk(root: Path, folder: str, problems: list[Problem], *, recursive: bool) -> Iterator[tuple[str, bool]]:
    """Repository-relative paths of the files under ``folder``, sorted like ``Path`` objects (by their
    parts), each with whether it is a symbolic link (to anything: the caller checks where it leads).
    Links to folders and folders named ``.git`` are not entered; a folder that cannot be listed is a
    problem, except a missing ``folder`` itself.

    Plain strings and ``os.scandir``: a site has thousands of incident files, and a path object per
    file costs more than reading them; a directory entry knows whether it is a link without a call.
    A stack of listings, not recursion: folders may nest deeper than Python's recursion limit.
    """
    stack = [(folder, _listing(root, folder, problems, top=True))]
    while stack:
        parent, entries = stack[-1]
        entry = next(entries, None)
        if entry is None:
            stack.pop()
            continue
        relative = f"{parent}/{entry.name}"
        try:
            if entry.is_symlink():
                yield relative, True
            elif entry.is_file(follow_symlinks=False):
                yield relative, False
            elif recursive and entry.name != ".git" and entry.is_dir(follow_symlinks=False):
                stack.append((relative, _listing(root, relative, problems, top=False)))
        except OSError:
            continue


def _listing(root: Path, folder: str, problems: list[Problem], *, top: bool) -> Iterator[os.DirEntry[str]]:
    """The entries of ``folder``, sorted by name; none, after adding a problem, when it cannot be
    listed (and none without one when the ``top`` folder is missing: status-log/ is optional)."""
    try:
        with os.scandir(f"{root}/{folder}") as entries:
            return iter(sorted(entries, key=lambda entry: entry.name))
    except OSError as error:
        if not (top and isinstance(error, FileNotFoundError | NotADirectoryError)):
            problems.append(Problem(folder, 1, 1, f"cannot read the folder: {error.strerror or error}"))
        return iter(())
