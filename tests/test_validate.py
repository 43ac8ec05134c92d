"""``statusgen validate``: output formats, exit status, --strict."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from statusgen.cli import cli
from statusgen.errors import InputError, StatusgenError
from statusgen.validate import run_validate

MakeRepo = Callable[[str], Path]
UNSEEN = (
    "site-config/components.yaml:14:9: warning: no audience shows the component 'db-eu'; "
    "add it to an audience's components.include"
)


def invoke(*args: str | Path) -> Result:
    return CliRunner().invoke(cli, ["validate", *map(str, args)])


def hide_db(root: Path) -> Path:
    """A warning that does not depend on the clock: no audience shows db-eu."""
    audience = root / "site-config/audiences/internal.yaml"
    audience.write_text(audience.read_text().replace('include: ["*"]', 'include: ["group:payments"]'))
    return root


def test_clean_repository(fixture_repo: MakeRepo) -> None:
    result = invoke("--root", fixture_repo("minimal"))
    assert (result.exit_code, result.stdout, result.stderr) == (
        0,
        "ok: 3 components, 2 audiences, 2 incidents\n",
        "",
    )


def test_errors_in_text(fixture_repo: MakeRepo) -> None:
    result = invoke("--root", fixture_repo("unknown-group"))
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == (
        "site-config/components.yaml:7:12: error: unknown group 'payment'; did you mean 'payments'?\n"
        "1 problem found\n"
    )


def test_errors_for_github(fixture_repo: MakeRepo) -> None:
    result = invoke("--root", fixture_repo("unknown-key"), "--format", "github")
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "::error file=site-config/site.yaml,line=2,col=1::unknown key 'timezon'; did you mean 'timezone'?",
        "::error file=site-config/site.yaml,line=4,col=3::unknown key 'dayz'; did you mean 'days'?",
    ]
    assert result.stderr.splitlines()[-1] == "2 problems found"


def test_warnings_pass_without_strict(fixture_repo: MakeRepo) -> None:
    result = invoke("--root", hide_db(fixture_repo("minimal")))
    assert result.exit_code == 0
    assert result.stderr == UNSEEN + "\n"
    assert result.stdout == "ok: 3 components, 2 audiences, 2 incidents (1 warning)\n"


def test_strict_fails_on_warnings(fixture_repo: MakeRepo) -> None:
    result = invoke("--root", hide_db(fixture_repo("minimal")), "--strict", "--format", "github")
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "::warning file=site-config/components.yaml,line=14,col=9::no audience shows the component 'db-eu'; "
        "add it to an audience's components.include"
    ]
    assert result.stderr.splitlines() == [
        UNSEEN,
        "Error: 1 warning found; --strict treats warnings as errors",
    ]


def test_missing_site_config_suggests_root(tmp_path: Path) -> None:
    result = invoke("--root", tmp_path)
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: no site-config/ folder in {tmp_path}; "
        "run statusgen in a status repository or pass --root PATH\n"
    )


def test_overdue_update_is_a_warning_and_strict_makes_it_fail(
    fixture_repo: MakeRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    root = fixture_repo("open-incident")
    run_validate(root, strict=False, output_format="text", now=datetime(2026, 11, 20, 16, tzinfo=UTC))
    output = capsys.readouterr()
    assert output.out == "ok: 3 components, 2 audiences, 2 incidents (2 warnings)\n"
    assert output.err.splitlines()[0] == (
        "incidents/2026/2026-11-20-payments.md:4:14: warning: the next update was promised for "
        "2026-11-20 16:30 CET and is overdue; post an update or move next_update"
    )
    with pytest.raises(StatusgenError, match=r"^2 warnings found; --strict treats warnings as errors$"):
        run_validate(root, strict=True, output_format="text", now=datetime(2026, 11, 20, 16, tzinfo=UTC))


def test_errors_raise_input_error_with_every_problem(fixture_repo: MakeRepo) -> None:
    with pytest.raises(InputError) as raised:
        run_validate(fixture_repo("multiple-files-broken"), strict=False, output_format="text")
    assert len({p.path for p in raised.value.problems}) == 5


def test_validate_reports_an_unknown_theme_at_its_line(tmp_path) -> None:
    """Every command that loads the repository refuses a theme that does not exist."""
    import shutil
    from pathlib import Path

    from click.testing import CliRunner

    from statusgen.cli import cli

    root = tmp_path / "repo"
    shutil.copytree(Path(__file__).parent / "fixtures" / "minimal", root)
    audience = next((root / "site-config" / "audiences").glob("*.yaml"))
    audience.write_text(audience.read_text() + "theme: fancy\n")
    line = len(audience.read_text().splitlines())
    result = CliRunner().invoke(cli, ["validate", "--root", str(root)])
    assert result.exit_code == 1
    relative = audience.relative_to(root).as_posix()
    assert (
        f"{relative}:{line}:8: error: theme 'fancy' is neither in themes/ nor built in; "
        "known themes: default, internal"
    ) in result.output


def test_validate_reports_a_missing_branding_file_at_its_line(tmp_path) -> None:
    import shutil
    from pathlib import Path

    from click.testing import CliRunner

    from statusgen.cli import cli

    root = tmp_path / "repo"
    shutil.copytree(Path(__file__).parent / "fixtures" / "minimal", root)
    audience = next((root / "site-config" / "audiences").glob("*.yaml"))
    audience.write_text(audience.read_text() + "branding: {logo: assets/nope.svg}\n")
    line = len(audience.read_text().splitlines())
    result = CliRunner().invoke(cli, ["validate", "--root", str(root)])
    assert result.exit_code == 1
    relative = audience.relative_to(root).as_posix()
    assert (
        f"{relative}:{line}:18: error: branding logo: no file site-config/assets/nope.svg; "
        "branding paths are relative to site-config/"
    ) in result.output


def test_a_template_syntax_error_is_reported_at_its_line(fixture_repo: MakeRepo) -> None:
    root = fixture_repo("minimal")
    template = root / "themes/default/templates/incident.html"
    template.parent.mkdir(parents=True)
    template.write_text("{% extends 'default/incident.html' %}\n\n{% block main %}{{ incident.title }\n")
    result = invoke("--root", root, "--format", "github")
    assert result.exit_code == 1
    [annotation] = result.stdout.splitlines()
    assert annotation.startswith("::error file=themes/default/templates/incident.html,line=3,col=1::")
    assert result.stderr.splitlines()[-1] == "1 problem found"


def test_a_dark_logo_is_checked_like_the_logo(fixture_repo: MakeRepo) -> None:
    root = fixture_repo("minimal")
    audience = root / "site-config" / "audiences" / "public.yaml"
    audience.write_text(audience.read_text() + "branding: {logo_dark: assets/dark.txt}\n")
    line = len(audience.read_text().splitlines())
    result = CliRunner().invoke(cli, ["validate", "--root", str(root)])
    assert result.exit_code == 1
    assert (
        f"site-config/audiences/public.yaml:{line}:23: error: branding logo_dark: assets/dark.txt is not "
        "an image; use a .svg, .png, .jpg, .jpeg, .gif, .webp or .ico file"
    ) in result.output
