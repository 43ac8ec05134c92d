"""Themes: finding a theme's folders, its Jinja environment, its stylesheet, and the compile check.

A theme lists only the templates it changes; the rest come from the default theme.
"""

from __future__ import annotations

import hashlib
import sys
from collections.abc import Iterable, Sequence
from datetime import timedelta
from functools import lru_cache
from pathlib import Path

import jinja2
import jinja2.bccache
import markupsafe
from jinja2.ext import Extension

from statusgen import __version__
from statusgen.errors import InputError, Problem, StatusgenError
from statusgen.locales import DEFAULT_LANGUAGE
from statusgen.render.format import (
    BAR_HEIGHT,
    BAR_STEP,
    BAR_WIDTH,
    bar_runs,
    commonest_colour,
    days_ago,
    format_duration,
    format_percent,
    format_time,
    web_url,
)
from statusgen.render.i18n import Language, language
from statusgen.themedirs import BUILTIN_THEMES, themes_in
from statusgen.write.buildcache import cache_folder


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


def environment(
    theme_dirs: tuple[Path, ...], theme: str, language_tag: str = DEFAULT_LANGUAGE
) -> jinja2.Environment:
    """The theme's Jinja environment speaking ``language_tag``; folders are looked up at every call, so
    a theme folder created while ``serve`` runs is used at the next rebuild.

    One environment per theme and language lives as long as the process, so each template compiles at
    most once in it; compiled templates are also kept in the repository's build cache (the first of
    ``theme_dirs`` is the repository's ``themes/``), so later builds load them instead.
    """
    own, default = _template_folders(theme_dirs, theme)
    # Without a repository in front (the built-in themes alone), nothing is cached: never inside the package.
    root = None if theme_dirs[0] == BUILTIN_THEMES else theme_dirs[0].parent
    return _environment_for(own, default, language(language_tag), root)


def template_folders(theme_dirs: Sequence[Path], theme: str) -> tuple[Path, ...]:
    """Every folder the templates of ``theme`` are looked up in, the theme's own first."""
    own, default = _template_folders(theme_dirs, theme)
    return tuple(dict.fromkeys((*own, *default)))


def _template_folders(theme_dirs: Sequence[Path], theme: str) -> tuple[tuple[Path, ...], tuple[Path, ...]]:
    own = tuple(path / "templates" for path in _theme_paths(theme_dirs, theme))
    default = tuple(path / "templates" for path in _theme_paths(theme_dirs, "default"))
    return own, default


@lru_cache(maxsize=16)
def _environment_for(
    own: tuple[Path, ...], default: tuple[Path, ...], lang: Language, root: Path | None
) -> jinja2.Environment:
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
        extensions=[_Compact, "jinja2.ext.i18n"],
        bytecode_cache=None if root is None else _template_cache(root),
    )
    # Page strings are _("…") and {% trans %}; newstyle gettext fills %(name)s placeholders and
    # escapes their values, and the catalogue's own text is trusted like the template's.
    env.install_gettext_translations(lang.translations, newstyle=True)  # type: ignore[attr-defined]
    env.policies["ext.i18n.trimmed"] = True
    # What newstyle gettext does for _("…"), without its three context calls per string: a page
    # says some twenty, and they were a tenth of rendering. Every page is autoescaped.
    words = lru_cache(maxsize=None)(lambda message: markupsafe.Markup(lang.translations.gettext(message)))
    env.globals["_"] = env.globals["gettext"] = lambda message, **values: words(message) % values
    env.filters.update(
        when=jinja2.pass_context(
            lambda ctx, moment, style="full": format_time(moment, ctx["now"], lang, style)
        ),
        runs=jinja2.pass_context(lambda ctx, series, titles=None: bar_runs(series, ctx["now"], lang, titles)),
        commonest_colour=commonest_colour,
        percent=lambda value: format_percent(value, lang),
        web_url=web_url,
        duration=lambda span: format_duration(span, lang),
        seconds=lambda value: format_duration(timedelta(seconds=value), lang),
        days_ago=lambda days: days_ago(days, lang),
        status_label=lang.status,
        impact_label=lang.impact,
        overall_label=lang.overall,
    )
    env.globals.update(bar_step=BAR_STEP, bar_width=BAR_WIDTH, bar_height=BAR_HEIGHT)
    return env


@lru_cache(maxsize=4)
def _template_cache(root: Path) -> _TemplateCache:
    return _TemplateCache(root)


class _TemplateCache(jinja2.bccache.FileSystemBytecodeCache):
    """Compiled templates kept between builds, so a build compiles only templates that changed.

    Jinja checks each entry against its template's source. What else shapes the compiled code (the
    versions of Python, Jinja and statusgen, and this module, which preprocesses and configures
    templates) names the folder, so a change to any of them starts an empty one.
    """

    def __init__(self, root: Path) -> None:
        shaping = f"{sys.version}|{jinja2.__version__}|{__version__}|".encode() + Path(__file__).read_bytes()
        folder = cache_folder(root) / "jinja" / hashlib.sha256(shaping).hexdigest()[:16]
        super().__init__(str(folder))
        self._folder = folder

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            self._folder.mkdir(parents=True, exist_ok=True)
            super().dump_bytecode(bucket)
        except OSError:
            pass  # a read-only repository builds as well, compiling every time

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except Exception:  # a damaged entry can fail in any of pickle's ways: compile again
            bucket.reset()


def check_themes(theme_dirs: Sequence[Path], themes: Iterable[str]) -> None:
    """Compile the templates of every one of ``themes``.

    :raises InputError: a problem at each template's line that does not compile.
    """
    problems = [p for theme in dict.fromkeys(themes) for p in theme_problems(theme_dirs, theme)]
    if problems:
        raise InputError(list(dict.fromkeys(problems)))


def theme_problems(theme_dirs: Sequence[Path], theme: str) -> list[Problem]:
    """Every template ``theme`` can use that does not compile, as a problem at the line Jinja names.

    Checked before any page renders, so a template with a syntax error is reported like any input file.
    """
    env = environment(tuple(theme_dirs), theme)
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


def stylesheet(theme_dirs: Sequence[Path], theme: str) -> bytes:
    """The default theme's style.css, then the theme's own (a theme restyles by cascade)."""
    sheets = []
    for name in dict.fromkeys(["default", theme]):
        for path in _theme_paths(theme_dirs, name):
            sheet = path / "static" / "style.css"
            if sheet.is_file():
                sheets.append(sheet.read_bytes())
                break
    return b"\n".join(sheets)
