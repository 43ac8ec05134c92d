"""The string-based shortcuts of the loader agree with the pathlib and regex versions they replace."""

from __future__ import annotations

import re
from pathlib import Path, PurePosixPath

from hypothesis import given
from hypothesis import strategies as st

from statusgen.errors import Problem
from statusgen.load.files import file_stem
from statusgen.load.frontmatter import split_lines
from statusgen.load.repository import _files

YAML_LINE_BREAK = re.compile(r"\r\n|[\r\n\x85\u2028\u2029]")


@given(st.text(st.sampled_from("ab.-/_ ")))
def test_file_stem_is_the_path_stem(path: str) -> None:
    if PurePosixPath(path).as_posix() == path and PurePosixPath(path).name:  # as the listing writes them
        assert file_stem(path) == PurePosixPath(path).stem


@given(st.text(st.sampled_from("a \r\n\x85\u2028\u2029\v\f\x1c\x1d\x1e\t")))
def test_split_lines_breaks_where_yaml_does(text: str) -> None:
    lines = YAML_LINE_BREAK.split(text)
    assert split_lines(text) == (lines[:-1] if lines[-1] == "" else lines)


def test_incident_files_are_listed_in_path_order(tmp_path: Path) -> None:
    names = ["2024/b.md", "2024/a.md", "2024-x/a.md", "2024.md", "a/README.md", "a/c.txt", "a/B.md", "ä.md"]
    for name in names:
        (tmp_path / "incidents" / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "incidents" / name).write_text("")
    (tmp_path / "incidents/linked").symlink_to(tmp_path / "incidents/2024")  # not followed
    problems: list[Problem] = []
    found = _files(tmp_path, "incidents", ".md", problems, recursive=True)
    expected = sorted(
        p
        for p in (tmp_path / "incidents").rglob("*")
        if p.is_file() and p.match("*.md") and p.name.lower() != "readme.md"
    )
    assert found == [p.relative_to(tmp_path).as_posix() for p in expected]
    assert found[:3] == ["incidents/2024/a.md", "incidents/2024/b.md", "incidents/2024-x/a.md"]
    assert problems == []
