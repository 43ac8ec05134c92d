import os
import re
from pathlib import Path

import pytest

from statusgen.errors import StatusgenError
from statusgen.write import tree as output
from statusgen.write.tree import OutputTree, begin


def tree(files: dict[str, bytes]) -> OutputTree:
    out = OutputTree()
    out.update(files)
    return out


def publish(target: Path, sites: dict[str, dict[str, bytes]]) -> None:
    """What a build does: begin, write each site, commit; the repository is elsewhere."""
    staging = begin(target, target.parent / "repo")
    for name, files in sites.items():
        staging.write_site(name, tree(files))
    staging.commit(list(sites))


def found(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


@pytest.mark.parametrize("path", ["../x", "/etc/passwd", "a/../../b", "", "a//b", "./a"])
def test_refuses_escaping_or_unclean_paths(path: str) -> None:
    with pytest.raises(ValueError, match="escapes the site folder"):
        OutputTree().add(path, b"")


def test_refuses_duplicate_paths() -> None:
    out = tree({"index.html": b"a"})
    with pytest.raises(ValueError, match=r"same path 'index\.html'"):
        out.add("index.html", b"b")


def test_commit_writes_exactly_the_sites(tmp_path: Path) -> None:
    target = tmp_path / "dist"
    publish(target, {"a": {"index.html": b"1", "x/b.txt": b"2", "gone.txt": b"3"}, "b": {"i": b"4"}})
    publish(target, {"a": {"index.html": b"1", "x/b.txt": b"22"}, "b": {"i": b"44"}})
    assert found(target) == {"a/index.html": b"1", "a/x/b.txt": b"22", "b/i": b"44"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dist"]


def test_the_whole_folder_is_swapped_in_one_step(tmp_path: Path) -> None:
    target = tmp_path / "dist"
    publish(target, {"a": {"i": b"1"}, "b": {"i": b"1"}})
    staging = begin(target, tmp_path / "repo")
    staging.write_site("a", tree({"i": b"2"}))
    staging.write_site("b", tree({"i": b"2"}))
    new_folder = staging.folder.stat().st_ino
    assert found(target) == {"a/i": b"1", "b/i": b"1"}
    staging.commit(["a", "b"])
    assert target.stat().st_ino == new_folder
    assert found(target) == {"a/i": b"2", "b/i": b"2"}


def test_exchange_swaps_two_folders_on_this_file_system(tmp_path: Path) -> None:
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "was").write_text(name)
    assert output._exchange(tmp_path / "a", tmp_path / "b")
    assert [(tmp_path / name / "was").read_text() for name in ("a", "b")] == ["b", "a"]


def test_unchanged_files_keep_their_mtime(tmp_path: Path) -> None:
    target = tmp_path / "dist"
    publish(target, {"s": {"same.html": b"same", "changed.html": b"old"}})
    past = 1_000_000_000
    for name in ("same.html", "changed.html"):
        os.utime(target / "s" / name, (past, past))
    publish(target, {"s": {"same.html": b"same", "changed.html": b"new"}})
    assert (target / "s/same.html").stat().st_mtime == past
    assert (target / "s/changed.html").stat().st_mtime != past


def test_what_the_build_does_not_replace_is_carried_over(tmp_path: Path) -> None:
    target = tmp_path / "dist"
    publish(target, {"public": {"i": b"1"}, "internal": {"deep/i": b"1"}})
    (target / "CNAME").write_text("status.example\n")
    (target / ".well-known").mkdir()
    (target / ".well-known/security.txt").write_text("Contact: x\n")
    (target / "latest").symlink_to("public")
    target.chmod(0o750)
    before = {p.relative_to(target): p.lstat().st_ino for p in target.rglob("*") if not p.is_dir()}
    publish(target, {"public": {"i": b"2"}})
    after = {p.relative_to(target): p.lstat().st_ino for p in target.rglob("*") if not p.is_dir()}
    unchanged = {path: inode for path, inode in before.items() if path != Path("public/i")}
    assert {path: after[path] for path in unchanged} == unchanged
    assert (target / "public/i").read_bytes() == b"2"
    assert (target / "latest").readlink() == Path("public")
    assert target.stat().st_mode & 0o777 == 0o750


def test_failed_staging_leaves_previous_output(tmp_path: Path) -> None:
    target = tmp_path / "dist"
    publish(target, {"s": {"index.html": b"good"}})

    class Exploding(OutputTree):
        def items(self):  # type: ignore[override]
            yield "index.html", b"half"
            raise RuntimeError("renderer bug")

    staging = begin(target, tmp_path / "repo")
    with pytest.raises(RuntimeError):
        staging.write_site("s", Exploding())
    staging.discard()
    assert found(target) == {"s/index.html": b"good"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dist"]


def test_begin_removes_what_interrupted_builds_left(tmp_path: Path) -> None:
    target = tmp_path / "dist"
    publish(target, {"s": {"i": b"1"}})
    for leftover in (
        tmp_path / ".dist.new/s",
        tmp_path / ".dist.old/s",
        target / ".s.new",
        target / ".t.old",
    ):
        leftover.mkdir(parents=True)
        (leftover / "i").write_bytes(b"half")
    staging = begin(target, tmp_path / "repo")
    assert sorted(p.name for p in tmp_path.iterdir()) == [".dist.new", "dist"]
    assert list(staging.folder.iterdir()) == []
    assert found(target) == {"s/i": b"1"}


def test_without_exchange_the_folders_are_renamed_in_turn(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(output, "_exchange", lambda first, second: False)
    target = tmp_path / "dist"
    publish(target, {"s": {"i": b"1"}, "t": {"i": b"1"}})
    publish(target, {"s": {"i": b"2"}})
    assert found(target) == {"s/i": b"2", "t/i": b"1"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dist"]


def test_a_build_killed_between_the_fallback_renames_gets_the_previous_output_back(tmp_path: Path) -> None:
    target = tmp_path / "dist"
    publish(target, {"s": {"i": b"1"}})
    target.rename(tmp_path / ".dist.old")
    (tmp_path / ".dist.new/s").mkdir(parents=True)
    begin(target, tmp_path / "repo").discard()
    assert found(target) == {"s/i": b"1"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dist"]


def test_a_symbolic_link_to_the_output_folder_stays(tmp_path: Path) -> None:
    (tmp_path / "real").mkdir()
    (tmp_path / "dist").symlink_to("real")
    publish(tmp_path / "dist", {"s": {"i": b"1"}})
    assert (tmp_path / "dist").readlink() == Path("real")
    assert found(tmp_path / "real") == {"s/i": b"1"}


@pytest.mark.parametrize("out", [".", "..", "../repo"])
def test_refuses_an_output_folder_holding_the_repository(tmp_path: Path, monkeypatch, out: str) -> None:
    (tmp_path / "repo").mkdir()
    monkeypatch.chdir(tmp_path / "repo")
    message = (
        f"--out {out} is or contains the repository root, and a build replaces the whole output folder; "
        "choose a folder of its own, such as --out dist"
    )
    with pytest.raises(StatusgenError) as refused:
        begin(Path(out), Path())
    assert refused.value.message == message
    assert sorted(p.name for p in tmp_path.iterdir()) == ["repo"]


def test_refuses_a_mount_point(tmp_path: Path) -> None:
    with pytest.raises(StatusgenError, match=r"^--out /proc is a mount point, .* such as --out /proc/site$"):
        begin(Path("/proc"), tmp_path)


def test_a_folder_above_that_cannot_be_written_is_a_user_error(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("")
    message = (
        rf"^--out {re.escape(str(tmp_path))}/file/dist: cannot write \.dist\.new beside it \(File exists\);"
    )
    with pytest.raises(StatusgenError, match=message):
        begin(tmp_path / "file/dist", tmp_path / "repo")
