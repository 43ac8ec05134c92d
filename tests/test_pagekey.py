"""Page keys and memoized data files: a key changes with anything a file is made from, and stays the
same for the same values, in another process too; a memoized file is the file made without a memo."""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
from collections.abc import Mapping, Sequence
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from example import AUDIENCES, EXAMPLE_ROOT, NOW
from sample_view import sample_view

from statusgen.load import load_repository
from statusgen.model import IncidentStatus
from statusgen.render.api import render_api
from statusgen.render.html import Pages
from statusgen.render.memo import Make
from statusgen.render.site import data_files
from statusgen.themedirs import BUILTIN_THEMES
from statusgen.view.builder import build_view
from statusgen.view.types import AudienceView

THEMES = [BUILTIN_THEMES]


def keys(view: AudienceView) -> dict[str, str]:
    pages = Pages(view, THEMES)
    return {path: pages.key(path) for path in pages.paths}


def test_the_same_values_give_the_same_keys_in_another_process() -> None:
    """The primed memo is the same in every process, whatever its hash seed."""
    script = (
        "import json, sys; sys.path.insert(0, sys.argv[1]); from sample_view import sample_view; "
        "from test_pagekey import keys; print(json.dumps(keys(sample_view())))"
    )
    tests = str(Path(__file__).parent)
    for seed in ("1", "2"):
        result = subprocess.run(
            [sys.executable, "-c", script, tests],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
        )
        assert json.loads(result.stdout) == keys(sample_view())


def test_equal_views_made_apart_give_the_same_keys() -> None:
    assert keys(sample_view()) == keys(sample_view())


def _edited_incident(view: AudienceView, **changes: object) -> AudienceView:
    first = dataclasses.replace(view.incidents[0], **changes)
    return dataclasses.replace(view, incidents=(first, *view.incidents[1:]))


@pytest.mark.parametrize(
    "changes",
    [
        {"title": "Another title"},
        {"status": IncidentStatus.MONITORING},
        {"started": sample_view().incidents[0].started - timedelta(minutes=1)},
        {"draft": True},
        {"postmortem": "https://example.com/postmortem"},
    ],
)
def test_a_changed_incident_changes_the_keys_of_its_page_and_only_the_pages_showing_it(
    changes: dict[str, object],
) -> None:
    view = sample_view()
    before, after = keys(view), keys(_edited_incident(view, **changes))
    incident_page = f"{view.incidents[0].path}index.html"
    assert before[incident_page] != after[incident_page]
    changed = {path for path in before if before[path] != after[path]}
    assert "404.html" not in changed
    assert {path for path in changed if path.startswith("incidents/")} == {incident_page}


def test_an_update_body_changes_the_key_even_in_the_same_zone_and_classes() -> None:
    """What the primed memo stands for (classes, statuses, the zone) is digested, the rest written out."""
    view = sample_view()
    incident = view.incidents[0]
    update = dataclasses.replace(incident.updates[0], html="<p>Something else.</p>")
    edited = _edited_incident(view, updates=(update, *incident.updates[1:]))
    path = f"{incident.path}index.html"
    assert keys(view)[path] != keys(edited)[path]


def test_another_zone_changes_every_key() -> None:
    view = sample_view()
    utc = dataclasses.replace(view, now=view.now.astimezone(ZoneInfo("UTC")))
    before, after = keys(view), keys(utc)
    assert all(before[path] != after[path] for path in before)


class RecordingMemo:
    """Makes every file, checking that it is made of exactly the paths asked for."""

    def __init__(self) -> None:
        self.inputs: dict[str, object] = {}

    def __call__(self, paths: Sequence[str], inputs: object, make: Make) -> Mapping[str, bytes]:
        files = make()
        assert sorted(files) == sorted(paths)
        for path in paths:
            self.inputs[path] = inputs
        return files


def test_memoized_data_files_are_those_made_without_a_memo() -> None:
    repo = load_repository(EXAMPLE_ROOT, now=NOW, real_now=NOW)
    for view in [sample_view(), *(build_view(repo, audience, NOW, {}) for audience in AUDIENCES)]:
        pages = list(Pages(view, THEMES).paths)
        memo = RecordingMemo()
        assert data_files(view, pages, memo) == data_files(view, pages)
        assert any(path.startswith("api/v2/") for path in memo.inputs)
        assert any(path.startswith("uptime/") for path in memo.inputs) == bool(view.sla)
    assert view.sla


def test_the_api_of_a_site_with_components_does_not_move_with_the_clock() -> None:
    """Its inputs leave the clock out, so they must not need it."""
    view = sample_view()
    later = dataclasses.replace(view, now=view.now + timedelta(days=3))
    assert render_api(view) == render_api(later)
    first, second = RecordingMemo(), RecordingMemo()
    render_api(view, first)
    render_api(later, second)
    pages = Pages(view, THEMES)
    assert {pages.inputs_key(i) for i in first.inputs.values()} == {
        pages.inputs_key(i) for i in second.inputs.values()
    }


def test_the_api_of_a_site_without_components_keys_the_clock_it_shows() -> None:
    view = dataclasses.replace(sample_view(), layout=(), components=(), incidents=(), maintenances=())
    later = dataclasses.replace(view, now=view.now + timedelta(days=3))
    assert render_api(view) != render_api(later)
    first, second = RecordingMemo(), RecordingMemo()
    render_api(view, first)
    render_api(later, second)
    pages = Pages(view, THEMES)
    assert {pages.inputs_key(i) for i in first.inputs.values()} != {
        pages.inputs_key(i) for i in second.inputs.values()
    }
