"""``load_repository``: read every input file, check them together, fail once with every problem."""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo
from pathlib import Path
from typing import Any

from statusgen.errors import InputError, Problem, StatusgenError
from statusgen.load.checks import cross_file_problems
from statusgen.load.files import Located, Raw, read_yaml, validate
from statusgen.load.incidents import load_incident
from statusgen.load.lint import repository_warnings
from statusgen.load.parsed import Parsed
from statusgen.load.statuslog import read_status_log
from statusgen.model import Audience, Catalogue, Repository, Site
from statusgen.themedirs import available_themes

SITE = "site-config/site.yaml"
COMPONENTS = "site-config/components.yaml"
AUDIENCES = "site-config/audiences"
INCIDENTS = "incidents"
STATUS_LOG = "status-log"


def load_repository(root: Path, *, now: datetime | None = None) -> Repository:
    """Read and check the whole repository at ``root``.

    :param now: the clock for warnings (overdue updates); the system time when ``None``.
    :returns: the repository, with ``warnings`` filled.
    :raises InputError: with every error of every file, sorted by location.
    :raises StatusgenError: when ``root`` has no ``site-config/`` folder.
    """
    if not (root / "site-config").is_dir():
        raise StatusgenError(
            f"no site-config/ folder in {root}; run statusgen in a status repository or pass --root PATH"
        )
    problems: list[Problem] = []
    parsed = _parse(root, problems)
    problems += cross_file_problems(parsed, root, available_themes(root))
    if problems or parsed.site is None or parsed.catalogue is None:
        raise InputError(problems)
    site = parsed.site.value
    warnings = repository_warnings(parsed, now or datetime.now(UTC), site.tz)
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


def _parse(root: Path, problems: list[Problem]) -> Parsed:
    """Read every file; each file's own problems are added to ``problems``."""
    site_raw = _required(root, SITE, problems, "name: <your organisation>")
    site = validate(Site, site_raw, problems, {}, {}) if site_raw else None
    zone: tzinfo = site.value.tz if site else UTC
    context = {"timezone": zone}
    catalogue_raw = _required(root, COMPONENTS, problems, "components: [{id: api, name: API}]")
    catalogue = validate(Catalogue, catalogue_raw, problems, context, {}) if catalogue_raw else None
    audience_paths = _files(root, AUDIENCES, "*.yaml", problems, recursive=False)
    if not audience_paths:
        problems.append(Problem(AUDIENCES, 1, 1, f"no audience; add a file such as {AUDIENCES}/public.yaml"))
    audiences = {Path(p).stem: _validated(root, p, Audience, problems, context, {}) for p in audience_paths}
    incident_paths = _files(root, INCIDENTS, "*.md", problems, recursive=True)
    incidents = [load_incident(root, path, zone, problems) for path in incident_paths]
    log_paths = {Path(p).stem: p for p in _files(root, STATUS_LOG, "*.yaml", problems, recursive=False)}
    logs = {c: read_status_log(root, p, problems, context) for c, p in log_paths.items()}
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


def _required(root: Path, path: str, problems: list[Problem], example: str) -> Raw | None:
    if not (root / path).is_file():
        problems.append(Problem(path, 1, 1, f"missing file; create {path} with at least '{example}'"))
        return None
    return read_yaml(root, path, problems)


def _validated(
    root: Path, path: str, target: Any, problems: list[Problem], context: dict[str, Any], empty: Any
) -> Located[Any] | None:
    raw = read_yaml(root, path, problems)
    return validate(target, raw, problems, context, empty) if raw else None


def _files(root: Path, folder: str, pattern: str, problems: list[Problem], *, recursive: bool) -> list[str]:
    """Repository-relative POSIX paths of the files in ``folder`` matching ``pattern``, sorted.

    ``README.md`` files are documentation, not incidents. A ``.yml`` file is reported: it would
    otherwise be ignored without a word.
    """
    base = root / folder
    if not base.is_dir():
        return []
    found = base.rglob("*") if recursive else base.glob("*")
    paths = []
    for file in sorted(found):
        relative = file.relative_to(root).as_posix()
        if not file.is_file() or file.name.lower() == "readme.md":
            continue
        if file.match(pattern):
            paths.append(relative)
        elif pattern == "*.yaml" and file.suffix == ".yml":
            problems.append(
                Problem(relative, 1, 1, f"rename the file to {file.stem}.yaml; only .yaml files are read")
            )
    return paths
