"""AudienceView → HTML pages and their hashed assets, through a Jinja2 theme.

The view is the only input, so a page can show nothing the audience may not see. Every page is
static and needs no script. Links between pages are relative (the site works from any folder and from
``file://``), except on ``404.html``, which a host serves from any path and so links absolutely.
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_DOWN, Decimal
from functools import lru_cache
from pathlib import Path, PurePosixPath

import jinja2
from jinja2.environment import TemplateModule
from jinja2.ext import Extension

from statusgen.errors import Problem, StatusgenError
from statusgen.model import ComponentStatus, status_label
from statusgen.themedirs import themes_in
from statusgen.view.bars import INDICATOR_COLOURS
from statusgen.view.types import AudienceView, ComponentView, DayBar, GroupView, IncidentView, UptimeSeries

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_MONTH_NAMES = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
_BAR_WIDTHS = (90, 60, 30)
"""Days shown by width of the bar area (Statuspage's steps); fewer on narrow screens."""
_HISTORY_INDEX_MONTHS = 3
_RECENT_DAYS = 14
# A busy fortnight is summed up on the index; the history pages list every incident.
_RECENT_MAX = 10
"""Resolved incidents that started within this many days are listed on the index."""
_COMPONENT_ITEMS = 25
"""Incidents and maintenance listed on a component page, newest first; older ones are in the history,
so that the page does not grow with the years."""
_FAVICON_TYPES = {".svg": "image/svg+xml", ".png": "image/png", ".ico": "image/x-icon"}


# --- Formatting (pure; dates never go through locale-dependent strftime) -------------------------


def format_day(day: date, now: datetime) -> str:
    """``Nov 23``; with the year when it is not the current one."""
    text = f"{_MONTHS[day.month - 1]} {day.day}"
    return text if day.year == now.year else f"{text}, {day.year}"


def format_day_span(first: date, last: date, now: datetime) -> str:
    """``Nov 23``, ``Nov 20–23``, ``Oct 30 – Nov 2``: the month is said once when both days share it."""
    if first == last:
        return format_day(first, now)
    if (first.year, first.month) == (last.year, last.month):
        text = f"{_MONTHS[first.month - 1]} {first.day}–{last.day}"
        return text if first.year == now.year else f"{text}, {first.year}"
    return f"{format_day(first, now)} – {format_day(last, now)}"


def format_time(moment: datetime, now: datetime, style: str = "full") -> str:
    """``Nov 23, 14:10 CET`` (``full``), ``14:10 CET`` (``clock``) or ``Nov 23`` (``day``)."""
    local = moment.astimezone(now.tzinfo)
    clock = f"{local.hour:02d}:{local.minute:02d} {local.tzname()}"
    if style == "day":
        return format_day(local.date(), now)
    if style == "clock":
        return clock
    return f"{format_day(local.date(), now)}, {clock}"


def format_month(year: int, month: int) -> str:
    """``November 2026``."""
    return f"{_MONTH_NAMES[month - 1]} {year}"


def format_percent(value: float | None) -> str:
    """``99.97 %``, ``100 %``; ``no data`` for None. Truncated, never rounded: 99.999 is not 100."""
    if value is None:
        return "no data"
    text = str(Decimal(repr(value)).quantize(Decimal("0.01"), rounding=ROUND_DOWN))
    text = text.rstrip("0").rstrip(".")
    return f"{text}\u00a0%"


def format_duration(span: timedelta) -> str:
    """``35 min``, ``2 h 5 min``, ``3 d 4 h``: the two largest units."""
    minutes = max(0, int(span.total_seconds() // 60))
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    parts = [f"{n} {unit}" for n, unit in ((days, "d"), (hours, "h"), (minutes, "min")) if n]
    return " ".join(parts[:2]) or "under 1 min"


def web_url(url: str | None) -> str | None:
    """``url`` when it is an http(s) URL, else None: links from front matter are not sanitised upstream."""
    if url is None:
        return None
    url = url.strip()
    return url if url.lower().startswith(("https://", "http://")) else None


# --- Bars -----------------------------------------------------------------------------------------

BAR_STEP = 1
"""SVG user units per day, so that positions are day numbers; each bar is ``BAR_WIDTH`` wide and the
rest is the gap. The SVG is stretched to its box, so a unit is much wider than it is high."""
BAR_WIDTH = 0.68
BAR_HEIGHT = 30


@dataclass(frozen=True)
class BarRun:
    """Consecutive days that look the same: one SVG ``<rect>``, which a mask draws as one bar per day."""

    x: int
    width: int
    colour: str
    label: str


def bar_runs(series: UptimeSeries, now: datetime, titles: int | None = None) -> list[BarRun]:
    """Group ``series`` into runs of days with the same colour, uptime and incidents, oldest first.

    :param titles: how many incident titles a day may list; a day with more gives their number
        (``2 incidents``). The index, which shows many bars, limits them; each component page lists all.
    """
    runs: list[BarRun] = []
    days = series.days
    start = 0
    for index in range(1, len(days) + 1):
        if index < len(days) and _same_look(days[start], days[index]):
            continue
        first, last = days[start], days[index - 1]
        label = f"{format_day_span(first.day, last.day, now)}: {_day_text(first, titles)}"
        runs.append(BarRun(start * BAR_STEP, (index - start) * BAR_STEP, first.colour, label))
        start = index
    return runs


def commonest_colour(runs: Sequence[BarRun]) -> str:
    """The colour of most runs: a bar sets it once, and only the other runs name their own."""
    return Counter(run.colour for run in runs).most_common(1)[0][0]


def _day_text(day: DayBar, titles: int | None) -> str:
    """``99.5 %``, ``Slow checkout, 99.5 %``: a quiet day says only its uptime, as most days are quiet."""
    if day.uptime is None:
        return "no data"
    if not day.incidents:
        return format_percent(day.uptime)
    return f"{_incidents_text(day.incidents, titles)}, {format_percent(day.uptime)}"


def _incidents_text(incidents: Sequence[str], titles: int | None) -> str:
    if titles is None or len(incidents) <= titles:
        return "; ".join(incidents)
    return "1 incident" if len(incidents) == 1 else f"{len(incidents)} incidents"


def _same_look(a: DayBar, b: DayBar) -> bool:
    return (a.colour, a.uptime, a.incidents) == (b.colour, b.uptime, b.incidents)


def _bars_css(days: int) -> str:
    """The width of a one-day run, and container rules that show only the newest days on narrow bars.

    Most runs are one day long, so the stylesheet gives that width (an SVG 2 geometry property) and
    only longer runs carry a ``width`` attribute. Each narrowing step is taken when the larger one
    would get less than 6 px per day. The SVG grows beyond its box and its older part is cut off, so
    no bar is drawn thinner and nothing scrolls sideways.
    """
    rules = [f".bars rect:not([width]){{width:{BAR_STEP}px}}"]
    larger = days
    for shown in (n for n in _BAR_WIDTHS if n < days):
        width = days * 100 / shown
        svg = f".bars svg{{width:{width:g}%;margin-left:-{width - 100:g}%}}"
        label = f'.ago{{font-size:0}}.ago::after{{font-size:var(--ax-size);content:"{shown} days ago"}}'
        rules.append(f"@container (max-width:{larger * 6 - 1}px){{{svg}{label}}}")
        larger = shown
    return "".join(rules)


# --- Theme environment ----------------------------------------------------------------------------


class _Compact(Extension):
    """Drops template indentation so that readable templates give tight pages.

    Only the template source changes; text inserted at render time (update HTML with ``<pre>``) is
    untouched.
    """

    def preprocess(self, source: str, name: str | None, filename: str | None = None) -> str:
        return "\n".join(line.strip() for line in source.splitlines() if line.strip())


def _theme_paths(theme_dirs: Sequence[Path], theme: str) -> list[Path]:
    found = [folder / theme for folder in theme_dirs if (folder / theme / "templates").is_dir()]
    if not found:
        raise StatusgenError(
            f"theme {theme!r} not found; write one of {', '.join(themes_in(theme_dirs))}, "
            f"or add themes/{theme}/templates/ to the repository"
        )
    return found


def _environment(theme_dirs: tuple[Path, ...], theme: str) -> jinja2.Environment:
    """The theme's Jinja environment; folders are looked up at every call, so a theme folder created
    while ``serve`` runs is used at the next rebuild."""
    own = tuple(path / "templates" for path in _theme_paths(theme_dirs, theme))
    default = tuple(path / "templates" for path in _theme_paths(theme_dirs, "default"))
    return _environment_for(own, default)


@lru_cache(maxsize=8)
def _environment_for(own: tuple[Path, ...], default: tuple[Path, ...]) -> jinja2.Environment:
    # A theme lists only the templates it changes; the rest come from the default theme, which it can
    # also extend by name ("default/index.html") to override single blocks.
    loader = jinja2.ChoiceLoader(
        [
            jinja2.FileSystemLoader([*own, *default]),
            jinja2.PrefixLoader({"default": jinja2.FileSystemLoader(default)}),
        ]
    )
    env = jinja2.Environment(
        loader=loader,
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        extensions=[_Compact],
    )
    env.filters.update(
        when=jinja2.pass_context(lambda ctx, moment, style="full": format_time(moment, ctx["now"], style)),
        runs=jinja2.pass_context(lambda ctx, series, titles=None: bar_runs(series, ctx["now"], titles)),
        commonest_colour=commonest_colour,
        percent=format_percent,
        web_url=web_url,
        duration=format_duration,
        status_label=status_label,
    )
    env.globals.update(
        format_month=format_month, bar_step=BAR_STEP, bar_width=BAR_WIDTH, bar_height=BAR_HEIGHT
    )
    return env


def theme_problems(theme_dirs: Sequence[Path], theme: str) -> list[Problem]:
    """Every template ``theme`` can use that does not compile, as a problem at the line Jinja names.

    Checked before any page renders, so a template with a syntax error is reported like any input file.
    """
    env = _environment(tuple(theme_dirs), theme)
    problems = []
    for name in env.list_templates(extensions=["html"]):
        try:
            env.get_template(name)
        except jinja2.TemplateSyntaxError as error:
            where = Path(error.filename or name)
            line = _source_line(where, error.lineno)
            for folder in theme_dirs:
                if where.is_relative_to(folder.parent):
                    where = where.relative_to(folder.parent)
                    break
            problems.append(Problem(where.as_posix(), line, 1, error.message or "syntax error"))
    return problems


def _source_line(template: Path, compact_line: int) -> int:
    """The line of ``template`` that :class:`_Compact`'s ``compact_line`` came from (it drops blank lines)."""
    try:
        lines = template.read_text(encoding="utf-8").splitlines()
    except OSError:
        return compact_line
    written = [number for number, text in enumerate(lines, 1) if text.strip()]
    return written[compact_line - 1] if 0 < compact_line <= len(written) else compact_line


def _stylesheet(theme_dirs: Sequence[Path], theme: str) -> bytes:
    """The default theme's style.css, then the theme's own (a theme restyles by cascade)."""
    sheets = []
    for name in dict.fromkeys(["default", theme]):
        for path in _theme_paths(theme_dirs, name):
            sheet = path / "static" / "style.css"
            if sheet.is_file():
                sheets.append(sheet.read_bytes())
                break
    return b"\n".join(sheets)


# --- Assets ---------------------------------------------------------------------------------------


def hashed_name(name: str, data: bytes) -> str:
    """``logo.svg`` → ``logo.1a2b3c4d.svg``: the name changes whenever the bytes do."""
    path = PurePosixPath(name)
    return f"{path.stem}.{hashlib.sha256(data).hexdigest()[:8]}{path.suffix}"


@dataclass(frozen=True)
class _Assets:
    files: dict[str, bytes]
    stylesheets: list[str]
    logo: str | None
    favicon: tuple[str, str] | None
    """(site path, MIME type)."""


def _assets(view: AudienceView, css: bytes, branding: Mapping[str, tuple[str, bytes]]) -> _Assets:
    accent = f":root{{--accent:{view.branding.accent}}}" if view.branding.accent else ""
    style = css + f"\n{accent}{_bars_css(view.uptime_days)}\n".encode()
    files = {f"assets/{hashed_name('style.css', style)}": style}
    stylesheets = list(files)
    named: dict[str, str] = {}
    for key in sorted(branding):
        filename, data = branding[key]
        path = f"assets/{hashed_name(filename, data)}"
        files[path] = data
        named[key] = path
    if "css" in named:
        stylesheets.append(named["css"])
    favicon = None
    if "favicon" in named:
        suffix = PurePosixPath(named["favicon"]).suffix.lower()
        favicon = (named["favicon"], _FAVICON_TYPES.get(suffix, "image/png"))
    else:
        # A dot in the colour of the overall status, so a browser tab shows it at a glance.
        dot = (
            '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16">'
            f'<circle cx="8" cy="8" r="7" fill="{INDICATOR_COLOURS[view.overall.indicator]}"/></svg>'
        ).encode()
        path = f"assets/{hashed_name('favicon.svg', dot)}"
        files[path] = dot
        favicon = (path, "image/svg+xml")
    return _Assets(files, stylesheets, named.get("logo"), favicon)


# --- Pages ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Month:
    """One page of the history: the incidents and maintenance that started in a calendar month."""

    year: int
    month: int
    items: tuple[IncidentView, ...]

    @property
    def key(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def path(self) -> str:
        return f"history/{self.key}/"

    @property
    def name(self) -> str:
        return format_month(self.year, self.month)


def history_months(view: AudienceView) -> list[Month]:
    """Every month from the oldest started incident or maintenance to now, newest first.

    Months without incidents are kept so that paging never skips a month. Maintenance that has not
    started yet is listed on the index, not in the history.
    """
    by_month: defaultdict[tuple[int, int], list[IncidentView]] = defaultdict(list)
    for item in (*view.incidents, *view.maintenances):
        if item.started <= view.now:
            moment = item.started.astimezone(view.now.tzinfo)
            by_month[moment.year, moment.month].append(item)
    year, month = min(by_month, default=(view.now.year, view.now.month))
    months = []
    while (year, month) <= (view.now.year, view.now.month):
        items = sorted(by_month.get((year, month), ()), key=_newest_first)
        months.append(Month(year, month, tuple(items)))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months[::-1]


def _newest_first(item: IncidentView) -> tuple[float, str]:
    return -item.started.timestamp(), item.id


def _visible_rows(view: AudienceView) -> list[tuple[GroupView | None, list[ComponentView]]]:
    """The index's rows: (group, shown members) and (None, [lone component]), in catalogue order.

    Components marked ``only_show_if_degraded`` are left out while operational, and so is a group
    left without members.
    """

    def shown(component: ComponentView) -> bool:
        return not component.only_show_if_degraded or component.status != ComponentStatus.OPERATIONAL

    rows: list[tuple[GroupView | None, list[ComponentView]]] = []
    for item in view.layout:
        group, members = (None, [item]) if isinstance(item, ComponentView) else (item, list(item.components))
        members = [c for c in members if shown(c)]
        if members:
            rows.append((group, members))
    return rows


@dataclass(frozen=True)
class _Page:
    path: str
    template: str
    context: dict[str, object]


def _pages(view: AudienceView) -> Iterable[_Page]:
    everything = (*view.incidents, *view.maintenances)
    by_id = view.items_by_id
    recent_from = view.now - timedelta(days=_RECENT_DAYS)
    recent = [i for i in view.incidents if not i.is_open and i.started >= recent_from]
    yield _Page(
        "index.html",
        "index.html",
        {
            "rows": _visible_rows(view),
            "open_incidents": [i for i in view.incidents if i.is_open],
            "active_maintenance": [m for m in view.maintenances if m.is_open and m.started <= view.now],
            "upcoming_maintenance": sorted(
                (m for m in view.maintenances if m.is_open and m.started > view.now), key=lambda m: m.started
            ),
            "recent": recent[:_RECENT_MAX],
            "more_recent": len(recent[_RECENT_MAX:]),
            "recent_days": _RECENT_DAYS,
        },
    )
    for item in everything:
        yield _Page(f"{item.path}index.html", "incident.html", {"incident": item})
    months = history_months(view)
    yield _Page(
        "history/index.html",
        "history.html",
        {"months": months, "shown": months[:_HISTORY_INDEX_MONTHS]},
    )
    for position, month in enumerate(months):
        newer = months[position - 1] if position else None
        older = months[position + 1] if position + 1 < len(months) else None
        yield _Page(f"{month.path}index.html", "month.html", {"month": month, "newer": newer, "older": older})
    for component in view.components:
        items = [by_id[i] for i in component.incident_ids if i in by_id]
        yield _Page(
            f"components/{component.id}/index.html",
            "component.html",
            {
                "component": component,
                "items": items[:_COMPONENT_ITEMS],
                "older": len(items[_COMPONENT_ITEMS:]),
            },
        )
    yield _Page("404.html", "404.html", {})


def _linker(view: AudienceView, page_path: str) -> Callable[[str], str]:
    """``url("incidents/x/")`` as seen from ``page_path``: relative, naming ``index.html``."""
    if page_path == "404.html":
        return lambda target: view.base_url + target
    root = "../" * page_path.count("/")

    def url(target: str) -> str:
        path = root + target
        return path + "index.html" if path == "" or path.endswith("/") else path

    return url


class Pages:
    """One audience's HTML pages and their assets; each page is rendered when asked for.

    A build renders them all (:func:`render_pages`); ``serve`` renders only the pages a browser asks for.
    """

    def __init__(
        self,
        view: AudienceView,
        theme_dirs: Sequence[Path],
        *,
        branding: Mapping[str, tuple[str, bytes]] | None = None,
        dev_script: str | None = None,
        dev_error: str | None = None,
    ) -> None:
        """
        :param theme_dirs: where themes are looked up, first match wins (the repository's ``themes/``,
            then the built-in ones); ``view.theme`` names the theme.
        :param branding: logical name (``logo``, ``favicon``, ``css``) → (file name, bytes), written as
            hashed assets; the extra CSS loads after the theme's.
        :param dev_script: URL of a script added before ``</body>`` (live reload in ``serve``).
        :param dev_error: text shown in an error box at the top of every page (a failed rebuild).
        """
        self.view = view
        self._env = _environment(tuple(theme_dirs), view.theme)
        assets = _assets(view, _stylesheet(theme_dirs, view.theme), branding or {})
        self.assets: Mapping[str, bytes] = assets.files
        self._common = {
            "view": view,
            "now": view.now,
            "assets": assets,
            "dev_script": dev_script,
            "dev_error": dev_error,
            "webcal": "webcal://" + view.base_url.split("://", 1)[1],
        }
        self._pages = {page.path: page for page in _pages(view)}
        self._links: dict[int, tuple[Callable[[str], str], TemplateModule]] = {}

    @property
    def paths(self) -> Collection[str]:
        """Site-relative POSIX paths of the pages, in site order."""
        return self._pages.keys()

    def render(self, path: str) -> bytes:
        """The page at ``path`` (one of :attr:`paths`)."""
        page = self._pages[path]
        template = self._env.get_template(page.template)
        url, macros = self._linked(page.path)
        return template.render(**self._common, **page.context, url=url, macros=macros).encode()

    def _linked(self, page_path: str) -> tuple[Callable[[str], str], TemplateModule]:
        """The ``url`` function of a page, and the theme's macros bound to it.

        Macros make links, so they need ``url``; imported ``with context`` they would be evaluated
        again for every page. Pages at the same depth share both, so each is made once per depth.
        """
        depth = -1 if page_path == "404.html" else page_path.count("/")
        if depth not in self._links:
            url = _linker(self.view, page_path)
            macros = self._env.get_template("_macros.html").make_module({**self._common, "url": url})
            self._links[depth] = (url, macros)
        return self._links[depth]


def render_pages(
    view: AudienceView,
    theme_dirs: Sequence[Path],
    *,
    branding: Mapping[str, tuple[str, bytes]] | None = None,
) -> dict[str, bytes]:
    """Every HTML page of one audience's site and the assets they use (see :class:`Pages`).

    :returns: site-relative POSIX path → bytes.
    """
    pages = Pages(view, theme_dirs, branding=branding)
    files = dict(pages.assets)
    files.update((path, pages.render(path)) for path in pages.paths)
    return files
