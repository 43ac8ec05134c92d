"""``load_repository``: read every input file, check them together, fail once with every problem."""

from __future__ import annotations

import gc
import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, tzinfo
from functools import partial
from pathlib import Path
from typing import Any

from statusgen.errors import InputError, Problem, StatusgenError
from statusgen.load.cache import LoadCache, read_file
from statusgen.load.checks import cross_file_problems, future_problems
from statusgen.load.files import Located, Raw, file_stem, parse_document
from statusgen.load.incidents import parse_incident
from statusgen.load.lint import repository_warnings
from statusgen.load.parsed import Parsed
from statusgen.load.statuslog import parse_status_log
from statusgen.model import Audience, Catalogue, Repository, Site
from statusgen.themedirs import available_themes

SITE = "site-config/site.yaml"
COMPONENTS = "site-config/components.yaml"
AUDIENCES = "site-config/audiences"
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
    problems += cross_file_problems(parsed, root, available_themes(root))
    if real_now is not None:
        # Outside the cache: the same file becomes valid as the real time catches up with it.
        problems += future_problems(parsed, real_now)
    if problems or parsed.site is None or parsed.catalogue is None:
        raise InputError(problems)
    site = parsed.site.value
    warnings = repository_warnings(parsed, now, site.tz)
    incidents = sorted((i.value for i in parsed.incidents), key=lambda i: (i.started, i.id))
    return Repository(
        root=root,
        site=site,
        catalogue=parsed.catalogue.value,
        audiences={audience_id: a.value for audience_id, a in sorted(parsed.audiences.items())},
        incidents=tuple(incidents),
        status_log={component: log.value for component, log in sorted(parsed.status_logs.items())},
        warnings=tuple(sorted(warnings)),
    )


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
    audience_paths = _files(root, AUDIENCES, ".yaml", problems, recursive=False)
    if not audience_paths:
        problems.append(Problem(AUDIENCES, 1, 1, f"no audience; add a file such as {AUDIENCES}/public.yaml"))
    audiences = {file_stem(p): _document(root, p, problems, cache, Audience, zone)[1] for p in audience_paths}
    incident_paths = _files(root, INCIDENTS, ".md", problems, recursive=True)
    incident_in_zone = partial(parse_incident, zone=zone)
    incidents = [
        read_file(root, path, problems, incident_in_zone, cache=cache, token=("incident", zone))
        for path in incident_paths
    ]
    log_paths = {file_stem(p): p for p in _files(root, STATUS_LOG, ".yaml", problems, recursive=False)}
    log_in_zone = partial(parse_status_log, context={"timezone": zone})
    logs = {
        component: read_file(root, path, problems, log_in_zone, cache=cache, token=("status-log", zone))
        for component, path in log_paths.items()
    }
    return Parsed(
        site=site,
        catalogue=catalogue,
        catalogue_raw=catalogue_raw,
        audience_ids=tuple(sorted(audiences)),
        audiences={a: located for a, located in audiences.items() if located is not None},
        incidents=tuple(i for i in incidents if i is not None),
        incident_paths=tuple(incident_paths),
        status_logs={c: log for c, log in logs.items() if log is not None},
        status_log_paths=log_paths,
    )


def _required(
    root: Path,
    path: str,
    problems: list[Problem],
    cache: LoadCache | None,
    example: str,
    target: Any,
    zone: tzinfo | None,
) -> tuple[Raw | None, Located[Any] | None]:
    if not (root / path).is_file():
        problems.append(Problem(path, 1, 1, f"missing file; create {path} with at least '{example}'"))
        return None, None
    return _document(root, path, problems, cache, target, zone)


def _document(
    root: Path, path: str, problems: list[Problem], cache: LoadCache | None, target: Any, zone: tzinfo | None
) -> tuple[Raw | None, Located[Any] | None]:
    """A YAML file parsed and validated against ``target``; ``zone`` reads times written without one
    (``None``: no context, for site.yaml that names the zone)."""
    parse = partial(parse_document, target=target, context={} if zone is None else {"timezone": zone})
    return read_file(root, path, problems, parse, cache=cache, token=(target, zone)) or (None, None)


def _files(root: Path, folder: str, suffix: str, problems: list[Problem], *, recursive: bool) -> list[str]:
    """Repository-relative POSIX paths of the files in ``folder`` whose names end in ``suffix``, sorted.

    ``README.md`` files are documentation, not incidents. A ``.yml`` file is reported: it would
    otherwise be ignored without a word.
    """
    paths = []
    for relative in _walk(root, folder, recursive=recursive):
        name = relative.rpartition("/")[2]
        if name.lower() == "readme.md":
            continue
        if name.endswith(suffix):
            paths.append(relative)
        elif suffix == ".yaml" and name.endswith(".yml") and len(name) > len(".yml"):
            message = f"rename the file to {file_stem(name)}.yaml; only .yaml files are read"
            problems.append(Problem(relative, 1, 1, message))
    return paths


def _walk(root: Path, folder: str, *, recursive: bool) -> Iterator[str]:
    """Repository-relative paths of the files under ``folder``, sorted like ``Path`` objects (by their
    parts), without following symbolic links to folders (like ``Path.rglob``).

    Plain strings and ``os.scandir``: a site has thousands of incident files, and a path object per
    file costs more than reading them.
    """
    try:
        with os.scandir(root / folder) as entries:
            listed = sorted(entries, key=lambda entry: entry.name)
    except OSError:  # no such folder, or not one
        return
    for entry in listed:
        relative = f"{folder}/{entry.name}"
        try:
            if entry.is_file():
                yield relative
            elif recursive and entry.is_dir(follow_symlinks=False):
                yield from _walk(root, relative, recursive=True)
        except OSError:
            continue
