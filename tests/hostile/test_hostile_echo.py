"""Outside text that statusgen writes down or prints stays harmless: no unreadable log lines, no
escape codes sent to a terminal, no crash on an absurd clock."""

from __future__ import annotations

from pathlib import Path

import pytest
from attack import assert_refused, built_example


def test_a_note_with_control_characters_is_written_so_the_log_still_loads(tmp_path: Path) -> None:
    target = built_example(tmp_path)
    recorded = target.run(
        "record", "checkout", "major_outage", "--source", "alert\x1b[2J", "--note", "Disk\x07Full"
    )
    assert recorded.exit_code == 0, recorded.output
    last = (target.root / "status-log/checkout.yaml").read_text().splitlines()[-1]
    assert last.endswith('source: "alert\ufffd[2J", note: "Disk\ufffdFull"}'), last
    assert target.validate().exit_code == 0


def test_a_file_name_with_an_escape_code_is_printed_escaped(tmp_path: Path) -> None:
    target = built_example(tmp_path)
    (target.root / "incidents/web\x1b[31mhook.md").write_text("no front matter\n")
    result = target.validate()
    assert result.exit_code == 1
    assert "\x1b" not in result.stderr
    assert "incidents/web\\x1b[31mhook.md:1:1: error:" in result.stderr


@pytest.mark.parametrize("epoch", ["99999999999999", "32503680000", "-99999999999999999999"])
def test_an_absurd_source_date_epoch_is_a_user_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, epoch: str
) -> None:
    target = built_example(tmp_path)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch)
    result = target.run("build", "--out", str(target.out))
    assert_refused(
        result, f"Error: SOURCE_DATE_EPOCH must be whole seconds since 1970, before 3000; found '{epoch}'"
    )
