"""Redaction canaries: what the internal audience may see never reaches the public or partner sites."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
import yaml
from example import NOW, build_tree, copy_example

from statusgen.load import load_repository
from statusgen.view.builder import build_view

CANARIES = {
    "id": "canary-q7x-component",
    "name": "CANARY-NAME-4f1c",
    "description": "CANARY-DESCRIPTION-9a2e",
    "internal-name": "CANARY-INTERNAL-NAME-3c1d",
    "internal-note": "CANARY-INTERNAL-NOTE-5d8b",
    "draft": "CANARY-DRAFT-TITLE-2b6a",
}
EXTERNAL = ("public", "acme-partner")


def add_canaries(root: Path) -> None:
    """Put a unique string into every kind of thing only the internal audience may see."""
    catalogue_path = root / "site-config/components.yaml"
    catalogue = yaml.safe_load(catalogue_path.read_text())
    public_component = build_view(load_repository(root, now=NOW), "public", NOW).components[0].id
    for component in catalogue["components"]:
        if component["id"] == public_component:
            component.setdefault("names", {})["internal"] = CANARIES["internal-name"]
    catalogue["components"].append(
        {
            "id": CANARIES["id"],
            "name": CANARIES["name"],
            "description": CANARIES["description"],
            "group": catalogue["components"][-1].get("group"),
            "tags": ["internal-only"],
        }
    )
    catalogue_path.write_text(yaml.safe_dump(catalogue, sort_keys=False))
    (root / "status-log" / f"{CANARIES['id']}.yaml").write_text(
        f"- {{at: {(NOW - timedelta(hours=30)):%Y-%m-%dT%H:%M:%SZ}, status: major_outage, source: probe}}\n"
    )
    at = NOW - timedelta(hours=3)
    (root / "incidents" / "canary-internal-outage.md").write_text(
        f"---\ntitle: {CANARIES['name']} down\nimpact: critical\n"
        f"components: {{{CANARIES['id']}: major_outage}}\n"
        f"---\n\n## {at:%Y-%m-%d %H:%M} UTC — Investigating\n{CANARIES['description']} is down.\n"
    )
    (root / "incidents" / "canary-draft.md").write_text(
        f"---\ntitle: {CANARIES['draft']}\nimpact: major\ncomponents: {{{public_component}: major_outage}}\n"
        f"draft: true\n---\n\n## {at:%Y-%m-%d %H:%M} UTC — Investigating\n{CANARIES['draft']}\n"
    )
    shown = build_view(load_repository(root, now=NOW), "public", NOW).incidents[0]
    path = next(root.glob(f"incidents/**/{shown.id}.md"))
    note_at = shown.started + timedelta(minutes=1, seconds=17)
    path.write_text(
        path.read_text()
        + f"\n## {note_at:%Y-%m-%dT%H:%M:%S%z} — Monitoring [internal]\n{CANARIES['internal-note']}\n"
    )


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict, dict]:
    plain = copy_example(tmp_path_factory.mktemp("plain"))
    canaried = copy_example(tmp_path_factory.mktemp("canaried"))
    add_canaries(canaried)
    return build_tree(plain, plain / "dist"), build_tree(canaried, canaried / "dist")


def test_the_internal_site_does_show_every_canary(sites) -> None:
    _, canaried = sites
    everything = b"".join(canaried["internal"].values()).decode()
    for canary in CANARIES.values():
        assert canary in everything


@pytest.mark.parametrize("audience", EXTERNAL)
def test_no_canary_reaches_an_external_site(sites, audience: str) -> None:
    _, canaried = sites
    for path, content in canaried[audience].items():
        text = content.decode(errors="replace") + path
        for canary in CANARIES.values():
            assert canary not in text, f"{canary} leaked into {audience}/{path}"


@pytest.mark.parametrize("audience", EXTERNAL)
def test_external_sites_are_byte_identical_with_and_without_canaries(sites, audience: str) -> None:
    """An internal-only outage, draft or note changes nothing: banner, bars, feeds, API, badges."""
    plain, canaried = sites
    assert sorted(plain[audience]) == sorted(canaried[audience])
    changed = [path for path in plain[audience] if plain[audience][path] != canaried[audience][path]]
    assert changed == []
