"""Cross-file checks: references between files, duplicate ids, file names; times not yet come."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from typing import Any, Protocol

import babel

from statusgen.clock import after_real_time
from statusgen.errors import Problem
from statusgen.load.files import Located, file_stem
from statusgen.load.parsed import Parsed
from statusgen.load.problems import did_you_mean
from statusgen.load.yamlpos import Positions
from statusgen.locales import catalogue_language, shipped_languages
from statusgen.model import Catalogue, Component, Group, Incident, IncidentFront, MaintenanceFront
from statusgen.model.selection import parse_entry

_ID = re.compile(r"^[a-z0-9][a-z0-9_-]*$")


@dataclass(frozen=True)
class Known:
    """The ids other files may refer to; ``None`` when the file defining them is too broken to tell."""

    components: tuple[str, ...] | None
    groups: tuple[str, ...] | None
    tags: tuple[str, ...] | None
    audiences: tuple[str, ...]

    @cached_property
    def component_set(self) -> frozenset[str]:
        """``components`` for fast membership tests (every incident names some); empty when unknown."""
        return frozenset(self.components or ())


def cross_file_problems(parsed: Parsed, themes: Sequence[str]) -> list[Problem]:
    """Every problem that needs more than one file to see; ``themes`` are the ones that exist."""
    known = known_ids(parsed)
    problems = list(_file_names(parsed))
    problems += _themes(parsed, themes)
    problems += _languages(parsed)
    if parsed.catalogue is not None:
        problems += _catalogue(parsed.catalogue, known)
    for audience in parsed.audiences.values():
        for part in ("include", "exclude"):
            entries = getattr(audience.value.components, part)
            problems += _selection(audience.path, audience.tree, ("components", part), entries, known)
    for incident in parsed.incidents:
        problems += _incident(incident, known)
    problems += _duplicate_incidents(parsed.incident_paths)
    problems += _status_logs(parsed, known)
    return problems


def _themes(parsed: Parsed, themes: Sequence[str]) -> Iterator[Problem]:
    for audience in parsed.audiences.values():
        theme = audience.value.theme
        if theme not in themes:
            hint = did_you_mean(theme, themes, listing="known themes")
            message = f"theme '{theme}' is neither in themes/ nor built in{hint}"
            yield _at(audience.path, audience.tree, ("theme",), message)


def _languages(parsed: Parsed) -> Iterator[Problem]:
    shipped = shipped_languages()
    for audience in parsed.audiences.values():
        tag = audience.value.language
        words = catalogue_language(tag)
        if words is None:
            hint = did_you_mean(tag, shipped, listing="shipped languages")
            message = f"language '{tag}' is not shipped{hint}"
        elif not _cldr_knows(tag):
            message = f"CLDR has no dates and numbers for language '{tag}'; write '{words}'"
        else:
            continue
        yield _at(audience.path, audience.tree, ("language",), message)


def _cldr_knows(tag: str) -> bool:
    """Whether CLDR has dates and numbers for ``tag`` (``de-AT`` yes, ``de-XX`` no)."""
    try:
        babel.Locale.parse(tag, sep="-")
    except (ValueError, babel.UnknownLocaleError):
        return False
    return True


def known_ids(parsed: Parsed) -> Known:
    """Ids from the validated catalogue, else whatever ids a broken components.yaml still shows."""
    audiences = parsed.audience_ids
    if parsed.catalogue is not None:
        catalogue = parsed.catalogue.value
        return Known(
            tuple(c.id for c in catalogue.components),
            tuple(g.id for g in catalogue.groups),
            tuple(sorted({t for c in catalogue.components for t in c.tags})),
            audiences,
        )
    raw = parsed.raw_catalogue()
    components = _raw_items(raw.get("components"))
    tags = None if components is None else tuple(sorted(_raw_tags(components)))
    return Known(_raw_ids(components), _raw_ids(_raw_items(raw.get("groups"))), tags, audiences)


def _raw_items(value: Any) -> list[dict[Any, Any]] | None:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else None


def _raw_ids(items: list[dict[Any, Any]] | None) -> tuple[str, ...] | None:
    return None if items is None else tuple(i["id"] for i in items if isinstance(i.get("id"), str))


def _raw_tags(items: list[dict[Any, Any]]) -> set[str]:
    return {t for i in items if isinstance(i.get("tags"), list) for t in i["tags"] if isinstance(t, str)}


def _at(path: str, tree: Positions, loc: Sequence[Any], message: str, *, at_key: bool = False) -> Problem:
    position = tree.lookup(loc, at_key=at_key)
    return Problem(path, position.line, position.col, message)


def _file_names(parsed: Parsed) -> Iterator[Problem]:
    paths = [*(f"site-config/audiences/{a}.yaml" for a in parsed.audience_ids), *parsed.incident_paths]
    for path in [*paths, *parsed.status_log_paths.values()]:
        stem = file_stem(path)
        if not _ID.match(stem):
            yield Problem(
                path,
                1,
                1,
                f"the file name '{stem}' is used in URLs and must be an id of lower-case letters, "
                "digits, '-' and '_'; rename the file",
            )


def _catalogue(located: Located[Catalogue], known: Known) -> Iterator[Problem]:
    path, tree, catalogue = located.path, located.tree, located.value
    kinds: tuple[tuple[str, Sequence[Group | Component]], ...] = (
        ("group", catalogue.groups),
        ("component", catalogue.components),
    )
    for kind, items in kinds:
        first_index: dict[str, int] = {}
        for index, item in enumerate(items):
            loc = (f"{kind}s", index)
            if item.id in first_index:
                line = tree.lookup((f"{kind}s", first_index[item.id], "id")).line
                yield _at(
                    path,
                    tree,
                    (*loc, "id"),
                    f"duplicate {kind} id '{item.id}' (first defined on line {line})",
                )
            first_index.setdefault(item.id, index)
            yield from _names(path, tree, loc, item.names, known)
    for index, component in enumerate(catalogue.components):
        if component.group is not None and known.groups is not None and component.group not in known.groups:
            message = f"unknown group '{component.group}'" + did_you_mean(component.group, known.groups)
            yield _at(path, tree, ("components", index, "group"), message)


def _names(
    path: str, tree: Positions, loc: tuple[Any, ...], names: dict[str, str], known: Known
) -> Iterator[Problem]:
    for audience in names:
        if audience not in known.audiences:
            message = f"unknown audience '{audience}'" + did_you_mean(
                audience, known.audiences, listing="audiences"
            )
            yield _at(path, tree, (*loc, "names", audience), message, at_key=True)


def _selection(
    path: str, tree: Positions, loc: tuple[str, str], entries: list[str], known: Known
) -> Iterator[Problem]:
    for index, entry in enumerate(entries):
        message = _selection_problem(entry, known)
        if message:
            yield _at(path, tree, (*loc, index), message)


def _selection_problem(entry: str, known: Known) -> str | None:
    """Why a selection entry (id, ``group:x``, ``tag:y``, ``*``) matches nothing known, if it does not."""
    kind, name = parse_entry(entry)
    if kind == "group" and known.groups is not None and name not in known.groups:
        return f"unknown group '{name}'" + _prefixed(did_you_mean(name, known.groups), kind)
    if kind == "tag" and known.tags is not None and name not in known.tags:
        return f"no component has the tag '{name}'" + _prefixed(did_you_mean(name, known.tags), kind)
    if kind == "unknown":
        return f"unknown selection '{entry}'; write a component id, group:<id>, tag:<tag> or *"
    if kind == "id" and known.components is not None and name not in known.components:
        return f"unknown component '{name}'" + did_you_mean(name, known.components)
    return None


def _prefixed(suggestion: str, prefix: str) -> str:
    return suggestion.replace("'", f"'{prefix}:", 1) if suggestion else ""


def _incident(located: Located[Incident], known: Known) -> Iterator[Problem]:
    path, tree, front = located.path, located.tree, located.value.front
    if known.components is not None:
        is_list = isinstance(front, MaintenanceFront)
        for index, component in enumerate(front.components):
            if component not in known.component_set:
                message = f"unknown component '{component}'" + did_you_mean(component, known.components)
                loc = ("components", index if is_list else component)
                yield _at(path, tree, loc, message, at_key=not is_list)
    for index, audience in enumerate(front.audiences or ()):
        if audience not in known.audiences:
            message = f"unknown audience '{audience}'" + did_you_mean(
                audience, known.audiences, listing="audiences"
            )
            yield _at(path, tree, ("audiences", index), message)


def _duplicate_incidents(paths: Iterable[str]) -> Iterator[Problem]:
    by_stem: dict[str, list[str]] = {}
    for path in paths:
        by_stem.setdefault(file_stem(path), []).append(path)
    for stem, same in by_stem.items():
        for path in same if len(same) > 1 else ():
            others = ", ".join(p for p in same if p != path)
            yield Problem(
                path, 1, 1, f"the incident id '{stem}' is also used by {others}; rename one of the files"
            )


def _status_logs(parsed: Parsed, known: Known) -> Iterator[Problem]:
    if known.components is not None:
        for component, path in parsed.status_log_paths.items():
            if component not in known.component_set:
                message = f"unknown component '{component}' (a status-log file is named after its component)"
                yield Problem(path, 1, 1, message + did_you_mean(component, known.components))


def future_problems(parsed: Parsed, real_now: datetime) -> Iterator[Problem]:
    """Updates, ``started:`` times and status-log entries dated after ``real_now``, the real time.

    Not judged at the build's clock: a build at a past ``--now`` hides what came later, and the same
    files must be valid for every build. Maintenance windows and ``next_update:`` promises are meant
    to lie ahead.
    """
    for located in parsed.incidents:
        yield from _future_incident(located, real_now)
    for log in parsed.status_logs.values():
        for index, after in _dated_after(log.value, real_now):
            yield _at(log.path, log.tree, (index, "at"), f"entry is dated {after}; fix the date")


def _future_incident(located: Located[Incident], real_now: datetime) -> Iterator[Problem]:
    updates = located.value.updates
    for index, after in _dated_after(updates, real_now):
        yield Problem(located.path, updates[index].line, 1, f"update is dated {after}; fix the date")
    front = located.value.front
    started = front.started if isinstance(front, IncidentFront) else None
    if started is not None and (late := after_real_time(started, real_now)) is not None:
        yield _at(located.path, located.tree, ("started",), f"started: is {late}; fix the date")


class _Dated(Protocol):
    @property
    def at(self) -> datetime: ...


def _dated_after(items: Sequence[_Dated], real_now: datetime) -> Iterator[tuple[int, str]]:
    """(index, how it is late) of each item dated after the real time, latest first.

    ``items`` are in time order (a log out of order is refused on its own), so the scan stops at the
    first item that may have happened: tens of thousands of log entries cost one comparison a file.
    """
    for index in range(len(items) - 1, -1, -1):
        after = after_real_time(items[index].at, real_now)
        if after is None:
            return
        yield index, after
