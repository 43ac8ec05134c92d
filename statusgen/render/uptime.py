"""The uptime report's data files: ``uptime/<yyyy-mm>.csv`` and its JSON twin, one pair per month.

Auditors read these: every number is the report's (and so the bars') own, unrounded where the page
rounds, with the month's weighted downtime and measured seconds that the percentage comes from.
"""

from __future__ import annotations

import csv
import io
from datetime import date

from statusgen.render.api import dump_json
from statusgen.view.types import AudienceView, MonthUptime, SlaRow

COLUMNS = (
    "month",
    "component_id",
    "component",
    "target_percent",
    "uptime_percent",
    "met",
    "weighted_downtime_s",
    "measured_s",
    "error_budget_s",
    "error_budget_left_s",
)
"""The CSV header, and the keys of each component in the JSON."""


def report_keys(view: AudienceView) -> tuple[str, ...]:
    """The report's months as ``2026-11``, oldest first (none when the audience sees no component)."""
    return tuple(month.key for month in view.sla[0].months) if view.sla else ()


def render_uptime(view: AudienceView) -> dict[str, bytes]:
    """``uptime/<yyyy-mm>.csv`` and ``uptime/<yyyy-mm>.json`` for every month of the report."""
    files: dict[str, bytes] = {}
    keys = report_keys(view)
    for index, key in enumerate(keys):
        current = index == len(keys) - 1
        records = [_record(row, row.months[index], current) for row in view.sla]
        files[f"uptime/{key}.csv"] = _csv(records)
        files[f"uptime/{key}.json"] = _json(view, key, records, complete=not current)
    return files


def _record(row: SlaRow, month: MonthUptime, current: bool) -> dict[str, object]:
    """One component in one month; the error budget only for the month still running."""
    return {
        "month": month.key,
        "component_id": row.id,
        "component": row.name,
        "target_percent": row.target,
        "uptime_percent": month.uptime,
        "met": month.met,
        "weighted_downtime_s": month.downtime_s,
        "measured_s": month.measured_s,
        "error_budget_s": row.budget_s if current else None,
        "error_budget_left_s": row.budget_left_s if current else None,
    }


def _csv(records: list[dict[str, object]]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    # Booleans as true/false and a missing value as an empty cell, as spreadsheets read them.
    writer.writerows({k: _cell(v) for k, v in record.items()} for record in records)
    return out.getvalue().encode()


def _cell(value: object) -> object:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else value


def _json(view: AudienceView, key: str, records: list[dict[str, object]], *, complete: bool) -> bytes:
    year, month = map(int, key.split("-"))
    document = {
        "audience": view.id,
        "title": view.title,
        "month": key,
        "first_day": date(year, month, 1).isoformat(),
        "timezone": view.timezone,
        "complete": complete,
        "components": [{k: v for k, v in record.items() if k != "month"} for record in records],
    }
    return dump_json(document)
