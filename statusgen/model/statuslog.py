"""``status-log/<component>.yaml``: transitions recorded by monitors."""

from __future__ import annotations

from statusgen.model.base import Instant, Model
from statusgen.model.status import ComponentStatus


class LogEntry(Model):
    at: Instant
    status: ComponentStatus
    source: str | None = None
    note: str | None = None
