"""The example repository built at a fixed clock, compared with committed expected files.

After an intended change, regenerate with ``STATUSGEN_UPDATE_GOLDEN=1 python -m pytest tests/test_golden.py``
and review the diff of ``tests/golden/``.
"""

from __future__ import annotations

import gzip
import os
from pathlib import Path

import pytest
from example import AUDIENCES, EXAMPLE_ROOT, build_tree

GOLDEN = Path(__file__).parent / "golden"
PAGES = ("index.html", "api/v2/summary.json", "history.atom")


@pytest.fixture(scope="module")
def example_sites(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, bytes]]:
    return build_tree(EXAMPLE_ROOT, tmp_path_factory.mktemp("golden") / "dist")


@pytest.mark.parametrize("audience", AUDIENCES)
@pytest.mark.parametrize("page", PAGES)
def test_example_matches_golden(example_sites, audience: str, page: str) -> None:
    expected = GOLDEN / audience / page
    actual = example_sites[audience][page]
    if os.environ.get("STATUSGEN_UPDATE_GOLDEN"):
        expected.parent.mkdir(parents=True, exist_ok=True)
        expected.write_bytes(actual)
    assert actual.decode() == expected.read_text()


def test_rebuild_is_byte_identical(example_sites, tmp_path: Path) -> None:
    assert build_tree(EXAMPLE_ROOT, tmp_path / "dist") == example_sites


def test_the_public_index_stays_light(example_sites) -> None:
    """Every day's panel is on the page, yet a reader on a slow line still gets it in one round trip."""
    index = example_sites["public"]["index.html"]
    assert len(index) <= 30_000
    assert len(gzip.compress(index, compresslevel=6)) <= 8_000  # a web server's usual level
