"""AudienceView → HTML pages and their hashed assets, through a Jinja2 theme.

The view is the only input, so a page can show nothing the audience may not see. Every page is
static and needs no script. Links between pages are relative (the site works from any folder and from
``file://``), except on ``404.html``, which a host serves from any path and so links absolutely.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, fields, replace
from datetime import datetime, timedelta
from functools import cached_property
from pathlib import Path, PurePosixPath

from jinja2.environment import TemplateModule

from statusgen.compute.changes import RECENT_DAYS as _RECENT_DAYS
from statusgen.model import ComponentStatus
from statusgen.render.format import bars_css, format_month
from statusgen.render.i18n import language
from statusgen.render.pagekey import PageInputs, renderer
from statusgen.render.theme import environment, stylesheet
from statusgen.view.bars import INDICATOR_COLOURS
from statusgen.view.types import AudienceView, ComponentView, GroupView, IncidentView

_HISTORY_INDEX_MONTHS = 3
# A busy fortnight is summed up on the index; the history pages list every incident.
_RECENT_MAX = 10
"""Resolved incidents that started within this many days are listed on the index."""
_COMPONENT_ITEMS = 25
"""Incidents and maintenance listed on a component page, newest first; older ones are in the history,
so that the page does not grow with the years."""
_FAVICON_TYPES = {".svg": "image/svg+xml", ".png": "image/png", ".ico": "image/x-icon"}


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
    logo_dark: str | None
    favicon: tuple[str, str] | None
    """(site path, MIME type)."""
    still_favicon: tuple[str, str] | None
    """The favicon of the pages that do not move with the clock (:attr:`_Page.live`)."""


def _assets(view: AudienceView, css: bytes) -> _Assets:
    """The theme's stylesheet with the view's accent and bar rules, and the branding files, hashed;
    the branding CSS loads after the theme's."""
    branding = view.branding_files
    accent = f":root{{--accent:{view.branding.accent}}}" if view.branding.accent else ""
    style = css + f"\n{accent}{bars_css(view.uptime_days, language(view.language))}\n".encode()
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
    if "favicon" in named:
        suffix = PurePosixPath(named["favicon"]).suffix.lower()
        favicon = still = (named["favicon"], _FAVICON_TYPES.get(suffix, "image/png"))
    else:
        # On live pages, a dot in the colour of the overall status, so a browser tab shows it at a
        # glance; other pages would have to change with every status, so theirs is in the accent.
        favicon = _dot(files, INDICATOR_COLOURS[view.overall.indicator])
        still = _dot(files, view.branding.accent or _DEFAULT_ACCENT)
    return _Assets(files, stylesheets, named.get("logo"), named.get("logo_dark"), favicon, still)


_DEFAULT_ACCENT = "#3b5bdb"
"""The default theme's ``--accent``."""


def _dot(files: dict[str, bytes], colour: str) -> tuple[str, str]:
    """Add a round favicon of ``colour`` to ``files``; its (site path, MIME type)."""
    dot = (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16">'
        f'<circle cx="8" cy="8" r="7" fill="{colour}"/></svg>'
    ).encode()
    path = f"assets/{hashed_name('favicon.svg', dot)}"
    files[path] = dot
    return path, "image/svg+xml"


# --- Pages ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Month:
    """One page of the history: the incidents and maintenance that started in a calendar month."""

    year: int
    month: int
    items: tuple[IncidentView, ...]
    name: str
    """``November 2026`` in the page's language."""

    @property
    def key(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def path(self) -> str:
        return f"history/{self.key}/"


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
    lang = language(view.language)
    months = []
    while (year, month) <= (view.now.year, view.now.month):
        items = sorted(by_month.get((year, month), ()), key=_newest_first)
        months.append(Month(year, month, tuple(items), format_month(year, month, lang)))
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
class Chrome:
    """All a page reads of its audience besides its own context: its head, header and footer.

    Templates know it as ``view``. A page reads nothing else of the view (the index and the uptime
    report get what they show of it in their context), so its context, this and its clock are all
    its inputs: what :meth:`Pages.key` digests.
    """

    site_name: str
    title: str
    description: str | None
    base_url: str
    access: str
    timezone: str
    language: str
    uptime_days: int

    @classmethod
    def of(cls, view: AudienceView) -> Chrome:
        return cls(**{field.name: getattr(view, field.name) for field in fields(cls)})


@dataclass(frozen=True)
class _Page:
    path: str
    template: str
    context: dict[str, object]
    live: bool = False
    """Whether the page moves with the build's clock: the index ("Updated …") and the page of an
    ongoing incident or maintenance ("Ongoing for …", an overdue update). Every other page shows
    what its context says, whenever it is built."""


def page_clock(now: datetime, live: bool) -> datetime:
    """The ``now`` a page is drawn at: the build's clock for a live page; else the start of the
    current year in the audience's zone, which formats every time alike (only the year and the zone
    decide how a time is written), so the page's bytes do not change from one build to the next."""
    return now if live else now.replace(month=1, day=1, hour=0, minute=0, second=0, microsecond=0, fold=0)


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
            "overall": view.overall,
            "join": view.join,
        },
        live=True,
    )
    for item in everything:
        yield _Page(f"{item.path}index.html", "incident.html", {"incident": item}, live=item.is_open)
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
    lang = language(view.language)
    names = {m.key: format_month(m.year, m.month, lang) for m in (view.sla[0].months if view.sla else ())}
    yield _Page("uptime/index.html", "uptime.html", {"month_names": names, "sla": view.sla})
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

    A build renders them all (:func:`statusgen.render.site.render_site`); ``serve`` renders only the
    pages a browser asks for.
    """

    def __init__(
        self,
        view: AudienceView,
        theme_dirs: Sequence[Path],
        *,
        dev_script: str | None = None,
        dev_error: str | None = None,
    ) -> None:
        """
        :param theme_dirs: where themes are looked up, first match wins (the repository's ``themes/``,
            then the built-in ones); ``view.theme`` names the theme.
        :param dev_script: URL of a script added before ``</body>`` (live reload in ``serve``).
        :param dev_error: text shown in an error box at the top of every page (a failed rebuild).
        """
        self.view = view
        self._theme_dirs = theme_dirs
        self._env = environment(tuple(theme_dirs), view.theme, view.language)
        assets = _assets(view, stylesheet(theme_dirs, view.theme))
        self.assets: Mapping[str, bytes] = assets.files
        self._assets = assets
        self._common = {
            "view": Chrome.of(view),
            "dev_script": dev_script,
            "dev_error": dev_error,
            "webcal": "webcal://" + view.base_url.split("://", 1)[1],
        }
        self._favicons = {True: assets.favicon, False: assets.still_favicon}
        # What a page and its macros read besides the page's own context, for live pages and others.
        self._around: dict[bool, dict[str, object]] = {
            live: {
                **self._common,
                "assets": replace(assets, favicon=self._favicons[live]),
                "now": page_clock(view.now, live),
                "live": live,
            }
            for live in (True, False)
        }
        self._pages = {page.path: page for page in _pages(view)}
        self._links: dict[tuple[int, bool], tuple[Callable[[str], str], TemplateModule]] = {}

    @cached_property
    def _inputs(self) -> PageInputs:
        """What every page's key digests; worked out only by a build that keys pages (not ``serve``)."""
        # Assets are named by their bytes, so their names stand for them; a page's favicon is its own.
        shown = (self._assets.stylesheets, self._assets.logo, self._assets.logo_dark)
        theme = renderer(self._theme_dirs, self.view.theme)
        return PageInputs(theme, self.view.now.tzinfo, self._common, shown)

    @property
    def paths(self) -> Collection[str]:
        """Site-relative POSIX paths of the pages, in site order."""
        return self._pages.keys()

    def key(self, path: str) -> str:
        """A digest of everything the page at ``path`` is rendered from: the same key, the same bytes."""
        page = self._pages[path]
        clock, favicon = self._around[page.live]["now"], self._favicons[page.live]
        return self._inputs.key((path, page.template, page.live, clock, favicon, page.context))

    def inputs_key(self, inputs: object) -> str:
        """The key of another file of the site made from ``inputs`` alone (a feed)."""
        return self._inputs.key(inputs)

    def render(self, path: str) -> bytes:
        """The page at ``path`` (one of :attr:`paths`)."""
        page = self._pages[path]
        template = self._env.get_template(page.template)
        url, macros = self._linked(page)
        return template.render(**self._around[page.live], **page.context, url=url, macros=macros).encode()

    def _linked(self, page: _Page) -> tuple[Callable[[str], str], TemplateModule]:
        """The ``url`` function of a page, and the theme's macros bound to it and to its clock.

        Macros make links, so they need ``url``; imported ``with context`` they would be evaluated
        again for every page. Pages at the same depth and of the same clock share both.
        """
        depth = -1 if page.path == "404.html" else page.path.count("/")
        if (depth, page.live) not in self._links:
            url = _linker(self.view, page.path)
            context = {**self._around[page.live], "url": url}
            macros = self._env.get_template("_macros.html").make_module(context)
            self._links[depth, page.live] = (url, macros)
        return self._links[depth, page.live]
