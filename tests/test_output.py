import os
import random
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


@pytest.mark.parametrize("path", ["../x", "/etc/passwd", "a/../../b", "", "a//b", "./a", ".", "a/", "a/./b"])
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
    # The output swapped out is kept for the next build to start from.
    assert sorted(p.name for p in tmp_path.iterdir()) == [".dist.new", "dist"]
    assert found(tmp_path / ".dist.new") == {
        "a/index.html": b"1",
        "a/x/b.txt": b"2",
        "a/gone.txt": b"3",
        "b/i": b"4",
    }


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
    publish(target, {"s": {"index.html": b"next"}})
    assert found(target) == {"s/index.html": b"next"}


def test_a_failed_first_build_leaves_nothing(tmp_path: Path) -> None:
    staging = begin(tmp_path / "dist", tmp_path / "repo")
    staging.write_site("s", tree({"index.html": b"half"}))
    staging.discard()
    assert list(tmp_path.iterdir()) == []


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
    assert found(target) == {"s/i": b"1"}
    staging.write_site("s", tree({"i": b"2"}))
    staging.commit(["s"])
    assert found(target) == {"s/i": b"2"}


def test_without_exchange_the_folders_are_renamed_in_turn(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(output, "_exchange", lambda first, second: False)
    target = tmp_path / "dist"
    publish(target, {"s": {"i": b"1"}, "t": {"i": b"1"}})
    publish(target, {"s": {"i": b"2"}})
    assert found(target) == {"s/i": b"2", "t/i": b"1"}
    assert sorted(p.name for p in tmp_path.iterdir()) == [".dist.new", "dist"]
    publish(target, {"s": {"i": b"3"}})
    assert found(target) == {"s/i": b"3", "t/i": b"1"}


def test_a_build_killed_between_the_fallback_renames_gets_the_previous_output_back(tmp_path: Path) -> None:
    target = tmp_path / "dist"
    publish(target, {"s": {"i": b"1"}})
    target.rename(tmp_path / ".dist.old")
    (tmp_path / ".dist.new/s").mkdir(parents=True)
    begin(target, tmp_path / "repo").discard()
    assert found(target) == {"s/i": b"1"}
    assert sorted(p.name for p in tmp_path.iterdir()) == [".dist.new", "dist"]


def test_a_build_killed_after_the_fallback_renames_starts_from_the_previous_output(tmp_path: Path) -> None:
    target = tmp_path / "dist"
    publish(target, {"s": {"i": b"1", "j": b"1"}})
    publish(target, {"s": {"i": b"2", "j": b"1"}})
    (tmp_path / ".dist.new").rename(tmp_path / ".dist.old")
    publish(target, {"s": {"i": b"3", "j": b"1"}})
    assert found(target) == {"s/i": b"3", "s/j": b"1"}
    assert sorted(p.name for p in tmp_path.iterdir()) == [".dist.new", "dist"]


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


def test_a_build_touches_only_what_changed_since_the_output_before(tmp_path: Path, monkeypatch) -> None:
    target = tmp_path / "dist"
    files = {f"p/{n}/index.html": b"same %d" % n for n in range(20)}
    publish(target, {"s": {**files, "index.html": b"1"}})
    publish(target, {"s": {**files, "index.html": b"2"}})
    linked: list[str] = []
    carry_over = output._carry_over
    monkeypatch.setattr(
        output, "_carry_over", lambda old, new: linked.append(str(new)) or carry_over(old, new)
    )
    publish(target, {"s": {**files, "index.html": b"3"}})
    # The folder kept from the first build already holds the very files of the live output.
    assert linked == []
    assert found(target) == {
        **{f"s/{path}": content for path, content in files.items()},
        "s/index.html": b"3",
    }


def test_a_file_edited_in_place_in_the_live_output_is_put_right(tmp_path: Path) -> None:
    target = tmp_path / "dist"
    publish(target, {"s": {"a.html": b"mine", "b.html": b"x"}})
    publish(target, {"s": {"a.html": b"mine", "b.html": b"y"}})
    # The kept folder's a.html is the same file as the live one: an edit in place changes both.
    with (target / "s/a.html").open("r+b") as file:
        file.write(b"MINE")
    publish(target, {"s": {"a.html": b"mine", "b.html": b"z"}})
    assert found(target) == {"s/a.html": b"mine", "s/b.html": b"z"}


def test_whatever_the_kept_folder_holds_the_output_is_exactly_the_build(tmp_path: Path) -> None:
    target = tmp_path / "dist"
    outside = tmp_path / "outside"
    outside.mkdir()
    publish(target, {"s": {"a/index.html": b"1", "b.html": b"1"}, "t": {"i": b"1"}})
    publish(target, {"s": {"a/index.html": b"2", "b.html": b"1"}, "t": {"i": b"1"}})
    kept = tmp_path / ".dist.new"
    (kept / "s/b.html").unlink()
    (kept / "s/b.html").symlink_to(outside / "b.html")  # a link where a file goes: never written through
    (kept / "s/a/index.html").unlink()
    (kept / "s/a/index.html").mkdir()  # a folder where a file goes
    (kept / "s/a/index.html/deep").write_text("x")
    (kept / "s/c").write_text("a file where a folder goes")
    (kept / "s/extra").mkdir()
    (kept / "s/extra/private.html").write_text("not in the build")
    (kept / "t").rename(kept / "t-moved")
    (kept / "t").symlink_to(outside)  # a whole site replaced by a link
    os.mkfifo(kept / "s/pipe")
    publish(target, {"s": {"a/index.html": b"3", "b.html": b"1", "c/d.html": b"4"}, "t": {"i": b"1"}})
    assert found(target) == {"s/a/index.html": b"3", "s/b.html": b"1", "s/c/d.html": b"4", "t/i": b"1"}
    assert not any(p.is_symlink() for p in target.rglob("*"))
    assert list(outside.iterdir()) == []
    assert sorted(p.name for p in target.iterdir()) == ["s", "t"]


def test_random_builds_over_a_kept_folder_give_the_build_exactly(tmp_path: Path) -> None:
    choose = random.Random(18)
    target = tmp_path / "dist"
    target.mkdir()
    names = ["index.html", "a/index.html", "a/b/index.html", "c.json", "c/index.html", "d/e/f.xml"]
    for _ in range(30):
        sites = {
            site: {path: choose.choice([b"1", b"2", b"22"]) for path in names if choose.random() < 0.6}
            for site in ("s", "t")
            if choose.random() < 0.8
        }
        kept = {path: content for path, content in found(target).items() if path.split("/")[0] not in sites}
        publish(target, sites)
        built = {
            f"{site}/{path}": content for site, files in sites.items() for path, content in files.items()
        }
        assert found(target) == {**kept, **built}


def test_a_site_is_written_file_by_file_and_closing_removes_what_was_not_written(tmp_path: Path) -> None:
    target = tmp_path / "dist"
    publish(target, {"s": {"old.html": b"1", "a/b.html": b"1"}})
    publish(target, {"s": {"old.html": b"1", "a/b.html": b"1"}})
    staging = begin(target, tmp_path / "repo")
    site = staging.open_site("s")
    site.add("a/b.html", b"2")
    # On disk at once, so a renderer need not hold a whole site's bytes.
    assert (staging.folder / "s/a/b.html").read_bytes() == b"2"
    assert (staging.folder / "s/old.html").exists()
    site.close()
    assert found(staging.folder / "s") == {"a/b.html": b"2"}
    assert (len(site), site.size, list(site)) == (1, 1, ["a/b.html"])


@pytest.mark.parametrize("path", ["../x", "a//b", "index.html"])
def test_a_site_writer_refuses_what_a_tree_refuses(tmp_path: Path, path: str) -> None:
    site = begin(tmp_path / "dist", tmp_path / "repo").open_site("s")
    site.add("index.html", b"1")
    with pytest.raises(ValueError, match=r"escapes the site folder|same path"):
        site.add(path, b"2")
    assert not (tmp_path / "x").exists()
