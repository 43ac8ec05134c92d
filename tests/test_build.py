"""`statusgen build` end to end on copies of the example repository."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path

import jinja2
import pytest
from click.testing import CliRunner
from example import NOW, copy_example, files_of

from statusgen import build as build_module
from statusgen.build import SiteReport, build
from statusgen.cli import cli

NOW_TEXT = NOW.strftime("%Y-%m-%d %H:%M UTC")


def run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_build_writes_one_site_per_audience(tmp_path: Path) -> None:
    root = copy_example(tmp_path / "repo")
    result = run("build", "--root", str(root), "--out", str(tmp_path / "dist"), "--now", NOW_TEXT)
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "dist").iterdir()) == ["acme-partner", "internal", "public"]
    for audience in ("public", "internal", "acme-partner"):
        site = tmp_path / "dist" / audience
        for required in ("index.html", "404.html", "history.rss", "maintenance.ics", "api/v2/summary.json"):
            assert (site / required).is_file(), f"{audience}/{required}"
        assert f"dist/{audience}/:" in result.output


def test_source_date_epoch_fixes_the_clock(tmp_path: Path, monkeypatch) -> None:
    root = copy_example(tmp_path / "repo")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(NOW.timestamp())))
    assert run("build", "--root", str(root), "--out", str(tmp_path / "a")).exit_code == 0
    assert run("build", "--root", str(root), "--out", str(tmp_path / "b"), "--now", NOW_TEXT).exit_code == 0
    assert files_of(tmp_path / "a") == files_of(tmp_path / "b")


def test_one_audience_only(tmp_path: Path) -> None:
    root = copy_example(tmp_path / "repo")
    result = run("build", "--root", str(root), "--out", str(tmp_path / "dist"), "--audience", "public")
    assert result.exit_code == 0
    assert [p.name for p in (tmp_path / "dist").iterdir()] == ["public"]


def test_unknown_audience_suggests_the_close_one(tmp_path: Path) -> None:
    root = copy_example(tmp_path / "repo")
    result = run("build", "--root", str(root), "--out", str(tmp_path / "dist"), "--audience", "publc")
    assert result.exit_code == 1
    assert "unknown audience 'publc'; did you mean 'public'?" in result.output
    assert not (tmp_path / "dist").exists()


def test_bad_input_leaves_the_previous_sites_untouched(tmp_path: Path) -> None:
    root = copy_example(tmp_path / "repo")
    out = tmp_path / "dist"
    assert run("build", "--root", str(root), "--out", str(out), "--now", NOW_TEXT).exit_code == 0
    before = files_of(out)
    incident = next((root / "incidents").rglob("*.md"))
    incident.write_text(incident.read_text().replace("impact:", "impakt:", 1))
    result = run("build", "--root", str(root), "--out", str(out), "--now", NOW_TEXT)
    assert result.exit_code == 1
    assert "unknown key 'impakt'" in result.output
    assert "Traceback" not in result.output
    assert files_of(out) == before
    assert sorted(p.name for p in out.iterdir()) == ["acme-partner", "internal", "public"]


def test_unknown_theme_is_a_user_error(tmp_path: Path) -> None:
    root = copy_example(tmp_path / "repo")
    audience = root / "site-config/audiences/public.yaml"
    audience.write_text(audience.read_text().replace("theme: default", "theme: defualt"))
    result = run("build", "--root", str(root), "--out", str(tmp_path / "dist"))
    assert result.exit_code == 1
    expected = (
        "site-config/audiences/public.yaml:7:8: error: theme 'defualt' is neither in themes/ "
        "nor built in; did you mean 'default'?"
    )
    assert expected in result.output


def test_a_template_syntax_error_names_its_file_and_line(tmp_path: Path) -> None:
    root = copy_example(tmp_path / "repo")
    template = root / "themes/default/templates/404.html"
    template.parent.mkdir(parents=True)
    template.write_text("{% extends 'default/404.html' %}\n{% block main %}{% if %}{% endblock %}\n")
    result = run("build", "--root", str(root), "--out", str(tmp_path / "dist"), "--now", NOW_TEXT)
    assert result.exit_code == 1
    assert "themes/default/templates/404.html:2:1: error: Expected an expression" in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "dist").exists()


def test_one_audience_keeps_the_other_sites_as_they_were(tmp_path: Path) -> None:
    root = copy_example(tmp_path / "repo")
    out = tmp_path / "dist"
    assert run("build", "--root", str(root), "--out", str(out), "--now", NOW_TEXT).exit_code == 0
    (out / "CNAME").write_text("status.northwind.example\n")
    kept = {p: p.stat().st_ino for p in out.rglob("*") if p.is_file() and "public" not in p.parts}
    incident = root / "incidents/2026/2026-09-09-eu-payments-outage.md"
    incident.write_text(incident.read_text().replace("title: EU card", "title: EU debit card", 1))
    result = run("build", "--root", str(root), "--out", str(out), "--now", NOW_TEXT, "--audience", "public")
    assert result.exit_code == 0, result.output
    assert "EU debit card" in (out / "public/index.html").read_text()
    assert {p: p.stat().st_ino for p in out.rglob("*") if p.is_file() and "public" not in p.parts} == kept
    # The output swapped out is kept beside, for the next build to start from.
    assert sorted(p.name for p in tmp_path.iterdir()) == [".dist.new", "dist", "repo"]


def test_a_site_that_fails_to_render_leaves_the_previous_sites(tmp_path: Path) -> None:
    root = copy_example(tmp_path / "repo")
    out = tmp_path / "dist"
    assert run("build", "--root", str(root), "--out", str(out), "--now", NOW_TEXT).exit_code == 0
    before = files_of(out)
    # Compiles, so only rendering fails, and only the internal site's, while the other two render.
    template = root / "themes/internal/templates/404.html"
    template.parent.mkdir(parents=True)
    template.write_text("{{ no_such_value }}\n")
    with pytest.raises(jinja2.UndefinedError):
        build(root, out, NOW)
    assert files_of(out) == before
    template.unlink()
    build(root, out, NOW)
    assert files_of(out) == before


def test_an_output_folder_holding_the_repository_is_refused(tmp_path: Path) -> None:
    root = copy_example(tmp_path / "repo")
    before = files_of(tmp_path)
    result = run("build", "--root", str(root), "--out", str(tmp_path), "--now", NOW_TEXT)
    assert result.exit_code == 1
    assert result.output == (
        f"Error: --out {tmp_path} is or contains the repository root, and a build replaces the whole output "
        "folder; choose a folder of its own, such as --out dist\n"
    )
    assert files_of(tmp_path) == before


class Recorded:
    """A stand-in for staging one site, in whatever process takes it: each start and end is a line
    of ``log``, so the test sees what every process did."""

    def __init__(self, log: Path, fails: Callable[[str], bool] = lambda audience: False) -> None:
        self.log = log
        self.fails = fails

    def __call__(self, repo, audience, now, authors, staging, secret) -> SiteReport:
        with self.log.open("a") as log:
            log.write(f"start {audience} {os.getpid()}\n")
        time.sleep(0.2)  # long enough for the worker to have started and taken its share
        try:
            if self.fails(audience):
                raise RuntimeError(f"{audience} failed")
            return SiteReport(audience, 1, 1, 1, 1)
        finally:
            with self.log.open("a") as log:
                log.write(f"end {audience} {os.getpid()}\n")

    def lines(self) -> list[list[str]]:
        return [line.split() for line in self.log.read_text().splitlines()]


AUDIENCES = ["a", "b", "c", "d", "e"]


def test_every_audience_is_staged_once_by_this_process_and_a_worker(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    staged = Recorded(tmp_path / "log")
    monkeypatch.setattr(build_module, "_stage_site", staged)

    reports = build_module.stage_sites(None, AUDIENCES, NOW, {}, None)  # type: ignore[arg-type]

    assert [report.audience for report in reports] == AUDIENCES
    starts = [(audience, int(pid)) for kind, audience, pid in staged.lines() if kind == "start"]
    assert sorted(audience for audience, _ in starts) == AUDIENCES
    pids = {pid for _, pid in starts}
    assert os.getpid() in pids
    assert len(pids) == 2


@pytest.mark.parametrize("where", ["this process", "the worker"])
def test_a_failed_site_stops_the_staging_once_every_started_site_has_ended(
    tmp_path: Path, monkeypatch, where: str
) -> None:
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    here = os.getpid()
    staged = Recorded(tmp_path / "log", lambda audience: (os.getpid() == here) == (where == "this process"))
    monkeypatch.setattr(build_module, "_stage_site", staged)

    with pytest.raises(RuntimeError, match="failed"):
        build_module.stage_sites(None, AUDIENCES, NOW, {}, None)  # type: ignore[arg-type]

    lines = staged.lines()
    started = sorted(audience for kind, audience, _ in lines if kind == "start")
    ended = sorted(audience for kind, audience, _ in lines if kind == "end")
    assert started == ended  # nothing still writes once the error is raised
    assert len(started) < len(AUDIENCES)  # and no audience was taken after the failure was known
