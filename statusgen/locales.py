"""Where the page languages are found: one gettext catalogue per language under ``statusgen/locale/``.

A language is shipped when ``locale/<tag>/LC_MESSAGES/statusgen.po`` exists, ``<tag>`` being its
BCP 47 tag (``de``, ``pt-BR``). A tag with a region or script the catalogues do not have (``de-AT``)
uses its language's catalogue, so dates follow the region and words the language.
"""

from __future__ import annotations

from pathlib import Path

LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "statusgen"
DEFAULT_LANGUAGE = "en"


def catalogue_path(tag: str) -> Path:
    """The catalogue file of the shipped language ``tag``."""
    return LOCALE_DIR / tag / "LC_MESSAGES" / f"{DOMAIN}.po"


def shipped_languages() -> tuple[str, ...]:
    """BCP 47 tags of the languages with a catalogue, sorted."""
    return tuple(sorted(path.parent.parent.name for path in LOCALE_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.po")))


def catalogue_language(tag: str) -> str | None:
    """The shipped language whose words ``tag`` uses: itself, else its primary language; None if neither."""
    shipped = shipped_languages()
    for candidate in (tag, tag.split("-", 1)[0]):
        if candidate in shipped:
            return candidate
    return None
