"""``status-log/pending/<component>.yaml``: the threshold machine's run, kept between CI runs.

The file holds the observations of the current run in the status log's own format, oldest first, so
a person can read what the monitors are waiting on. It exists only while a run is pending: the
monitor job commits it when it changes, and a healthy system has none. The build never reads it.
Callers hold the component's lock (:func:`statusgen.monitor.statuslog.component_lock`).
"""

from __future__ import annotations

from datetime import tzinfo
from pathlib import Path

from statusgen.errors import InputError, Problem
from statusgen.load.files import read_text
from statusgen.load.repository import STATUS_LOG
from statusgen.load.statuslog import parse_status_log
from statusgen.monitor.statuslog import Observation, format_entry
from statusgen.monitor.thresholds import Pending
from statusgen.write.atomic import write_text_atomic

PENDING = f"{STATUS_LOG}/pending"


def pending_path(root: Path, component: str) -> Path:
    """The file of ``component``'s pending run."""
    return root / PENDING / f"{component}.yaml"


def read_pending(root: Path, component: str, zone: tzinfo) -> Pending:
    """``component``'s pending run (empty when there is none).

    :raises InputError: when the file does not read as status-log entries of one component.
    """
    path = pending_path(root, component)
    if not path.exists():
        return ()
    relative = path.relative_to(root).as_posix()
    problems: list[Problem] = []
    text = read_text(root, relative, problems)
    log = None if text is None else parse_status_log(text, relative, problems, context={"timezone": zone})
    if problems or log is None:
        raise InputError(problems)
    return tuple(Observation(component, e.status, e.at, e.source, e.note) for e in log.value)


def write_pending(root: Path, component: str, pending: Pending, policy_text: str) -> bool:
    """Store ``pending`` (remove the file when it is empty).

    :param policy_text: what the run waits for, written as the file's comment.
    :returns: whether the file changed.
    """
    path = pending_path(root, component)
    if not pending:
        existed = path.exists()
        path.unlink(missing_ok=True)
        return existed
    text = f"# {policy_text}\n" + "".join(f"{format_entry(o)}\n" for o in pending)
    if path.exists() and path.read_bytes() == text.encode("utf-8"):
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    write_text_atomic(path, text)
    return True
