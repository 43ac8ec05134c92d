"""README.md documents what a user writes: every key of an incident's and a maintenance's front matter."""

from __future__ import annotations

from pathlib import Path

import pytest

from statusgen.model import IncidentFront, MaintenanceFront

README = Path(__file__).resolve().parent.parent / "README.md"


def section(title: str) -> str:
    """The text under the level-2 heading ``title``, up to the next level-2 heading."""
    text = README.read_text(encoding="utf-8")
    start = text.index(f"\n## {title}\n")
    end = text.find("\n## ", start + 1)
    # Headings inside a fenced example (an update heading) are not the section's end.
    while end != -1 and text[start:end].count("```") % 2:
        end = text.find("\n## ", end + 1)
    return text[start : None if end == -1 else end]


@pytest.mark.parametrize("model", [IncidentFront, MaintenanceFront])
def test_the_incident_section_documents_every_front_matter_key(model: type) -> None:
    documented = section("Writing an incident")
    missing = [key for key in model.model_fields if f"`{key}`" not in documented]
    assert missing == []


def test_the_incident_section_documents_per_audience_names() -> None:
    assert "names: {internal: payment-api-prod-eu}" in section("Writing an incident")
