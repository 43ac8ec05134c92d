"""Common model base and the field types that need a validation context."""

from __future__ import annotations

import ast
import inspect
import itertools
import sys
from datetime import datetime, tzinfo
from functools import cache
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    GetJsonSchemaHandler,
    StringConstraints,
    ValidationInfo,
    WithJsonSchema,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema

from statusgen.timeparse import TimeFormatError, check_year, parse_time

UTC = ZoneInfo("UTC")


class Model(BaseModel):
    """Every file model: unknown keys are errors and values never change after loading.

    Each field's docstring is its description in the JSON Schemas, which editors show on hover.
    """

    # defer_build: a model's validator is made when it first validates, not on import, so a command
    # pays only for the models of the files it reads.
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    @classmethod
    def __get_pydantic_json_schema__(
        cls, core_schema: CoreSchema, handler: GetJsonSchemaHandler, /
    ) -> JsonSchemaValue:
        """The model's JSON Schema, each field described by its docstring unless ``Field`` describes it.

        What ``use_attribute_docstrings`` gives, but read only for a schema: that option parses every
        class's source as the class is made, on every command (60 ms of importing the models).
        """
        schema = handler(core_schema)
        properties = handler.resolve_ref_schema(schema).get("properties", {})
        for name, field in cls.model_fields.items():
            text = _field_docstring(cls, name)
            key = field.alias or name
            if field.description is None and text is not None:
                properties[key] = {**properties[key], "description": text}
        return schema


def _field_docstring(model: type[BaseModel], name: str) -> str | None:
    """The docstring under field ``name`` in the class of ``model``'s bases that annotates it last."""
    owner = next(klass for klass in model.__mro__ if name in vars(klass).get("__annotations__", {}))
    return _attribute_docstrings(owner.__module__, owner.__qualname__).get(name)


@cache
def _attribute_docstrings(module: str, qualname: str) -> dict[str, str]:
    """Annotated attribute → the string literal right under it, in the class ``qualname`` of ``module``."""
    body = ast.parse(inspect.getsource(sys.modules[module])).body
    for part in qualname.split("."):
        body = next(n.body for n in body if isinstance(n, ast.ClassDef) and n.name == part)
    return {
        statement.target.id: inspect.cleandoc(following.value.value)
        for statement, following in itertools.pairwise(body)
        if isinstance(statement, ast.AnnAssign)
        and isinstance(statement.target, ast.Name)
        and isinstance(following, ast.Expr)
        and isinstance(following.value, ast.Constant)
        and isinstance(following.value.value, str)
    }


Id = Annotated[
    str,
    StringConstraints(pattern=r"^[a-z0-9][a-z0-9_-]*$", max_length=80),
    WithJsonSchema({"type": "string", "pattern": "^[a-z0-9][a-z0-9_-]*$"}),
]
"""An id that appears in URLs and file names: lower-case letters, digits, ``-`` and ``_``."""


def context_timezone(info: ValidationInfo) -> tzinfo:
    """The zone for times written without one: ``site.yaml``'s, passed as validation context."""
    context = info.context or {}
    zone = context.get("timezone", UTC)
    return zone if isinstance(zone, tzinfo) else ZoneInfo(str(zone))


def _instant(value: Any, info: ValidationInfo) -> datetime:
    if isinstance(value, datetime):  # a YAML timestamp (``!!timestamp``)
        check_year(value)  # a TimeFormatError is a ValueError: pydantic reports its message
        return value if value.tzinfo else value.replace(tzinfo=context_timezone(info))
    if not isinstance(value, str):
        raise ValueError(f"expected a time such as 2026-11-20 14:10 UTC, found {value!r}")
    try:
        return parse_time(value, context_timezone(info))
    except TimeFormatError as error:
        raise ValueError(str(error)) from None


Instant = Annotated[
    datetime,
    BeforeValidator(_instant),
    WithJsonSchema(
        {
            "type": "string",
            "description": "A time, e.g. '2026-11-20 14:10 UTC' or '2026-11-20T14:10:00+01:00'; "
            "without a zone it is read in site.yaml's timezone.",
        }
    ),
]
"""An aware datetime; text without a zone is read in the context's timezone."""
