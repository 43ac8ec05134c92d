"""Nothing outside the folder a file belongs to is read or published: not through ``../``, an absolute
path, a symbolic link or a ``.git`` folder; over-long names and oversized files are located errors."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from attack import Target, assert_refused, built_example, copy_target

PUBLIC = "site-config/audiences/public.yaml"
SECRET = "ghp_SECRET_TOKEN_7f3a"
INCIDENT = "---\ntitle: Outside\nimpact: minor\ncomponents: {api: degraded_performance}\n---\n\n" + (
    f"## 2026-11-20 10:00 UTC — Investigating\n{SECRET}\n"
)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Target, dict[str, bytes]]:
    target = built_example(tmp_path_factory.mktemp("built"))
    return target, target.output()


@pytest.fixture
def target(built: tuple[Target, dict[str, bytes]], tmp_path: Path) -> Target:
    """A fresh copy of the built example, with an outside file and a ``.git`` folder holding a secret."""
    copy = copy_target(built[0], tmp_path)
    (tmp_path / "outside.md").write_text(INCIDENT)
    (tmp_path / "outside.yaml").write_text(f"- {{at: 2026-11-20T10:00:00Z, status: {SECRET}}}\n")
    (copy.root / ".git").mkdir()
    (copy.root / ".git/config").write_text(f"[remote]\n\turl = https://x:{SECRET}@git.example/\n")
    return copy


def refused(target: Target, before: dict[str, bytes], *messages: str) -> None:
    """``validate`` and ``build`` both refuse with ``messages``, echo no secret and leave the output."""
    for result in (target.validate(), target.build()):
        assert_refused(result, *messages)
        assert SECRET not in result.stdout + result.stderr
    assert target.output() == before


def set_branding(root: Path, key: str, value: str) -> str:
    """Make public's branding ``key`` the path ``value``; ``path:line:col`` of the value in the YAML."""
    path = root / PUBLIC
    lines = [line for line in path.read_text().splitlines() if not line.startswith(f"  {key}:")]
    index = lines.index("branding:") + 1
    lines.insert(index, f"  {key}: {json.dumps(value)}")
    path.write_text("\n".join(lines) + "\n")
    return f"{PUBLIC}:{index + 1}:{len(key) + 5}"


# --- branding paths, reported at the value in the audience file -------------------------------------


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        (
            "favicon",
            "../.git/config",
            "branding favicon: ../.git/config is outside site-config/; "
            "put the file in site-config/assets/ and write assets/favicon.svg",
        ),
        (
            "css",
            "../../outside.md",
            "branding css: ../../outside.md is outside site-config/; "
            "put the file in site-config/assets/ and write assets/extra.css",
        ),
        (
            "logo",
            "/etc/passwd",
            "branding logo: /etc/passwd is an absolute path; "
            "put the file in site-config/assets/ and write assets/logo.svg",
        ),
        (
            "logo",
            ".git/logo.svg",
            "branding logo: .git/logo.svg is in a .git folder; "
            "put the file in site-config/assets/ and write assets/logo.svg",
        ),
        (
            "logo",
            "assets/" + "a" * 300 + ".svg",
            "branding logo: the path is too long (a name over 255 bytes or the whole over 1024 bytes); "
            "write a shorter one such as assets/logo.svg",
        ),
        (
            "logo",
            "assets/" + "a/" * 600 + "logo.svg",
            "branding logo: the path is too long (a name over 255 bytes or the whole over 1024 bytes); "
            "write a shorter one such as assets/logo.svg",
        ),
        (
            "logo",
            "assets/\x00logo.svg",
            "this text holds the control character U+0000 through an escape; remove the escape",
        ),
        (
            "logo",
            "assets/folder.svg",
            "branding logo: site-config/assets/folder.svg is not a regular file; "
            "replace it with a plain file",
        ),
        (
            "logo",
            "assets/acme-extra.css",
            "branding logo: assets/acme-extra.css is not an image; use a .svg, .png, .jpg, .jpeg, .gif, "
            ".webp or .ico file",
        ),
        ("css", "assets/logo.svg", "branding css: assets/logo.svg is not a stylesheet; use a .css file"),
        (
            "logo",
            "assets/nope.svg",
            "branding logo: no file site-config/assets/nope.svg; branding paths are relative to site-config/",
        ),
    ],
    ids=[
        "dot-dot-git",
        "dot-dot",
        "absolute",
        "git-folder",
        "long-name",
        "long-path",
        "nul",
        "folder",
        "not-an-image",
        "not-a-stylesheet",
        "missing",
    ],
)
def test_a_branding_path_out_of_site_config_is_refused_at_its_value(
    target: Target, built: tuple[Target, dict[str, bytes]], key: str, value: str, message: str
) -> None:
    (target.root / "site-config/.git").mkdir()
    (target.root / "site-config/.git/logo.svg").write_bytes(
        (target.root / "site-config/assets/logo.svg").read_bytes()
    )
    (target.root / "site-config/assets/folder.svg").mkdir()
    where = set_branding(target.root, key, value)
    refused(target, built[1], f"{where}: error: {message}")


@pytest.mark.parametrize(
    ("points_to", "message"),
    [
        ("../../outside.md", "is outside site-config/ once symbolic links are followed"),
        ("/etc/passwd", "is outside site-config/ once symbolic links are followed"),
        ("../../repo/.git/config", "is outside site-config/ once symbolic links are followed"),
        ("../.git/logo.svg", "is in a .git folder once symbolic links are followed"),
    ],
)
def test_a_branding_file_linked_out_of_site_config_is_refused(
    target: Target, built: tuple[Target, dict[str, bytes]], points_to: str, message: str
) -> None:
    (target.root / "site-config/.git").mkdir()
    (target.root / "site-config/.git/logo.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")
    logo = target.root / "site-config/assets/logo.svg"
    logo.unlink()
    logo.symlink_to(points_to)
    where = set_branding(target.root, "logo", "assets/logo.svg")
    refused(
        target,
        built[1],
        f"{where}: error: branding logo: assets/logo.svg {message}; replace the link with the file itself",
    )


def test_a_branding_file_in_a_linked_folder_is_refused(
    target: Target, built: tuple[Target, dict[str, bytes]]
) -> None:
    (target.root.parent / "elsewhere").mkdir()
    (target.root.parent / "elsewhere/logo.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")
    (target.root / "site-config/linked").symlink_to(target.root.parent / "elsewhere")
    where = set_branding(target.root, "logo", "linked/logo.svg")
    message = (
        "is outside site-config/ once symbolic links are followed; replace the link with the file itself"
    )
    refused(target, built[1], f"{where}: error: branding logo: linked/logo.svg {message}")


def test_an_oversized_branding_file_is_refused(
    target: Target, built: tuple[Target, dict[str, bytes]]
) -> None:
    (target.root / "site-config/assets/big.css").write_bytes(b"a{}" + b" " * (1 << 20))
    where = set_branding(target.root, "css", "assets/big.css")
    message = "site-config/assets/big.css is larger than 1 MiB (1,048,579 bytes); make it smaller"
    refused(target, built[1], f"{where}: error: branding css: {message}")


def test_a_branding_file_inside_site_config_through_a_link_is_published(target: Target) -> None:
    logo = target.root / "site-config/assets/logo.svg"
    (target.root / "site-config/assets/real-logo.svg").write_bytes(logo.read_bytes())
    logo.unlink()
    logo.symlink_to("real-logo.svg")
    assert target.validate().exit_code == 0
    assert target.build().exit_code == 0
    published = [p for p in target.output() if p.startswith("public/assets/logo.")]
    assert len(published) == 1
    assert target.output()[published[0]] == (target.root / "site-config/assets/real-logo.svg").read_bytes()


# --- incidents, status logs and configuration files, reported at 1:1 of the file --------------------


def link(target: Target, path: str, points_to: str) -> None:
    (target.root / path).unlink(missing_ok=True)
    (target.root / path).symlink_to(points_to)


OUTSIDE = "once symbolic links are followed; replace the link with the file itself"


@pytest.mark.parametrize(
    ("path", "points_to", "message"),
    [
        ("incidents/2026/linked.md", "../../../outside.md", f"the file is outside incidents/ {OUTSIDE}"),
        ("incidents/2026/linked.md", "/etc/passwd", f"the file is outside incidents/ {OUTSIDE}"),
        ("incidents/2026/linked.md", "../../.git/config", f"the file is outside incidents/ {OUTSIDE}"),
        (
            "incidents/2026/linked.md",
            "../../status-log/checkout.yaml",
            f"the file is outside incidents/ {OUTSIDE}",
        ),
        ("incidents/2026/linked.md", "../.git/x.md", f"the file is in a .git folder {OUTSIDE}"),
        ("status-log/checkout.yaml", "../../outside.yaml", f"the file is outside status-log/ {OUTSIDE}"),
        ("site-config/site.yaml", "../../outside.yaml", f"the file is outside site-config/ {OUTSIDE}"),
        ("site-config/components.yaml", "/etc/passwd", f"the file is outside site-config/ {OUTSIDE}"),
        (
            "site-config/audiences/public.yaml",
            "../../../outside.yaml",
            f"the file is outside site-config/ {OUTSIDE}",
        ),
        (
            "site-config/audiences/public.yaml",
            "../../.git/config",
            f"the file is outside site-config/ {OUTSIDE}",
        ),
    ],
)
def test_a_file_linked_out_of_its_folder_is_refused_unread(
    target: Target, built: tuple[Target, dict[str, bytes]], path: str, points_to: str, message: str
) -> None:
    (target.root / "incidents/.git").mkdir()
    (target.root / "incidents/.git/x.md").write_text(INCIDENT)
    link(target, path, points_to)
    refused(target, built[1], f"{path}:1:1: error: {message}")


@pytest.mark.parametrize("folder", ["incidents", "status-log", "site-config/audiences"])
def test_a_linked_folder_is_refused_unread(
    target: Target, built: tuple[Target, dict[str, bytes]], folder: str
) -> None:
    moved = target.root.parent / "moved"
    (target.root / folder).rename(moved)
    (moved / "outside.md").write_text(INCIDENT)
    (target.root / folder).symlink_to(moved)
    message = "the folder is a symbolic link, or inside one; make it a plain folder of the repository"
    refused(target, built[1], f"{folder}:1:1: error: {message}")


def test_a_linked_site_config_is_refused_unread(
    target: Target, built: tuple[Target, dict[str, bytes]]
) -> None:
    moved = target.root.parent / "moved"
    (target.root / "site-config").rename(moved)
    (target.root / "site-config").symlink_to(moved)
    refused(
        target,
        built[1],
        f"site-config/site.yaml:1:1: error: the file is outside site-config/ {OUTSIDE}",
        "site-config/audiences:1:1: error: the folder is a symbolic link, or inside one; "
        "make it a plain folder of the repository",
    )


def test_a_link_to_another_incident_is_read(target: Target) -> None:
    link(target, "incidents/2026/linked.md", "2026-08-13-delayed-payouts.md")
    assert target.validate().exit_code == 0


def test_a_git_folder_among_the_incidents_is_not_read(
    target: Target, built: tuple[Target, dict[str, bytes]]
) -> None:
    (target.root / "incidents/.git").mkdir()
    (target.root / "incidents/.git/x.md").write_text("not an incident at all")
    assert target.validate().exit_code == 0
    assert target.build().exit_code == 0
    assert target.output() == built[1]


@pytest.mark.parametrize(
    ("path", "size", "message"),
    [
        (
            "incidents/2026/big.md",
            (1 << 20) + 1,
            "the file is larger than 1 MiB (1,048,577 bytes); make it smaller",
        ),
        (
            "site-config/audiences/big.yaml",
            (1 << 20) + 1,
            "the file is larger than 1 MiB (1,048,577 bytes); make it smaller",
        ),
        (
            "status-log/checkout.yaml",
            (8 << 20) + 1,
            "the file is larger than 8 MiB (8,388,609 bytes); make it smaller",
        ),
    ],
)
def test_an_oversized_file_is_refused_unparsed(
    target: Target, built: tuple[Target, dict[str, bytes]], path: str, size: int, message: str
) -> None:
    (target.root / path).write_bytes(b"#" * size)
    refused(target, built[1], f"{path}:1:1: error: {message}")


def test_a_fifo_is_refused_without_waiting_for_a_writer(
    target: Target, built: tuple[Target, dict[str, bytes]]
) -> None:
    (target.root / "site-config/site.yaml").unlink()
    os.mkfifo(target.root / "site-config/site.yaml")
    message = "the file is not a regular file; replace it with a plain file"
    refused(target, built[1], f"site-config/site.yaml:1:1: error: {message}")


@pytest.fixture
def nested(target: Target) -> Iterator[Callable[[int], Path]]:
    """``nested(depth)`` makes ``incidents/a/a/…/a``, made one level at a time (the whole path may be
    longer than the system allows a path to be); removed afterwards, where ``shutil.rmtree`` would
    recurse too deep."""
    incidents = target.root / "incidents"

    def nest(depth: int) -> Path:
        descriptor = os.open(incidents, os.O_RDONLY)
        for _ in range(depth):
            os.mkdir("a", dir_fd=descriptor)
            inner = os.open("a", os.O_RDONLY, dir_fd=descriptor)
            os.close(descriptor)
            descriptor = inner
        os.close(descriptor)
        return incidents.joinpath(*["a"] * depth)

    yield nest
    top = incidents / "a"
    while top.exists():  # lift the second level up, then drop the first: paths stay short
        if (top / "a").is_dir():
            (top / "a").rename(incidents / "b")
            shutil.rmtree(top)
            (incidents / "b").rename(top)
        else:
            shutil.rmtree(top)


def test_incidents_nested_deeper_than_the_recursion_limit_are_read(
    target: Target, nested: Callable[[int], Path]
) -> None:
    deepest = nested(1500)
    (deepest / "deep.md").write_bytes(
        (target.root / "incidents/2026/2026-08-13-delayed-payouts.md").read_bytes()
    )
    result = target.validate()
    assert result.exit_code == 0, result.output
    assert "22 incidents"  # the example's 21 files and the deep one in result.stdout


def test_a_folder_nested_beyond_the_longest_path_is_a_located_error(
    target: Target, built: tuple[Target, dict[str, bytes]], nested: Callable[[int], Path]
) -> None:
    nested(2100)
    depth = next(d for d in range(1, 2100) if len(f"{target.root}/incidents{'/a' * d}") >= 4096)
    folder = "incidents" + "/a" * depth
    refused(target, built[1], f"{folder}:1:1: error: cannot read the folder: File name too long")
