"""build(): load once, then per audience view → render → stage; swap every site in at the end."""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from statusgen.errors import StatusgenError
from statusgen.load import load_repository
from statusgen.load.authors import Authors, update_authors
from statusgen.model import Audience, Repository
from statusgen.output import OutputTree, Staged, stage, swap
from statusgen.render.api import render_api
from statusgen.render.badges import render_badges
from statusgen.render.feeds import render_feeds
from statusgen.render.html import render_pages
from statusgen.render.ical import render_ical
from statusgen.render.meta import render_meta
from statusgen.viewbuilder import build_view

BUILTIN_THEMES = Path(__file__).parent / "themes"


@dataclass(frozen=True)
class SiteReport:
    audience: str
    files: int
    bytes: int


def build(root: Path, out: Path, now: datetime, audiences: Sequence[str] = ()) -> list[SiteReport]:
    """Write ``out/<audience>/`` for ``audiences`` (all when empty); every site or none is replaced."""
    repo = load_repository(root, now=now)
    chosen = choose_audiences(repo, audiences)
    for audience_id in chosen:
        check_theme(repo.root, audience_id, repo.audiences[audience_id].theme)
    wants_authors = any(repo.audiences[a].internal_notes for a in chosen)
    authors = update_authors(repo.root, repo.site.tz) if wants_authors else {}
    staged: list[Staged] = []
    reports = []
    try:
        for audience_id in chosen:
            tree = render_site(repo, audience_id, now, authors=authors)
            staged.append(stage(tree, out / audience_id))
            reports.append(SiteReport(audience_id, len(tree), tree.size))
    except BaseException:
        for site in staged:
            site.discard()
        raise
    for site in staged:
        swap(site)
    return reports


def choose_audiences(repo: Repository, wanted: Sequence[str]) -> list[str]:
    """``wanted`` in order (all audiences when empty); an unknown id is a user error."""
    for audience_id in wanted:
        if audience_id not in repo.audiences:
            close = difflib.get_close_matches(audience_id, list(repo.audiences), n=1)
            hint = f"; did you mean {close[0]!r}?" if close else f"; known: {', '.join(repo.audiences)}"
            raise StatusgenError(f"unknown audience {audience_id!r}{hint}")
    return list(dict.fromkeys(wanted)) or list(repo.audiences)


def render_site(
    repo: Repository,
    audience_id: str,
    now: datetime,
    *,
    dev_script: str | None = None,
    dev_error: str | None = None,
    authors: Authors | None = None,
) -> OutputTree:
    """Every file of one audience's site, in memory."""
    view = build_view(repo, audience_id, now, authors)
    tree = OutputTree()
    tree.update(
        render_pages(
            view,
            theme_dirs(repo.root),
            branding=read_branding(repo.root, repo.audiences[audience_id]),
            dev_script=dev_script,
            dev_error=dev_error,
        )
    )
    for render in (render_feeds, render_ical, render_api, render_badges):
        tree.update(render(view))
    tree.update(render_meta(view, list(tree)))
    return tree


def theme_dirs(root: Path) -> list[Path]:
    """Where themes are looked up: the repository's ``themes/`` first, then the built-in ones."""
    return [root / "themes", BUILTIN_THEMES]


def check_theme(root: Path, audience_id: str, theme: str) -> None:
    """A theme is a folder with ``templates/`` in one of :func:`theme_dirs`."""
    known = sorted({p.parent.name for folder in theme_dirs(root) for p in folder.glob("*/templates")})
    if theme not in known:
        close = difflib.get_close_matches(theme, known, n=1)
        hint = f"did you mean {close[0]!r}?" if close else f"known themes: {', '.join(known)}"
        raise StatusgenError(
            f"site-config/audiences/{audience_id}.yaml: error: theme {theme!r} not found "
            f"in themes/ or the built-in themes; {hint}"
        )


def read_branding(root: Path, audience: Audience) -> dict[str, tuple[str, bytes]]:
    """Logical name (logo, favicon, css) → (file name, bytes); paths are relative to ``site-config/``."""
    files = {}
    for name in ("logo", "favicon", "css"):
        relative = getattr(audience.branding, name)
        if relative is None:
            continue
        path = root / "site-config" / relative
        try:
            files[name] = (path.name, path.read_bytes())
        except OSError as error:
            raise StatusgenError(
                f"branding {name}: cannot read site-config/{relative} ({error.strerror}); "
                "branding paths are relative to site-config/"
            ) from None
    return files
