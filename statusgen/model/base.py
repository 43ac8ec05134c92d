"""Common model base and the field types that need a validation context."""

from __future__ import annotations

from datetime import datetime, tzinfo
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from pydantic import BaseModel, BeforeValidator, ConfigDict, StringConstraints, ValidationInfo, WithJsonSchema

from statusgen.timeparse import TimeFormatError, check_year, parse_time

UTC = ZoneInfo("UTC")


class Model(BaseModel):
    """Every file model: unknown keys are errors and values never change after loading.

    Each field's docstring is its description in the JSON Schemas, which editors show on hover.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)


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
