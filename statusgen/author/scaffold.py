"""``statusgen init``: a new status repository that validates and builds at once.

The files come from the package data folder ``statusgen/scaffold/``. Names starting with ``dot-``
become dot files there (``dot-github/`` → ``.github/``), because package-data globs skip hidden
files. The example incident, ``requirements.txt`` and the JSON Schemas are generated, so they always
match this version of statusgen.
"""

from __future__ import annotations

import contextlib
import shutil
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from statusgen import __version__
from statusgen.author.incidents import DEFAULT_MESSAGES, incident_text, slugify
from statusgen.author.markdown import NewUpdate, insert_update
from statusgen.author.schema import schema_text, schemas
from statusgen.errors import StatusgenError
from statusgen.model import ComponentStatus, Impact, IncidentStatus

SCAFFOLD = Path(__file__).parent.parent / "scaffold"
_DOT = "dot-"

NEXT_STEPS = """
Next steps:
  cd {directory}
  statusgen serve                 preview every audience at http://127.0.0.1:8000/
  statusgen new incident "API errors" --component api=partial_outage --impact minor
  git init && git add . && git commit -m "Status repository"

Keep this repository private when you push it: its files hold what the public site hides
([internal] updates, drafts, internal components and the private audiences' pages), and anyone can
read a public repository's files. README.md explains the GitHub settings the workflows need
(Cloudflare, Alertmanager, branch protection) and what they cost.
"""


_SINCE = b"@TODAY@"
"""Where the scaffold's components.yaml gets its ``since:`` day."""


def scaffold_files(now: datetime) -> dict[str, bytes]:
    """Every file of a new status repository: relative POSIX path → bytes.

    :param now: dates the example incident two days back, so it shows in the uptime bars.
    """
    files = {}
    for path in sorted(SCAFFOLD.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            parts = path.relative_to(SCAFFOLD).parts
            target = "/".join("." + p.removeprefix(_DOT) if p.startswith(_DOT) else p for p in parts)
            files[target] = path.read_bytes()
    files["requirements.txt"] = f"statusgen=={__version__}\n".encode()
    # Uptime is measured from `since:` on; without it a component that never failed has no data yet.
    # A week back, so that the example incident's day shows in the bars.
    since = (now - timedelta(days=7)).astimezone(UTC).date().isoformat().encode()
    files["site-config/components.yaml"] = files["site-config/components.yaml"].replace(_SINCE, since)
    files.update({f"schemas/{name}": schema_text(schema).encode() for name, schema in schemas().items()})
    started = (now - timedelta(days=2)).astimezone(UTC).replace(hour=9, minute=12, second=0, microsecond=0)
    files[_example_path(started)] = example_incident(started).encode()
    return files


def example_incident(started: datetime) -> str:
    """A short, resolved incident on the API, showing an internal note and the update headings."""
    title = "Slow API responses"
    path = _example_path(started)
    text = incident_text(
        path,
        title,
        Impact.MINOR,
        {"api": ComponentStatus.DEGRADED_PERFORMANCE},
        started,
        message="Some API requests take several seconds. We are investigating.",
        internal_note="p99 latency 4 s on api-prod; the primary database is at 100 % CPU.",
    )
    resolved = NewUpdate(
        started + timedelta(minutes=48),
        IncidentStatus.RESOLVED,
        DEFAULT_MESSAGES[IncidentStatus.RESOLVED] + " A slow query was fixed.",
    )
    return insert_update(text, path, resolved, UTC, to_minute=True)


def _example_path(started: datetime) -> str:
    # The scaffold's site.yaml uses UTC, the zone that dates incident file names.
    return f"incidents/{started:%Y}/{started:%Y-%m-%d}-{slugify('Slow API responses')}.md"


def init_repository(directory: Path, now: datetime) -> list[str]:
    """Create a status repository in ``directory``, which must be absent or empty.

    The files are written into a temporary folder beside ``directory`` and renamed into place, so an
    interrupted ``init`` leaves nothing behind.

    :returns: the relative paths written, sorted.
    :raises StatusgenError: when ``directory`` is a file or not empty.
    """
    if directory.exists() and (not directory.is_dir() or any(directory.iterdir())):
        raise StatusgenError(
            f"{directory} is not an empty folder; pass a new folder name, e.g. statusgen init my-status"
        )
    files = scaffold_files(now)
    directory.parent.mkdir(parents=True, exist_ok=True)
    temp = Path(tempfile.mkdtemp(dir=directory.parent, prefix=f".{directory.name}."))
    try:
        for relative, content in files.items():
            target = temp / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)
        temp.chmod(0o755)
        # rename(2) replaces an empty folder, so "absent" and "empty" take the same path.
        temp.replace(directory)
    except BaseException:
        with contextlib.suppress(OSError):
            shutil.rmtree(temp)
        raise
    return sorted(files)
