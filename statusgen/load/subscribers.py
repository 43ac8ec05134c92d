"""``subscribers/<file>.yaml``: who an email channel writes to, read and checked with the repository.

Each file is read once, however many channels name it, under the loader's containment rule; its
components are checked against the catalogue and against what each audience that uses it can see.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from statusgen.errors import Problem
from statusgen.load.files import Located, escapes, parse_yaml, read_text, validate
from statusgen.load.problems import did_you_mean
from statusgen.model import Audience, Catalogue
from statusgen.model.notify import Email, Subscriber
from statusgen.model.selection import select_components

FOLDER = "subscribers"
_EXAMPLE = f"{FOLDER}/public.yaml"

Subscribers = dict[str, tuple[Subscriber, ...]]
"""Repository-relative path → the subscribers it lists."""


def load_subscribers(
    root: Path,
    audiences: Mapping[str, Located[Audience]],
    catalogue: Catalogue | None,
    problems: list[Problem],
) -> Subscribers:
    """Every subscribers file an email channel names; a problem for each path or entry that is wrong."""
    read: dict[str, _File | None] = {}
    found: set[Problem] = set()
    for audience_id, audience in audiences.items():
        for loc, email in _email_channels(audience.value):
            path = email.subscribers
            if path is None:
                continue
            message = _path_problem(path)
            if message is None and path not in read:
                read[path] = _read(root, path, problems)
            if message is None and read[path] is None and not os.path.lexists(f"{root}/{path}"):
                message = f"no file {path}; subscriber files are relative to the repository root"
            if message is not None:
                position = audience.tree.lookup((*loc, "subscribers"))
                problems.append(Problem(audience.path, position.line, position.col, message))
            elif (listed := read[path]) is not None and catalogue is not None:
                found.update(_component_problems(listed.components, catalogue, audience_id, audience.value))
    problems.extend(sorted(found))
    return {
        path: tuple(file.subscribers)
        for path, file in sorted(read.items())
        if file is not None and file.subscribers is not None
    }


def _email_channels(audience: Audience) -> Iterator[tuple[tuple[str | int, ...], Email]]:
    for key in ("notify", "nudge"):
        for index, channel in enumerate(getattr(audience, key)):
            if channel.email is not None:
                yield (key, index, "email"), channel.email


def _path_problem(path: str) -> str | None:
    """What is wrong with the path as written, before any file is looked at."""
    instead = f"put the file in {FOLDER}/ and write {_EXAMPLE}"
    normal = os.path.normpath(path)
    if path.startswith("/"):
        return f"{path} is an absolute path; {instead}"
    if not normal.startswith(f"{FOLDER}/"):
        return f"{path} is outside {FOLDER}/; {instead}"
    if ".git" in normal.split("/"):
        return f"{path} is in a .git folder; {instead}"
    if not path.endswith(".yaml"):
        return f"{path} is not a .yaml file; {instead}"
    return None


@dataclass(frozen=True)
class _File:
    subscribers: list[Subscriber] | None
    """``None`` when the file has errors."""
    components: Located[list[list[str]]]
    """The component ids each entry lists, as parsed, with their positions."""


def _read(root: Path, path: str, problems: list[Problem]) -> _File | None:
    """The file's subscribers, or ``None`` after adding its problems (``None`` alone: it is missing)."""
    if not os.path.lexists(f"{root}/{path}"):
        return None
    escaped = escapes(root, path, FOLDER)
    if escaped is not None:
        problems.append(Problem(path, 1, 1, f"the file {escaped}"))
        return None
    text = read_text(root, path, problems)
    raw = None if text is None else parse_yaml(text, path, problems)
    if raw is None:
        return None
    found: Located[list[Subscriber]] | None = validate(list[Subscriber], raw, problems, {}, [])
    # Components are checked on the parsed entries, so that one bad address hides no other problem.
    listed = [_listed(entry) for entry in raw.data] if isinstance(raw.data, list) else []
    return _File(found.value if found else None, Located(path, raw.tree, listed))


def _listed(entry: Any) -> list[str]:
    components = entry.get("components") if isinstance(entry, dict) else None
    return [c for c in components if isinstance(c, str)] if isinstance(components, list) else []


def _component_problems(
    found: Located[list[list[str]]], catalogue: Catalogue, audience_id: str, audience: Audience
) -> Iterator[Problem]:
    known = [c.id for c in catalogue.components]
    visible = set(select_components(catalogue, audience.components))
    for index, components in enumerate(found.value):
        for position_in_list, component in enumerate(components):
            if component not in known:
                message = f"unknown component '{component}'" + did_you_mean(component, known)
            elif component not in visible:
                message = (
                    f"component '{component}' is not shown to the audience {audience_id}, whose email "
                    f"channel uses this file; remove it or pick one of: {', '.join(sorted(visible))}"
                )
            else:
                continue
            position = found.tree.lookup((index, "components", position_in_list))
            yield Problem(found.path, position.line, position.col, message)
