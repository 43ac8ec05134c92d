"""``statusgen notify`` against real receivers on 127.0.0.1: an aiosmtpd server and HTTP servers."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from example import EXAMPLE_ROOT, NOW, build_tree, copy_example
from receivers import HttpReceiver, Mailbox, http_receiver, smtp_server

from statusgen.errors import InputError, StatusgenError
from statusgen.load import load_repository
from statusgen.notify.deliver import DeliveryError, Retry, parse_smtp_url
from statusgen.notify.ledger import read_ledger
from statusgen.notify.run import NotifyReport, notify

FAST = Retry(attempts=3, first_wait_s=0.01, total_wait_s=0.5)
CARD_DECLINES = "incidents/2026/2026-11-23-us-card-declines.md"
IDENTIFIED = (
    "## 2026-11-23 17:40 UTC — Identified\nAll affected card payments now go through our second acquirer.\n\n"
)
CANARY_INTERNAL = (
    "## 2026-11-23 17:45 UTC — Identified [internal]\nCANARY-INTERNAL acquirer us-acq-2 ticket 4711.\n\n"
)
CANARY_DRAFT = """---
title: CANARY-DRAFT checkout probe failing
impact: minor
components: {checkout: partial_outage}
draft: true
---

## 2026-11-23 17:30 UTC — Investigating
CANARY-DRAFT opened automatically.
"""
CANARY_COMPONENT = """---
title: CANARY-COMPONENT pgbouncer pool exhausted
impact: minor
components: {pgbouncer-eu: major_outage}
---

## 2026-11-23 17:35 UTC — Investigating
CANARY-COMPONENT only engineers may read this.
"""
SECRET = "acme-shared-secret"


@dataclass
class Receivers:
    http: HttpReceiver
    mail: Mailbox

    @property
    def env(self) -> dict[str, str]:
        return {
            "SMTP_URL": self.mail.url,
            "SLACK_STATUS_WEBHOOK": f"{self.http.url}/public-slack",
            "SLACK_ONCALL_WEBHOOK": f"{self.http.url}/oncall-slack",
            "ACME_WEBHOOK_URL": f"{self.http.url}/acme",
            "ACME_WEBHOOK_SECRET": SECRET,
            "TEAMS_STATUS_WEBHOOK": f"{self.http.url}/public-teams",
            "DISCORD_STATUS_WEBHOOK": f"{self.http.url}/public-discord",
        }


@pytest.fixture
def receivers() -> Iterator[Receivers]:
    with http_receiver() as http, smtp_server() as mail:
        yield Receivers(http, mail)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = copy_example(tmp_path / "repo")
    assert (root / "subscribers/public.yaml").is_file()
    return root


def run(
    root: Path, receivers: Receivers, *, now_delta: timedelta = timedelta(), **kw: object
) -> NotifyReport:
    lines: list[str] = []
    report = notify(root, NOW + now_delta, env=receivers.env, echo=lines.append, retry=FAST, **kw)  # type: ignore[arg-type]
    report.lines = lines  # type: ignore[attr-defined]
    return report


def add(root: Path, relative: str, heading: str) -> None:
    """Insert an update heading right after the front matter of ``relative``."""
    path = root / relative
    front, _, rest = path.read_text().partition("\n---\n")
    path.write_text(f"{front}\n---\n\n{heading}{rest.lstrip()}")


def everything(receivers: Receivers) -> str:
    bodies = [r.body.decode() for r in receivers.http.requests]
    mails = [m.as_string() for _, m in receivers.mail.messages]
    return "\n".join(bodies + mails)


def test_first_run_records_then_one_update_tells_each_audience_once(repo: Path, receivers: Receivers) -> None:
    first = run(repo, receivers)
    assert (first.sent, receivers.http.requests, receivers.mail.messages) == (0, [], [])
    assert first.recorded > 100
    assert sorted(p.name for p in (repo / "notifications").iterdir()) == [
        "acme-partner.log",
        "internal.log",
        "public.log",
    ]

    add(repo, CARD_DECLINES, IDENTIFIED)
    second = run(repo, receivers)
    http = receivers.http
    # Public: one Slack message and one mail, to the subscriber of everything (the others follow
    # the EU payments API and checkout, which this incident does not touch); Acme: one signed webhook.
    assert [r.path for r in http.requests] == ["/acme", "/public-slack"]
    assert [recipients for recipients, _ in receivers.mail.messages] == [
        ["finance-team@customer-one.example"]
    ]
    assert second.sent == 3

    slack = json.loads(http.on("/public-slack")[0].body)
    assert "[Identified] Increased card declines for US merchants" in slack["text"]
    context = slack["blocks"][1]["elements"][0]["text"]
    assert "Nov 23, 18:40 CET" in context  # the public page's zone: Europe/Berlin
    assert "Payments API (US)" in context
    assert "https://status.northwind.example/incidents/2026-11-23-us-card-declines/#update-" in slack["text"]

    acme = json.loads(http.on("/acme")[0].body)
    # Acme's zone (Europe/Berlin, where its team sits), as its API shows it.
    assert acme["incident"]["incident_updates"][0]["created_at"] == "2026-11-23T18:40:00.000+01:00"
    assert acme["incident"]["shortlink"].startswith("https://acme.status.northwind.example/")
    assert acme["page"]["status_indicator"] in {"minor", "major", "critical"}

    third = run(repo, receivers)
    assert third.sent == 0 and len(http.requests) == 2 and len(receivers.mail.messages) == 1
    assert read_ledger(repo / "notifications/public.log").exists


def test_the_mail_is_multipart_threaded_and_carries_the_list_headers(
    repo: Path, receivers: Receivers
) -> None:
    run(repo, receivers)
    add(repo, CARD_DECLINES, IDENTIFIED)
    run(repo, receivers)
    add(repo, CARD_DECLINES, "## 2026-11-23 17:50 UTC — Monitoring\nDecline rates are back to normal.\n\n")
    run(repo, receivers, now_delta=timedelta(minutes=1))
    first, second = receivers.mail.to("finance-team@customer-one.example")
    for message in (first, second):
        assert message["From"] == "Northwind Status <status@northwind.example>"
        assert message["List-Id"] == "Northwind Status <public.status.northwind.example>"
        assert message["List-Unsubscribe"] == "<mailto:status-unsubscribe@northwind.example>"
        assert message["Auto-Submitted"] == "auto-generated"
        assert (
            message["References"]
            == message["In-Reply-To"]
            == "<2026-11-23-us-card-declines.public@northwind.example>"
        )
        assert message.get_content_type() == "multipart/alternative"
        text = message.get_body(("plain",))
        html = message.get_body(("html",))
        assert text is not None and html is not None
        assert "#3b5bdb" in html.get_content()  # the public page's accent
        assert "Unsubscribe" in text.get_content()
    assert first["Message-ID"] != second["Message-ID"]
    assert (
        first["Subject"].strip() == "[Northwind Status] [Identified] Increased card declines for US merchants"
    )
    assert (
        second["Subject"].strip()
        == "[Northwind Status] [Monitoring] Increased card declines for US merchants"
    )
    assert "Decline rates are back to normal." in second.get_body(("plain",)).get_content()  # type: ignore[union-attr]


def test_several_updates_at_once_make_one_mail_per_subscriber(repo: Path, receivers: Receivers) -> None:
    run(repo, receivers)
    add(repo, CARD_DECLINES, IDENTIFIED)
    add(repo, CARD_DECLINES, "## 2026-11-23 17:50 UTC — Monitoring\nDecline rates are back to normal.\n\n")
    run(repo, receivers)
    (mail,) = receivers.mail.to("finance-team@customer-one.example")
    body = mail.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert body.index("[Monitoring]") < body.index("[Identified]")  # newest first
    assert len(receivers.http.on("/public-slack")) == 2


def test_the_webhook_signature_verifies_with_the_shared_secret(repo: Path, receivers: Receivers) -> None:
    run(repo, receivers)
    add(repo, CARD_DECLINES, IDENTIFIED)
    run(repo, receivers)
    (request,) = receivers.http.on("/acme")
    stamp = request.headers["X-Statusgen-Timestamp"]
    expected = hmac.new(SECRET.encode(), f"{stamp}.".encode() + request.body, hashlib.sha256).hexdigest()
    assert hmac.compare_digest(request.headers["X-Statusgen-Signature"], f"sha256={expected}")
    assert stamp == str(int(NOW.timestamp()))
    wrong = hmac.new(b"other", f"{stamp}.".encode() + request.body, hashlib.sha256).hexdigest()
    assert request.headers["X-Statusgen-Signature"] != f"sha256={wrong}"
    # The receiver's check the README gives works on the real request, and refuses a changed body.
    readme = (EXAMPLE_ROOT / "README.md").read_text()
    snippet = readme.split("```python\nimport hashlib, hmac, time\n", 1)[1].split("```", 1)[0]
    scope: dict[str, object] = {}
    exec("import hashlib, hmac, time\n" + snippet, scope)
    verify = scope["verify"]
    assert verify(SECRET.encode(), request.headers, request.body, max_age_s=10**9)  # type: ignore[operator]
    assert not verify(SECRET.encode(), request.headers, request.body + b" ", max_age_s=10**9)  # type: ignore[operator]
    assert not verify(SECRET.encode(), request.headers, request.body)  # type: ignore[operator]  # too old


def with_chats(repo: Path) -> None:
    """Give the public audience Teams and Discord channels too."""
    with (repo / "site-config/audiences/public.yaml").open("a") as audience:
        audience.write(
            "  - teams: {webhook_env: TEAMS_STATUS_WEBHOOK}\n"
            "  - discord: {webhook_env: DISCORD_STATUS_WEBHOOK}\n"
        )


def test_teams_and_discord_get_their_webhook_shapes(repo: Path, receivers: Receivers) -> None:
    with_chats(repo)
    run(repo, receivers)
    add(repo, CARD_DECLINES, IDENTIFIED + "## 2026-11-23 17:41 UTC — Identified\nPing @everyone <@123>.\n\n")
    run(repo, receivers)
    teams = json.loads(receivers.http.on("/public-teams")[0].body)
    (attachment,) = teams["attachments"]
    assert attachment["contentType"] == "application/vnd.microsoft.card.adaptive"
    card = attachment["content"]
    assert card["type"] == "AdaptiveCard"
    assert card["body"][0]["text"] == "[Identified] Increased card declines for US merchants"
    assert card["actions"][0]["url"].startswith(
        "https://status.northwind.example/incidents/2026-11-23-us-card-"
    )
    first, second = (json.loads(r.body) for r in receivers.http.on("/public-discord"))
    (embed,) = first["embeds"]
    assert embed["title"] == "[Identified] Increased card declines for US merchants"
    assert embed["color"] == 0x3B5BDB
    assert "Nov 23, 18:40 CET" in embed["fields"][0]["value"]
    assert second["allowed_mentions"] == {"parse": []}  # "@everyone" in an update pings nobody
    slack = [json.loads(r.body) for r in receivers.http.on("/public-slack")]
    assert "Ping @everyone &lt;@123&gt;." in slack[1]["blocks"][0]["text"]["text"]


def test_internal_text_drafts_and_internal_components_never_reach_public_or_partner(
    repo: Path, receivers: Receivers
) -> None:
    with_chats(repo)
    run(repo, receivers)
    add(repo, CARD_DECLINES, CANARY_INTERNAL + IDENTIFIED)
    (repo / "incidents/auto/2026-11-23-checkout.md").write_text(CANARY_DRAFT)
    (repo / "incidents/2026/2026-11-23-pgbouncer.md").write_text(CANARY_COMPONENT)
    run(repo, receivers)
    outside = [r for r in receivers.http.requests if r.path != "/oncall-slack"]
    told = "\n".join([r.body.decode() for r in outside] + [m.as_string() for _, m in receivers.mail.messages])
    assert {r.path for r in outside} == {"/acme", "/public-slack", "/public-teams", "/public-discord"}
    assert "Increased card declines" in told  # the public update did go out
    for canary in ("CANARY-INTERNAL", "CANARY-DRAFT", "CANARY-COMPONENT", "pgbouncer", "us-acq-2"):
        assert canary not in told
    # On-call is nudged about the draft, with the command that publishes it.
    (nudge,) = receivers.http.on("/oncall-slack")
    assert "statusgen publish 2026-11-23-checkout" in json.loads(nudge.body)["blocks"][0]["text"]["text"]


def test_a_failing_channel_is_reported_and_the_others_still_deliver(repo: Path, receivers: Receivers) -> None:
    run(repo, receivers)
    add(repo, CARD_DECLINES, IDENTIFIED)
    receivers.http.answers = [(503, {"Retry-After": "0"})] * 3  # Acme's receiver is down: every try fails
    lines: list[str] = []
    with pytest.raises(StatusgenError, match=r"acme-partner: webhook:ACME_WEBHOOK_URL: HTTP 503"):
        notify(repo, NOW, env=receivers.env, echo=lines.append, retry=FAST)
    assert len(receivers.http.on("/acme")) == 3
    assert len(receivers.http.on("/public-slack")) == 1 and len(receivers.mail.messages) == 1
    # The next run delivers what failed, and only that.
    assert run(repo, receivers).sent == 1
    assert len(receivers.http.on("/acme")) == 4 and len(receivers.http.on("/public-slack")) == 1


def test_retry_after_is_honoured_and_the_total_wait_is_capped(repo: Path, receivers: Receivers) -> None:
    run(repo, receivers)
    add(repo, CARD_DECLINES, IDENTIFIED)
    waits: list[float] = []
    retry = Retry(attempts=4, first_wait_s=0.01, total_wait_s=5, sleep=waits.append)
    receivers.http.answers = [(429, {"Retry-After": "2"})]
    notify(repo, NOW, ["acme-partner"], env=receivers.env, echo=lambda _: None, retry=retry)
    assert waits == [2.0] and len(receivers.http.on("/acme")) == 2
    add(repo, CARD_DECLINES, "## 2026-11-23 17:50 UTC — Monitoring\nBack to normal.\n\n")
    receivers.http.answers = [(429, {"Retry-After": "3600"})]
    with pytest.raises(StatusgenError, match="gave up after 1 attempts"):
        notify(repo, NOW, ["acme-partner"], env=receivers.env, echo=lambda _: None, retry=retry)
    assert waits == [2.0]  # an hour is more than the cap: no waiting at all


def test_a_missing_secret_is_a_clear_error_for_that_channel(repo: Path, receivers: Receivers) -> None:
    run(repo, receivers)
    add(repo, CARD_DECLINES, IDENTIFIED)
    env = {k: v for k, v in receivers.env.items() if k != "SLACK_STATUS_WEBHOOK"}
    with pytest.raises(StatusgenError) as raised:
        notify(repo, NOW, env=env, echo=lambda _: None, retry=FAST)
    assert (
        "public: slack:SLACK_STATUS_WEBHOOK: environment variable SLACK_STATUS_WEBHOOK is not set; "
        "set it to the slack webhook URL (in CI: a secret)"
    ) in str(raised.value)
    assert len(receivers.mail.messages) == 1 and len(receivers.http.on("/acme")) == 1


def test_dry_run_prints_every_message_and_records_nothing(repo: Path, receivers: Receivers) -> None:
    run(repo, receivers)
    add(repo, CARD_DECLINES, IDENTIFIED)
    before = (repo / "notifications/public.log").read_bytes()
    report = run(repo, receivers, dry_run=True)
    printed = "\n".join(report.lines)  # type: ignore[attr-defined]
    assert (
        "public: email:status@northwind.example: would send to finance-team@customer-one.example" in printed
    )
    assert "All affected card payments now go through our second acquirer." in printed
    assert "public: slack:SLACK_STATUS_WEBHOOK: would send to *" in printed
    assert receivers.http.requests == [] and receivers.mail.messages == []
    assert (repo / "notifications/public.log").read_bytes() == before


def test_a_new_subscriber_gets_what_comes_next_not_the_past(repo: Path, receivers: Receivers) -> None:
    run(repo, receivers)
    with (repo / "subscribers/public.yaml").open("a") as subscribers:
        subscribers.write("- {email: late@customer-four.example}\n")
    run(repo, receivers)
    assert receivers.mail.messages == []
    add(repo, CARD_DECLINES, IDENTIFIED)
    run(repo, receivers)
    assert len(receivers.mail.to("late@customer-four.example")) == 1


def test_a_maintenance_window_is_announced_reminded_started_and_completed(
    repo: Path, receivers: Receivers
) -> None:
    run(repo, receivers)
    (repo / "incidents/2026/2026-11-24-db-failover.md").write_text(
        "---\ntype: maintenance\ntitle: Database failover test\ncomponents: [payment-api-eu]\n"
        "window: {start: 2026-11-25 02:00 UTC, end: 2026-11-25 03:00 UTC}\n---\n"
    )
    subjects = []
    for hours in (0, 12, 32.5, 34):
        run(repo, receivers, now_delta=timedelta(hours=hours))
        subjects.append(
            sorted(
                subject
                for r in receivers.http.on("/public-slack")
                # The example's weekly maintenance is announced too, each occurrence in its turn.
                if (subject := json.loads(r.body)["text"].split(" — ")[0]).endswith("Database failover test")
            )
        )
        receivers.http.requests.clear()
    assert subjects == [
        ["[Maintenance scheduled] Database failover test"],
        ["[Maintenance reminder] Database failover test"],
        ["[Maintenance started] Database failover test"],
        ["[Maintenance completed] Database failover test"],
    ]


def test_subscriber_files_are_checked_with_file_and_line(repo: Path) -> None:
    (repo / "subscribers/public.yaml").write_text(
        "- {email: ok@customer.example}\n"
        "- {email: not-an-address}\n"
        "- {email: b@customer.example, components: [payment-api-eux]}\n"
        "- {email: c@customer.example, components: [pgbouncer-eu]}\n"
    )
    with pytest.raises(InputError) as raised:
        load_repository(repo)
    assert [str(p) for p in raised.value.problems] == [
        "subscribers/public.yaml:2:11: error: expected an email address such as ops@acme.example, "
        "found 'not-an-address'",
        "subscribers/public.yaml:3:44: error: unknown component 'payment-api-eux'; "
        "did you mean 'payment-api-eu'?",
        "subscribers/public.yaml:4:44: error: component 'pgbouncer-eu' is not shown to the audience public, "
        "whose email channel uses this file; remove it or pick one of: "
        "accounting-sync, card-processing, checkout, merchant-dashboard, pay-by-link, payment-api-eu, "
        "payment-api-us, payouts, reports, storefront-cdn, webhooks",
    ]


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("../outside.yaml", "../outside.yaml is outside subscribers/"),
        ("/etc/passwd", "/etc/passwd is an absolute path"),
        ("subscribers/missing.yaml", "no file subscribers/missing.yaml"),
    ],
)
def test_a_subscribers_path_outside_the_folder_is_refused(repo: Path, path: str, message: str) -> None:
    audience = repo / "site-config/audiences/public.yaml"
    audience.write_text(audience.read_text().replace("subscribers/public.yaml", path))
    with pytest.raises(InputError, match=message) as raised:
        load_repository(repo)
    assert raised.value.problems[0].path == "site-config/audiences/public.yaml"


def test_a_linked_subscribers_file_leading_outside_is_refused(repo: Path, tmp_path: Path) -> None:
    (tmp_path / "elsewhere.yaml").write_text("- {email: a@b.example}\n")
    (repo / "subscribers/public.yaml").unlink()
    (repo / "subscribers/public.yaml").symlink_to(tmp_path / "elsewhere.yaml")
    with pytest.raises(InputError, match="outside subscribers/ once symbolic links are followed"):
        load_repository(repo)


def test_smtp_urls() -> None:
    server = parse_smtp_url("smtp+starttls://user%40x:p%3Ass@mail.example:2525", "SMTP_URL")
    assert (server.scheme, server.host, server.port, server.user, server.password) == (
        "smtp+starttls",
        "mail.example",
        2525,
        "user@x",
        "p:ss",
    )
    assert parse_smtp_url("smtps://mail.example", "SMTP_URL").port == 465
    assert parse_smtp_url("smtp://mail.example", "SMTP_URL").user is None
    with pytest.raises(
        DeliveryError, match="SMTP_URL must be an smtp://, smtp\\+starttls:// or smtps:// URL"
    ):
        parse_smtp_url("http://mail.example", "SMTP_URL")


def _cli(repo: Path, env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "statusgen", "notify", "--root", str(repo), "--now", "2026-11-23 18:00 UTC"],
        env={**os.environ, "PYTHONPATH": str(EXAMPLE_ROOT), **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def test_a_kill_between_sending_and_recording_repeats_at_most_one_message(
    repo: Path, receivers: Receivers
) -> None:
    assert _cli(repo, receivers.env).wait(60) == 0
    for minute in (40, 41, 42, 43):
        add(repo, CARD_DECLINES, f"## 2026-11-23 17:{minute} UTC — Identified\nStep {minute}.\n\n")
    receivers.http.hang_after = 2  # the third request is received, never answered: the sender is killed
    process = _cli(repo, receivers.env)
    deadline = time.monotonic() + 30
    while len(receivers.http.requests) < 3 and time.monotonic() < deadline:
        time.sleep(0.02)
    process.send_signal(signal.SIGKILL)
    process.wait(10)
    received = len(receivers.http.requests)
    assert received == 3
    receivers.http.hang_after = None
    rerun = _cli(repo, receivers.env)
    output = rerun.communicate(timeout=60)
    assert rerun.returncode == 0, output
    by_channel = {path: len(receivers.http.on(path)) for path in ("/acme", "/public-slack")}
    # 4 updates for each channel, plus the one the kill left unrecorded: sent again once.
    assert sorted(by_channel.values()) == [4, 5]
    assert len(receivers.mail.messages) == 1
    third = _cli(repo, receivers.env)
    assert third.wait(60) == 0 and len(receivers.http.requests) == 9


def test_the_subscribe_section_lists_the_channels_readers_can_join(repo: Path, tmp_path: Path) -> None:
    internal = repo / "site-config/audiences/internal.yaml"
    internal.write_text(
        internal.read_text().replace(
            "SLACK_ONCALL_WEBHOOK}", "SLACK_ONCALL_WEBHOOK, join: https://x.example/oncall}"
        )
    )
    sites = build_tree(repo, tmp_path / "dist", ("public", "internal"))
    public = sites["public"]["index.html"].decode()
    assert '<a href="mailto:status-subscribe@northwind.example?subject=subscribe">Email updates</a>' in public
    assert '<a href="https://northwind.slack.com/archives/C0STATUS">Slack channel</a>' in public
    assert "history.rss" in public and "maintenance.ics" in public and "api/v2/summary.json" in public
    assert "x.example/oncall" not in sites["internal"]["index.html"].decode()  # nudges are for responders


def test_the_ledger_merges_as_a_union(tmp_path: Path) -> None:
    for attributes in (
        EXAMPLE_ROOT / ".gitattributes",
        EXAMPLE_ROOT / "statusgen/scaffold/dot-gitattributes",
    ):
        assert "notifications/*.log merge=union" in attributes.read_text()


def test_a_line_cut_short_by_a_crash_is_skipped_and_ended(tmp_path: Path) -> None:
    path = tmp_path / "notifications/public.log"
    path.parent.mkdir()
    path.write_text("2026-11-23T18:00:00Z\tsent\tslack:X\t*\tincident/a/update-1\n2026-11-23T18:0")
    ledger = read_ledger(path)
    ledger.append(NOW, "sent", "slack:X", "*", ["incident/a/update-2"])
    lines = path.read_text().splitlines()
    assert lines[1] == "2026-11-23T18:0" and lines[2].endswith("incident/a/update-2")
    assert read_ledger(path).channel("slack:X").recipients["*"].keys == {
        "incident/a/update-1",
        "incident/a/update-2",
    }


def nudges(receivers: Receivers) -> list[str]:
    texts = [json.loads(r.body)["blocks"][0]["text"]["text"] for r in receivers.http.on("/oncall-slack")]
    receivers.http.requests.clear()
    return texts


def test_responders_are_nudged_once_for_each_reason(repo: Path, receivers: Receivers) -> None:
    # Its occurrence on the 24th would be announced to the audiences, which this test says nothing reaches.
    (repo / "incidents/weekly-reporting-maintenance.md").unlink()
    run(repo, receivers)
    (repo / "incidents/2026/2026-11-23-failover.md").write_text(
        "---\ntype: maintenance\ntitle: Failover drill\ncomponents: [pgbouncer-eu]\n"
        "window: {start: 2026-11-23 22:30 UTC, end: 2026-11-23 23:00 UTC}\n---\n"
    )
    run(repo, receivers, now_delta=timedelta(hours=4))
    overdue, soon = nudges(receivers)
    # The promised 21:00 UTC update is overdue; the window starts within the hour.
    assert "Update overdue" in overdue and "statusgen update 2026-11-23-us-card-declines" in overdue
    assert "Maintenance starts within the hour" in soon and "Failover drill" in soon
    run(repo, receivers, now_delta=timedelta(hours=4, minutes=10))
    assert nudges(receivers) == []
    run(repo, receivers, now_delta=timedelta(hours=22))
    (silent,) = nudges(receivers)
    assert "No update for 24 hours" in silent
    # None of it reaches the audiences' own channels.
    assert receivers.http.on("/public-slack") == [] and receivers.mail.messages == []


def test_component_changes_are_told_only_where_monitor_status_is_automatic(
    repo: Path, receivers: Receivers
) -> None:
    partner = repo / "site-config/audiences/acme-partner.yaml"
    partner.write_text(partner.read_text() + "monitor_status: published\n")
    public = repo / "site-config/audiences/public.yaml"
    public.write_text(public.read_text().replace("monitor_status: published", "monitor_status: automatic"))
    run(repo, receivers)
    with (repo / "status-log/checkout.yaml").open("a") as log:
        log.write("- {at: 2026-11-23T17:50:00Z, status: major_outage, source: probe}\n")
    run(repo, receivers)
    (slack,) = receivers.http.on("/public-slack")
    assert json.loads(slack.body)["text"].startswith("Hosted Checkout: Major outage")
    (mail,) = receivers.mail.to("storefront@customer-three.example")  # a subscriber of checkout only
    assert mail["Subject"].strip() == "[Northwind Status] Hosted Checkout: Major outage"
    assert "In-Reply-To" not in mail
    assert receivers.http.on("/acme") == []
    run(repo, receivers, now_delta=timedelta(minutes=5))
    assert len(receivers.http.on("/public-slack")) == 1  # still down: nothing new
    with (repo / "status-log/checkout.yaml").open("a") as log:
        log.write("- {at: 2026-11-23T18:02:00Z, status: operational, source: probe}\n")
    run(repo, receivers, now_delta=timedelta(minutes=5))
    assert json.loads(receivers.http.on("/public-slack")[1].body)["text"].startswith(
        "Hosted Checkout: Operational"
    )


def test_smtp_login_with_the_user_and_password_of_the_url(repo: Path) -> None:
    from aiosmtpd.smtp import AuthResult

    logins: list[tuple[bytes, bytes]] = []

    def authenticate(
        server: object, session: object, envelope: object, mechanism: str, data: object
    ) -> object:
        logins.append((data.login, data.password))  # type: ignore[attr-defined]
        return AuthResult(success=data.password == b"s3cret:!")  # type: ignore[attr-defined]

    kwargs = {"authenticator": authenticate, "auth_require_tls": False}
    with http_receiver() as http, smtp_server(**kwargs) as mail:
        receivers = Receivers(http, mail)
        run(repo, receivers)
        add(repo, CARD_DECLINES, IDENTIFIED)
        env = {
            **receivers.env,
            "SMTP_URL": mail.url.replace("smtp://", "smtp://status%40northwind:s3cret%3A%21@"),
        }
        notify(repo, NOW, ["public"], env=env, echo=lambda _: None, retry=FAST)
        assert logins == [(b"status@northwind", b"s3cret:!")] and len(mail.messages) == 1


def test_a_moved_window_is_told_as_rescheduled(repo: Path, receivers: Receivers) -> None:
    run(repo, receivers)
    path = repo / "incidents/2026/2026-11-24-db-failover.md"
    text = (
        "---\ntype: maintenance\ntitle: Database failover test\ncomponents: [payment-api-eu]\n"
        "window: {start: %s, end: %s}\n---\n"
    )
    path.write_text(text % ("2026-11-27 02:00 UTC", "2026-11-27 03:00 UTC"))
    run(repo, receivers)
    path.write_text(text % ("2026-11-28 02:00 UTC", "2026-11-28 03:00 UTC"))
    run(repo, receivers)
    first, second = (json.loads(r.body)["text"] for r in receivers.http.on("/public-slack"))
    assert first.startswith("[Maintenance scheduled] Database failover test")
    assert second.startswith("[Maintenance rescheduled] Database failover test")
    (mail,) = [
        m for m in receivers.mail.to("eu-payments@customer-two.example") if "rescheduled" in m["Subject"]
    ]
    assert "Window: Nov 28, 03:00 CET – Nov 28, 04:00 CET" in mail.get_body(("plain",)).get_content()  # type: ignore[union-attr]


def test_an_incident_tells_its_components_status_itself(repo: Path, receivers: Receivers) -> None:
    run(repo, receivers)
    (repo / "incidents/2026/2026-11-23-checkout.md").write_text(
        "---\ntitle: Checkout errors\nimpact: minor\ncomponents: {checkout: partial_outage}\n---\n\n"
        "## 2026-11-23 17:50 UTC — Investigating\nSome checkouts fail.\n"
    )
    run(repo, receivers)
    assert [json.loads(r.body)["text"].split(" — ")[0] for r in receivers.http.on("/public-slack")] == [
        "[New incident] Checkout errors"
    ]
    (mail,) = receivers.mail.to("storefront@customer-three.example")
    assert mail["Subject"].strip() == "[Northwind Status] [New incident] Checkout errors"


@pytest.mark.parametrize(
    ("written", "instead", "problem"),
    [
        (
            'unsubscribe: "mailto:status-unsubscribe@northwind.example"',
            'unsubscribe: "http://x.example/u"',
            "37:20: error: expected a mailto: or https: URL such as mailto:unsubscribe@example.com, "
            "found 'http://x.example/u'",
        ),
        (
            "  - slack: {webhook_env: SLACK_STATUS_WEBHOOK,",
            "  - sms: {webhook_env: SLACK_STATUS_WEBHOOK,",
            "39:5: error: unknown key 'sms'; allowed keys: slack, teams, discord, webhook, email",
        ),
        (
            "webhook_env: SLACK_STATUS_WEBHOOK",
            "webhook_env: https://hooks.slack.com/x",
            "39:26: error: expected the name of an environment variable such as SLACK_STATUS_WEBHOOK (the "
            "secret itself stays out of the repository), found 'https://hooks.slack.com/x'",
        ),
        ("from: status@northwind.example", "from: status", "34:13: error: expected an email address"),
        (
            "  - slack: {webhook_env: SLACK_STATUS_WEBHOOK, join:",
            "  - slack: {webhook_env: SMTP_URL}\n  - slack: {webhook_env: SMTP_URL}\n"
            "  - slack: {webhook_env: X, join:",
            "33:3: error: two channels share the name slack:SMTP_URL (kind and variable) in the ledger",
        ),
    ],
)
def test_channel_settings_are_checked_with_file_and_line(
    repo: Path, written: str, instead: str, problem: str
) -> None:
    audience = repo / "site-config/audiences/public.yaml"
    text = audience.read_text()
    assert written in text
    audience.write_text(text.replace(written, instead))
    with pytest.raises(InputError) as raised:
        load_repository(repo)
    (found,) = raised.value.problems
    assert str(found).startswith(f"site-config/audiences/public.yaml:{problem}")
