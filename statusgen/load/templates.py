"""``site-config/templates/<name>.md``: an incident's front matter and first update, with placeholders.

A template is an incident file in which ``{{component}}``, ``{{component_name}}``, ``{{title}}`` and
``{{now}}`` stand for what ``statusgen new incident --template NAME`` is given. Double braces mean
nothing in Markdown or YAML plain text, so a template reads as the incident it becomes; placeholders
are replaced within their lines, so every problem keeps the template's line number.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from pathlib import Path

from statusgen.errors import Problem
from statusgen.load.files import Raw, escapes, file_stem, read_text
from statusgen.load.frontmatter import SECTION_HEADING
from statusgen.load.incidents import read_incident
from statusgen.load.problems import did_you_mean
from statusgen.model import Catalogue, Incident, IncidentFront

TEMPLATES = "site-config/templates"
PLACEHOLDERS = ("component", "component_name", "title", "now")
_PLACEHOLDER = re.compile(r"\{\{\s*([^{}]*?)\s*\}\}")


@dataclass(frozen=True)
class Filled:
    """A template with its placeholders replaced, as parsed and as validated."""

    raw: Raw
    incident: Incident


def template_paths(root: Path, problems: list[Problem]) -> dict[str, str]:
    """Template name → repository-relative path, for each ``.md`` file in the folder that stays in it
    once symbolic links are followed (a problem for each that does not)."""
    folder = root / TEMPLATES
    if not folder.is_dir():
        return {}
    paths = {}
    for entry in sorted(folder.iterdir()):
        relative = f"{TEMPLATES}/{entry.name}"
        if not entry.name.endswith(".md") or entry.name.lower() == "readme.md":
            continue
        escaped = escapes(root, relative, TEMPLATES)
        if escaped is not None:
            problems.append(Problem(relative, 1, 1, f"the file {escaped}"))
        else:
            paths[file_stem(relative)] = relative
    return paths


SAMPLE_NOW = datetime(2026, 1, 1, tzinfo=UTC)


def sample_values(catalogue: Catalogue) -> dict[str, str]:
    """What ``validate`` fills a template with: the first component and a title (and :data:`SAMPLE_NOW`)."""
    first = catalogue.components[0] if catalogue.components else None
    return {
        "component": first.id if first else "component",
        "component_name": first.name if first else "Component",
        "title": "Sample title",
    }


def fill_template(
    root: Path, path: str, values: Mapping[str, str], now: datetime, zone: tzinfo, problems: list[Problem]
) -> Filled | None:
    """The template at ``path`` filled with ``values`` and ``now``, read as an incident, or ``None``
    after adding its problems (at the template's lines).

    ``{{now}}`` in the n-th update heading is ``now`` plus n seconds: a template's updates all happen
    now, and each needs a time of its own.
    """
    text = read_text(root, path, problems)
    if text is None:
        return None
    own: list[Problem] = []
    filled_lines = []
    headings = 0
    for number, line in enumerate(text.split("\n"), 1):
        heading = SECTION_HEADING.match(line) is not None
        moment = now + timedelta(seconds=headings) if heading else now
        headings += heading
        when = moment.astimezone(UTC).strftime(
            "%Y-%m-%d %H:%M:%S UTC" if moment.second else "%Y-%m-%d %H:%M UTC"
        )
        filled_lines.append(_fill_line(line, number, path, {**values, "now": when}, own))
    filled = "\n".join(filled_lines)
    raw, located = read_incident(filled, path, own, zone=zone)
    if located is not None and not isinstance(located.value.front, IncidentFront):
        own.append(Problem(path, 1, 1, "a template is for an incident; remove 'type: maintenance'"))
    problems.extend(own)
    return None if own or raw is None or located is None else Filled(raw, located.value)


def template_problems(root: Path, catalogue: Catalogue | None, zone: tzinfo) -> list[Problem]:
    """Every template's problems, each filled with :func:`sample_values`, its components checked
    against the catalogue."""
    problems: list[Problem] = []
    paths = template_paths(root, problems)
    if catalogue is None:
        return problems
    known = [c.id for c in catalogue.components]
    for path in paths.values():
        filled = fill_template(root, path, sample_values(catalogue), SAMPLE_NOW, zone, problems)
        if filled is None:
            continue
        for component in filled.incident.affected:
            if component not in known:
                position = filled.raw.tree.lookup(("components", component))
                message = f"unknown component '{component}'" + did_you_mean(component, known)
                problems.append(Problem(path, position.line, position.col, message))
    return problems


def placeholders_in(root: Path, path: str) -> set[str]:
    """The placeholder names the template at ``path`` uses (none when it cannot be read)."""
    text = read_text(root, path, [])
    return set() if text is None else {match[1] for match in _PLACEHOLDER.finditer(text)}


def _fill_line(line: str, number: int, path: str, values: Mapping[str, str], problems: list[Problem]) -> str:
    def replace(match: re.Match[str]) -> str:
        name = match[1]
        if name in values:
            return values[name]
        braced = [f"{{{{{p}}}}}" for p in PLACEHOLDERS]
        hint = did_you_mean(f"{{{{{name}}}}}", braced, listing="write one of")
        message = f"unknown placeholder '{match[0]}'{hint}"
        problems.append(Problem(path, number, match.start() + 1, message))
        return match[0]

    return _PLACEHOLDER.sub(replace, line)
