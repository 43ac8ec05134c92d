"""Helpers shared by the monitor tests: run a command at a fixed clock, snapshot a repository."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import time
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from statusgen.cli import cli

NOW = datetime(2026, 11, 23, 18, 0, tzinfo=UTC)


def run(root: Path, *args: str, now: datetime = NOW, env: dict[str, str] | None = None) -> tuple[int, str]:
    """Run ``statusgen ARGS --root ROOT`` with the clock at ``now`` and ``env`` set; (exit code,
    stdout + stderr)."""
    clock = {"SOURCE_DATE_EPOCH": str(int(now.timestamp()))}
    result = CliRunner().invoke(cli, [*args, "--root", str(root)], env={**clock, **(env or {})})
    return result.exit_code, result.output


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` (relative POSIX path → bytes), to prove a command wrote nothing."""
    return {
        path.relative_to(root).as_posix(): path.read_bytes() for path in root.rglob("*") if path.is_file()
    }


ALERTMANAGER = "/usr/bin/prometheus-alertmanager"


def require(program: str, package: str) -> None:
    """Skip without ``program``; in CI, where ``.ci/run`` installs it, fail instead."""
    if Path(program).exists():
        return
    message = f"{program} is missing: install the Debian package {package}"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class Alertmanager:
    """A real prometheus-alertmanager on 127.0.0.1 with a receiver that sends nothing."""

    def __init__(self, workdir: Path, webhook: str | None = None) -> None:
        """:param webhook: a URL that receives every notification at once (no grouping wait)."""
        config = workdir / "alertmanager.yml"
        config.write_text(
            'route: {receiver: "null"}\nreceivers: [{name: "null"}]\n'
            if webhook is None
            else "route: {receiver: hook, group_by: [alertname], group_wait: 0s, group_interval: 1s}\n"
            f"receivers: [{{name: hook, webhook_configs: [{{url: '{webhook}', send_resolved: true}}]}}]\n",
            encoding="utf-8",
        )
        self.url = f"http://127.0.0.1:{free_port()}"
        self.log = workdir / "alertmanager.log"
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                [
                    ALERTMANAGER,
                    f"--config.file={config}",
                    f"--storage.path={workdir / 'data'}",
                    f"--web.listen-address={self.url.removeprefix('http://')}",
                    "--cluster.listen-address=",
                ],
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        self._wait_ready()

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"alertmanager exited: {self.log.read_text(errors='replace')}")
            try:
                with urllib.request.urlopen(f"{self.url}/-/ready", timeout=1) as answer:
                    if answer.status == 200:
                        return
            except OSError:
                time.sleep(0.05)
        pytest.fail(f"alertmanager did not get ready: {self.log.read_text(errors='replace')}")

    def post(self, labels: list[dict[str, str]], *, resolved: bool = False) -> None:
        now = datetime.now(UTC)
        ends = now - timedelta(seconds=1) if resolved else now + timedelta(hours=1)
        alerts = [
            {"labels": one, "startsAt": (now - timedelta(minutes=5)).isoformat(), "endsAt": ends.isoformat()}
            for one in labels
        ]
        self._post("/api/v2/alerts", alerts)

    def silence(self, matchers: dict[str, str], comment: str = "on it") -> None:
        """Silence every alert with these labels for an hour, as an on-call engineer does."""
        now = datetime.now(UTC)
        silence = {
            "matchers": [
                {"name": k, "value": v, "isRegex": False, "isEqual": True} for k, v in matchers.items()
            ],
            "startsAt": now.isoformat(),
            "endsAt": (now + timedelta(hours=1)).isoformat(),
            "createdBy": "on-call",
            "comment": comment,
        }
        self._post("/api/v2/silences", silence)

    def _post(self, path: str, payload: object) -> None:
        request = urllib.request.Request(
            f"{self.url}{path}",
            data=json.dumps(payload).encode(),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=5) as answer:
            assert answer.status == 200

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
