"""A language per audience: catalogues complete and current, pages and feeds in the audience's language,
CLDR formats, the JSON API kept in Statuspage's English, and `validate` naming an unknown language."""

from __future__ import annotations

import dataclasses
import html
import json
import re
import shutil
from datetime import date, datetime, timedelta
from pathlib import Path

import feedparser
import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po
from click.testing import CliRunner
from example import EXAMPLE_ROOT, build_tree
from sample_view import NOW, TZ, sample_view

from statusgen.cli import cli
from statusgen.locales import LOCALE_DIR, catalogue_path, shipped_languages
from statusgen.render.format import format_day, format_duration, format_month, format_percent, format_time
from statusgen.render.i18n import language
from statusgen.render.site import render_site
from statusgen.view.types import AudienceView

ROOT = Path(__file__).parent.parent
THEMES = [ROOT / "statusgen" / "themes"]
SHIPPED = ("de", "en", "es", "fr", "ja", "pt-BR")
PLACEHOLDER = re.compile(r"%\((\w+)\)s")
TAG = re.compile(r"</?\w+[^>]*>")
PROPER_NAMES = {"RSS", "Atom", "API", "JSON API", "statusgen", "CSV", "JSON"}
"""Words a page may show in any language: names of formats and of the product."""


def site_files(view: AudienceView) -> dict[str, bytes]:
    tree = render_site(view, THEMES)
    return {path: tree[path] for path in tree}


def catalogue(tag: str) -> Catalog:
    with catalogue_path(tag).open("rb") as po:
        return read_po(po, locale=tag.replace("-", "_"))


def template() -> Catalog:
    with (LOCALE_DIR / "statusgen.pot").open("rb") as pot:
        return read_po(pot)


def keys(messages: Catalog) -> set[tuple[str | None, str]]:
    return {(m.context, m.id if isinstance(m.id, str) else m.id[0]) for m in messages if m.id}


def test_the_shipped_languages_are_the_catalogues() -> None:
    assert shipped_languages() == SHIPPED


def test_the_template_holds_every_string_of_the_code_and_themes() -> None:
    """``pybabel extract`` as README says it, run through Babel's API: the committed .pot is current."""
    method_map, options_map = parse_mapping_cfg((ROOT / "babel.cfg").open())
    found = {
        (context, message if isinstance(message, str) else message[0])
        for _, _, message, _, context in extract_from_dir(
            ROOT,
            method_map,
            options_map,
            keywords={"_": None, "gettext": None, "ngettext": (1, 2), "pgettext": ((1, "c"), 2)},
        )
    }
    assert found == keys(template())


@pytest.mark.parametrize("tag", SHIPPED)
def test_every_catalogue_translates_every_message_of_the_template(tag: str) -> None:
    messages = catalogue(tag)
    assert keys(messages) == keys(template())  # nothing missing, nothing left over
    for message in messages:
        if not message.id:
            continue
        forms = message.string if isinstance(message.string, tuple) else (message.string,)
        assert len(forms) == (messages.num_plurals if message.pluralizable else 1), message.id
        assert all(forms), f"{tag}: untranslated {message.id!r}"
        assert not message.fuzzy, f"{tag}: fuzzy {message.id!r}"


@pytest.mark.parametrize("tag", SHIPPED)
def test_translations_keep_the_placeholders_and_markup(tag: str) -> None:
    for message in catalogue(tag):
        if not message.id:
            continue
        source = message.id if isinstance(message.id, str) else message.id[-1]
        wanted = set(PLACEHOLDER.findall(source))
        forms = message.string if isinstance(message.string, tuple) else (message.string,)
        # the last form is CLDR's "other"; a singular may say "one" instead of %(count)s
        assert set(PLACEHOLDER.findall(forms[-1])) == wanted, (tag, message.id)
        assert all(set(PLACEHOLDER.findall(form)) <= wanted for form in forms), (tag, message.id)
        assert all(sorted(TAG.findall(form)) == sorted(TAG.findall(source)) for form in forms), message.id
        # newstyle gettext formats every string: a lone % would break the page
        assert all("%" not in PLACEHOLDER.sub("", form) for form in forms), (tag, message.id)


def test_templates_hold_no_words_outside_gettext() -> None:
    """Every word a template writes goes through _() or {% trans %}, so a catalogue can change it."""
    words = {}
    for path in sorted(THEMES[0].glob("*/templates/*.html")):
        source = path.read_text()
        source = re.sub(r"\{%\s*trans\b.*?endtrans\s*%\}", " ", source, flags=re.S)
        source = re.sub(r"\{#.*?#\}|\{\{.*?\}\}|\{%.*?%\}", " ", source, flags=re.S)
        labels = re.findall(r'\b(?:aria-label|title|alt|placeholder)="([^"]*)"', source)
        text = re.sub(r"<[^>]*>", " ", source)
        left = {
            w for chunk in [text, *labels] for w in re.findall(r"[A-Za-z][A-Za-z.]*", html.unescape(chunk))
        }
        left -= PROPER_NAMES | {"open"}  # <details open>, set by a block of its own
        if left:
            words[path.name] = sorted(left)
    assert words == {}


def visible_text(site: dict[str, bytes]) -> dict[str, str]:
    """Each page's and feed's words a reader sees or hears: text, labelling attributes, CSS content."""
    texts = {}
    for path, data in site.items():
        if path.startswith(("api/", "badge")) or path.endswith((".svg", ".png", ".ico", "_headers", ".txt")):
            continue
        raw = data.decode()
        if path.endswith(".ics"):  # what a calendar shows; PRODID names the product
            unfolded = raw.replace("\r\n ", "").replace("\\n", " ")
            texts[path] = " ".join(
                re.findall(r"^(?:NAME|X-WR-CALNAME|SUMMARY|DESCRIPTION)[^:]*:(.*)$", unfolded, re.M)
            )
            continue
        if path.endswith((".rss", ".atom")):  # what a feed reader shows; dates are RFC 822 / 3339
            shown = re.findall(r"<(title|description|subtitle|content)\b[^>]*>(.*?)</\1>", raw, re.S)
            texts[path] = re.sub(r"<[^>]*>", " ", html.unescape(" ".join(text for _, text in shown)))
            continue
        if path.startswith("assets/"):
            texts[path] = " ".join(re.findall(r'content:"([^"]*)"', raw))
            continue
        labels = re.findall(r'\b(?:aria-label|title|alt)="([^"]*)"', raw)
        labels += re.findall(r'<meta name="description" content="([^"]*)"', raw)
        raw = re.sub(r"<(script|style)\b.*?</\1>", " ", raw, flags=re.S)
        text = html.unescape(" ".join([re.sub(r"<[^>]*>", " ", raw), *labels]))
        texts[path] = re.sub(r"\b(?:https?|webcal)://\S+", " ", text)  # links name no words
    return texts


def english_phrases() -> set[str]:
    """The template's English, cut at placeholders: what a translated page must not show."""
    phrases = set()
    for message in template():
        for text in [message.id] if isinstance(message.id, str) else message.id:
            for part in PLACEHOLDER.split(TAG.sub(" ", text))[::2]:
                part = part.strip(" .:;,")
                if re.search(r"[A-Za-z]{3}", part) and part not in PROPER_NAMES:
                    phrases.add(part)
    return phrases


@pytest.mark.parametrize("tag", ["de", "ja"])
@pytest.mark.parametrize("theme", ["default", "internal"])
def test_a_translated_site_shows_no_english_from_the_template(tag: str, theme: str) -> None:
    view = sample_view(language=tag)
    site = site_files(dataclasses.replace(view, theme=theme))
    phrases = english_phrases()
    found = {
        path: sorted(p for p in phrases if re.search(rf"(?<![A-Za-z]){re.escape(p)}(?![A-Za-z])", text))
        for path, text in visible_text(site).items()
    }
    assert {path: words for path, words in found.items() if words} == {}


def test_a_japanese_site_shows_no_latin_words_but_names() -> None:
    """Catches English from code as well as from the template: only the data and names stay Latin."""
    view = sample_view(language="ja")
    site = site_files(view)
    written = [
        view.site_name,
        view.title,
        view.timezone,  # the IANA name the uptime report is measured in
        *(c.name for c in view.components),
        *(c.description or "" for c in view.components),
    ]
    for item in (*view.incidents, *view.maintenances):
        written += [item.title, *(u.html for u in item.updates)]
    data = set(re.findall(r"[A-Za-z]+", " ".join(written))) | {"CET", "CEST", "ics", "JSON", *PROPER_NAMES}
    texts = visible_text(site)
    assert len([path for path in texts if path.endswith(".html")]) > 8  # every kind of page
    found = {path: set(re.findall(r"[A-Za-z]+", text)) - data for path, text in texts.items()}
    assert {path: words for path, words in found.items() if words} == {}
    assert "稼働率" in site["index.html"].decode()


def test_the_page_says_its_language() -> None:
    site = site_files(sample_view(language="pt-BR"))
    assert site["index.html"].startswith(b'<!doctype html>\n<html lang="pt-BR">')
    assert "Todos os meses" in site["history/index.html"].decode()


def test_dates_numbers_and_units_follow_the_language() -> None:
    summer = datetime(2026, 7, 1, 12, 5, tzinfo=TZ)
    de, ja, fr = language("de"), language("ja"), language("fr")
    assert format_time(summer, NOW, de) == "1. Juli, 12:05 MESZ"
    assert format_time(summer, NOW, ja) == "7月1日 12:05 CEST"
    assert format_time(summer, NOW, fr, "clock") == "12:05 CEST"
    assert format_day(date(2025, 12, 31), NOW, ja) == "2025年12月31日"
    assert format_month(2026, 11, fr) == "Novembre 2026"
    assert format_month(2026, 11, ja) == "2026年11月"
    assert format_percent(99.976, de) == "99,97\u00a0%"
    assert format_percent(None, ja) == "データなし"
    assert format_duration(timedelta(hours=2, minutes=5), de) == "2 Std., 5 Min."
    assert format_duration(timedelta(seconds=5), ja) == "1 分未満"


def test_plural_rules_come_from_cldr() -> None:
    fr, de, ja = language("fr"), language("de"), language("ja")
    incidents = ("%(count)s incident", "%(count)s incidents")
    assert [fr.ngettext(*incidents, n) for n in (0, 1, 2)] == ["0 incident", "1 incident", "2 incidents"]
    assert [de.ngettext(*incidents, n) for n in (0, 1, 2)] == ["0 Vorfälle", "1 Vorfall", "2 Vorfälle"]
    assert ja.ngettext(*incidents, 1) == ja.ngettext(*incidents, 2).replace("2", "1")


def test_a_region_uses_its_language_words_and_its_own_dates() -> None:
    austrian = language("de-AT")
    assert austrian.gettext("Today") == "Heute"
    assert format_month(2027, 1, austrian) == "Jänner 2027"
    assert format_month(2027, 1, language("de")) == "Januar 2027"


def test_a_translated_site_is_byte_identical_twice() -> None:
    first = site_files(sample_view(language="ja"))
    assert site_files(sample_view(language="ja")) == first


@pytest.fixture(scope="module")
def example_sites(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, bytes]]:
    return build_tree(EXAMPLE_ROOT, tmp_path_factory.mktemp("languages") / "dist", ["acme-partner"])


def test_the_example_partner_page_is_german(example_sites: dict[str, dict[str, bytes]]) -> None:
    site = example_sites["acme-partner"]
    index = site["index.html"].decode()
    assert '<html lang="de">' in index
    assert "<h1>Teilweiser Systemausfall</h1>" in index
    assert "Verfügbarkeit der letzten 90 Tage" in index
    assert "vor 90 Tagen" in index
    assert (
        'content:"vor 30 Tagen"' in next(v for k, v in site.items() if k.startswith("assets/style")).decode()
    )


def test_feeds_and_calendar_follow_the_language(example_sites: dict[str, dict[str, bytes]]) -> None:
    site = example_sites["acme-partner"]
    feed = feedparser.parse(site["history.rss"])
    assert feed.feed.language == "de"
    assert feed.entries[0].title == "[Ursache identifiziert] Increased card declines for US merchants"
    assert feedparser.parse(site["history.atom"]).feed.subtitle.startswith("Meldungen zu Vorfällen")
    calendar = site["maintenance.ics"].decode()
    assert "NAME;LANGUAGE=de:Acme × Northwind Dienststatus: Wartungsarbeiten" in calendar
    assert "Betroffene Komponenten: " in calendar.replace("\r\n ", "")


def test_the_json_api_keeps_statuspage_english(example_sites: dict[str, dict[str, bytes]]) -> None:
    summary = json.loads(example_sites["acme-partner"]["api/v2/summary.json"])
    assert summary["status"]["description"] == "Partial System Outage"
    assert {c["status"] for c in summary["components"]} <= {
        "operational",
        "partial_outage",
        "degraded_performance",
    }
    assert summary["incidents"][0]["status"] == "identified"


def audience_with(tmp_path: Path, line: str) -> tuple[Path, Path, int]:
    root = tmp_path / "repo"
    shutil.copytree(Path(__file__).parent / "fixtures" / "minimal", root)
    audience = next((root / "site-config" / "audiences").glob("*.yaml"))
    audience.write_text(audience.read_text() + line + "\n")
    return root, audience, len(audience.read_text().splitlines())


@pytest.mark.parametrize(
    ("written", "message"),
    [
        ("dee", "language 'dee' is not shipped; did you mean 'de'?"),
        ("pt-pt", "language 'pt-PT' is not shipped; did you mean 'pt-BR'?"),
        ("xx", "language 'xx' is not shipped; shipped languages: de, en, es, fr, ja, pt-BR"),
        ("de-XY", "CLDR has no dates and numbers for language 'de-XY'; write 'de'"),
        ("pt_BR", "expected a BCP 47 language tag, write 'pt-BR'; found 'pt_BR'"),
        ("'deutsch!'", "expected a BCP 47 language tag, such as de or pt-BR; found 'deutsch!'"),
    ],
)
def test_validate_names_an_unknown_language_at_its_line(tmp_path: Path, written: str, message: str) -> None:
    root, audience, line = audience_with(tmp_path, f"language: {written}")
    result = CliRunner().invoke(cli, ["validate", "--root", str(root)])
    assert result.exit_code == 1
    assert f"{audience.relative_to(root).as_posix()}:{line}:11: error: {message}" in result.output
    assert "Traceback" not in result.output


def test_a_language_tag_is_read_in_any_case(tmp_path: Path) -> None:
    root, _, _ = audience_with(tmp_path, "language: PT-br")
    out = tmp_path / "dist"
    result = CliRunner().invoke(
        cli, ["build", "--root", str(root), "--out", str(out), "--now", "2026-11-23 18:00"]
    )
    assert result.exit_code == 0, result.output
    index = next(out.glob("*/index.html")).read_text()
    assert '<html lang="pt-BR">' in index
