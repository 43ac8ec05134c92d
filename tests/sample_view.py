"""A small hand-built AudienceView for renderer tests that need no repository."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from statusgen.compute.rollup import Overall
from statusgen.model import Branding, ComponentStatus, Impact, IncidentStatus, MaintenanceStatus
from statusgen.view.types import (
    AffectedComponent,
    AudienceView,
    ComponentView,
    DayBar,
    DayIncident,
    GroupView,
    IncidentView,
    UpdateView,
    UptimeSeries,
)

TZ = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 11, 23, 19, 0, tzinfo=TZ)


def series(days: int = 90, outage_day: int | None = None) -> UptimeSeries:
    """``days`` green days, with one 30-minute major outage ``outage_day`` days ago."""
    today = NOW.date()
    bars = []
    for offset in range(days - 1, -1, -1):
        day = today - timedelta(days=offset)
        hit = offset == outage_day
        bars.append(
            DayBar(
                day=day,
                uptime=97.91 if hit else 100.0,
                downtime_s=1800.0 if hit else 0.0,
                maintenance_s=0.0,
                colour="#f0c419" if hit else "#3ba55c",
                incidents=(DayIncident("2026-11-20-checkout", "Elevated payment failures"),) if hit else (),
            )
        )
    return UptimeSeries(days=tuple(bars), percent=99.97 if outage_day is not None else 100.0)


def update(at: datetime, status: IncidentStatus | MaintenanceStatus, text: str) -> UpdateView:
    return UpdateView(
        at=at,
        status=status,
        internal=False,
        html=f"<p>{text}</p>",
        anchor="update-" + at.astimezone(ZoneInfo("UTC")).strftime("%Y%m%dt%H%M%Sz"),
        author=None,
    )


def sample_view(audience_id: str = "public", language: str = "en") -> AudienceView:
    """Two groups, one open incident, one resolved incident, one upcoming maintenance."""
    api = ComponentView(
        id="payment-api-eu",
        name="Payments API (EU)",
        description="Card and wallet payments in the EU region.",
        group_id="payments",
        status=ComponentStatus.PARTIAL_OUTAGE,
        uptime=series(outage_day=3),
        position=1,
        since=date(2025, 3, 1),
        only_show_if_degraded=False,
        incident_ids=("2026-11-23-payments", "2026-11-20-checkout"),
    )
    checkout = ComponentView(
        id="checkout",
        name="Checkout",
        description=None,
        group_id="payments",
        status=ComponentStatus.OPERATIONAL,
        uptime=series(),
        position=2,
        since=None,
        only_show_if_degraded=False,
        incident_ids=("2026-11-20-checkout", "2026-11-28-db-upgrade"),
    )
    website = ComponentView(
        id="website",
        name="Website",
        description="www.northwind.example",
        group_id=None,
        status=ComponentStatus.OPERATIONAL,
        uptime=series(),
        position=2,
        since=None,
        only_show_if_degraded=False,
        incident_ids=(),
    )
    payments = GroupView(
        id="payments",
        name="Payments",
        description=None,
        status=ComponentStatus.PARTIAL_OUTAGE,
        uptime=series(outage_day=3),
        components=(api, checkout),
        position=1,
    )
    open_started = NOW - timedelta(hours=2)
    open_incident = IncidentView(
        id="2026-11-23-payments",
        kind="incident",
        title="Elevated payment failures in the EU",
        impact=Impact.MAJOR,
        draft=False,
        status=IncidentStatus.IDENTIFIED,
        started=open_started,
        resolved_at=None,
        updated_at=open_started + timedelta(minutes=40),
        next_update=NOW + timedelta(hours=1),
        postmortem=None,
        window_start=None,
        window_end=None,
        components=(
            AffectedComponent("payment-api-eu", "Payments API (EU)", ComponentStatus.PARTIAL_OUTAGE),
        ),
        updates=(
            update(
                open_started + timedelta(minutes=40),
                IncidentStatus.IDENTIFIED,
                "A database pool is exhausted.",
            ),
            update(open_started, IncidentStatus.INVESTIGATING, "We are investigating elevated failures."),
        ),
        is_open=True,
    )
    resolved_start = datetime(2026, 11, 20, 14, 10, tzinfo=TZ)
    resolved = IncidentView(
        id="2026-11-20-checkout",
        kind="incident",
        title="Checkout slow",
        impact=Impact.MINOR,
        draft=False,
        status=IncidentStatus.RESOLVED,
        started=resolved_start,
        resolved_at=resolved_start + timedelta(minutes=35),
        updated_at=resolved_start + timedelta(minutes=35),
        next_update=None,
        postmortem="https://blog.northwind.example/postmortems/checkout",
        window_start=None,
        window_end=None,
        components=(AffectedComponent("checkout", "Checkout", ComponentStatus.DEGRADED_PERFORMANCE),),
        updates=(
            update(
                resolved_start + timedelta(minutes=35), IncidentStatus.RESOLVED, "Checkout is fast again."
            ),
            update(resolved_start, IncidentStatus.INVESTIGATING, "Checkout pages load slowly."),
        ),
        is_open=False,
    )
    window_start = datetime(2026, 11, 28, 2, 0, tzinfo=TZ)
    maintenance = IncidentView(
        id="2026-11-28-db-upgrade",
        kind="maintenance",
        title="Database upgrade",
        impact=Impact.NONE,
        draft=False,
        status=MaintenanceStatus.SCHEDULED,
        started=window_start,
        resolved_at=None,
        updated_at=datetime(2026, 11, 21, 10, 0, tzinfo=TZ),
        next_update=None,
        postmortem=None,
        window_start=window_start,
        window_end=window_start + timedelta(hours=2),
        components=(AffectedComponent("checkout", "Checkout", ComponentStatus.UNDER_MAINTENANCE),),
        updates=(
            update(datetime(2026, 11, 21, 10, 0, tzinfo=TZ), MaintenanceStatus.SCHEDULED, "We will upgrade."),
        ),
        is_open=True,
    )
    return AudienceView(
        id=audience_id,
        site_name="Northwind",
        title="Northwind Status",
        description=None,
        base_url="https://status.northwind.example/",
        theme="default",
        access="public",
        timezone="Europe/Berlin",
        language=language,
        branding=Branding(accent="#3b5bdb"),
        internal_notes=False,
        now=NOW,
        overall=Overall("major", "Partial System Outage"),
        layout=(payments, website),
        components=(api, checkout, website),
        incidents=(open_incident, resolved),
        maintenances=(maintenance,),
        uptime_days=90,
    )
