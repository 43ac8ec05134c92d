"""Cross-file checks: references between files, duplicate ids, file names; times not yet come."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from typing import Any, Protocol

import babel
from pydantic import BaseModel

from statusgen.clock import after_real_time
from statusgen.errors import Problem
from statusgen.load.files import Located, Raw, file_stem
from statusgen.load.parsed import Parsed
from statusgen.load.problems import did_you_mean
from statusgen.load.yamlpos import Positions
from statusgen.locales import catalogue_language, shipped_languages
from statusgen.model import Catalogue, Component, Group, Incident, IncidentFront
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
    """Every problem that needs more than one file to see; ``themes`` are the ones that exist.

    The references of a file that failed validation are checked too, as far as its parsed YAML
    shows them, so that a type error and an unknown id in one file are reported together.
    """
    known = known_ids(parsed)
    problems = list(_file_names(parsed))
    problems += _languages(parsed)
    if parsed.catalogue is not None:
        problems += _duplicates(parsed.catalogue)
    catalogue = parsed.catalogue or _as_document(parsed.catalogue_raw)
    if catalogue is not None:
        problems += _catalogue(catalogue, known)
    for audience in (*parsed.audiences.values(), *_documents(parsed.broken_audiences)):
        problems += _themes(audience, themes)
        for part in ("include", "exclude"):
            entries = _field(_field(audience.value, "components"), part)
            problems += _selection(audience.path, audience.tree, ("components", part), entries, known)
    for incident in (*(_front(i) for i in parsed.incidents), *_documents(parsed.broken_incidents)):
        problems += _incident(incident, known)
    problems += _duplicate_incidents(parsed.incident_paths)
    problems += _status_logs(parsed, known)
    return problems


def _field(value: Any, key: str) -> Any:
    """``value``'s field ``key``, whether ``value`` is a validated model or the parsed YAML mapping it
    came from; ``None`` when it has none."""
    if isinstance(value, dict):
        return value.get(key)
    return getattr(value, key, None) if isinstance(value, BaseModel) else None


def _strings(value: Any) -> Iterator[tuple[Any, str]]:
    """(index or key, text) of each text in a list, or of each text key of a mapping."""
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for index, item in items:
        text = index if isinstance(value, dict) else item
        if isinstance(text, str):
            yield index, text


def _as_document(raw: Raw | None) -> Located[Any] | None:
    return None if raw is None else Located(raw.path, raw.tree, raw.data)


def _documents(raws: Iterable[Raw]) -> Iterator[Located[Any]]:
    return (Located(raw.path, raw.tree, raw.data) for raw in raws)


def _front(located: Located[Incident]) -> Located[Any]:
    return Located(located.path, located.tree, located.value.front)


def _themes(audience: Located[Any], themes: Sequence[str]) -> Iterator[Problem]:
    theme = _field(audience.value, "theme")
    if isinstance(theme, str) and theme not in themes:
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


def _duplicates(located: Located[Catalogue]) -> Iterator[Problem]:
    path, tree, catalogue = located.path, located.tree, located.value
    kinds: tuple[tuple[str, Sequence[Group | Component]], ...] = (
        ("group", catalogue.groups),
        ("component", catalogue.components),
    )
    for kind, items in kinds:
        first_index: dict[str, int] = {}
        for index, item in enumerate(items):
            if item.id in first_index:
                line = tree.lookup((f"{kind}s", first_index[item.id], "id")).line
                yield _at(
                    path,
                    tree,
                    (f"{kind}s", index, "id"),
                    f"duplicate {kind} id '{item.id}' (first defined on line {line})",
                )
            first_index.setdefault(item.id, index)


def _catalogue(located: Located[Any], known: Known) -> Iterator[Problem]:
    """The audiences named in ``names:`` and each component's group; ``located`` may hold a validated
    catalogue or the parsed YAML of one that failed."""
    path, tree = located.path, located.tree
    for kind in ("groups", "components"):
        for index, item in _items(_field(located.value, kind)):
            yield from _names(path, tree, (kind, index), _field(item, "names"), known)
    for index, component in _items(_field(located.value, "components")):
        group = _field(component, "group")
        if isinstance(group, str) and known.groups is not None and group not in known.groups:
            message = f"unknown group '{group}'" + did_you_mean(group, known.groups)
            yield _at(path, tree, ("components", index, "group"), message)


def _items(value: Any) -> Iterator[tuple[int, Any]]:
    return enumerate(value) if isinstance(value, list) else iter(())


def _names(path: str, tree: Positions, loc: tuple[Any, ...], names: Any, known: Known) -> Iterator[Problem]:
    for _, audience in _strings(names):
        if audience not in known.audiences:
            message = f"unknown audience '{audience}'" + did_you_mean(
                audience, known.audiences, listing="audiences"
            )
            yield _at(path, tree, (*loc, "names", audience), message, at_key=True)


def _selection(
    path: str, tree: Positions, loc: tuple[str, str], entries: Any, known: Known
) -> Iterator[Problem]:
    for index, entry in _strings(entries):
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


def _incident(located: Located[Any], known: Known) -> Iterator[Problem]:
    """Unknown components and audiences of an incident's front matter: validated, or parsed only."""
    path, tree, front = located.path, located.tree, located.value
    components = _field(front, "components")
    if known.components is not None:
        # A maintenance lists its components; an incident maps each to its status.
        by_key = isinstance(components, dict)
        for index, component in _strings(components):
            if component not in known.component_set:
                message = f"unknown component '{component}'" + did_you_mean(component, known.components)
                yield _at(path, tree, ("components", index), message, at_key=by_key)
    listed = [(("audiences", index), audience) for index, audience in _strings(_field(front, "audiences"))]
    titled = [(("names", audience), audience) for audience, _ in _strings(_field(front, "names"))]
    for loc, audience in [*listed, *titled]:
        if audience not in known.audiences:
            message = f"unknown audience '{audience}'" + did_you_mean(
                audience, known.audiences, listing="audiences"
            )
            yield _at(path, tree, loc, message, at_key=loc[0] == "names")


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
