"""The release: one version, a wheel that builds, and the scaffold's install line proven against it.

The wheel is built from this checkout, put in a local package folder and installed into a fresh
virtual environment by the very ``Install statusgen`` step that an ``init`` repository's workflows
run, with pip pointed at that folder only. Nothing is fetched: the environment sees this machine's
installed dependencies through a folder that leaves statusgen itself out.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import sysconfig
import tarfile
import tomllib
import zipfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml
from click.testing import CliRunner

import statusgen
from statusgen.author.scaffold import init_repository
from statusgen.cli import cli

ROOT = Path(__file__).resolve().parent.parent
NOW = datetime(2026, 11, 23, 18, 0, tzinfo=UTC)
REGISTRY_HOSTS = [".".join(("pypi", "org")), ".".join(("pythonhosted", "org"))]
"""Hosts no project file may name (the release workflow publishes without naming one)."""


def _pyproject() -> dict[str, Any]:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())


def test_the_version_is_written_once() -> None:
    project = _pyproject()
    assert "version" not in project["project"]
    assert project["project"]["dynamic"] == ["version"]
    assert project["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "statusgen.__version__"}
    assert CliRunner().invoke(cli, ["--version"]).output == f"statusgen, version {statusgen.__version__}\n"


def test_the_build_floor_reads_an_spdx_license() -> None:
    project = _pyproject()
    assert project["project"]["license"] == "MIT"
    assert project["build-system"]["requires"] == ["setuptools>=77"]


def test_the_changelog_has_a_section_for_this_version() -> None:
    headings = re.findall(r"^## \[([^\]]+)\]", (ROOT / "CHANGELOG.md").read_text(), re.MULTILINE)
    assert headings[:2] == ["Unreleased", statusgen.__version__]


def test_release_builds_on_a_version_tag_and_publishes_by_trusted_publishing() -> None:
    workflow = yaml.safe_load((ROOT / ".github/workflows/release.yml").read_text())
    assert workflow[True] == {"push": {"tags": ["v*"]}}
    assert workflow["permissions"] == {"contents": "read"}
    build = workflow["jobs"]["build"]
    script = "\n".join(step.get("run", "") for step in build["steps"])
    assert "python -m build" in script
    assert '"v$version" != "$GITHUB_REF_NAME"' in script
    publish = workflow["jobs"]["publish"]
    assert publish["needs"] == "build"
    assert publish["permissions"] == {"id-token": "write"}
    assert publish["steps"][-1] == {"uses": "pypa/gh-action-pypi-publish@release/v1"}


def test_no_project_file_names_a_registry_host() -> None:
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        check=True,
        text=True,
    ).stdout.split("\0")
    naming = [
        name
        for name in listed
        if name
        and (ROOT / name).is_file()
        and any(h in (ROOT / name).read_text(errors="replace") for h in REGISTRY_HOSTS)
    ]
    assert naming == []


def _copy_sources(scratch: Path) -> Path:
    """What a build reads, copied, so the checkout gets no build/ or egg-info."""
    source = scratch / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, source / name)
    shutil.copytree(ROOT / "statusgen", source / "statusgen", ignore=shutil.ignore_patterns("__pycache__"))
    return source


def _build_wheel(into: Path, scratch: Path) -> Path:
    """Build the wheel as the scaffold's users get it: by pip, from a copy of the sources."""
    source = _copy_sources(scratch)
    # No build isolation: the build-system floor is a test dependency, and nothing can be fetched.
    built = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(into),
            ".",
        ],
        cwd=source,
        capture_output=True,
        text=True,
        check=False,
    )
    assert built.returncode == 0, f"pip install -e '.[test]' installs setuptools>=77\n{built.stderr}"
    (wheel,) = into.glob("statusgen-*.whl")
    return wheel


def test_the_sdist_rebuilds_into_a_complete_wheel(tmp_path: Path) -> None:
    """What the release uploads as source must build on its own, with every template and scaffold file."""
    source = _copy_sources(tmp_path)
    _build("sdist", source, tmp_path / "sdist")
    (archive,) = (tmp_path / "sdist").glob("statusgen-*.tar.gz")
    with tarfile.open(archive) as sdist:
        sdist.extractall(tmp_path / "unpacked", filter="data")
    (unpacked,) = (tmp_path / "unpacked").iterdir()
    _build("wheel", unpacked, tmp_path / "wheel")
    (wheel,) = (tmp_path / "wheel").glob("*.whl")
    with zipfile.ZipFile(wheel) as built:
        names = set(built.namelist())
    expected = {
        f"statusgen/{path.relative_to(ROOT / 'statusgen').as_posix()}"
        for folder in ("scaffold", "themes")
        for path in (ROOT / "statusgen" / folder).rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    }
    assert expected - names == set()
    assert "statusgen/py.typed" in names


def _build(kind: str, source: Path, into: Path) -> None:
    """setuptools' own build hooks, as a frontend calls them (``python -m build`` in the release)."""
    hook = f"from setuptools import build_meta; build_meta.build_{kind}({str(into)!r})"
    into.mkdir()
    built = subprocess.run(
        [sys.executable, "-c", hook], cwd=source, capture_output=True, text=True, check=False
    )
    assert built.returncode == 0, built.stderr


def _site_without_statusgen(target: Path) -> Path:
    """This interpreter's site-packages as links, less statusgen's own (editable) installation."""
    target.mkdir()
    for entry in Path(sysconfig.get_paths()["purelib"]).iterdir():
        name = entry.name.lower()
        if "statusgen" not in name and not name.endswith(".pth"):
            (target / entry.name).symlink_to(entry)
    return target


def _fresh_venv(folder: Path, site: Path) -> Path:
    """A virtual environment that sees ``site`` and has a ``pip`` command of its own.

    Its pip is this interpreter's, found through ``site``: ensurepip would install a copy, which takes
    half a minute on a busy machine, for the same code.
    """
    subprocess.run(
        [sys.executable, "-m", "venv", "--without-pip", str(folder)], check=True, capture_output=True
    )
    purelib = subprocess.run(
        [folder / "bin/python", "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    (Path(purelib) / "installed-dependencies.pth").write_text(f"{site}\n")
    pip = folder / "bin/pip"
    pip.write_text(
        f"#!{folder}/bin/python\nimport sys\nfrom pip._internal.cli.main import main\nsys.exit(main())\n"
    )
    pip.chmod(0o755)
    return folder / "bin"


def _install_step(repository: Path) -> str:
    workflow = yaml.safe_load((repository / ".github/workflows/deploy.yml").read_text())
    (step,) = [s for s in workflow["jobs"]["build"]["steps"] if s.get("name") == "Install statusgen"]
    script: str = step["run"]
    return script


def test_an_init_repository_installs_the_built_wheel_with_its_own_install_line(tmp_path: Path) -> None:
    wheels = tmp_path / "wheels"
    wheel = _build_wheel(wheels, tmp_path)
    assert wheel.name == f"statusgen-{statusgen.__version__}-py3-none-any.whl"
    bin_dir = _fresh_venv(tmp_path / "venv", _site_without_statusgen(tmp_path / "site"))
    env = {
        **{k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "VIRTUAL_ENV"}},
        "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
        "PIP_NO_INDEX": "1",
        "PIP_FIND_LINKS": str(wheels),
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
    }
    repository = tmp_path / "status"
    init_repository(repository, NOW)
    assert (repository / "requirements.txt").read_text() == f"statusgen=={statusgen.__version__}\n"
    installed = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", _install_step(repository)],
        cwd=repository,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert installed.returncode == 0, installed.stdout + installed.stderr
    assert f"Successfully installed statusgen-{statusgen.__version__}" in installed.stdout
    where = subprocess.run(
        [bin_dir / "python", "-c", "import statusgen; print(statusgen.__file__)"],
        cwd=repository,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert where.startswith(str(tmp_path / "venv")), where
    built = subprocess.run(
        [bin_dir / "statusgen", "build", "--out", "dist", "--now", "2026-11-23 18:00 UTC"],
        cwd=repository,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert built.returncode == 0, built.stderr
    assert (repository / "dist/public/index.html").is_file()
    assert (repository / "dist/internal/api/v2/summary.json").is_file()
