"""Resolving "now" once, at the CLI edge, from --now, SOURCE_DATE_EPOCH or the system clock."""

from __future__ import annotations

import os
from datetime import UTC, datetime, tzinfo

from statusgen.errors import StatusgenError
from statusgen.timeparse import TimeFormatError, parse_time


def resolve_now(text: str | None, zone: tzinfo = UTC) -> datetime:
    """The build's clock: ``text`` if given, else ``SOURCE_DATE_EPOCH``, else the system time."""
    if text:
        try:
            return parse_time(text, zone).astimezone(UTC)
        except TimeFormatError as error:
            raise StatusgenError(f"--now: {error}") from None
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        try:
            return datetime.fromtimestamp(int(epoch), UTC)
        except ValueError:
            raise StatusgenError(
                f"SOURCE_DATE_EPOCH must be whole seconds since 1970, found {epoch!r}"
            ) from None
    return datetime.now(UTC).replace(microsecond=0)
