"""The command line. Each command parses its options and calls one library function."""

from __future__ import annotations

from pathlib import Path

import click

from statusgen import __version__

ROOT_OPTION = click.option(
    "--root",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path(),
    show_default=True,
    help="The status repository (the folder holding site-config/).",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="statusgen")
def cli() -> None:
    """Static status pages for several audiences from one git repository.

    \b
    Typical use:
      statusgen validate              check every file, report every problem
      statusgen build --out dist      write dist/<audience>/ for every audience
    """


@cli.command()
@ROOT_OPTION
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "github"]),
    default="text",
    show_default=True,
    help="github: print GitHub Actions annotations that mark the lines in a pull request.",
)
def validate(root: Path, strict: bool, output_format: str) -> None:
    """Check every file of the repository and report every problem at once.

    Each problem names the file, line and column to edit. Exit status 0 when clean, 1 otherwise.
    Times written without a zone are read in site.yaml's timezone.

    \b
    Examples:
      statusgen validate
      statusgen validate --strict --format github   # in CI, annotates the pull request
    """
    from statusgen.validate import run_validate

    run_validate(root, strict=strict, output_format=output_format)


NOW_OPTION = click.option(
    "--now",
    metavar="TIME",
    help="Build as if it were TIME (e.g. '2026-11-23 18:00 UTC'; without a zone: UTC). "
    "Default: SOURCE_DATE_EPOCH if set, else the clock. Same files and --now give the same bytes.",
)


@cli.command()
@ROOT_OPTION
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("dist"),
    show_default=True,
    help="Folder that receives one site per audience: OUT/<audience>/.",
)
@click.option(
    "--audience", "audiences", multiple=True, metavar="ID", help="Build only this audience (repeatable)."
)
@NOW_OPTION
def build(root: Path, out: Path, audiences: tuple[str, ...], now: str | None) -> None:
    """Build one static site per audience into OUT/<audience>/.

    Every site is written beside the old one and swapped in only when all are complete, so a failed
    build leaves the previous sites untouched.

    \b
    Examples:
      statusgen build
      statusgen build --audience public --out public-site
      statusgen build --now "2026-11-23 18:00 UTC"   # reproducible output
    """
    from statusgen.build import build as build_sites
    from statusgen.clock import resolve_now

    for site in build_sites(root, out, resolve_now(now), audiences):
        click.echo(f"{out / site.audience}/: {site.files} files, {site.bytes / 1024:.0f} KiB")


def main() -> None:
    cli(prog_name="statusgen")
