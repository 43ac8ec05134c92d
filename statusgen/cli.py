"""The command line. Each command parses its options and calls one library function."""

from __future__ import annotations

import atexit
import os
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click

from statusgen import __version__

if TYPE_CHECKING:
    from statusgen.clock import Clock

ROOT_OPTION = click.option(
    "--root",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path(),
    show_default=True,
    help="The status repository (the folder holding site-config/).",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="statusgen")
def cli() -> None:
    """Static status pages for several audiences from one git repository.

    \b
    Typical use:
      statusgen init my-status        start a status repository
      statusgen new incident "API errors" --component api --impact minor
      statusgen serve                 preview every audience, reloaded as you edit
      statusgen validate              check every file, report every problem
      statusgen build --out dist      write dist/<audience>/ for every audience
      statusgen probe                 record what the HTTP checks see (in CI)
    """


NOW_OPTION = click.option(
    "--now",
    metavar="TIME",
    help="Build as if it were TIME (e.g. '2026-11-23 18:00 UTC'; without a zone: site.yaml's, like "
    "every time). Default: SOURCE_DATE_EPOCH (seconds since 1970 UTC) if set, else the clock. Same "
    "files and --now give the same bytes. Whatever TIME is, an update or status-log entry dated after "
    "the real time is an error.",
)


def _clock(root: Path, now: str | None) -> Clock:
    """The command's clock; ``--now`` written without a zone is read in site.yaml's timezone, as every
    other time a person writes is (site.yaml is read only for that)."""
    from statusgen.clock import read_clock
    from statusgen.timeparse import names_zone

    if not now or names_zone(now):
        # Without the loader: a build with nothing to do then imports neither it nor the models.
        return read_clock(now)
    from statusgen.load import site_timezone

    return read_clock(now, site_timezone(root))


@cli.command()
@ROOT_OPTION
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "github"]),
    default="text",
    show_default=True,
    help="github: print GitHub Actions annotations that mark the lines in a pull request.",
)
@click.option(
    "--repository-visibility",
    "visibility",
    type=click.Choice(["public", "private", "internal"]),
    envvar="STATUSGEN_REPOSITORY_VISIBILITY",
    help="What the host says the repository is (validate.yml passes GitHub's answer). Without it, a "
    "remote on a public host is all validate can go by when it warns about internal content.",
)
@NOW_OPTION
def validate(root: Path, strict: bool, output_format: str, visibility: str | None, now: str | None) -> None:
    """Check every file of the repository and report every problem at once.

    Each problem names the file, line and column to edit. Exit status 0 when clean, 1 otherwise.
    Times written without a zone are read in site.yaml's timezone. An update, started: time or
    status-log entry dated after the current time (more than 5 minutes ahead) is an error. A
    repository that is (or, by its git remote, may be) public while it holds internal content gets
    a warning: its files are readable whatever the sites hide.

    \b
    Examples:
      statusgen validate
      statusgen validate --strict --format github   # in CI, annotates the pull request
      statusgen validate --now "2026-11-23 18:00 UTC"   # warnings (overdue updates) as of then
    """
    from statusgen.validate import run_validate

    clock = _clock(root, now)
    run_validate(
        root,
        strict=strict,
        output_format=output_format,
        now=clock.now,
        real_now=clock.real,
        visibility=visibility,
    )


@cli.command()
@ROOT_OPTION
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("dist"),
    show_default=True,
    help="Folder that receives one site per audience: OUT/<audience>/.",
)
@click.option(
    "--audience", "audiences", multiple=True, metavar="ID", help="Build only this audience (repeatable)."
)
@NOW_OPTION
def build(root: Path, out: Path, audiences: tuple[str, ...], now: str | None) -> None:
    """Build one static site per audience into OUT/<audience>/.

    The new OUT is written beside the old one and swapped in whole once every site is complete, so a
    failed or killed build leaves the previous sites untouched. Whatever else OUT holds (other
    audiences' sites, files put there by hand) is kept.

    STATUSGEN_FEED_SECRETS, a JSON object of private audience id → secret, also publishes that
    audience's feeds, calendar, JSON API and badges under OUT/<audience>/feeds/<secret>/, for feed
    readers that cannot sign in (README: "Private audiences behind single sign-on").

    \b
    Examples:
      statusgen build
      statusgen build --audience public --out public-site
      statusgen build --now "2026-11-23 18:00 UTC"   # reproducible output
    """
    from statusgen.build import build as build_sites
    from statusgen.load.feedsecrets import FEED_SECRETS_ENV

    clock = _clock(root, now)
    secrets = os.environ.get(FEED_SECRETS_ENV)
    for site in build_sites(root, out, clock.now, audiences, real_now=clock.real, feed_secrets=secrets):
        line = f"{out / site.audience}/: {site.files} files, {site.bytes / 1024:.0f} KiB"
        if site.rendered < site.pages:
            line += f" ({site.rendered} of {site.pages} pages and feeds rendered, the others unchanged)"
        click.echo(line)


@cli.command("next-change")
@ROOT_OPTION
@NOW_OPTION
def next_change(root: Path, now: str | None) -> None:
    """Print the next instant (UTC) at which the output changes by the clock alone, and why.

    That is the first of: a maintenance window opening or closing, a promised next update falling
    due, local midnight in an audience's zone (the bars move on a day), an ongoing outage outlasting
    an audience's blip limit, an incident leaving the recent list. While an incident is open or a
    component has downtime today, the pages change every minute. Never later than the real change;
    a schedule that builds then finds the output changed, or at worst unchanged.

    \b
    Examples:
      statusgen next-change
      statusgen next-change --now "2026-11-23 18:00 UTC"
      # 2026-11-24T00:00:00Z  midnight in Europe/Berlin (public): the bars move on a day
    """
    from statusgen.compute.changes import next_change as first_change
    from statusgen.load import load_repository

    clock = _clock(root, now)
    change = first_change(load_repository(root, real_now=clock.real), clock.now)
    click.echo(f"{change.at:%Y-%m-%dT%H:%M:%SZ}  {change.reason}")


@cli.command()
@ROOT_OPTION
@click.option(
    "--audience", "audiences", multiple=True, metavar="ID", help="Notify only this audience (repeatable)."
)
@click.option("--dry-run", is_flag=True, help="Print every message instead of sending it; record nothing.")
@NOW_OPTION
def notify(root: Path, audiences: tuple[str, ...], dry_run: bool, now: str | None) -> None:
    """Tell each audience's notify: and nudge: channels what they were not told yet.

    Every delivered message is a line in notifications/<audience>.log: commit it, and no message is
    sent twice. A channel's first run records what there is as told and sends nothing. Secrets come
    from the environment variables the channels name. Exit 1 when any message was not delivered.

    \b
    Examples:
      statusgen notify --dry-run      # print what would be sent
      statusgen notify                # in CI after deploying, then commit notifications/
    """
    from statusgen.notify.run import notify as run_notify

    report = run_notify(
        root, _clock(root, now).now, audiences, dry_run=dry_run, env=os.environ, echo=click.echo
    )
    would = "would be " if dry_run else ""
    click.echo(f"notify: {report.sent} {would}sent, {report.recorded} {would}recorded as told")


SUMMARY_OPTION = click.option(
    "--summary",
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="FILE",
    help="Also write the change lines to FILE, for a commit message. "
    "When nothing changed the file is removed, so its existence means: commit.",
)


@cli.command()
@ROOT_OPTION
@click.argument("component")
@click.argument("status")
@click.option(
    "--at",
    metavar="TIME",
    help="When it was seen (without a zone: site.yaml's), not after the current time. Default: now.",
)
@click.option("--source", metavar="NAME", help="Who saw it, e.g. probe, pingdom, deploy-script.")
@click.option("--note", metavar="TEXT", help="Why, in a few words, e.g. 'HTTP 503'.")
@SUMMARY_OPTION
def record(
    root: Path,
    component: str,
    status: str,
    at: str | None,
    source: str | None,
    note: str | None,
    summary: Path | None,
) -> None:
    """Record that COMPONENT is in STATUS, from any script or by hand.

    STATUS is operational, degraded_performance, partial_outage, major_outage or
    under_maintenance. A line is added to status-log/COMPONENT.yaml only when the status differs
    from the one in force at that time, so repeating an observation changes nothing. A component
    with auto_incident gets a draft incident in incidents/auto/ when it leaves operational.

    \b
    Examples:
      statusgen record payment-api-eu major_outage --source pingdom --note "HTTP 503"
      statusgen record payment-api-eu operational --at "2026-11-20 14:31 UTC"
    """
    from statusgen.clock import read_clock
    from statusgen.monitor.apply import record_status

    report = record_status(
        root, component, status, at=at, source=source, note=note, summary=summary, clock=read_clock()
    )
    click.echo(report.text())


TIMEOUT_OPTION = click.option(
    "--timeout", type=click.FloatRange(min=0.1), default=10.0, show_default=True, help="Seconds to wait."
)


@cli.group()
def ingest() -> None:
    """Record what an external monitoring system reports.

    \b
    Examples:
      statusgen ingest alertmanager --url http://alertmanager:9093
      statusgen ingest webhook --format grafana payload.json
      statusgen ingest upstream
      statusgen ingest prometheus --url http://prometheus:9090
    """


@ingest.command()
@ROOT_OPTION
@click.option("--url", metavar="URL", help="Alertmanager's address, e.g. http://alertmanager:9093.")
@click.option(
    "--file",
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="FILE",
    help="Read the alerts from FILE (JSON as /api/v2/alerts answers) instead of --url.",
)
@TIMEOUT_OPTION
@SUMMARY_OPTION
def alertmanager(
    root: Path, url: str | None, file: Path | None, timeout: float, summary: Path | None
) -> None:
    """Record component statuses from Alertmanager's firing alerts.

    Reads the active, unsilenced, uninhibited alerts (API v2), matches them to components by each
    component's alerts: {match: …, match_re: …} labels, maps their severity label through
    site.yaml's alerts table, and records the worst status per component; components with an
    alerts matcher and no firing alert become operational. If Alertmanager cannot be reached or
    answers something unreadable, nothing is recorded and the exit status is 1.

    \b
    Examples:
      statusgen ingest alertmanager --url http://alertmanager:9093 --summary msg.txt
      statusgen ingest alertmanager --file alerts.json
    """
    from statusgen.clock import read_clock
    from statusgen.monitor.alertmanager import ingest_alertmanager

    report = ingest_alertmanager(
        root, url=url, file=file, summary=summary, timeout_s=timeout, clock=read_clock()
    )
    click.echo(report.text())


@ingest.command()
@ROOT_OPTION
@TIMEOUT_OPTION
@SUMMARY_OPTION
def upstream(root: Path, timeout: float, summary: Path | None) -> None:
    """Record the status vendors' Statuspage pages give the components that mirror them.

    Each component with upstream: {statuspage: URL, component: NAME} takes the status of the
    vendor's component NAME (without component: the page's overall indicator), with the vendor's
    open incident as the note, through the same thresholds as probes. If a page cannot be read or
    lacks NAME, nothing is recorded and the exit status is 1.

    \b
    Examples:
      statusgen ingest upstream --summary msg.txt
    """
    from statusgen.clock import read_clock
    from statusgen.monitor.upstream import ingest_upstream

    click.echo(ingest_upstream(root, summary=summary, timeout_s=timeout, clock=read_clock()).text())


@ingest.command()
@ROOT_OPTION
@click.option(
    "--url", required=True, metavar="URL", help="Prometheus's address, e.g. http://prometheus:9090."
)
@TIMEOUT_OPTION
@SUMMARY_OPTION
def prometheus(root: Path, url: str, timeout: float, summary: Path | None) -> None:
    """Record the status each component's prometheus: query gives it.

    Each query is evaluated now (/api/v1/query); of several series the lowest value counts: below
    down_below is major_outage, below degraded_below degraded_performance. Credentials come from
    PROMETHEUS_TOKEN, or PROMETHEUS_USER and PROMETHEUS_PASSWORD (a user:password@ in --url works
    too), and PROMETHEUS_CA_FILE. A query that fails or returns nothing records nothing (exit 1).

    \b
    Examples:
      statusgen ingest prometheus --url http://prometheus:9090 --summary msg.txt
    """
    from statusgen.clock import read_clock
    from statusgen.monitor.prometheus import ingest_prometheus

    report = ingest_prometheus(root, url=url, summary=summary, timeout_s=timeout, clock=read_clock())
    click.echo(report.text())


@ingest.command()
@ROOT_OPTION
@click.option(
    "--format",
    "fmt",
    required=True,
    type=click.Choice(["alertmanager", "grafana", "datadog", "generic"]),
    help="The payload's shape: Alertmanager's or Grafana's webhook, README's Datadog payload, or a "
    "generic list of {component, status, note, at}.",
)
@click.argument("payload", type=click.Path(dir_okay=False, allow_dash=True, path_type=Path), default="-")
@SUMMARY_OPTION
def webhook(root: Path, fmt: str, payload: Path, summary: Path | None) -> None:
    """Record what one pushed webhook PAYLOAD (a file, or - for standard input) means.

    Only the components the payload is about get an observation, and it goes through the same
    thresholds (monitoring: in site.yaml) as probes. Alertmanager, Grafana and Datadog alerts find
    their components by the alerts: label matchers of components.yaml; generic payloads name them.
    If the payload cannot be read, nothing is recorded and the exit status is 1.

    \b
    Examples:
      statusgen ingest webhook --format grafana payload.json
      curl -s … | statusgen ingest webhook --format alertmanager -
      echo '[{"component": "checkout", "status": "major_outage", "note": "HTTP 503"}]' \\
          | statusgen ingest webhook --format generic
    """
    from statusgen.clock import read_clock
    from statusgen.monitor.webhook import ingest_webhook

    click.echo(ingest_webhook(root, fmt, payload, summary=summary, clock=read_clock()).text())


@cli.command()
@ROOT_OPTION
@click.option(
    "--component", "components", multiple=True, metavar="ID", help="Probe only this component (repeatable)."
)
@SUMMARY_OPTION
def probe(root: Path, components: tuple[str, ...], summary: Path | None) -> None:
    """Run the HTTP(S) checks declared as probe: in components.yaml and record the results.

    Checks run concurrently. A check that fails after its retries records major_outage (with a
    note such as "HTTP 503" or "timed out after 10 s"); one slower than degraded_over_ms records
    degraded_performance.

    \b
    Examples:
      statusgen probe --summary msg.txt
      statusgen probe --component payment-api-eu --component checkout
    """
    from statusgen.clock import read_clock
    from statusgen.monitor.probe import probe_components

    click.echo(probe_components(root, components, summary, clock=read_clock()).text())


def _interactive() -> bool:
    """Whether a person can answer prompts: stdin is a terminal and this is not CI."""
    return sys.stdin.isatty() and not os.environ.get("CI")


class PromptInTerminal(click.Option):
    """A required option that is asked for when missing at a terminal and reported missing elsewhere."""

    def prompt_for_value(self, ctx: click.Context) -> Any:
        if not _interactive():
            raise click.MissingParameter(ctx=ctx, param=self)
        if self.multiple:
            answer = click.prompt(f"{self.prompt} (comma-separated)")
            return self.process_value(ctx, [part.strip() for part in answer.split(",") if part.strip()])
        return super().prompt_for_value(ctx)


class ComponentPrompt(PromptInTerminal):
    """Asks for component ids after listing the catalogue's, each with its name, so none is looked up."""

    def prompt_for_value(self, ctx: click.Context) -> Any:
        if _interactive():
            from statusgen.load import component_names

            listed = component_names(ctx.params.get("root") or Path())
            if listed:
                click.echo("Components:\n" + "\n".join(f"  {cid} — {name}" for cid, name in listed))
        return super().prompt_for_value(ctx)


def _asked_time(name: str, prompt: str, meaning: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """A required time option, asked for at a terminal."""
    return click.option(
        name,
        cls=PromptInTerminal,
        required=True,
        prompt=prompt,
        metavar="TIME",
        help=f"{meaning} (without a zone: site.yaml's).",
    )


AT_OPTION = click.option(
    "--at", metavar="TIME", help="Time of the update (without a zone: site.yaml's). Default: now."
)
MESSAGE_HELP = "Markdown shown under the update. Default: Statuspage's wording for the status."


@cli.group()
def new() -> None:
    """Create an incident or a maintenance file under incidents/<year>/."""


def _templated(ctx: click.Context) -> bool:
    """Whether ``--template`` was given (an unset option's value is click's sentinel, not ``None``)."""
    return isinstance(ctx.params.get("template"), str)


class UnlessTemplate(PromptInTerminal):
    """Asked for (or reported missing) only when no ``--template`` gives it."""

    def prompt_for_value(self, ctx: click.Context) -> Any:
        return None if _templated(ctx) else super().prompt_for_value(ctx)

    def process_value(self, ctx: click.Context, value: Any) -> Any:
        if _templated(ctx) and self.value_is_missing(value):
            return () if self.multiple else None
        return super().process_value(ctx, value)


class ComponentUnlessTemplate(UnlessTemplate, ComponentPrompt):
    """The component ids, listed and asked for only without ``--template``."""


@new.command("incident")
@ROOT_OPTION
@click.argument("title", required=False)
@click.option(
    "--template",
    metavar="NAME",
    is_eager=True,
    help="Start from site-config/templates/NAME.md; the other options override it.",
)
@click.option(
    "--component",
    "components",
    cls=ComponentUnlessTemplate,
    multiple=True,
    required=True,
    prompt="Affected components, as ID or ID=STATUS",
    metavar="ID[=STATUS]",
    help="An affected component and its status while open (default partial_outage). Repeatable.",
)
@click.option(
    "--impact",
    cls=UnlessTemplate,
    required=True,
    prompt="Impact",
    type=click.Choice(["none", "minor", "major", "critical"], case_sensitive=False),
    help="How bad it is for users.",
)
@click.option("--message", metavar="TEXT", help=MESSAGE_HELP)
@click.option(
    "--audience", "audiences", multiple=True, metavar="ID", help="Show it to this audience (repeatable)."
)
@click.option("--internal-note", metavar="TEXT", help="Also add an [internal] update with TEXT.")
@AT_OPTION
def new_incident(
    root: Path,
    title: str | None,
    template: str | None,
    components: tuple[str, ...],
    impact: str | None,
    message: str | None,
    audiences: tuple[str, ...],
    internal_note: str | None,
    at: str | None,
) -> None:
    """Open an incident: write incidents/<YYYY>/<date>-<slug>.md with an Investigating update, or
    with a template's front matter and first update ({{component}}, {{component_name}}, {{title}}
    and {{now}} filled in).

    Prints the file's path. In a terminal, missing options are asked for; in CI they are errors.

    \b
    Examples:
      statusgen new incident "Elevated payment failures" --component payment-api-eu=major_outage \\
          --component checkout=degraded_performance --impact major
      statusgen new incident "Slow dashboard" --component merchant-dashboard --impact minor \\
          --message "Pages load slowly; we are investigating." --internal-note "db-eu-2 CPU at 100 %"
      statusgen new incident --template db-failover --component pgbouncer-eu
    """
    from statusgen.author.incidents import new_incident as write
    from statusgen.clock import read_clock

    path = write(
        root,
        title,
        components,
        impact,
        message=message,
        audiences=audiences,
        internal_note=internal_note,
        at=at,
        template=template,
        clock=read_clock(),
    )
    click.echo(path)


@new.command("maintenance")
@ROOT_OPTION
@click.argument("title")
@click.option(
    "--component",
    "components",
    cls=ComponentPrompt,
    multiple=True,
    required=True,
    prompt="Components under maintenance",
    metavar="ID",
    help="A component under maintenance during the window. Repeatable.",
)
@_asked_time("--start", "Start", "Window start, e.g. '2026-12-01 02:00'")
@_asked_time("--end", "End", "Window end")
@click.option("--message", metavar="TEXT", help=MESSAGE_HELP)
@click.option(
    "--audience", "audiences", multiple=True, metavar="ID", help="Show it to this audience (repeatable)."
)
@AT_OPTION
def new_maintenance(
    root: Path,
    title: str,
    components: tuple[str, ...],
    start: str,
    end: str,
    message: str | None,
    audiences: tuple[str, ...],
    at: str | None,
) -> None:
    """Schedule maintenance: write a maintenance file with its window and a Scheduled update.

    Times without a zone are read in site.yaml's timezone. The pages show it as scheduled before
    the window, in progress during it and completed after it.

    \b
    Example:
      statusgen new maintenance "Database upgrade" --component db-eu \\
          --start "2026-12-01 02:00" --end "2026-12-01 04:00"
    """
    from statusgen.author.incidents import new_maintenance as write
    from statusgen.clock import read_clock

    clock = read_clock()
    click.echo(
        write(root, title, components, start, end, message=message, audiences=audiences, at=at, clock=clock)
    )


@cli.command()
@ROOT_OPTION
@click.argument("incident_id", metavar="ID")
@click.option(
    "--status",
    cls=PromptInTerminal,
    required=True,
    prompt="Status",
    metavar="STATUS",
    help="Investigating, Identified, Monitoring, Resolved, Postmortem (maintenance: Scheduled, "
    "In progress, Verifying, Completed, Cancelled).",
)
@click.option(
    "--message", cls=PromptInTerminal, required=True, prompt="Message", metavar="TEXT", help="Markdown."
)
@click.option("--internal", is_flag=True, help="Show this update only to audiences with internal_notes.")
@click.option(
    "--next-update",
    metavar="TIME",
    help="Promise the next update by TIME (shown on the page; without a zone: site.yaml's). "
    "Without it an earlier promise is removed.",
)
@AT_OPTION
def update(
    root: Path,
    incident_id: str,
    status: str,
    message: str,
    internal: bool,
    next_update: str | None,
    at: str | None,
) -> None:
    """Add an update to incident ID (its file name without .md), newest first.

    Only the new update's lines and the next_update: line change; every other byte of the file
    stays as it was.

    \b
    Examples:
      statusgen update 2026-11-20-elevated-payment-failures --status identified \\
          --message "A database pool was exhausted; we are adding capacity." \\
          --next-update "2026-11-20 15:30 UTC"
      statusgen update 2026-11-20-elevated-payment-failures --status monitoring --message "Fixed." --internal
    """
    from statusgen.author.incidents import add_update
    from statusgen.clock import read_clock

    clock = read_clock()
    path = add_update(
        root, incident_id, status, message, internal=internal, next_update=next_update, at=at, clock=clock
    )
    click.echo(path)


@cli.command()
@ROOT_OPTION
@click.argument("incident_id", metavar="ID")
@click.option("--message", metavar="TEXT", help=MESSAGE_HELP)
@AT_OPTION
def resolve(root: Path, incident_id: str, message: str | None, at: str | None) -> None:
    """Resolve incident ID (maintenance: mark it completed) and drop its next_update promise.

    \b
    Examples:
      statusgen resolve 2026-11-20-elevated-payment-failures
      statusgen resolve 2026-11-20-elevated-payment-failures --message "Payments are processing normally."
    """
    from statusgen.author.incidents import resolve as write
    from statusgen.clock import read_clock

    click.echo(write(root, incident_id, message=message, at=at, clock=read_clock()))


@cli.command()
@ROOT_OPTION
@click.argument("incident_id", metavar="ID")
@click.option("--title", metavar="TEXT", help="The title readers see (default: the monitor's).")
@click.option(
    "--message",
    metavar="TEXT",
    help="The first update readers see (default: 'We are currently investigating this issue.').",
)
@click.option(
    "--impact",
    type=click.Choice(["none", "minor", "major", "critical"], case_sensitive=False),
    help="How bad it is for users (default: the monitor's).",
)
@click.option(
    "--audience", "audiences", multiple=True, metavar="ID", help="Show it to this audience (repeatable)."
)
def publish(
    root: Path,
    incident_id: str,
    title: str | None,
    message: str | None,
    impact: str | None,
    audiences: tuple[str, ...],
) -> None:
    """Publish the draft incident ID that a monitor opened, in your words.

    The monitor's updates stay as [internal] notes for engineers; MESSAGE becomes the first public
    update, dated when the draft began; the draft line goes. Audiences with monitor_status:
    published learn of the outage only through published incidents such as this one.

    \b
    Examples:
      statusgen publish 2026-11-20-payment-api-eu \\
          --title "Elevated payment failures in the EU" \\
          --message "Some card payments in the EU fail. We are investigating." --impact major
    """
    from statusgen.author.publish import publish as write
    from statusgen.clock import read_clock

    path = write(
        root,
        incident_id,
        title=title,
        message=message,
        impact=impact,
        audiences=audiences,
        clock=read_clock(),
    )
    click.echo(path)


@cli.command()
@ROOT_OPTION
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on. Other machines can reach the site only if you change it (0.0.0.0: every "
    "address of this machine).",
)
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True, help="Port.")
@click.option(
    "--audience", "audiences", multiple=True, metavar="ID", help="Serve only this audience (repeatable)."
)
@NOW_OPTION
def serve(root: Path, host: str, port: int, audiences: tuple[str, ...], now: str | None) -> None:
    """Preview every audience's site, rebuilt and reloaded in the browser as you edit.

    Serves http://HOST:PORT/ with one link per audience. The site is built in memory; a file with
    an error keeps the last good site on screen with the error (file:line) at the top of every page.

    Only requests addressed to localhost, 127.0.0.1, [::1], the --host given or the IP address they
    reached (any port) are answered; others get 421, so that no other web page can read the preview
    through a name of its own. With --host 0.0.0.0, a phone opens the site at this machine's IP
    address (http://192.168.1.20:8000/); to use a name such as my-laptop.local, pass it as --host.

    \b
    Examples:
      statusgen serve
      statusgen serve --audience public --port 8001
      statusgen serve --host 0.0.0.0
    """
    from statusgen.serve.server import serve as run

    _clock(root, now)  # a --now that is no time is refused before anything listens
    # Read at every rebuild: a fixed time with --now or SOURCE_DATE_EPOCH, the real time otherwise.
    run(root, host=host, port=port, audiences=audiences, clock=lambda: _clock(root, now))


@cli.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
def init(directory: Path) -> None:
    """Create a new status repository in DIRECTORY (which must be empty or absent).

    It holds a public and an internal audience, one component group, an example incident, the
    JSON Schemas, the GitHub Actions workflows (validate, deploy, monitor) and CODEOWNERS.

    \b
    Example:
      statusgen init my-status && cd my-status && statusgen serve
    """
    from statusgen.author.scaffold import NEXT_STEPS, init_repository
    from statusgen.clock import read_clock

    files = init_repository(directory, read_clock().now)
    click.echo(f"Created {directory}/ with {len(files)} files.")
    click.echo(NEXT_STEPS.format(directory=directory))


@cli.command()
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("schemas"),
    show_default=True,
    help="Folder that receives the *.schema.json files.",
)
def schema(out: Path) -> None:
    """Write JSON Schemas of site.yaml, components.yaml, audience files and incident front matter.

    Editors with the YAML language server use them when a file starts with a line such as
    '# yaml-language-server: $schema=../schemas/site.schema.json'.

    \b
    Example:
      statusgen schema --out schemas
    """
    from statusgen.author.schema import write_schemas

    for path in write_schemas(out):
        click.echo(path)


def main() -> None:
    try:
        cli(prog_name="statusgen")
    except SystemExit as ending:
        if ending.code is not None and not isinstance(ending.code, int):
            raise  # a message for Python to print
        _leave(ending.code or 0)


def _leave(code: int) -> NoReturn:
    """End the process once its exit handlers ran and its output is flushed, without freeing its
    objects one by one: after a build at 10 000 incidents that teardown takes 0.3-0.45 s, and 0.15 s
    after one at 100 incidents, while the kernel takes the whole memory back at once.

    While another thread runs (``serve``'s, when it is stopped), the process ends the usual way, which
    waits for the threads that are not daemons.
    """
    if threading.active_count() > 1:
        sys.exit(code)
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            code = code or 120  # what Python itself exits with when the output could not be written
    os._exit(code)
