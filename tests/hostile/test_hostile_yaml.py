"""Hostile YAML and text: alias bombs, keys written twice, forbidden characters, in every kind of file.

Each case poisons one file of a built example; ``validate`` and ``build`` must refuse with the exact
message at the exact place, and the output folder must keep every byte.
"""

from __future__ import annotations

import itertools
import time
import tracemalloc
from collections.abc import Callable

import pytest
from attack import Target, built_example
from poisoning import append, assert_every_command_refuses, poisoned, position, replace

from statusgen.load.yamlpos import YamlSyntaxError, load_yaml

AUTO_DRAFT = "incidents/auto/2026-11-22-merchant-dashboard.md"
"""Front matter with comments: libyaml reads it."""
PLAIN_INCIDENT = "incidents/2026/2026-07-28-webhook-delivery-delays.md"
"""Front matter of plain ``key: value`` lines: the quick reader reads it."""
SITE = "site-config/site.yaml"
COMPONENTS = "site-config/components.yaml"
PUBLIC = "site-config/audiences/public.yaml"
LOG = "status-log/checkout.yaml"
"""Canonical lines only: the status log's fast path reads it."""

ALIASES = (
    "the aliases of this document expand to more than 10,000 values; "
    "write the values out instead of repeating them through aliases"
)


@pytest.fixture(scope="module")
def target(tmp_path_factory: pytest.TempPathFactory) -> Target:
    return built_example(tmp_path_factory.mktemp("hostile-yaml"))


def bomb_lines(entry: str, levels: int = 10) -> list[str]:
    """``levels`` lists, each of nine aliases of the one before: 9**levels words once expanded.

    :param entry: how an entry starts: ``"{name}: "`` in a mapping, ``"- "`` in a list.
    """
    names = "abcdefghijklmnopqrstuvwxyz"[:levels]
    lines = [f"{entry.format(name=names[0])}&{names[0]} [{', '.join(['x'] * 9)}]"]
    for before, name in itertools.pairwise(names):
        lines.append(f"{entry.format(name=name)}&{name} [{', '.join([f'*{before}'] * 9)}]")
    return lines


def after_first_line(lines: str) -> Callable[[str], str]:
    return lambda text: text.replace("\n", "\n" + lines, 1)


BOMBS = {
    "front matter": (AUTO_DRAFT, "{name}: ", after_first_line),
    "plain front matter": (PLAIN_INCIDENT, "{name}: ", after_first_line),
    "site.yaml": (SITE, "{name}: ", append),
    "components.yaml": (COMPONENTS, "{name}: ", append),
    "audience": (PUBLIC, "{name}: ", append),
    "status-log": (LOG, "- ", append),
}


@pytest.mark.parametrize("kind", sorted(BOMBS))
def test_an_alias_bomb_is_refused_at_the_alias_that_crosses_the_limit(target: Target, kind: str) -> None:
    path, entry, place = BOMBS[kind]
    lines = bomb_lines(entry)
    with poisoned(target, path, place("\n".join(lines) + "\n")) as text:
        # The first four lists add 9·10 + 9·91 + 9·820 = 8 289 values; the fifth's first alias 7 381.
        crossing = text.index(lines[4]) + lines[4].index("*")
        assert_every_command_refuses(target, f"{path}:{position(text, crossing)}: error: {ALIASES}")


def test_a_ten_level_bomb_costs_little_time_and_memory() -> None:
    document = "\n".join(bomb_lines("{name}: ")) + "\n"
    assert len(document) < 600
    tracemalloc.start()
    started = time.process_time()
    try:
        with pytest.raises(YamlSyntaxError) as raised:
            load_yaml(document)
        seconds = time.process_time() - started
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert raised.value.message == ALIASES
    assert seconds < 0.5
    assert peak < 5_000_000


def test_an_alias_inside_what_it_names_is_refused(target: Target) -> None:
    with poisoned(target, SITE, append("loop: &loop [name, *loop]\n")) as text:
        message = "this alias refers to the value it is inside; write the value out instead"
        assert_every_command_refuses(
            target, f"{SITE}:{position(text, text.index('*loop'))}: error: {message}"
        )


def test_aliases_that_add_few_values_are_read(target: Target) -> None:
    before = target.output()
    shared = "{url: 'https://ci.northwind.example/health', timeout_s: 5}"
    edit = replace(
        "    alerts: {match: {service: ci-runners}}\n",
        f"    alerts: {{match: {{service: ci-runners}}}}\n    probe: &probe {shared}\n",
    )
    with poisoned(target, COMPONENTS, edit):
        assert target.validate().exit_code == 0
        assert target.build().exit_code == 0
    assert target.output() == before  # a probe shows on no page


DUPLICATES = {
    # The leak: a reviewer reads draft: true, and the draft: false below it would publish.
    "front matter": (AUTO_DRAFT, "draft: true\n", "draft: true\ndraft: false\n", "draft"),
    "plain front matter": (PLAIN_INCIDENT, "impact: minor\n", "impact: minor\nimpact: none\n", "impact"),
    "site.yaml": (
        SITE,
        "auto_incident: false\n",
        "auto_incident: false\nauto_incident: true\n",
        "auto_incident",
    ),
    "components.yaml, flow mapping": (
        COMPONENTS,
        "{service: ci-runners}",
        "{service: ci-runners, service: payments}",
        "service",
    ),
    "audience": (
        PUBLIC,
        "internal_notes: false",
        "internal_notes: false\ninternal_notes: true",
        "internal_notes",
    ),
    "status-log": (
        LOG,
        "07:43:30Z, status: operational",
        "07:43:30Z, status: operational, status: major_outage",
        "status",
    ),
}


@pytest.mark.parametrize("kind", sorted(DUPLICATES))
def test_a_key_written_twice_is_refused_at_the_second(target: Target, kind: str) -> None:
    path, old, new, key = DUPLICATES[kind]
    with poisoned(target, path, replace(old, new)) as text:
        start = text.index(new)
        first, second = start + new.index(f"{key}:"), start + new.rindex(f"{key}:")
        first_line = text.count("\n", 0, first) + 1
        message = f"duplicate key '{key}' (first on line {first_line}); keep only one of them"
        assert_every_command_refuses(target, f"{path}:{position(text, second)}: error: {message}")


def changed_at(text: str, old: str, new: str) -> int:
    """Where in ``text`` the edit from ``old`` to ``new`` wrote its first different character."""
    return text.index(new) + next(i for i, (a, b) in enumerate(zip(old, new, strict=False)) if a != b)


RAW_CHARACTERS = {
    "incident body, BEL": (AUTO_DRAFT, "failed.", "fail\x07ed.", "the control character U+0007"),
    "front matter, DEL": (
        PLAIN_INCIDENT,
        "Delayed webhook",
        "Delayed\x7f webhook",
        "the control character U+007F",
    ),
    "site.yaml, C1 CSI": (SITE, "name: Northwind", "name: North\x9bwind", "the control character U+009B"),
    "components.yaml, ESC": (
        COMPONENTS,
        "Payments API (EU)",
        "Payments\x1b[2J API (EU)",
        "the control character U+001B",
    ),
    "audience, NEL": (
        PUBLIC,
        "title: Northwind Status",
        "title: Northwind\x85 Status",
        "the control character U+0085",
    ),
    "status-log, NUL": (LOG, "widget.js", "widget\x00.js", "the control character U+0000"),
    "incident body, U+FFFF": (PLAIN_INCIDENT, "Some events", "Some\uffff events", "the non-character U+FFFF"),
}


@pytest.mark.parametrize("kind", sorted(RAW_CHARACTERS))
def test_a_forbidden_character_in_any_file_is_refused_where_it_is(target: Target, kind: str) -> None:
    path, old, new, described = RAW_CHARACTERS[kind]
    with poisoned(target, path, replace(old, new)) as text:
        where = position(text, changed_at(text, old, new))
        assert_every_command_refuses(target, f"{path}:{where}: error: {described} is not allowed; remove it")


ESCAPES = {
    "front matter, \\a": (
        AUTO_DRAFT,
        "title: Merchant Dashboard probe failing",
        'title: "Merchant Dashboard\\a probe failing"',
        "the control character U+0007",
    ),
    "plain front matter, \\ud800": (
        PLAIN_INCIDENT,
        "title: Delayed webhook deliveries",
        'title: "Delayed \\ud800 webhook deliveries"',
        "the lone surrogate U+D800",
    ),
    "site.yaml key, \\x07": (
        SITE,
        "auto_incident: false",
        '"auto_incident\\x07": false',
        "the control character U+0007",
    ),
    "components.yaml, \\e": (
        COMPONENTS,
        "name: Payments API (EU)",
        'name: "Payments\\e[2J API (EU)"',
        "the control character U+001B",
    ),
    "audience, \\x9b": (
        PUBLIC,
        "title: Northwind Status",
        'title: "Northwind\\x9b Status"',
        "the control character U+009B",
    ),
    "status-log, \\uFFFE": (
        LOG,
        '"CheckoutConversionDrop"',
        '"Checkout\\uFFFEDrop"',
        "the non-character U+FFFE",
    ),
}


@pytest.mark.parametrize("kind", sorted(ESCAPES))
def test_a_forbidden_character_written_as_an_escape_is_refused_at_its_text(target: Target, kind: str) -> None:
    path, old, new, described = ESCAPES[kind]
    with poisoned(target, path, replace(old, new)) as text:
        where = position(text, text.index(new) + new.index('"'))
        message = f"this text holds {described} through an escape; remove the escape"
        assert_every_command_refuses(target, f"{path}:{where}: error: {message}")


def test_tabs_and_windows_line_ends_are_text(target: Target) -> None:
    edit = replace("Opened automatically:", "Opened\tautomatically:")
    with poisoned(target, AUTO_DRAFT, lambda text: edit(text).replace("\n", "\r\n")):
        assert target.validate().exit_code == 0


def test_a_forbidden_character_is_placed_by_lines_as_yaml_counts_them(target: Target) -> None:
    def edit(text: str) -> str:
        return text.replace("\n", "\r\n").replace("the probe", "the\x07probe")

    with poisoned(target, AUTO_DRAFT, edit) as text:
        where = position(text.replace("\r\n", "\n"), text.replace("\r\n", "\n").index("\x07"))
        message = "the control character U+0007 is not allowed; remove it"
        assert_every_command_refuses(target, f"{AUTO_DRAFT}:{where}: error: {message}")
