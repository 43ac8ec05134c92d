"""Measure ``statusgen notify``: the ledger a first run writes, and mail throughput to a local SMTP server.

Example::

    python benchmarks/notify.py --incidents 10000 --subscribers 1000

It generates a repository (``generate.py``), gives its public audience an email channel with
``--subscribers`` subscribers (and the partner a signed webhook, the internal audience a nudge
channel), runs the first ``notify`` (which records everything as told) and reports the ledger's
size; then it adds one incident update and sends it to every subscriber through an aiosmtpd server on
127.0.0.1, reporting messages per second between the first and the last message received.
"""

from __future__ import annotations

import argparse
import gzip
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from generate import Spec, build_time, generate

from statusgen.notify.run import notify

CHANNELS = {
    "public": "notify:\n  - email: {from: status@example.com, smtp_env: SMTP_URL, "
    "subscribers: subscribers/all.yaml}\n",
    "partner-acme": "notify:\n  - webhook: {url_env: ACME_WEBHOOK_URL, secret_env: ACME_WEBHOOK_SECRET}\n",
    "internal": "nudge:\n  - slack: {webhook_env: SLACK_ONCALL_WEBHOOK}\n",
}
NEW_INCIDENT = """---
title: Benchmark incident
impact: minor
components: {%s: degraded_performance}
---

## %s — Investigating
We are looking into slower responses.
"""


class _Clock:
    """Counts the messages the SMTP server accepts and when the first and the last arrived."""

    def __init__(self) -> None:
        self.count = 0
        self.first = self.last = 0.0

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 (aiosmtpd's name)
        self.last = time.perf_counter()
        self.first = self.first or self.last
        self.count += 1
        return "250 OK"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--incidents", type=int, default=10000)
    parser.add_argument("--components", type=int, default=200)
    parser.add_argument("--subscribers", type=int, default=1000)
    parser.add_argument("--port", type=int, default=8125, help="the local SMTP server's port")
    parser.add_argument("--workdir", type=Path, help="keep the repository here (default: a temp folder)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as temp:
        root = args.workdir or Path(temp) / "repo"
        generate(Spec(args.components, args.incidents, audiences=3, years=2, seed=1), root)
        for audience, channels in CHANNELS.items():
            with (root / f"site-config/audiences/{audience}.yaml").open("a") as file:
                file.write(channels)
        (root / "subscribers").mkdir()
        listed = "".join(f"- {{email: subscriber{i}@customer.example}}\n" for i in range(args.subscribers))
        (root / "subscribers/all.yaml").write_text(listed)
        now = build_time()
        env = {"SMTP_URL": f"smtp://127.0.0.1:{args.port}"}
        started = time.perf_counter()
        notify(root, now, env=env, echo=lambda _: None)
        print(f"first run: {time.perf_counter() - started:.1f} s")
        for log in sorted((root / "notifications").iterdir()):
            data = log.read_bytes()
            lines = data.count(b"\n")
            print(f"{log.name}: {len(data):,} bytes, {lines:,} lines, {len(gzip.compress(data)):,} gzipped")
        component = _first_public_component(root)
        stamp = (now - timedelta(minutes=5)).strftime("%Y-%m-%d %H:%M UTC")
        (root / "incidents/benchmark.md").write_text(NEW_INCIDENT % (component, stamp))
        clock = _Clock()
        controller = Controller(clock, hostname="127.0.0.1", port=args.port)
        controller.start()
        try:
            report = notify(root, now, ["public"], env=env, echo=lambda _: None)
        finally:
            controller.stop()
        span = clock.last - clock.first
        rate = (clock.count - 1) / span if span else float("nan")
        print(f"sent {report.sent} mails; {clock.count} received; {rate:.0f} messages/s")
        size = (root / "notifications/public.log").stat().st_size
        print(f"public.log after sending: {size:,} bytes")


def _first_public_component(root: Path) -> str:
    """A component the public audience sees: the generator tags them customer-facing."""
    from statusgen.load import load_repository
    from statusgen.model.selection import select_components

    repo = load_repository(root)
    return select_components(repo.catalogue, repo.audiences["public"].components)[0]


if __name__ == "__main__":
    sys.exit(main())
