"""The uptime report's data files: ``uptime/<yyyy-mm>.csv`` and its JSON twin, one pair per month.

Auditors read these: every number is the report's (and so the bars') own, unrounded where the page
rounds, with the month's weighted downtime and measured seconds that the percentage comes from.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date
from functools import partial

from statusgen.render.api import dump_json
from statusgen.render.memo import Memo, memoized
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


@dataclass(frozen=True)
class _Month:
    """All one month's files are made from: what their key digests (:class:`Memo`)."""

    audience: str
    title: str
    timezone: str
    key: str
    records: tuple[dict[str, object], ...]
    complete: bool


def render_uptime(view: AudienceView, memo: Memo | None = None) -> dict[str, bytes]:
    """``uptime/<yyyy-mm>.csv`` and ``uptime/<yyyy-mm>.json`` for every month of the report.

    :param memo: where a month's files made before from the same inputs are taken from.
    """
    files: dict[str, bytes] = {}
    keys = report_keys(view)
    for index, key in enumerate(keys):
        current = index == len(keys) - 1
        records = tuple(_record(row, row.months[index], current) for row in view.sla)
        month = _Month(view.id, view.title, view.timezone, key, records, complete=not current)
        paths = [f"uptime/{key}.csv", f"uptime/{key}.json"]
        files.update(memoized(memo, paths, month, partial(_month_files, month)))
    return files


def _month_files(month: _Month) -> dict[str, bytes]:
    records = list(month.records)
    return {f"uptime/{month.key}.csv": _csv(records), f"uptime/{month.key}.json": _json(month, records)}


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


def _json(month: _Month, records: list[dict[str, object]]) -> bytes:
    year, number = map(int, month.key.split("-"))
    document = {
        "audience": month.audience,
        "title": month.title,
        "month": month.key,
        "first_day": date(year, number, 1).isoformat(),
        "timezone": month.timezone,
        "complete": month.complete,
        "components": [{k: v for k, v in record.items() if k != "month"} for record in records],
    }
    return dump_json(document)
