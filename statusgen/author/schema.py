"""JSON Schemas of the input files, generated from the pydantic models, for editors to check as you type.

A YAML file opts in with a first line such as
``# yaml-language-server: $schema=../schemas/site.schema.json``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter

from statusgen.model import Audience, Catalogue, IncidentFront, MaintenanceFront, Site
from statusgen.model.notify import Subscriber
from statusgen.write.atomic import write_text_atomic

DIALECT = "https://json-schema.org/draft/2020-12/schema"

_MODELS: dict[str, tuple[Any, str]] = {
    "site": (Site, "site-config/site.yaml: organisation-wide settings"),
    "components": (Catalogue, "site-config/components.yaml: the component catalogue"),
    "audience": (Audience, "site-config/audiences/<id>.yaml: one static site"),
    "incident": (
        IncidentFront | MaintenanceFront,
        "Front matter of incidents/**/<id>.md: an incident, or maintenance with type: maintenance",
    ),
    "subscribers": (list[Subscriber], "subscribers/<file>.yaml: who an audience's email channel writes to"),
}


def schemas() -> dict[str, dict[str, Any]]:
    """File name (``site.schema.json`` …) → JSON Schema (draft 2020-12)."""
    result = {}
    for name, (model, title) in _MODELS.items():
        schema = TypeAdapter(model).json_schema()
        schema["$schema"] = DIALECT
        schema["title"] = title
        result[f"{name}.schema.json"] = schema
    return result


def schema_text(schema: dict[str, Any]) -> str:
    """Deterministic JSON: sorted keys, two-space indent, a newline at the end."""
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def write_schemas(out: Path) -> list[Path]:
    """Write every schema into ``out`` (created if needed); files are replaced atomically.

    :returns: the paths written, sorted.
    """
    written = []
    for name, schema in sorted(schemas().items()):
        path = out / name
        write_text_atomic(path, schema_text(schema))
        written.append(path)
    return written
