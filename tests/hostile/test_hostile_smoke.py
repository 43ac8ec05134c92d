"""The corpus's own tools: a clean example builds, validates, and reports its output unchanged."""

from __future__ import annotations

from pathlib import Path

from attack import built_example


def test_rebuilding_the_untouched_example_changes_no_byte(tmp_path: Path) -> None:
    target = built_example(tmp_path)
    before = target.output()
    assert target.validate().exit_code == 0
    assert target.build().exit_code == 0
    assert target.output() == before
    assert "public/index.html" in before
