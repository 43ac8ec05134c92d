import os

import pytest

from statusgen.write.tree import OutputTree, commit, stage


def tree(files: dict[str, bytes]) -> OutputTree:
    out = OutputTree()
    out.update(files)
    return out


@pytest.mark.parametrize("path", ["../x", "/etc/passwd", "a/../../b", "", "a//b", "./a"])
def test_refuses_escaping_or_unclean_paths(path: str) -> None:
    with pytest.raises(ValueError, match="escapes the site folder"):
        OutputTree().add(path, b"")


def test_refuses_duplicate_paths() -> None:
    out = tree({"index.html": b"a"})
    with pytest.raises(ValueError, match=r"same path 'index\.html'"):
        out.add("index.html", b"b")


def test_commit_writes_exactly_the_tree(tmp_path) -> None:
    target = tmp_path / "site"
    commit(tree({"index.html": b"1", "a/b.txt": b"2", "gone.txt": b"3"}), target)
    commit(tree({"index.html": b"1", "a/b.txt": b"22"}), target)
    found = {p.relative_to(target).as_posix(): p.read_bytes() for p in target.rglob("*") if p.is_file()}
    assert found == {"index.html": b"1", "a/b.txt": b"22"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_unchanged_files_keep_their_mtime(tmp_path) -> None:
    target = tmp_path / "site"
    commit(tree({"same.html": b"same", "changed.html": b"old"}), target)
    past = 1_000_000_000
    for name in ("same.html", "changed.html"):
        os.utime(target / name, (past, past))
    commit(tree({"same.html": b"same", "changed.html": b"new"}), target)
    assert (target / "same.html").stat().st_mtime == past
    assert (target / "changed.html").stat().st_mtime != past


def test_failed_staging_leaves_previous_site(tmp_path) -> None:
    target = tmp_path / "site"
    commit(tree({"index.html": b"good"}), target)

    class Exploding(OutputTree):
        def items(self):  # type: ignore[override]
            yield "index.html", b"half"
            raise RuntimeError("renderer bug")

    with pytest.raises(RuntimeError):
        stage(Exploding(), target)
    assert (target / "index.html").read_bytes() == b"good"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]
