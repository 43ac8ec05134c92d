"""Which components an audience's selection picks: ids, ``group:<id>``, ``tag:<tag>``, ``*``.

The grammar lives here once: :func:`parse_entry` is used both to match and, by the loader, to check.
"""

from __future__ import annotations

from typing import Literal

from statusgen.model import Catalogue, Component, Selection

EntryKind = Literal["all", "group", "tag", "id", "unknown"]


def parse_entry(entry: str) -> tuple[EntryKind, str]:
    """``"group:payments"`` → ``("group", "payments")``; ``"*"`` → ``("all", "")``; an id is itself.

    An entry with another prefix (``team:x``) is ``unknown``: it picks nothing, and the loader says so.
    """
    if entry == "*":
        return "all", ""
    prefix, separator, name = entry.partition(":")
    if not separator:
        return "id", entry
    if prefix == "group":
        return "group", name
    if prefix == "tag":
        return "tag", name
    return "unknown", entry


def matches(entry: str, component: Component) -> bool:
    """Whether one selection entry picks ``component``."""
    kind, name = parse_entry(entry)
    if kind == "all":
        return True
    if kind == "group":
        return component.group == name
    if kind == "tag":
        return name in component.tags
    return kind == "id" and component.id == name


def select_components(catalogue: Catalogue, selection: Selection) -> list[str]:
    """Ids of the components ``selection`` includes and does not exclude, in catalogue order."""
    return [
        component.id
        for component in catalogue.components
        if any(matches(e, component) for e in selection.include)
        and not any(matches(e, component) for e in selection.exclude)
    ]
