"""notify(): per audience, build the view, find what each channel was not yet told, send, record."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from statusgen.errors import StatusgenError
from statusgen.load import load_repository
from statusgen.load.lookup import choose_audiences
from statusgen.model import Repository
from statusgen.model.notify import Channel, Email, SignedWebhook
from statusgen.notify.deliver import (
    DeliveryError,
    Mailer,
    Retry,
    SmtpServer,
    check_http_url,
    parse_smtp_url,
    post,
)
from statusgen.notify.events import Event, audience_events, nudge_events
from statusgen.notify.ledger import EVERYONE, ChannelLedger, Ledger, ledger_path, read_ledger
from statusgen.notify.mail import Mail, Palette, compose, theme_palette
from statusgen.notify.payloads import (
    discord_payload,
    encode,
    signed_headers,
    slack_payload,
    teams_payload,
    webhook_payload,
)
from statusgen.notify.text import event_text
from statusgen.render.theme import stylesheet
from statusgen.themedirs import theme_dirs
from statusgen.view.builder import build_view
from statusgen.view.types import AudienceView

Echo = Callable[[str], None]


@dataclass(frozen=True)
class _Outgoing:
    """One message of a channel: who gets it, the keys it tells, what it says, how it is sent."""

    recipient: str
    keys: tuple[str, ...]
    summary: str
    preview: str
    send: Callable[[Mailer | None], None]


@dataclass
class NotifyReport:
    sent: int = 0
    """Messages delivered, or with ``dry_run`` printed."""
    recorded: int = 0
    failures: list[str] = field(default_factory=list)


def notify(
    root: Path,
    now: datetime,
    audiences: Sequence[str] = (),
    *,
    dry_run: bool = False,
    env: Mapping[str, str],
    echo: Echo,
    retry: Retry | None = None,
) -> NotifyReport:
    """Send every audience's channels what they were not told yet, recording each message as it goes.

    :param env: the environment holding the channels' secrets.
    :raises StatusgenError: after every channel had its turn, when any message could not be delivered.
    """
    repo = load_repository(root, now=now)
    report = NotifyReport()
    for audience_id in choose_audiences(repo, audiences, option="--audience"):
        audience = repo.audiences[audience_id]
        if not (audience.notify or audience.nudge):
            continue
        view = build_view(repo, audience_id, now)
        ledger = read_ledger(ledger_path(root, audience_id))
        palette = theme_palette(stylesheet(theme_dirs(repo.root), view.theme), view.branding.accent)
        for channel, events in _channel_events(repo, view, audience.notify, audience.nudge):
            run = _ChannelRun(repo, view, channel, ledger, palette, env, retry or Retry(), dry_run, echo)
            run.go(events, report)
    if report.failures:
        raise StatusgenError("notify: some messages were not delivered:\n  " + "\n  ".join(report.failures))
    return report


def _channel_events(
    repo: Repository, view: AudienceView, notify_to: Sequence[Channel], nudge_to: Sequence[Channel]
) -> Iterator[tuple[Channel, list[Event]]]:
    automatic = repo.audiences[view.id].monitor_status == "automatic"
    for channel in notify_to:
        remind = timedelta(hours=channel.settings.remind_before_hours)
        yield channel, audience_events(view, remind, component_changes=automatic)
    nudges = nudge_events(view) if nudge_to else []
    for channel in nudge_to:
        yield channel, nudges


@dataclass
class _ChannelRun:
    repo: Repository
    view: AudienceView
    channel: Channel
    ledger: Ledger
    palette: Palette
    env: Mapping[str, str]
    retry: Retry
    dry_run: bool
    echo: Echo

    @property
    def name(self) -> str:
        return f"{self.view.id}: {self.channel.key}"

    def go(self, events: list[Event], report: NotifyReport) -> None:
        told = self.ledger.channel(self.channel.key)
        recipients = self._recipients()
        if told.is_new:
            self._record(events, recipients, told, report)
            return
        self._subscribe([r for r in recipients if not told.knows(r)])
        events = [self._relabelled(event, told) for event in events]
        # Every message is decided before the first is sent: what this run records cannot change it.
        outgoing = list(self._messages(events, recipients, told))
        mailer: Mailer | None = None
        try:
            email = self.channel.email
            if email is not None and outgoing and not self.dry_run:
                mailer = Mailer(self._smtp(email), self.retry, self.view.now)
            for message in outgoing:
                self._deliver(message, report, mailer)
        except DeliveryError as error:
            report.failures.append(f"{self.name}: {error}")
            self.echo(f"{self.name}: FAILED: {error}")
        finally:
            if mailer is not None:
                mailer.close()

    def _recipients(self) -> dict[str, frozenset[str] | None]:
        """Recipient → the components they want (``None``: all); ``*`` alone for a chat or webhook."""
        email = self.channel.email
        if email is None:
            return {EVERYONE: None}
        wanted: dict[str, frozenset[str] | None] = {}
        for subscriber in self.repo.subscribers.get(email.subscribers or "", ()):
            chosen = None if subscriber.components is None else frozenset(subscriber.components)
            previous = wanted.get(subscriber.email, frozenset())
            wanted[subscriber.email] = None if chosen is None or previous is None else previous | chosen
        wanted.update(dict.fromkeys(email.to))
        return wanted

    def _record(
        self,
        events: list[Event],
        recipients: Mapping[str, frozenset[str] | None],
        told: ChannelLedger,
        report: NotifyReport,
    ) -> None:
        """A channel's first run: count everything there is as told, send nothing."""
        report.recorded += len(events)
        if self.dry_run:
            self.echo(f"{self.name}: first run: would record {len(events)} events as told, send nothing")
            return
        self.echo(f"{self.name}: first run: recorded {len(events)} events as told, sent nothing")
        by_thread: dict[str, list[str]] = {}
        for event in events:
            by_thread.setdefault(event.thread or event.slot or event.key, []).append(event.key)
        now = self.view.now
        entries = [(EVERYONE, keys) for keys in by_thread.values()] or [(EVERYONE, [])]
        self.ledger.append_many(now, "recorded", told.key, entries)
        self._subscribe([r for r in recipients if r != EVERYONE])

    def _subscribe(self, new: Sequence[str]) -> None:
        if new and not self.dry_run:
            self.ledger.append_many(self.view.now, "subscribed", self.channel.key, [(r, ()) for r in new])

    def _relabelled(self, event: Event, told: ChannelLedger) -> Event:
        if event.family is not None and told.told_family(event.family):
            return dataclasses.replace(event, label="Maintenance rescheduled")
        return event

    def _messages(
        self, events: list[Event], recipients: Mapping[str, frozenset[str] | None], told: ChannelLedger
    ) -> Iterator[_Outgoing]:
        email = self.channel.email
        if email is None:
            yield from (self._http(event) for event in told.due_events(events, EVERYONE))
            return
        events = told.still_open(events)
        for recipient, components in recipients.items():
            due = [e for e in told.due_events(events, recipient) if _wanted(e, components)]
            for batch in _batches(due):
                yield self._mail(compose(self.view, email, recipient, batch, self.palette))

    def _deliver(self, message: _Outgoing, report: NotifyReport, mailer: Mailer | None) -> None:
        if self.dry_run:
            self.echo(f"{self.name}: would send to {message.recipient}: {message.summary}\n{message.preview}")
            report.sent += 1
            return
        message.send(mailer)
        self.ledger.append(self.view.now, "sent", self.channel.key, message.recipient, message.keys)
        report.sent += 1
        self.echo(f"{self.name}: sent to {message.recipient}: {message.summary}")

    def _secret(self, variable: str, what: str) -> str:
        value = self.env.get(variable, "")
        if not value:
            raise DeliveryError(
                f"environment variable {variable} is not set; set it to {what} (in CI: a secret)"
            )
        return value

    def _smtp(self, email: Email) -> SmtpServer:
        url = self._secret(
            email.smtp_env, "the SMTP server's URL, such as smtp+starttls://user:pass@host:587"
        )
        return parse_smtp_url(url, email.smtp_env)

    def _mail(self, mail: Mail) -> _Outgoing:
        message = mail.message
        preview = message.get_body(("plain",))
        text = "" if preview is None else str(preview.get_content())

        def send(mailer: Mailer | None) -> None:
            assert mailer is not None, "a mail channel sends through its session"
            mailer.send(message)

        return _Outgoing(mail.recipient, mail.keys, str(message["Subject"]), text, send)

    def _http(self, event: Event) -> _Outgoing:
        view, channel, settings = self.view, self.channel, self.channel.settings
        text = event_text(view, event)
        if isinstance(settings, SignedWebhook):
            body, variable, secret = (
                encode(webhook_payload(view, event)),
                settings.url_env,
                settings.secret_env,
            )
        else:
            assert not isinstance(settings, Email), "email goes through _mail"
            body, variable, secret = encode(self._chat_payload(event)), settings.webhook_env, None

        def send(_: Mailer | None) -> None:
            url = check_http_url(self._secret(variable, f"the {channel.kind} webhook URL"), variable)
            key = None if secret is None else self._secret(secret, "the shared signing secret")
            headers = {} if key is None else signed_headers(key, view.now, body)
            post(url, body, headers, self.retry, view.now)

        return _Outgoing(EVERYONE, (event.key,), text.subject, body.decode(), send)

    def _chat_payload(self, event: Event) -> dict[str, object]:
        text = event_text(self.view, event)
        if self.channel.kind == "slack":
            return slack_payload(self.view, text)
        if self.channel.kind == "teams":
            return teams_payload(self.view, text)
        return discord_payload(self.view, text, self.palette.accent)


def _wanted(event: Event, components: frozenset[str] | None) -> bool:
    return components is None or not components.isdisjoint(event.components)


def _batches(events: list[Event]) -> Iterator[list[Event]]:
    """One mail per incident (so that it threads), one for every component change together."""
    groups: dict[str | None, list[Event]] = {}
    for event in events:
        groups.setdefault(event.thread, []).append(event)
    yield from groups.values()
