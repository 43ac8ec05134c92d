"""The hostile-input corpus's tools: a built copy of the example, the CLI, and the output's bytes.

Every case follows one pattern: build the example once, damage or poison one input, then check
that each command refuses with the exact message (exit 1, no traceback) and that the output folder
holds exactly the bytes it held before.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from click.testing import CliRunner, Result
from example import NOW, copy_example

from statusgen.cli import cli

NOW_TEXT = NOW.strftime("%Y-%m-%d %H:%M UTC")


@dataclass(frozen=True)
class Target:
    """A copy of the example repository and the folder its sites were built into."""

    root: Path
    out: Path

    def run(self, *args: str) -> Result:
        """``statusgen ARGS --root ROOT``; an exception other than a user error fails the test."""
        result = CliRunner().invoke(cli, [*args, "--root", str(self.root)])
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            raise AssertionError(f"statusgen {' '.join(args)} crashed") from result.exception
        return result

    def build(self) -> Result:
        return self.run("build", "--out", str(self.out), "--now", NOW_TEXT)

    def validate(self) -> Result:
        return self.run("validate")

    def output(self) -> dict[str, bytes]:
        """Every file a reader of the output folder sees (symbolic links followed): path → bytes."""
        return {
            p.relative_to(self.out).as_posix(): p.read_bytes()
            for p in sorted(self.out.rglob("*"))
            if p.is_file() and not any(part.startswith(".") for part in p.relative_to(self.out).parts)
        }


def built_example(tmp_path: Path) -> Target:
    """A copy of the example, built once at the fixed clock so a later refusal can be compared."""
    target = Target(copy_example(tmp_path / "repo"), tmp_path / "dist")
    result = target.build()
    assert result.exit_code == 0, result.output
    return target


def copy_target(target: Target, folder: Path) -> Target:
    """A copy of ``target``'s repository and output in ``folder``: one build serves many cases."""
    copy = Target(folder / "repo", folder / "dist")
    shutil.copytree(target.root, copy.root, symlinks=True)
    shutil.copytree(target.out, copy.out, symlinks=True)
    return copy


def assert_refused(result: Result, *messages: str) -> None:
    """Exit 1 with every one of ``messages`` as a line of stderr."""
    assert result.exit_code == 1, result.output
    lines = result.stderr.splitlines()
    for message in messages:
        assert message in lines, f"{message!r} not in:\n{result.stderr}"
