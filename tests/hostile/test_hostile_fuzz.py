"""Damaged and hostile repositories: a user error or a well-formed site, never a crash.

Hypothesis damages a copy of the example repository (one to three damages in site-config/,
incidents/ and status-log/: control characters, YAML escapes, lone surrogates, huge numbers,
impossible dates, duplicate keys, ``[internal]`` lines, long strings, nested aliases, pathological
Markdown, random bytes). Each mutant is loaded and, when it loads, every audience's site is rendered
in memory within ``CPU_BUDGET_S``. Only ``InputError``/``StatusgenError`` may escape; every problem
is located inside the repository at line and column ≥ 1; every JSON file parses as strict JSON,
every feed parses with feedparser without ``bozo``, the calendar parses with icalendar without
errors, every SVG and XML file is well-formed, and every HTML page is UTF-8. A few mutants also go
through ``statusgen validate`` and ``statusgen build``, which must exit with 0 or 1.

``STATUSGEN_FUZZ_EXAMPLES`` sets the number of random mutants (default 100); the CLI test takes a
twentieth of that number, and the damages of ``FOUND`` come on top. The default takes about a minute
of one core. The full check is
``STATUSGEN_FUZZ_EXAMPLES=2000 python -m pytest tests/hostile/test_hostile_fuzz.py``.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import NoReturn
from xml.etree import ElementTree

import feedparser
import icalendar
import pytest
from attack import Target
from example import CLOCK, EXAMPLE_ROOT, NOW, copy_example
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from statusgen.errors import InputError, StatusgenError
from statusgen.load import load_repository
from statusgen.model import Repository
from statusgen.render.site import render_site
from statusgen.themedirs import theme_dirs
from statusgen.view.builder import build_view
from statusgen.write.tree import OutputTree

EXAMPLES = int(os.environ.get("STATUSGEN_FUZZ_EXAMPLES", "100"))
# CPU seconds to load and render every audience of one mutant (the undamaged example takes less than
# one); processor time, not wall time, because the suite shares the machine.
CPU_BUDGET_S = 5.0
# Hypothesis's deadline is wall time and would fail on a busy machine; CPU_BUDGET_S stands for it.
# No database: each run explores anew, and a failure prints the blob that replays it.
FUZZ = settings(deadline=None, database=None, print_blob=True, suppress_health_check=[HealthCheck.too_slow])

# Folder → its files; a damage picks the folder first, so the five site-config files are not
# drowned by twenty incidents.
FOLDERS = {
    folder: sorted(
        p.relative_to(EXAMPLE_ROOT).as_posix()
        for p in (EXAMPLE_ROOT / folder).rglob("*")
        if p.suffix in {".yaml", ".md"}
    )
    for folder in ("site-config", "incidents", "status-log")
}
DASH = "\N{EM DASH}".encode()
# Bounded on purpose: four levels of four aliases expand to 256 leaves, which unfixed code survives.
NESTED_ALIASES = b"[&a [x, x, x, x], &b [*a, *a, *a, *a], &c [*b, *b, *b, *b], &d [*c, *c, *c, *c]]"
# Inserted anywhere: into a title, a body, a key, a value, a heading.
TEXT = [
    b"\x00",
    b"\x07",
    b"\x08",
    b"\t",
    b"\r",
    b"\x0c",
    b"\x1b",
    b"\x1b[31m",
    b"\x7f",
    b"\xc2\x85",
    b"\xed\xa0\x80",
    b"\xef\xbf\xbe",
    b"\xef\xbb\xbf",
    b"\xff\xfe",
    b"\n",
    b"---",
    b"'",
    b'"',
    b"&x ",
    b"*x",
    b" [internal]",
    b"x" * 10_000,
    b"[" * 3_000,
    b"![" * 3_000,
    b"*a " * 1_000,
    b"<" * 3_000,
    b"`" * 3_000,
    b"> " * 500 + b"quote",
]
# Written after a "key: ".
VALUES = [
    b"42",
    b"-1.5",
    b"~",
    b"true",
    b"[1, [2]]",
    b"{a: {b: c}}",
    b"''",
    b"&x [*x]",
    b"!!int x",
    b"!!binary ZZ",
    b"!!python/object:os.system x",
    b"!!set {a, b}",
    b"? [a]\n: b",
    b"*missing",
    NESTED_ALIASES,
    b"{<<: [&m {a: 1}, *m]}",
    b"{id: x, id: y}",
    b"x, id: y",
    b"operational, status: major_outage",
    b"2026-11-20T14:00:00Z, at: 2026-11-20T15:00:00Z",
    b'"\\a"',
    b'"\\x1b[31mred"',
    b'"\\0"',
    b'"\\ud800"',
    b'"\\U0010ffff"',
    b'"\\uffff"',
    b'"\\N"',
    b'"\\u2028"',
    b'"' + b"y" * 10_000 + b'"',
    b"z" * 300,
    b"1e400",
    b"-1e400",
    b"1e300",
    b"1e15",
    b"1e-300",
    b"1" + b"0" * 40,
    b"-0",
    b".nan",
    b".inf",
    b"-.inf",
    b"0x" + b"f" * 30,
    b"2026-13-45",
]
# Written over a date or time, in a status-log entry, a heading, a window, a ``since``.
TIMES = [
    b"2026-09-32T16:35:00Z",
    b"2026-02-30",
    b"2026-02-30T00:00:00Z",
    b"2026-09-09T24:00:00Z",
    b"2026-09-09T23:59:60Z",
    b"25:00",
    b"2026-11-20 25:00 UTC",
    b"0000-01-01",
    b"0001-01-01",
    b"0001-01-01 00:00 UTC",
    b"0001-01-01T00:30:00+01:00",
    b"0026-11-20 14:45 UTC",
    b"2099-01-01 00:00 UTC",
    b"9999-12-31",
    b"9999-12-31T23:59:59Z",
    b"9999-12-31 23:59 -14:00",
    b"2026-11-20T14:00:00+25:00",
    b"2026-11-20 14:45 +24:00",
    b"2026-11-20 14:45 +99:99",
    b"2026-11-20T14:00:00.1234567890123Z",
]
# Inserted as a line of its own.
LINES = [
    b"## 2026-11-20 14:10 UTC",
    b"## 2099-01-01 00:00 UTC " + DASH + b" Resolved",
    b"## 0001-01-01 00:00 UTC " + DASH + b" Investigating",
    b"## 9999-12-31 23:59 UTC " + DASH + b" Resolved",
    b"## 2026-11-20 14:13 UTC " + DASH + b" Investigating [internal]",
    b"## 2026-11-20 14:13 UTC " + DASH + b" Investigating [Internal]",
    b"## 2026-11-20 14:13 UTC " + DASH + b" [internal] Investigating",
    b"[internal]",
    b"---",
    b"title: again",
    b"id: checkout",
    b"draft: true",
    b"<<: *missing",
    b"components: &c {checkout: major_outage}",
    b"- {at: 2026-11-20T14:00:00Z, status: major_outage, source: probe}",
    b"```",
]
RANDOM_TEXT = st.text(min_size=1, max_size=4).map(str.encode)
RANDOM_BYTES = st.binary(min_size=1, max_size=6)
PAYLOADS = {
    "insert": st.one_of(st.sampled_from(TEXT), RANDOM_TEXT, RANDOM_BYTES),
    "insert-line": st.sampled_from(LINES),
    "delete-line": st.just(b""),
    "duplicate-line": st.just(b""),
    "replace-value": st.one_of(st.sampled_from(VALUES), RANDOM_TEXT, RANDOM_BYTES),
    "replace-time": st.sampled_from(TIMES),
}
# The spans a replacement writes over: the value after "key: ", or a date with its time and zone.
SLOTS = {
    "replace-value": re.compile(rb"(?<=: )[^\n#]*?(?=,\s|}|\s#|\n|$)"),
    "replace-time": re.compile(rb"\d{4}-\d\d-\d\d(?:[T ]\d\d:\d\d(?::\d\d)?)?(?:Z| UTC|[+-]\d\d:\d\d)?"),
}
# A YAML comment starts with "#" at the start of a line or after a space; "## " starts a heading.
COMMENT = re.compile(rb"(?:^|\s)#(?!#)", re.MULTILINE)


def slots(pattern: re.Pattern[bytes], content: bytes) -> list[tuple[int, int]]:
    """The spans of ``pattern`` in ``content`` that are not in a comment: those are worth damaging."""
    spans = (match.span() for match in pattern.finditer(content))
    return [
        (start, end) for start, end in spans if not COMMENT.search(content, line_start(content, start), start)
    ]


def line_start(content: bytes, offset: int) -> int:
    return content.rfind(b"\n", 0, offset) + 1


@dataclass(frozen=True)
class Damage:
    """One change to one file of the example: ``kind`` at ``where`` with ``payload``."""

    path: str
    kind: str
    where: int
    payload: bytes

    def apply(self, content: bytes) -> bytes:
        """``content`` with this damage done."""
        if self.kind == "insert":
            offset = self.index(len(content) + 1)
            return content[:offset] + self.payload + content[offset:]
        if self.kind in SLOTS:
            spans = slots(SLOTS[self.kind], content)
            if not spans:
                return content
            start, end = spans[self.index(len(spans))]
            return content[:start] + self.payload + content[end:]
        lines = content.split(b"\n")
        index = self.index(len(lines))
        if self.kind == "insert-line":
            lines.insert(index, self.payload)
        elif self.kind == "delete-line":
            del lines[index]
        else:
            lines.insert(index, lines[index])
        return b"\n".join(lines)

    def index(self, count: int) -> int:
        """``where`` spread over ``range(count)``.

        Hypothesis draws small numbers most often, and the first line or byte (the front matter's
        ``---``) is not where most damage is worth doing.
        """
        return (self.where + 1) * 2_654_435_761 % count


def damage(kind: str) -> st.SearchStrategy[Damage]:
    """A damage of ``kind`` to any file, with one of the payloads of that kind."""
    return st.builds(
        Damage,
        st.one_of(*map(st.sampled_from, FOLDERS.values())),
        st.just(kind),
        st.integers(min_value=0, max_value=10_000),
        PAYLOADS[kind],
    )


damages = st.lists(st.sampled_from(sorted(PAYLOADS)).flatmap(damage), min_size=1, max_size=3)


INCIDENT = "incidents/2026/2026-11-20-eu-payment-failures.md"
# Damages that crashed statusgen or took far more than CPU_BUDGET_S, tried first in every run.
# ``where`` picks the slot in today's example; the comment says what the damage writes there.
FOUND = [
    # status-log at: 2026-09-32T16:35:00Z (ValueError in load/statuslog.py canonical_entries)
    Damage("status-log/checkout.yaml", "replace-time", 0, b"2026-09-32T16:35:00Z"),
    # status-log at: 0001-01-01T00:30:00+01:00 (OverflowError in timeline.py _utc)
    Damage("status-log/checkout.yaml", "replace-time", 7, b"0001-01-01T00:30:00+01:00"),
    # ESC in an update (ValueError from lxml in render/feeds.py render_feeds)
    Damage(INCIDENT, "insert", 1, b"\x1b"),
    # site name: "\x1b[31mred" (the same, from the feed title)
    Damage("site-config/site.yaml", "replace-value", 13, b'"\\x1b[31mred"'),
    # ## 0001-01-01 00:00 UTC seen from New York (OverflowError in viewbuilder.py _incident_view)
    Damage(INCIDENT, "replace-time", 0, b"0001-01-01 00:00 UTC"),
    # ## 9999-12-31 23:59 -14:00 (OverflowError in viewbuilder.py _next_update)
    Damage("incidents/2026/2026-11-23-us-card-declines.md", "replace-time", 5, b"9999-12-31 23:59 -14:00"),
    # maintenance window end 9999-12-31T23:59:59Z (OverflowError in viewbuilder.py _incident_view)
    Damage(
        "incidents/2026/2026-11-28-checkout-platform-upgrade.md", "replace-time", 0, b"9999-12-31T23:59:59Z"
    ),
    # ## 2026-11-20 14:45 +24:00 (ValueError in timeparse.py _zone)
    Damage(INCIDENT, "replace-time", 0, b"2026-11-20 14:45 +24:00"),
    # hide_blips_under_minutes: .inf (OverflowError in viewbuilder.py build_view)
    Damage("site-config/audiences/acme-partner.yaml", "replace-value", 12, b".inf"),
    # uptime weights partial_outage: 1e-300 (decimal.Inexact in uptime.py _exact_sum)
    Damage("site-config/site.yaml", "replace-value", 11, b"1e-300"),
    # timezone: 300 letters (OSError "File name too long" in timeparse.py is_valid_zone)
    Damage("site-config/site.yaml", "replace-value", 2, b"z" * 300),
    # branding logo: 300 letters (the same in load/checks.py _branding)
    Damage("site-config/audiences/acme-partner.yaml", "replace-value", 1, b"z" * 300),
    # component since: 0001-01-01 (OverflowError in uptime.py day_start)
    Damage("site-config/components.yaml", "replace-time", 0, b"0001-01-01"),
    # ## 0026-11-20 14:45 UTC, a typo for 2026: a history page per month since year 26 (24 000 files)
    Damage("incidents/2026/2026-11-10-ci-runner-capacity.md", "replace-time", 0, b"0026-11-20 14:45 UTC"),
    # "![" × 3 000 in an update: Markdown takes quadratic time
    Damage(INCIDENT, "insert", 1, b"![" * 3_000),
]


def tried_first(test: Callable[[Path, list[Damage]], None]) -> Callable[[Path, list[Damage]], None]:
    """``test`` with every damage of :data:`FOUND` as an explicit example."""
    for found in FOUND:
        test = example(changes=[found])(test)
    return test


@pytest.fixture(scope="session")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One copy of the example's inputs per session; each mutant copies this one."""
    return copy_example(tmp_path_factory.mktemp("fuzz") / "example")


def damaged(template: Path, folder: Path, changes: list[Damage]) -> Path:
    root = folder / "repo"
    shutil.copytree(template, root)
    for change in changes:
        file = root / change.path
        file.write_bytes(change.apply(file.read_bytes()))
    return root


def assert_located(root: Path, error: StatusgenError) -> None:
    """An ``InputError`` has problems, each in a file of the repository at line and column ≥ 1."""
    if not isinstance(error, InputError):
        return
    assert error.problems
    for problem in error.problems:
        assert not PurePosixPath(problem.path).is_absolute(), problem
        assert (root / problem.path).resolve().is_relative_to(root.resolve()), problem
        assert problem.line >= 1 and problem.col >= 1, problem


def loaded(root: Path) -> Repository | None:
    """The repository, or ``None`` when it is refused with a user error."""
    try:
        return load_repository(root, now=NOW, real_now=CLOCK.real)
    except StatusgenError as error:
        assert_located(root, error)
        return None


def rendered(repo: Repository) -> Iterator[OutputTree]:
    """Every audience's site; an audience refused with a user error has none."""
    for audience_id in repo.audiences:
        try:
            yield render_site(build_view(repo, audience_id, NOW), theme_dirs(repo.root))
        except StatusgenError as error:
            assert_located(repo.root, error)


def not_json(constant: str) -> NoReturn:
    raise ValueError(f"{constant} is not JSON")


def parse_json(data: bytes) -> None:
    json.loads(data.decode("utf-8"), parse_constant=not_json)


def parse_feed(data: bytes) -> None:
    feed = feedparser.parse(data, resolve_relative_uris=False, sanitize_html=False)
    assert not feed.bozo, feed.bozo_exception


def parse_ical(data: bytes) -> None:
    calendar = icalendar.Calendar.from_ical(data)
    assert not [error for component in calendar.walk() for error in component.errors]


def parse_xml(data: bytes) -> None:
    ElementTree.fromstring(data)


def decode_utf8(data: bytes) -> None:
    data.decode("utf-8")


PARSERS = {
    ".json": parse_json,
    ".atom": parse_feed,
    ".rss": parse_feed,
    ".ics": parse_ical,
    ".svg": parse_xml,
    ".xml": parse_xml,
    ".html": decode_utf8,
}


def assert_well_formed(tree: OutputTree) -> None:
    for path in tree:
        parse = PARSERS.get(Path(path).suffix)
        if parse is not None:
            try:
                parse(tree[path])
            except Exception as error:
                raise AssertionError(f"{path} is not well-formed") from error


@settings(FUZZ, max_examples=EXAMPLES)
@given(damages)
@tried_first
def test_damage_is_reported_or_rendered_well_formed(template: Path, changes: list[Damage]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = damaged(template, Path(folder), changes)
        started = time.process_time()
        repo = loaded(root)
        trees = list(rendered(repo)) if repo is not None else []
        spent = time.process_time() - started
        for tree in trees:
            assert_well_formed(tree)
        assert spent < CPU_BUDGET_S, f"{spent:.1f} s of CPU to load and render {sum(map(len, trees))} files"


@settings(FUZZ, max_examples=max(3, EXAMPLES // 20))
@given(damages)
def test_commands_exit_with_0_or_1(template: Path, changes: list[Damage]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        target = Target(damaged(template, Path(folder), changes), Path(folder) / "dist")
        assert target.validate().exit_code in {0, 1}
        assert target.build().exit_code in {0, 1}
