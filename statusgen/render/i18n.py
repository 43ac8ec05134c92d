"""A page language: its gettext catalogue (read from the shipped ``.po`` file) and its CLDR locale.

Catalogues are read at build time, not compiled at package build, so a plain wheel holds everything
and the words on a page are exactly the ``.po`` file's. Fuzzy entries are left out, as ``msgfmt`` does.
Words that reach a page from data (statuses, the overall description) are translated here, each
spelled out once so that ``pybabel extract`` finds it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from io import BytesIO

import babel
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

from statusgen.compute.rollup import Overall
from statusgen.locales import catalogue_language, catalogue_path
from statusgen.model import ComponentStatus, Impact, IncidentStatus, MaintenanceStatus, UpdateStatus


@dataclass(frozen=True, eq=False)
class Language:
    """What a renderer needs to speak one language: ``gettext`` for words, ``locale`` for CLDR formats."""

    tag: str
    """BCP 47, as the audience wrote it (``pt-BR``, ``de-AT``)."""
    locale: babel.Locale
    translations: Translations = field(repr=False)

    def gettext(self, message: str, **values: object) -> str:
        """``message`` in this language, with ``%(name)s`` placeholders filled from ``values``."""
        text = self.translations.gettext(message)
        return text % values if values else text

    def ngettext(self, singular: str, plural: str, count: int, **values: object) -> str:
        """The plural form CLDR's rules choose for ``count``; ``%(count)s`` is filled in too."""
        return self.translations.ngettext(singular, plural, count) % {"count": count, **values}

    def status(self, status: ComponentStatus | UpdateStatus) -> str:
        """A component or update status as a page shows it: ``Partial outage``, ``In progress``."""
        return self._words[status]

    def impact(self, impact: Impact) -> str:
        """``Minor impact``."""
        return self._words[impact]

    def overall(self, overall: Overall) -> str:
        """The banner's words for Statuspage's overall description (which the JSON API keeps in English)."""
        return self._words.get(overall.description, overall.description)

    @cached_property
    def _words(self) -> Mapping[object, str]:
        return _words(self.gettext)


def _words(_: Callable[[str], str]) -> dict[object, str]:
    return {
        ComponentStatus.OPERATIONAL: _("Operational"),
        ComponentStatus.UNDER_MAINTENANCE: _("Under maintenance"),
        ComponentStatus.DEGRADED_PERFORMANCE: _("Degraded performance"),
        ComponentStatus.PARTIAL_OUTAGE: _("Partial outage"),
        ComponentStatus.MAJOR_OUTAGE: _("Major outage"),
        IncidentStatus.INVESTIGATING: _("Investigating"),
        IncidentStatus.IDENTIFIED: _("Identified"),
        IncidentStatus.MONITORING: _("Monitoring"),
        IncidentStatus.RESOLVED: _("Resolved"),
        IncidentStatus.POSTMORTEM: _("Postmortem"),
        MaintenanceStatus.SCHEDULED: _("Scheduled"),
        MaintenanceStatus.IN_PROGRESS: _("In progress"),
        MaintenanceStatus.VERIFYING: _("Verifying"),
        MaintenanceStatus.COMPLETED: _("Completed"),
        MaintenanceStatus.CANCELLED: _("Cancelled"),
        Impact.NONE: _("No impact"),
        Impact.MINOR: _("Minor impact"),
        Impact.MAJOR: _("Major impact"),
        Impact.CRITICAL: _("Critical impact"),
        # Statuspage's overall descriptions (statusgen.compute.rollup), keyed by their English.
        "All Systems Operational": _("All Systems Operational"),
        "Partially Degraded Service": _("Partially Degraded Service"),
        "Minor Service Outage": _("Minor Service Outage"),
        "Partial System Outage": _("Partial System Outage"),
        "Major System Outage": _("Major System Outage"),
        "Service Under Maintenance": _("Service Under Maintenance"),
    }


@lru_cache(maxsize=16)
def language(tag: str) -> Language:
    """The language ``tag`` (validated by the loader: shipped, and known to CLDR)."""
    catalogue = catalogue_language(tag)
    if catalogue is None:
        raise LookupError(f"no catalogue for language {tag!r}")
    locale = babel.Locale.parse(tag, sep="-")
    with catalogue_path(catalogue).open("rb") as po:
        messages = read_po(po, locale=locale, domain="statusgen")
    compiled = BytesIO()
    write_mo(compiled, messages, use_fuzzy=False)
    compiled.seek(0)
    return Language(tag, locale, Translations(compiled, domain="statusgen"))
