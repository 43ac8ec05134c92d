"""JSON Schemas from the models: deterministic, current, and in agreement with the loader."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import jsonschema  # type: ignore[import-untyped]
import pytest
from click.testing import CliRunner

from statusgen.author.scaffold import init_repository
from statusgen.author.schema import schema_text, schemas
from statusgen.cli import cli
from statusgen.load.frontmatter import Document, split_front_matter
from statusgen.load.yamlpos import load_yaml

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures"
NAMES = [
    "audience.schema.json",
    "components.schema.json",
    "incident.schema.json",
    "site.schema.json",
    "subscribers.schema.json",
]


def _yaml(path: Path) -> object:
    """The data as statusgen reads it: dates and times stay text."""
    return load_yaml(path.read_text())[0]


def _front_matter(path: Path) -> object:
    document = split_front_matter(path.read_text(), path.name)
    assert isinstance(document, Document), document
    return load_yaml(document.front)[0]


def _validator(name: str) -> Any:
    schema = schemas()[name]
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def test_cli_writes_every_schema_deterministically(tmp_path: Path) -> None:
    for out in ("a", "b"):
        result = CliRunner().invoke(cli, ["schema", "--out", str(tmp_path / out)])
        assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "a").iterdir()) == NAMES
    for name in NAMES:
        text = (tmp_path / "a" / name).read_text()
        assert text == (tmp_path / "b" / name).read_text()
        assert text.endswith("}\n")
        assert text == json.dumps(json.loads(text), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def test_committed_schemas_are_current() -> None:
    """schemas/ is generated: after a model change, run `statusgen schema --out schemas`."""
    for name, schema in schemas().items():
        assert (ROOT / "schemas" / name).read_text() == schema_text(schema), name


def _config_files(root: Path) -> list[tuple[str, Path]]:
    files = [("site.schema.json", root / "site-config/site.yaml")]
    files.append(("components.schema.json", root / "site-config/components.yaml"))
    files += [("audience.schema.json", p) for p in sorted((root / "site-config/audiences").glob("*.yaml"))]
    files += [("subscribers.schema.json", p) for p in sorted((root / "subscribers").glob("*.yaml"))]
    return files


@pytest.mark.parametrize("source", ["example", "scaffold", "fixture"])
def test_schemas_accept_the_files_that_load(source: str, tmp_path: Path) -> None:
    if source == "scaffold":
        root = tmp_path / "status"
        init_repository(root, datetime(2026, 11, 23, tzinfo=UTC))
    else:
        root = ROOT if source == "example" else FIXTURES / "minimal"
    checked = 0
    for name, path in _config_files(root):
        if path.is_file():
            _validator(name).validate(_yaml(path))
            checked += 1
    incidents = _validator("incident.schema.json")
    for path in sorted((root / "incidents").rglob("*.md")):
        if path.name.lower() != "readme.md":
            incidents.validate(_front_matter(path))
            checked += 1
    assert checked >= 4


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("audience.schema.json", {"title": "x", "base_url": "https://x/", "access": "secret"}),
        ("audience.schema.json", {"title": "x", "base_url": "https://x/", "colour": "red"}),
        ("site.schema.json", {"timezone": "UTC"}),
        ("components.schema.json", {"components": [{"id": "API", "name": "x"}]}),
        ("incident.schema.json", {"title": "x", "components": {"api": "down"}}),
        ("incident.schema.json", {"type": "maintenance", "title": "x"}),
    ],
)
def test_schemas_reject_what_the_loader_rejects(name: str, data: object) -> None:
    assert not _validator(name).is_valid(data)


def test_example_yaml_points_at_the_committed_schemas() -> None:
    for _, path in _config_files(ROOT):
        first = path.read_text().splitlines()[0]
        assert first.startswith("# yaml-language-server: $schema="), path
        assert (path.parent / first.split("=", 1)[1]).resolve().is_file(), path


def _properties(node: object, where: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """(dotted name, schema) of every property of every object schema under ``node``."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "properties":
                for name, prop in value.items():
                    yield f"{where}.{name}", prop
                    yield from _properties(prop, f"{where}.{name}")
            else:
                yield from _properties(value, f"{where}/{key}")
    elif isinstance(node, list):
        for item in node:
            yield from _properties(item, where)


@pytest.mark.parametrize("name", NAMES)
def test_every_key_has_a_description_for_editor_hovers(name: str) -> None:
    properties = list(_properties(schemas()[name], name))
    assert len(properties) >= 2  # the walk found the keys (a subscriber has two)
    assert [where for where, prop in properties if not prop.get("description", "").strip()] == []
