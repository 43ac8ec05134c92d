"""How the command line ends its process: exit handlers run, output is complete, the code is kept."""

from __future__ import annotations

import subprocess
from pathlib import Path

from example import NOW, copy_example, run_entry

from statusgen import __version__

NOW_TEXT = NOW.strftime("%Y-%m-%d %H:%M UTC")


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return run_entry(*args, at_exit="'exit handler ran'")


def test_a_build_ends_with_its_whole_report_written_and_exit_handlers_run(tmp_path: Path) -> None:
    root = copy_example(tmp_path / "repo")
    done = run("build", "--root", str(root), "--out", str(tmp_path / "dist"), "--now", NOW_TEXT)
    assert done.returncode == 0, done.stderr
    reported = [line.split("/")[-2] for line in done.stdout.splitlines() if line.endswith("KiB")]
    assert reported == sorted(p.name for p in (tmp_path / "dist").iterdir())
    assert done.stdout.splitlines()[-1] == "exit handler ran"


def test_input_errors_and_usage_errors_keep_their_exit_codes(tmp_path: Path) -> None:
    refused = run("build", "--root", str(tmp_path / "nowhere"), "--out", str(tmp_path / "dist"))
    assert refused.returncode == 1
    assert "no site-config/ folder" in refused.stderr
    assert refused.stdout == "exit handler ran\n"
    unknown = run("no-such-command")
    assert unknown.returncode == 2
    assert "No such command" in unknown.stderr


def test_a_version_printed_into_a_pipe_is_complete() -> None:
    done = run("--version")
    assert (done.returncode, done.stdout) == (0, f"statusgen, version {__version__}\nexit handler ran\n")
