"""Where themes are found: the repository's ``themes/`` first, then the ones statusgen ships."""

from __future__ import annotations

from pathlib import Path

BUILTIN_THEMES = Path(__file__).parent / "themes"


def theme_dirs(root: Path) -> list[Path]:
    """Folders holding themes, first match wins."""
    return [root / "themes", BUILTIN_THEMES]


def available_themes(root: Path) -> tuple[str, ...]:
    """Names of the themes an audience may use: folders with ``templates/`` in :func:`theme_dirs`."""
    return tuple(sorted({p.parent.name for folder in theme_dirs(root) for p in folder.glob("*/templates")}))
