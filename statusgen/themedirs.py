"""Where themes are found: the repository's ``themes/`` first, then the ones statusgen ships."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

BUILTIN_THEMES = Path(__file__).parent / "themes"


def theme_dirs(root: Path) -> list[Path]:
    """Folders holding themes, first match wins."""
    return [root / "themes", BUILTIN_THEMES]


def available_themes(root: Path) -> tuple[str, ...]:
    """Names of the themes an audience may use: folders with ``templates/`` in :func:`theme_dirs`."""
    return themes_in(theme_dirs(root))


def themes_in(folders: Iterable[Path]) -> tuple[str, ...]:
    """Names of the themes in ``folders``: their subfolders that hold a ``templates/`` folder."""
    return tuple(sorted({p.parent.name for folder in folders for p in folder.glob("*/templates")}))
