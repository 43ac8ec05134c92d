"""Links and owners for responders (``links:``, ``owner:``, ``on_call:``, ``show_links:``) and the
public twin of each incident on a page with internal notes: shown there, and in no byte elsewhere."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from example import NOW, build_tree, copy_example

from statusgen.errors import InputError
from statusgen.load import load_repository
from statusgen.view.builder import build_view

CANARY_LINK = "https://canary-runbook-7e3f.example/payments"
CANARY_OWNER = "canary-owner-team-91b"
CANARY_ON_CALL = "https://canary-oncall-55a.example/rota"
EXTERNAL = ("public", "acme-partner")
SHARED = "payment-api-eu"  # on every audience's page
EU_INCIDENT = "2026-11-20-eu-payment-failures"  # public, partner and internal
INTERNAL_ONLY = "2026-11-10-ci-runner-capacity"  # only internal components


def _with_canaries(root: Path) -> Path:
    path = root / "site-config/components.yaml"
    catalogue = yaml.safe_load(path.read_text())
    shared = next(c for c in catalogue["components"] if c["id"] == SHARED)
    shared["links"] = [{"title": "Canary runbook", "url": CANARY_LINK}]
    shared["owner"], shared["on_call"] = CANARY_OWNER, CANARY_ON_CALL
    path.write_text(yaml.safe_dump(catalogue, sort_keys=False, allow_unicode=True))
    return root


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, bytes]]:
    root = _with_canaries(copy_example(tmp_path_factory.mktemp("responders")))
    return build_tree(root, root / "dist")


def _everything(files: dict[str, bytes]) -> bytes:
    return b"".join(files.values())


def test_links_and_owners_reach_the_internal_component_and_incident_pages(sites) -> None:
    internal = sites["internal"]
    for page in (f"components/{SHARED}/index.html", f"incidents/{EU_INCIDENT}/index.html"):
        html = internal[page].decode()
        assert f'<a href="{CANARY_LINK}" rel="noopener">Canary runbook</a>' in html
        assert f"Owner: {CANARY_OWNER}" in html
        assert f'<a href="{CANARY_ON_CALL}" rel="noopener">On call</a>' in html


@pytest.mark.parametrize("audience", EXTERNAL)
def test_no_byte_of_another_audiences_site_holds_a_link_or_an_owner(sites, audience: str) -> None:
    everything = _everything(sites[audience])
    assert f"components/{SHARED}/index.html" in sites[audience]  # the component itself is shown
    for canary in (CANARY_LINK, CANARY_OWNER, CANARY_ON_CALL, "canary-runbook", "canary-oncall"):
        assert canary.encode() not in everything


def test_the_view_carries_responders_only_where_show_links_is_on(tmp_path: Path) -> None:
    repo = load_repository(_with_canaries(copy_example(tmp_path)), now=NOW)
    for audience in EXTERNAL:
        view = build_view(repo, audience, NOW)
        assert {c.responders for c in view.components} == {None}
        assert {a.responders for i in view.incidents for a in i.components} == {None}
    internal = {c.id: c.responders for c in build_view(repo, "internal", NOW).components}
    assert internal[SHARED] is not None and internal[SHARED].owner == CANARY_OWNER
    assert internal["payouts"] is None  # nothing to show: no owner, on-call or links


def test_the_example_gives_internal_components_runbooks_dashboards_and_owners(sites) -> None:
    page = sites["internal"]["components/pgbouncer-eu/index.html"].decode()
    assert ">Runbook</a>" in page and ">Dashboard</a>" in page and "Owner: team-platform" in page


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        (
            "links",
            [{"title": "Runbook", "url": "javascript:alert(1)"}],
            "expected an http:// or https:// URL",
        ),
        ("links", [{"url": "https://wiki.example/r"}], "title"),
        ("on_call", "pagerduty", "expected an http:// or https:// URL, found 'pagerduty'"),
        ("owner", "", "must not be empty"),
    ],
)
def test_bad_links_and_owners_are_refused_at_their_line(
    tmp_path: Path, key: str, value, message: str
) -> None:
    root = copy_example(tmp_path)
    path = root / "site-config/components.yaml"
    catalogue = yaml.safe_load(path.read_text())
    catalogue["components"][0][key] = value
    path.write_text(yaml.safe_dump(catalogue, sort_keys=False, allow_unicode=True))
    with pytest.raises(InputError) as raised:
        load_repository(root, now=NOW)
    text = str(raised.value)
    assert text.startswith("site-config/components.yaml:") and message in text


# --- The public twin -------------------------------------------------------------------------------


def test_an_internal_incident_page_links_to_what_each_other_audience_sees(sites) -> None:
    html = sites["internal"][f"incidents/{EU_INCIDENT}/index.html"].decode()
    assert (
        f'Northwind Status sees: <a href="https://status.northwind.example/incidents/{EU_INCIDENT}/">'
        "Elevated payment failures in the EU</a>"
    ) in html
    assert (
        f'Acme × Northwind Dienststatus sees: <a href="https://acme.status.northwind.example/incidents/{EU_INCIDENT}/">'
        in html
    )
    # Each update says where it shows: the [internal] one only here, the others to those audiences too.
    assert html.count('<span class="badge internal">Internal</span>') == 1
    assert html.count('<span class="badge public">Public</span>') >= 2


def test_an_incident_no_other_audience_sees_says_so(sites) -> None:
    html = sites["internal"][f"incidents/{INTERNAL_ONLY}/index.html"].decode()
    assert "Shown to no other audience: this incident is internal only." in html
    assert "sees:" not in html and 'class="badge public"' not in html


def test_twins_follow_the_rule_each_audience_is_built_with(tmp_path: Path) -> None:
    """An incident limited by ``audiences:``, or a draft, is twinned only where it is really shown."""
    root = copy_example(tmp_path)
    path = next(root.glob(f"incidents/**/{EU_INCIDENT}.md"))
    path.write_text(path.read_text().replace("---\n", "---\naudiences: [internal, public]\n", 1))
    repo = load_repository(root, now=NOW)
    internal = build_view(repo, "internal", NOW)
    twins = next(i for i in internal.incidents if i.id == EU_INCIDENT).twins
    assert twins is not None and [t.audience_title for t in twins] == ["Northwind Status"]
    for incident in internal.incidents:
        shown_on = {t.url.split("/incidents/")[0] + "/" for t in incident.twins or ()}
        for audience in ("public", "acme-partner"):
            seen = {i.id for i in build_view(repo, audience, NOW).incidents}
            assert (repo.audiences[audience].base_url in shown_on) is (incident.id in seen)


@pytest.mark.parametrize("audience", EXTERNAL)
def test_no_other_audience_learns_about_the_rest(sites, audience: str) -> None:
    """Titles and addresses of the other audiences appear only where internal notes are shown."""
    everything = _everything(sites[audience]).decode()
    others = {
        "public": ["https://status.northwind.example/", "Northwind Status sees"],
        "acme-partner": ["https://acme.status.northwind.example/", "Acme × Northwind Dienststatus"],
        "internal": ["https://status.internal.northwind.example/", "Northwind Status (internal)"],
    }
    for other, canaries in others.items():
        if other != audience:
            for canary in canaries:
                assert canary not in everything
    assert "sees:" not in everything and "sieht:" not in everything


def test_the_view_carries_twins_only_with_internal_notes(tmp_path: Path) -> None:
    repo = load_repository(copy_example(tmp_path), now=NOW)
    for audience in EXTERNAL:
        assert {i.twins for i in build_view(repo, audience, NOW).incidents} == {None}
