"""Damaged repositories: load_repository returns a Repository or raises InputError, nothing else."""

from __future__ import annotations

import tempfile
from datetime import UTC, datetime
from pathlib import Path

from conftest import FIXTURES, build_fixture_repo
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from statusgen.errors import InputError
from statusgen.load import load_repository
from statusgen.model import Repository

FILES = sorted(
    p.relative_to(FIXTURES / "minimal").as_posix() for p in (FIXTURES / "minimal").rglob("*") if p.is_file()
)
REPLACEMENTS = [
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
    b"2026-13-45",
    b"\xff\xfe",
    b"\x00",
    b"\t",
    b"---",
    b"## 2026-11-20 14:10 UTC",
    b"? [a]\n: b",
    b"*missing",
]


@st.composite
def mutation(draw: st.DrawFn) -> tuple[str, str, int, bytes]:
    kind = draw(st.sampled_from(["insert", "delete-line", "replace-value", "duplicate-line"]))
    payload = draw(st.one_of(st.sampled_from(REPLACEMENTS), st.binary(min_size=1, max_size=6)))
    return draw(st.sampled_from(FILES)), kind, draw(st.integers(min_value=0, max_value=10_000)), payload


def mutate(content: bytes, kind: str, where: int, payload: bytes) -> bytes:
    lines = content.split(b"\n")
    index = where % max(len(lines), 1)
    if kind == "insert":
        offset = where % (len(content) + 1)
        return content[:offset] + payload + content[offset:]
    if kind == "delete-line":
        del lines[index]
    elif kind == "duplicate-line":
        lines.insert(index, lines[index])
    else:
        key, colon, _ = lines[index].partition(b": ")
        lines[index] = key + (colon or b": ") + payload
    return b"\n".join(lines)


@settings(max_examples=150, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(mutation(), min_size=1, max_size=3))
def test_damage_is_reported_not_raised(mutations: list[tuple[str, str, int, bytes]]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = build_fixture_repo("minimal", Path(folder) / "repo")
        for path, kind, where, payload in mutations:
            file = root / path
            file.write_bytes(mutate(file.read_bytes(), kind, where, payload))
        try:
            result = load_repository(root, now=datetime(2026, 11, 20, 15, tzinfo=UTC))
        except InputError as error:
            assert error.problems
            assert all(
                p.path in FILES or p.path.startswith(("site-config", "incidents", "status-log"))
                for p in error.problems
            )
            assert all(p.line >= 1 and p.col >= 1 for p in error.problems)
        else:
            assert isinstance(result, Repository)
