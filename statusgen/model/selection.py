"""Which components an audience's selection picks: ids, ``group:<id>``, ``tag:<tag>``, ``*``."""

from __future__ import annotations

from statusgen.model import Catalogue, Component, Selection


def matches(entry: str, component: Component) -> bool:
    """Whether one selection entry picks ``component``."""
    if entry == "*":
        return True
    if entry.startswith("group:"):
        return component.group == entry.removeprefix("group:")
    if entry.startswith("tag:"):
        return entry.removeprefix("tag:") in component.tags
    return component.id == entry


def select_components(catalogue: Catalogue, selection: Selection) -> list[str]:
    """Ids of the components ``selection`` includes and does not exclude, in catalogue order."""
    return [
        component.id
        for component in catalogue.components
        if any(matches(e, component) for e in selection.include)
        and not any(matches(e, component) for e in selection.exclude)
    ]
