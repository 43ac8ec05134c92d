"""``statusgen ingest webhook``: pushed payloads (a real Alertmanager's, Grafana's and Datadog's
documented ones, generic) → status-log lines → pages."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from monitoring import ALERTMANAGER, NOW, Alertmanager, require, run, snapshot
from receivers import HttpReceiver, http_receiver

from statusgen.cli import cli
from statusgen.load import load_repository
from statusgen.model import ComponentStatus

MakeRepo = Callable[[str], Path]
PAYLOADS = Path(__file__).parent / "webhooks"


@pytest.fixture
def repo(fixture_repo: MakeRepo) -> Path:
    root = fixture_repo("monitor")
    components = root / "site-config" / "components.yaml"
    components.write_text(
        components.read_text(encoding="utf-8")
        + """  - id: memory-us
    name: Memory (US)
    alerts: {match: {team: blue, zone: us-1}}
  - id: edi
    name: EDI gateway
    alerts: {match: {service: edi}}
""",
        encoding="utf-8",
    )
    return root


def ingest(root: Path, fmt: str, payload: Path) -> tuple[int, str]:
    return run(root, "ingest", "webhook", "--format", fmt, str(payload))


def log(root: Path, component: str) -> list[tuple[str, ComponentStatus, str | None]]:
    entries = load_repository(root).status_log.get(component, ())
    return [(f"{e.at:%Y-%m-%dT%H:%M:%SZ}", e.status, e.note) for e in entries]


@pytest.fixture
def receiver() -> Iterator[HttpReceiver]:
    with http_receiver() as running:
        yield running


@pytest.mark.alertmanager
def test_the_webhook_a_real_alertmanager_sends(repo: Path, receiver: HttpReceiver, tmp_path: Path) -> None:
    require(ALERTMANAGER, "prometheus-alertmanager")
    (tmp_path / "am").mkdir()
    alertmanager = Alertmanager(tmp_path / "am", webhook=f"{receiver.url}/hook")
    try:
        labels = {"alertname": "HighErrorRate", "service": "payments", "region": "eu", "severity": "critical"}
        alertmanager.post([labels])
        payload = _first_post(receiver)
        alertmanager.post([labels], resolved=True)
        resolved = _first_post(receiver, after=1)
    finally:
        alertmanager.stop()
    (tmp_path / "firing.json").write_bytes(payload)
    code, output = run(repo, "ingest", "webhook", "--format", "alertmanager", str(tmp_path / "firing.json"))
    assert (code, output.splitlines()[0]) == (
        0,
        "payment-api-eu: operational → major_outage (alertmanager: HighErrorRate)",
    )
    assert [status for _, status, _ in log(repo, "checkout")] == []  # not in the payload: untouched
    out = tmp_path / "dist"
    assert (
        run(repo, "build", "--out", str(out), "--audience", "internal", now=NOW + timedelta(minutes=1))[0]
        == 0
    )
    summary = json.loads((out / "internal" / "api" / "v2" / "components.json").read_text(encoding="utf-8"))
    assert {c["name"]: c["status"] for c in summary["components"]}["Payments API (EU)"] == "major_outage"
    (tmp_path / "resolved.json").write_bytes(resolved)
    code, output = run(repo, "ingest", "webhook", "--format", "alertmanager", str(tmp_path / "resolved.json"))
    assert code == 0 and output.startswith("payment-api-eu: major_outage → operational (alertmanager)"), (
        output
    )


def _first_post(receiver: HttpReceiver, after: int = 0) -> bytes:
    """The body of the webhook Alertmanager sends after ``after`` earlier ones."""
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if len(receiver.on("/hook")) > after:
            return receiver.on("/hook")[after].body
        time.sleep(0.05)
    pytest.fail("Alertmanager sent no webhook within 20 s")


def test_grafana_s_documented_payload(repo: Path) -> None:
    code, output = run(repo, "ingest", "webhook", "--format", "grafana", str(PAYLOADS / "grafana.json"))
    assert (code, output) == (
        0,
        "memory-us: operational → partial_outage (grafana: This alert was triggered for zone us-1)\n",
    )
    assert log(repo, "memory-us") == [
        ("2021-10-12T07:51:03Z", ComponentStatus.PARTIAL_OUTAGE, "This alert was triggered for zone us-1")
    ]


def test_datadog_s_triggered_and_recovered(repo: Path) -> None:
    code, output = run(
        repo, "ingest", "webhook", "--format", "datadog", str(PAYLOADS / "datadog-triggered.json")
    )
    assert (code, output) == (0, "edi: operational → major_outage (datadog: [Triggered] EDI queue backlog)\n")
    code, output = run(
        repo, "ingest", "webhook", "--format", "datadog", str(PAYLOADS / "datadog-recovered.json")
    )
    assert (code, output) == (0, "edi: major_outage → operational (datadog)\n")
    assert [(at, status) for at, status, _ in log(repo, "edi")] == [
        ("2014-07-29T19:37:52Z", ComponentStatus.MAJOR_OUTAGE),
        ("2014-07-29T19:42:52Z", ComponentStatus.OPERATIONAL),
    ]


def test_datadog_no_data_changes_nothing(repo: Path, tmp_path: Path) -> None:
    payload = tmp_path / "nodata.json"
    payload.write_text(
        json.dumps({"title": "EDI queue backlog", "transition": "No Data", "tags": "service:edi"})
    )
    assert run(repo, "ingest", "webhook", "--format", "datadog", str(payload)) == (
        0,
        "Datadog: 'No Data' for EDI queue backlog changes no status\nno changes\n",
    )


def test_generic_from_standard_input(repo: Path) -> None:
    payload = json.dumps(
        [
            {
                "component": "checkout",
                "status": "major_outage",
                "note": "HTTP 503",
                "at": "2026-11-23 17:00 UTC",
            }
        ]
    )
    env = {"SOURCE_DATE_EPOCH": str(int(NOW.timestamp()))}
    result = CliRunner().invoke(
        cli, ["ingest", "webhook", "--format", "generic", "-", "--root", str(repo)], input=payload, env=env
    )
    assert (result.exit_code, result.output) == (
        0,
        "checkout: operational → major_outage (webhook: HTTP 503)\n",
    )
    assert log(repo, "checkout") == [("2026-11-23T17:00:00Z", ComponentStatus.MAJOR_OUTAGE, "HTTP 503")]


@pytest.mark.parametrize(
    ("fmt", "payload", "message"),
    [
        ("generic", "not json", "did not return JSON"),
        ("alertmanager", "[]", "expected an object with an 'alerts' list; nothing recorded"),
        ("grafana", '{"alerts": [{"status": "firing"}]}', "alert 1 has no 'labels' object of text values"),
        ("datadog", '{"title": "x"}', "expected an object with 'transition' ($ALERT_TRANSITION)"),
        ("datadog", '{"transition": "Triggered", "date": "soon"}', "'date' 'soon' is not $DATE"),
        (
            "generic",
            '[{"component": "chekout", "status": "major_outage"}]',
            "item 1: unknown component 'chekout'",
        ),
        ("generic", '[{"component": "checkout", "status": "down"}]', "item 1: unknown status 'down'"),
        ("generic", '[{"component": "checkout"}]', 'item 1: expected {"component": ID, "status": STATUS}'),
        (
            "generic",
            '[{"component": "checkout", "status": "major_outage"}, {"component": "x", "status": "up"}]',
            "item 2: unknown component 'x'",
        ),
    ],
)
def test_a_bad_payload_records_nothing(
    repo: Path, tmp_path: Path, fmt: str, payload: str, message: str
) -> None:
    path = tmp_path / "payload.json"
    path.write_text(payload)
    before = snapshot(repo)
    code, output = run(repo, "ingest", "webhook", "--format", fmt, str(path))
    assert code == 1
    assert message in output, output
    assert output.rstrip().endswith("nothing recorded") and "Traceback" not in output
    assert snapshot(repo) == before


def test_help_shows_examples() -> None:
    code, output = run(Path(), "ingest", "webhook", "--help")
    assert code == 0
    assert "statusgen ingest webhook --format grafana payload.json" in output
