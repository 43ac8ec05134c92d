import dataclasses
import gzip
import hashlib
import posixpath
import re
from datetime import date, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path

import pytest
from sample_view import NOW, TZ, sample_view, series, update

from statusgen.errors import StatusgenError
from statusgen.model import Branding, ComponentStatus, Impact, IncidentStatus
from statusgen.render.format import (
    BAR_HEIGHT,
    BAR_STEP,
    bar_runs,
    format_day,
    format_day_span,
    format_duration,
    format_percent,
    format_time,
)
from statusgen.render.html import Pages
from statusgen.render.i18n import language
from statusgen.render.site import render_site
from statusgen.view.types import (
    AffectedComponent,
    AudienceView,
    DayIncident,
    GroupView,
    IncidentView,
    UptimeSeries,
)

THEMES = [Path(__file__).parent.parent / "statusgen" / "themes"]
EN = language("en")
VOID = {"meta", "link", "img", "br", "hr", "input", "source"}
# Written by the other renderers of the same site (feeds, calendar, JSON API).
OTHER_RENDERERS = re.compile(
    r"^(history\.(rss|atom)|maintenance\.ics|api/v2/.*|components/[^/]+/history\.(rss|atom))$"
)


@dataclasses.dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    text: str = ""
    parent: "Element | None" = None

    def within(self, tag: str) -> bool:
        node = self.parent
        while node is not None:
            if node.tag == tag:
                return True
            node = node.parent
        return False


def ancestors(element: Element) -> list[Element]:
    found, node = [], element.parent
    while node is not None:
        found.append(node)
        node = node.parent
    return found


class Page(HTMLParser):
    """A parsed page: every element with its attributes and its whole text."""

    def __init__(self, html: bytes) -> None:
        super().__init__(convert_charrefs=True)
        self.html = html.decode()
        self.elements: list[Element] = []
        self._open: list[Element] = []
        self.feed(self.html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for ancestor in self._open:
            ancestor.text += " "  # element boundaries separate words, as a browser's layout would
        element = Element(tag, {k: v or "" for k, v in attrs}, parent=self._open[-1] if self._open else None)
        self.elements.append(element)
        if tag not in VOID:
            self._open.append(element)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        parent = self._open[-1] if self._open else None
        self.elements.append(Element(tag, {k: v or "" for k, v in attrs}, parent=parent))

    def handle_endtag(self, tag: str) -> None:
        while self._open:
            if self._open.pop().tag == tag:
                break

    def handle_data(self, data: str) -> None:
        for element in self._open:
            element.text += data

    def all(self, tag: str, **attrs: str) -> list[Element]:
        return [
            e
            for e in self.elements
            if e.tag == tag and all(e.attrs.get(k.rstrip("_")) == v for k, v in attrs.items())
        ]

    def one(self, tag: str, **attrs: str) -> Element:
        (found,) = self.all(tag, **attrs)
        return found

    def text(self) -> str:
        return squash(self.one("body").text)


def squash(text: str) -> str:
    """Collapse ASCII whitespace only: the no-break space before "%" is part of what is checked."""
    return re.sub(r"[ \t\n]+", " ", text).strip()


def render(view: AudienceView | None = None) -> dict[str, bytes]:
    return dict(render_site(view or sample_view(), THEMES))


@pytest.fixture(scope="module")
def site() -> dict[str, bytes]:
    return render()


def pages(site: dict[str, bytes]) -> dict[str, Page]:
    return {path: Page(data) for path, data in site.items() if path.endswith(".html")}


def test_every_page_exists(site: dict[str, bytes]) -> None:
    html = {path for path in site if path.endswith(".html")}
    assert html == {
        "index.html",
        "404.html",
        "uptime/index.html",
        "incidents/2026-11-23-payments/index.html",
        "incidents/2026-11-20-checkout/index.html",
        "incidents/2026-11-28-db-upgrade/index.html",
        "history/index.html",
        "history/2026-11/index.html",
        "components/payment-api-eu/index.html",
        "components/checkout/index.html",
        "components/website/index.html",
    }


def test_index_shows_status_incidents_maintenance_and_components(site: dict[str, bytes]) -> None:
    page = Page(site["index.html"])
    assert page.one("h1").text == "Partial System Outage"
    text = page.text()
    notice = next(e for e in page.all("article") if "Elevated payment failures in the EU" in e.text)
    assert "Identified" in notice.text
    assert "A database pool is exhausted." in notice.text
    assert "Next update by Nov 23, 20:00 CET" in squash(notice.text)
    assert "Scheduled maintenance" in text
    assert "Database upgrade" in text
    assert "Nov 28, 02:00 CET – 04:00 CET" in text
    for name in ("Payments", "Payments API (EU)", "Checkout", "Website"):
        assert name in text
    figures = [e.text for e in page.all("span") if e.attrs.get("class", "").startswith("pc ")]
    assert figures.count("99.97% uptime") == 2  # the group and its degraded member
    assert figures.count("100% uptime") == 2
    assert "Checkout slow" in text  # resolved within the last 14 days
    assert "90 days ago" in text
    assert "Today" in text


def test_bars_are_runs_with_dated_titles(site: dict[str, bytes]) -> None:
    page = Page(site["index.html"])
    titles = [e.text for e in page.all("summary") if e.parent and "n" in e.parent.attrs.get("class", "")]
    assert "Nov 20: Elevated payment failures, 97.91%" in titles
    assert "Aug 26\u2009–\u2009Nov 19: 100%" in titles
    assert "Aug 26\u2009–\u2009Nov 23: 100%" in titles
    css = next(data for path, data in site.items() if path.startswith("assets/style.")).decode()
    assert ".n1{flex-grow:1}" in css and ".n90{flex-grow:90}" in css
    for svg in page.all("svg")[:-1]:  # the last one holds the shared mask
        # the drawing is for the eye; the runs' <details> beside it say what it shows
        assert svg.attrs["aria-hidden"] == "true"
        rects = [e for e in page.elements if e.tag == "rect" and e.parent and e.parent.parent is svg]
        # runs follow each other, full height
        widths = [int(r.attrs["width"]) for r in rects]
        assert [int(r.attrs["x"]) for r in rects] == [sum(widths[:n]) for n in range(len(rects))]
        assert sum(widths) == 90 * BAR_STEP
        assert {r.attrs["height"] for r in rects} == {str(BAR_HEIGHT)}
        # a run names its colour unless it has the bar's commonest one, which its <g> carries
        assert all(r.attrs.get("fill", r.parent.attrs["fill"]).startswith("#") for r in rects if r.parent)
        # over the drawing, one <details> per run, as many days wide
        runs = [e for e in page.all("details") if e.parent and e.parent.parent is svg.parent]
        assert [d.attrs["class"].split()[0] for d in runs] == [f"n{w // BAR_STEP}" for w in widths]
    # 3 runs for each of the two rows with an outage day, 1 for each quiet row
    assert len([e for e in page.all("rect") if e.within("g")]) == 8


def test_bar_runs_split_on_any_difference() -> None:
    bars = series(days=10, outage_day=4)
    runs = bar_runs(bars, NOW, EN)
    assert [(r.x // BAR_STEP, r.width // BAR_STEP) for r in runs] == [(0, 5), (5, 1), (6, 4)]
    assert runs[0].label == "Nov 14\u2009–\u200918: 100%"
    no_data = dataclasses.replace(bars.days[0], uptime=None, colour="#c3c7cd")
    next_day = dataclasses.replace(no_data, day=bars.days[1].day)
    runs = bar_runs(dataclasses.replace(bars, days=(no_data, next_day, *bars.days[2:])), NOW, EN)
    assert runs[0].label == "Nov 14\u2009–\u200915: no data"


def test_day_spans_name_a_shared_month_once() -> None:
    assert format_day_span(date(2026, 11, 20), date(2026, 11, 20), NOW, EN) == "Nov 20"
    # CLDR's intervals: thin spaces around the dash, the year on both sides once they differ
    assert format_day_span(date(2026, 11, 20), date(2026, 11, 23), NOW, EN) == "Nov 20\u2009–\u200923"
    assert format_day_span(date(2026, 10, 30), date(2026, 11, 2), NOW, EN) == "Oct 30\u2009–\u2009Nov 2"
    assert format_day_span(date(2025, 12, 1), date(2025, 12, 31), NOW, EN) == "Dec 1\u2009–\u200931, 2025"
    new_year = format_day_span(date(2025, 12, 30), date(2026, 1, 2), NOW, EN)
    assert new_year == "Dec 30, 2025\u2009–\u2009Jan 2, 2026"
    de = language("de")
    assert format_day_span(date(2026, 11, 20), date(2026, 11, 23), NOW, de) == "20.–23. Nov."
    assert format_day_span(date(2026, 10, 30), date(2026, 11, 2), NOW, de) == "30. Okt.\u2009–\u20092. Nov."


def test_bar_titles_can_count_incidents_instead_of_naming_them() -> None:
    quiet = series(days=3).days
    slow, late = DayIncident("slow", "Slow checkout"), DayIncident("late", "Webhooks delayed")
    busy = dataclasses.replace(quiet[1], incidents=(slow, late), uptime=99.2)
    one = dataclasses.replace(quiet[2], incidents=(slow,), uptime=99.5)
    bars = dataclasses.replace(series(days=3), days=(quiet[0], busy, one))
    labels = [run.label for run in bar_runs(bars, NOW, EN)]
    assert labels[1:] == [
        "Nov 22: Slow checkout; Webhooks delayed, 99.2%",
        "Nov 23: Slow checkout, 99.5%",
    ]
    labels = [run.label for run in bar_runs(bars, NOW, EN, titles=1)]
    assert labels == [
        "Nov 21: 100%",
        "Nov 22: 2 incidents, 99.2%",
        "Nov 23: Slow checkout, 99.5%",
    ]
    assert bar_runs(bars, NOW, EN, titles=0)[2].label == "Nov 23: 1 incident, 99.5%"


def test_the_index_counts_what_the_component_page_names() -> None:
    view = sample_view()
    api = view.components[0]
    days = tuple(
        dataclasses.replace(
            day, incidents=(DayIncident("a", "Slow checkout"), DayIncident("b", "Webhooks delayed"))
        )
        if day.incidents
        else day
        for day in api.uptime.days
    )
    api = dataclasses.replace(api, uptime=dataclasses.replace(api.uptime, days=days))
    group = dataclasses.replace(view.layout[0], components=(api, *view.layout[0].components[1:]))
    site = render(
        dataclasses.replace(view, components=(api, *view.components[1:]), layout=(group, *view.layout[1:]))
    )
    index = [e.text for e in Page(site["index.html"]).all("summary") if e.within("details")]
    component = [e.text for e in Page(site[f"components/{api.id}/index.html"]).all("summary")]
    assert "Nov 20: 2 incidents, 97.91%" in index
    assert "Nov 20: Slow checkout; Webhooks delayed, 97.91%" in component
    assert not any("Webhooks delayed" in title for title in index)


def test_collapsed_groups_leave_member_bars_to_component_pages() -> None:
    view = sample_view()
    calm = dataclasses.replace(view.layout[0], status=ComponentStatus.OPERATIONAL)
    page = Page(render(dataclasses.replace(view, layout=(calm, *view.layout[1:])))["index.html"])
    members = page.all("li", class_="row")[:2]
    assert all(m.parent and m.parent.attrs["class"] == "rows sub" for m in members)
    # each member still shows its status and links to its page, where its bars are
    assert [squash(m.text) for m in members] == ["Payments API (EU) Partial outage", "Checkout Operational"]
    assert not [e for e in page.all("svg") if members[0].parent in ancestors(e)]
    assert page.one("a", href="components/payment-api-eu/index.html")
    # the group's own bar stays, and so does the lone component's
    assert len([e for e in page.all("svg") if e.within("li")]) == 2


def test_narrow_screens_show_fewer_days(site: dict[str, bytes]) -> None:
    css = next(data for path, data in site.items() if path.startswith("assets/style.")).decode()
    assert "@container (max-width:539px){.bars svg,.days{width:150%;margin-left:-50%}" in css
    # the older runs are hidden, and the uptime of the days shown replaces that of all 90
    assert ".pc.w90{display:none}.pc.w60{display:flex}.o60{visibility:hidden}" in css
    assert ".pc.w60{display:none}.pc.w30{display:flex}.o60,.o30{visibility:hidden}" in css
    assert 'content:"30 days ago"' in css
    assert ":root{--accent:#3b5bdb}" in css


def test_a_promise_the_clock_has_passed_is_marked_overdue() -> None:
    view = sample_view()
    assert "Update overdue" not in Page(render(view)["index.html"]).text()
    site = render(dataclasses.replace(view, now=view.now + timedelta(hours=2)))
    notice = next(e for e in Page(site["index.html"]).all("article") if "Elevated payment" in e.text)
    assert "Next update by Nov 23, 20:00 CET Update overdue" in squash(notice.text)
    facts = Page(site["incidents/2026-11-23-payments/index.html"]).one("dl", class_="facts")
    assert "Next update by Nov 23, 20:00 CET Update overdue" in squash(facts.text)
    # a resolved incident promises nothing
    assert "overdue" not in site["incidents/2026-11-20-checkout/index.html"].decode()


def test_incident_page_has_one_anchored_element_per_update(site: dict[str, bytes]) -> None:
    page = Page(site["incidents/2026-11-20-checkout/index.html"])
    updates = page.all("li", class_="u u-resolved") + page.all("li", class_="u u-investigating")
    assert [u.attrs["id"] for u in updates] == ["update-20261120t134500z", "update-20261120t131000z"]
    for update_element in updates:
        anchor = update_element.attrs["id"]
        assert any(a.attrs.get("href") == f"#{anchor}" for a in page.all("a") if a.within("li"))
    text = page.text()
    assert "Minor impact" in text
    assert "Duration 35 min" in text
    assert page.one("a", href="https://blog.northwind.example/postmortems/checkout")
    assert page.one("a", href="../../components/checkout/index.html").text == "Checkout"
    assert "Draft" not in text and "Internal" not in text


def test_incident_page_marks_drafts_internal_updates_and_authors() -> None:
    view = sample_view()
    incident = view.incidents[0]
    internal = dataclasses.replace(incident.updates[0], internal=True, author="Ada Lovelace")
    incident = dataclasses.replace(incident, draft=True, updates=(internal, *incident.updates[1:]))
    site = render(dataclasses.replace(view, incidents=(incident, *view.incidents[1:])))
    page = Page(site[f"{incident.path}index.html"])
    assert page.one("span", class_="badge draft").text == "Draft"
    assert page.one("span", class_="badge internal").text == "Internal"
    assert "Ada Lovelace" in page.one("li", id=internal.anchor).text
    assert "Next update by Nov 23, 20:00 CET" in page.text()


def test_only_web_links_become_postmortem_links() -> None:
    view = sample_view()
    hostile = dataclasses.replace(view.incidents[1], postmortem="JavaScript:alert(1)")
    site = render(dataclasses.replace(view, incidents=(view.incidents[0], hostile)))
    page = Page(site[f"{hostile.path}index.html"])
    assert "Postmortem" not in page.text()
    assert "alert(1)" not in page.html


def test_maintenance_page_shows_its_window(site: dict[str, bytes]) -> None:
    text = Page(site["incidents/2026-11-28-db-upgrade/index.html"]).text()
    assert "Window Nov 28, 02:00 CET – 04:00 CET" in text
    assert "Duration 2 h" in text
    assert "Scheduled" in text


def with_september_incident(view: AudienceView) -> AudienceView:
    start = datetime(2026, 9, 3, 9, 0, tzinfo=TZ)
    old = dataclasses.replace(
        view.incidents[1],
        id="2026-09-03-old",
        title="Old outage",
        started=start,
        resolved_at=start + timedelta(hours=1),
        updates=(update(start, IncidentStatus.RESOLVED, "Fixed."),),
    )
    return dataclasses.replace(view, incidents=(*view.incidents, old))


def test_history_is_paged_by_month_newest_first() -> None:
    site = pages(render(with_september_incident(sample_view())))
    assert {f"history/2026-{m}/index.html" for m in ("11", "10", "09")} <= set(site)
    index = site["history/index.html"]
    archive = index.one("ul", class_="archive")
    hrefs = [a.attrs["href"] for a in index.all("a") if a.parent and a.parent.parent is archive]
    assert hrefs == [f"../history/2026-{m}/index.html" for m in ("11", "10", "09")]
    assert [squash(h.text) for h in index.all("h2", class_="card-h")][:3] == [
        "November 2026",
        "October 2026",
        "September 2026",
    ]
    october = site["history/2026-10/index.html"]
    assert october.one("a", rel="prev").attrs["href"] == "../../history/2026-09/index.html"
    assert october.one("a", rel="next").attrs["href"] == "../../history/2026-11/index.html"
    assert "No incidents reported this month." in october.text()
    assert not site["history/2026-11/index.html"].all("a", rel="next")
    assert "Old outage" in site["history/2026-09/index.html"].text()


def test_upcoming_maintenance_is_not_history(site: dict[str, bytes]) -> None:
    assert "Database upgrade" not in Page(site["history/2026-11/index.html"]).text()


def test_every_component_has_a_page(site: dict[str, bytes]) -> None:
    website = Page(site["components/website/index.html"])
    assert website.one("h1").text == "Website"
    assert "www.northwind.example" in website.text()
    assert "No incidents reported." in website.text()
    assert "100% uptime" in website.text()
    checkout = Page(site["components/checkout/index.html"]).text()
    assert checkout.index("Checkout slow") > 0 and "Database upgrade" in checkout
    feeds = {a.attrs["href"] for a in website.all("link", rel="alternate")}
    assert "../../components/website/history.rss" in feeds
    assert "../../components/website/history.atom" in feeds


def with_website(view: AudienceView, **changes: object) -> AudienceView:
    """``view`` with its lone "website" component changed."""
    website = dataclasses.replace(view.components[2], **changes)  # type: ignore[arg-type]
    return dataclasses.replace(
        view, layout=(view.layout[0], website), components=(*view.components[:2], website)
    )


def test_a_component_page_lists_its_newest_incidents_and_links_to_the_rest() -> None:
    view = sample_view()
    resolved = view.incidents[1]
    past = tuple(  # newest first, as a component lists them
        dataclasses.replace(
            resolved, id=f"past-{n}", title=f"Past incident {n:02d}", started=NOW - timedelta(n + 1)
        )
        for n in range(30)
    )
    view = dataclasses.replace(view, incidents=(view.incidents[0], *past))
    site = render(with_website(view, incident_ids=tuple(i.id for i in past)))
    page = Page(site["components/website/index.html"])
    (items,) = page.all("ul", class_="items")
    assert [a.text for a in page.all("a") if a.parent and a.parent.parent is items] == [
        f"Past incident {n:02d}" for n in range(25)
    ]
    older = page.one("p", class_="older")
    assert squash(older.text) == "5 older in the incident history →"
    assert [a.attrs["href"] for a in page.all("a") if a.parent is older] == ["../../history/index.html"]
    # every incident is still in the history, and a component with few incidents has no such line
    assert "Past incident 29" in Page(site["history/2026-10/index.html"]).text()
    assert not Page(site["components/checkout/index.html"]).all("p", class_="older")


def test_quiet_opt_in_components_are_hidden_from_the_index() -> None:
    site = render(with_website(sample_view(), only_show_if_degraded=True))
    assert "Website" not in Page(site["index.html"]).text()
    assert "components/website/index.html" in site


def test_feeds_are_linked_from_every_page(site: dict[str, bytes]) -> None:
    for path, page in pages(site).items():
        types = {link.attrs["type"] for link in page.all("link", rel="alternate")}
        assert {"application/rss+xml", "application/atom+xml"} <= types, path


def test_every_time_is_a_time_element_with_a_zone(site: dict[str, bytes]) -> None:
    shown = 0
    for path, page in pages(site).items():
        for element in page.all("time"):
            shown += 1
            assert datetime.fromisoformat(element.attrs["datetime"]).tzinfo is not None
            assert re.search(r"(\d\d:\d\d (CET|CEST)|^[A-Z][a-z]{2} \d+)$", element.text)
        outside = re.sub(r"<time [^>]*>.*?</time>|<title>.*?</title>", "", page.html)
        assert not re.search(r"\b\d\d:\d\d\b", outside), path
    assert shown > len(site) / 4


def test_private_sites_are_noindex_everywhere() -> None:
    for page in pages(render(dataclasses.replace(sample_view(), access="private"))).values():
        assert page.one("meta", name="robots").attrs["content"] == "noindex,nofollow"


def test_public_sites_are_indexable(site: dict[str, bytes]) -> None:
    for page in pages(site).values():
        assert not page.all("meta", name="robots")


def test_assets_are_hashed_and_referenced(site: dict[str, bytes]) -> None:
    css = [path for path in site if re.fullmatch(r"assets/style\.[0-9a-f]{8}\.css", path)]
    assert len(css) == 1
    assert css[0] == f"assets/style.{hashlib.sha256(site[css[0]]).hexdigest()[:8]}.css"
    for path, page in pages(site).items():
        (sheet,) = page.all("link", rel="stylesheet")
        prefix = "https://status.northwind.example/" if path == "404.html" else "../" * path.count("/")
        assert sheet.attrs["href"] == prefix + css[0]


def test_branding_files_are_hashed_and_used() -> None:
    branding = {"logo": ("logo.svg", b"<svg/>"), "favicon": ("fav.png", b"png"), "css": ("extra.css", b"a{}")}
    view = dataclasses.replace(sample_view(), branding=Branding(accent="#aa0000"), branding_files=branding)
    site = render(view)
    digest = {name: hashlib.sha256(data).hexdigest()[:8] for name, (_, data) in branding.items()}
    assert site[f"assets/logo.{digest['logo']}.svg"] == b"<svg/>"
    assert site[f"assets/extra.{digest['css']}.css"] == b"a{}"
    page = Page(site["components/checkout/index.html"])
    sheets = [link.attrs["href"] for link in page.all("link", rel="stylesheet")]
    assert sheets[1] == f"../../assets/extra.{digest['css']}.css"
    assert sheets[0].startswith("../../assets/style.")
    assert page.one("img").attrs == {
        "src": f"../../assets/logo.{digest['logo']}.svg",
        "alt": "Northwind",
        "height": "32",
    }
    assert page.one("link", rel="icon").attrs["href"] == f"../../assets/fav.{digest['favicon']}.png"
    assert b":root{--accent:#aa0000}" in next(d for p, d in site.items() if p.startswith("assets/style."))
    assert not page.all("source")  # no dark logo given: the one logo serves both schemes


def test_a_dark_logo_is_shown_in_dark_mode() -> None:
    branding = {"logo": ("logo.svg", b"<svg/>"), "logo_dark": ("logo-dark.svg", b"<svg><g/></svg>")}
    site = render(dataclasses.replace(sample_view(), branding_files=branding))
    dark = f"assets/logo-dark.{hashlib.sha256(b'<svg><g/></svg>').hexdigest()[:8]}.svg"
    assert site[dark] == b"<svg><g/></svg>"
    source = Page(site["index.html"]).one("source")
    assert source.attrs == {"srcset": dark, "media": "(prefers-color-scheme: dark)"}
    assert source.parent and source.parent.tag == "picture"


def test_relative_links_resolve_inside_the_site(site: dict[str, bytes]) -> None:
    for path, page in pages(site).items():
        if path == "404.html":
            continue
        for element in page.elements:
            target = element.attrs.get("href") or element.attrs.get("src")
            if not target or re.match(r"^(https?:|webcal:|mailto:|#)", target):
                continue
            resolved = posixpath.normpath(posixpath.join(posixpath.dirname(path), target.split("#")[0]))
            assert resolved in site or OTHER_RENDERERS.match(resolved), (path, target)


def test_404_links_absolutely(site: dict[str, bytes]) -> None:
    page = Page(site["404.html"])
    for element in page.elements:
        target = element.attrs.get("href") or element.attrs.get("src")
        if target and element.tag != "svg":
            assert target.startswith(("https://status.northwind.example/", "webcal:", "#")), target


def test_no_script_unless_serving(site: dict[str, bytes]) -> None:
    for page in pages(site).values():
        assert not page.all("script")
        assert "dev-error" not in page.html
    error = "incidents/x.md:3:1: error: <bad>"
    lazy = Pages(sample_view(), THEMES, dev_script="/_reload.js", dev_error=error)
    served = pages({path: lazy.render(path) for path in lazy.paths})
    for page in served.values():
        assert page.one("script").attrs["src"] == "/_reload.js"
        assert page.html.rstrip().endswith("</script>\n</body>\n</html>")
        assert "incidents/x.md:3:1: error: &lt;bad&gt;" in page.html
        assert page.one("div", role="alert")


def test_names_are_escaped() -> None:
    site = render(with_website(sample_view(), name="<script>alert(1)</script>"))
    assert b"<script>" not in site["index.html"]
    assert b"&lt;script&gt;alert(1)&lt;/script&gt;" in site["index.html"]


def test_output_is_deterministic(site: dict[str, bytes]) -> None:
    assert render() == site


def test_internal_theme_reuses_default_templates() -> None:
    site = render(dataclasses.replace(sample_view(), theme="internal"))
    page = Page(site["index.html"])
    assert page.one("span", class_="env").text == "Internal"
    assert [c.text for c in page.all("code")] == ["payment-api-eu", "checkout", "website"]
    assert all("open" in d.attrs for d in page.all("details") if d.parent and d.parent.tag == "li")
    assert Page(site["incidents/2026-11-20-checkout/index.html"]).one("h1").text == "Checkout slow"
    css = next(data for path, data in site.items() if path.startswith("assets/style."))
    assert b"statusgen default theme" in css and b"statusgen internal theme" in css


def test_a_repository_theme_overrides_the_builtin_one(tmp_path: Path) -> None:
    default = tmp_path / "default" / "templates"
    default.mkdir(parents=True)
    (default / "404.html").write_text('{% extends "base.html" %}{% block main %}Gone{% endblock %}')
    brand = tmp_path / "brand" / "templates"
    brand.mkdir(parents=True)
    (brand / "index.html").write_text(
        '{% extends "default/index.html" %}{% block group_open %} open{% endblock %}\n'
    )
    site = render_site(dataclasses.replace(sample_view(), theme="brand"), [tmp_path, *THEMES])
    assert Page(site["404.html"]).one("main").text.strip() == "Gone"
    groups = [d for d in Page(site["index.html"]).all("details") if d.parent and d.parent.tag == "li"]
    assert [d.attrs for d in groups] == [{"open": ""}]
    assert "Partial System Outage" in Page(site["index.html"]).text()


def test_unknown_theme_is_a_user_error() -> None:
    with pytest.raises(
        StatusgenError, match="theme 'fancy' not found; write one of default, internal,"
    ) as caught:
        render(dataclasses.replace(sample_view(), theme="fancy"))
    assert "/" not in str(caught.value).split("or add")[0]  # names, not machine paths


def test_formatting() -> None:
    assert format_percent(100.0, EN) == "100%"
    assert format_percent(99.9, EN) == "99.9%"
    assert format_percent(99.99, EN) == "99.99%"
    assert format_percent(99.9999, EN) == "99.99%"
    assert format_percent(0.0, EN) == "0%"
    assert format_percent(None, EN) == "no data"
    assert format_duration(timedelta(minutes=35), EN) == "35 min"
    assert format_duration(timedelta(hours=2, minutes=5, seconds=59), EN) == "2 hr, 5 min"
    assert format_duration(timedelta(days=3, hours=4, minutes=1), EN) == "3 days, 4 hr"
    assert format_duration(timedelta(seconds=20), EN) == "under 1 min"
    assert format_day(date(2025, 12, 31), NOW, EN) == "Dec 31, 2025"
    summer = datetime(2026, 7, 1, 12, 0, tzinfo=TZ)
    assert format_time(summer, NOW, EN) == "Jul 1, 12:00 CEST"
    assert format_time(summer, NOW, EN, "clock") == "12:00 CEST"


def big_view(components: int, groups: int) -> AudienceView:
    """``components`` in ``groups``, every third with an outage day, one open incident."""
    view = sample_view()
    base = view.components[0]
    members = [
        dataclasses.replace(
            base,
            id=f"component-{n}",
            name=f"Customer component {n}",
            group_id=f"group-{n % groups}",
            status=ComponentStatus.OPERATIONAL,
            uptime=series(outage_day=(n * 7) % 90 if n % 3 == 0 else None),
        )
        for n in range(components)
    ]
    layout = tuple(
        GroupView(
            id=f"group-{g}",
            name=f"Group {g}",
            description=None,
            status=ComponentStatus.OPERATIONAL,
            uptime=series(outage_day=g),
            components=tuple(c for c in members if c.group_id == f"group-{g}"),
            position=g,
        )
        for g in range(groups)
    )
    incident: IncidentView = dataclasses.replace(
        view.incidents[0],
        impact=Impact.MAJOR,
        components=(AffectedComponent(members[0].id, members[0].name, ComponentStatus.PARTIAL_OUTAGE),),
    )
    return dataclasses.replace(
        view, layout=layout, components=tuple(members), incidents=(incident,), maintenances=()
    )


def test_index_weight() -> None:
    index = render(big_view(12, 4))["index.html"]
    assert len(index) < 30_000
    assert len(gzip.compress(index)) < 8_000
    assert len(render(big_view(200, 20))["index.html"]) < 150_000


def busy_series(salt: int) -> UptimeSeries:
    """90 days of a large catalogue's group: three days in five have downtime and up to two incidents.

    Quiet days come in pairs, so the bar has 72 runs, as the groups of the benchmark repository have.
    """
    days = []
    for n, day in enumerate(series().days):
        kind = (n + salt) % 5
        quiet = kind < 2
        days.append(
            dataclasses.replace(
                day,
                uptime=100.0 if quiet else 100 - (n * salt % 90 + 1) / 100,
                colour="#3ba55c" if quiet else f"#{kind}fb536",
                incidents=tuple(
                    DayIncident(
                        f"2026-11-{i + 1:02d}-errors-{salt}",
                        f"Elevated error rates for Customer component {salt} ({i})",
                    )
                    for i in range(0 if quiet else kind % 3)
                ),
            )
        )
    return UptimeSeries(days=tuple(days), percent=99.71)


def test_index_weight_with_busy_bars() -> None:
    """200 components whose groups have an incident or downtime most days; one group is degraded."""
    view = big_view(200, 20)
    groups = [
        dataclasses.replace(
            group,
            uptime=busy_series(n),
            status=ComponentStatus.DEGRADED_PERFORMANCE if n == 0 else group.status,
            components=tuple(dataclasses.replace(c, uptime=busy_series(n + 1)) for c in group.components),
        )
        for n, group in enumerate(view.layout)
    ]
    index = render(dataclasses.replace(view, layout=tuple(groups)))["index.html"]
    # one bar per group and per member of the degraded group, and the shared mask
    assert index.count(b"<svg") == 20 + 10 + 1
    # 30 bars of 72 runs are most of its 655 kB: each run is named by its day, uptime and incidents and
    # opens a panel that links every incident of its days (213 kB while a run had only a tooltip, and
    # over 1.5 MB while every member's bar was on the index); its links repeat, so gzip takes it to 25 kB
    assert len(index) < 680_000
    assert len(gzip.compress(index)) < 26_000


def test_a_busy_fortnight_is_summed_up_on_the_index() -> None:
    view = sample_view()
    resolved = view.incidents[1]
    many = tuple(
        dataclasses.replace(
            resolved, id=f"past-{n:02d}", title=f"Past incident {n:02d}", started=NOW - timedelta(hours=n + 1)
        )
        for n in range(13)
    )
    index = render(dataclasses.replace(view, incidents=(view.incidents[0], *many)))["index.html"].decode()
    assert [n for n in range(13) if f"Past incident {n:02d}<" in index] == list(range(10))
    assert "3 more in the incident history →" in index
