"""Smoke tests of the benchmark tools: the generator writes a valid repository that builds (no timing)."""

from __future__ import annotations

import importlib
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest
from example import files_of

from statusgen.build import build
from statusgen.load import load_repository

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"
SMALL = ["--components", "14", "--incidents", "40", "--audiences", "4", "--years", "1"]


@pytest.fixture
def bench(monkeypatch: pytest.MonkeyPatch) -> tuple[ModuleType, ModuleType]:
    """The ``generate`` and ``run`` scripts as modules (they import each other by plain name)."""
    monkeypatch.syspath_prepend(str(BENCHMARKS))
    return importlib.import_module("generate"), importlib.import_module("run")


def generate(out: Path, *args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, str(BENCHMARKS / "generate.py"), *args, str(out)]
    return subprocess.run(command, capture_output=True, text=True, check=False)


def test_same_seed_writes_the_same_bytes(tmp_path: Path) -> None:
    for name, seed in (("a", "3"), ("b", "3"), ("c", "4")):
        assert generate(tmp_path / name, *SMALL, "--seed", seed).returncode == 0
    assert files_of(tmp_path / "a") == files_of(tmp_path / "b")
    assert files_of(tmp_path / "a") != files_of(tmp_path / "c")


def test_generated_repository_is_clean_and_realistic(tmp_path: Path, bench) -> None:
    root = tmp_path / "repo"
    assert generate(root, *SMALL, "--seed", "5").returncode == 0
    now = bench[0].build_time()
    repo = load_repository(root, now=now)
    assert repo.warnings == ()
    assert len(repo.catalogue.components) == 14
    assert all(c.names.get("internal") and c.tags and c.since for c in repo.catalogue.components)
    assert list(repo.audiences) == ["internal", "partner-acme", "partner-globex", "public"]
    assert repo.audiences["internal"].theme == "internal" and repo.audiences["internal"].show_drafts
    incidents = [i for i in repo.incidents if not i.is_maintenance]
    assert len(incidents) == 40
    assert [i.id for i in incidents if i.is_open(now)] == [incidents[-1].id]
    assert all(2 <= len(i.updates) <= 6 for i in incidents)
    assert any(u.internal for i in incidents for u in i.updates)
    assert any(i.draft for i in incidents)
    maintenance = [i for i in repo.incidents if i.is_maintenance]
    assert {i.started < now for i in maintenance} == {True, False}
    assert any(i.is_open(now) for i in maintenance)
    assert all(len(log) >= 2 for log in repo.status_log.values())


def test_generated_repository_builds_every_audience(tmp_path: Path, bench) -> None:
    root = tmp_path / "repo"
    assert (
        generate(
            root, "--components", "10", "--incidents", "12", "--audiences", "3", "--years", "1"
        ).returncode
        == 0
    )
    reports = build(root, tmp_path / "dist", bench[0].build_time())
    assert sorted(r.audience for r in reports) == ["internal", "partner-acme", "public"]
    pages = {
        r.audience: len(list((tmp_path / "dist" / r.audience / "components").iterdir())) for r in reports
    }
    assert pages["internal"] == 10
    assert 0 < pages["partner-acme"] < pages["public"] < pages["internal"]


def test_generator_refuses_fewer_than_two_audiences(tmp_path: Path) -> None:
    result = generate(tmp_path / "repo", "--audiences", "1")
    assert result.returncode == 2
    assert "--audiences must be at least 2" in result.stderr


def test_run_prints_its_command_and_two_tables_with_a_row_per_size(
    capsys: pytest.CaptureFixture[str], bench
) -> None:
    bench[1].main(["--sizes", "4x4x2", "--runs", "1", "--years", "1", "--edits", "0"])
    command, blank, *speed, blank_too, header, rule, row = capsys.readouterr().out.splitlines()
    assert command.startswith("Command: `") and command.endswith(
        "run.py --sizes 4x4x2 --runs 1 --years 1 --edits 0`"
    )
    assert blank == blank_too == ""
    for table in (speed, [header, rule, row]):
        assert table[0].startswith("| components × incidents × audiences |")
        assert table[2].startswith("| 4 × 4 × 2 | ")
        assert table[0].count("|") == table[1].count("|") == table[2].count("|")
    assert "one incident edited" in speed[0] and "status-log line added" in speed[0]
    assert "PSS, all processes" in header


def test_scaling_compares_only_sizes_that_double_incidents(bench) -> None:
    generate_module, run = bench

    def result(components: int, incidents: int, seconds: float):
        spec = generate_module.Spec(components, incidents, 5, 2, 1)
        cold = run.Timings([run.BuildRun(seconds, seconds, 0, None)])
        again = run.Timings([run.BuildRun(0.1, 0.1, 0, None)])
        sampled = run.BuildRun(seconds, seconds, 0, 0)
        return run.Result(spec, 0, 0, cold, sampled, again, again, again, [0.5], 0, 0, 0, 0, None)

    results = [result(100, 5000, 4.0), result(200, 5000, 5.0), result(200, 10000, 10.5)]
    assert list(run.scaling_lines(results)) == [
        "Doubling incidents 5,000 → 10,000 at 200 components: × 2.10 build time (target ≤ 2.2)."
    ]


def test_run_explains_a_bad_size(bench) -> None:
    with pytest.raises(SystemExit, match="write COMPONENTSxINCIDENTSxAUDIENCES"):
        bench[1].main(["--sizes", "200x10000"])
