"""A repository theme cannot publish a file from outside the repository through a symbolic link."""

from __future__ import annotations

from pathlib import Path

import pytest
from attack import assert_refused, built_example

SECRET = "token=ghp_not_for_the_status_page"
MESSAGE = (
    "the theme file is outside the repository once symbolic links are followed; replace it with a plain file"
)


@pytest.mark.parametrize(
    "linked",
    ["themes/default/static/style.css", "themes/default/templates/404.html", "themes/brand/templates/x.html"],
)
def test_a_theme_file_linked_out_of_the_repository_is_refused_unread(tmp_path: Path, linked: str) -> None:
    target = built_example(tmp_path)
    before = target.output()
    outside = tmp_path / "outside.txt"
    outside.write_text(SECRET)
    link = target.root / linked
    link.parent.mkdir(parents=True)
    link.symlink_to(outside)
    for result in (target.validate(), target.build()):
        assert_refused(result, f"{linked}:1:1: error: {MESSAGE}")
        assert SECRET not in result.output
    assert target.output() == before


def test_a_linked_themes_folder_outside_the_repository_is_refused(tmp_path: Path) -> None:
    target = built_example(tmp_path)
    elsewhere = tmp_path / "elsewhere" / "default" / "static"
    elsewhere.mkdir(parents=True)
    (elsewhere / "style.css").write_text(SECRET)
    (target.root / "themes").symlink_to(tmp_path / "elsewhere")
    assert_refused(target.validate(), f"themes/default/static/style.css:1:1: error: {MESSAGE}")


def test_a_link_inside_the_repository_and_a_cycle_are_fine(tmp_path: Path) -> None:
    target = built_example(tmp_path)
    own = target.root / "themes" / "default" / "static"
    own.mkdir(parents=True)
    (target.root / "site-config" / "extra.css").write_text("body{}")
    (own / "style.css").symlink_to(target.root / "site-config" / "extra.css")
    (own / "loop").symlink_to(own)
    assert target.validate().exit_code == 0
