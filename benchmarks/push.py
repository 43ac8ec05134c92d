"""How long a pushed alert takes to reach the built pages: `ingest webhook` then `build`, timed.

    python benchmarks/push.py --sizes 50x1000x3,200x10000x5

For each size it generates a repository (benchmarks/generate.py), then, as monitor-dispatch.yml
does, records one generic payload and builds every audience; it prints wall-clock seconds of each
step, median of --runs, as a Markdown table. The workflow's own start-up (checkout, install) and the
deploy come on top.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

HERE = Path(__file__).parent


def timed(*args: str, stdin: str | None = None) -> float:
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "statusgen", *args], input=stdin, text=True, check=True, capture_output=True
    )
    return time.perf_counter() - start


def measure(size: str, runs: int, workdir: Path) -> tuple[str, float, float]:
    components, incidents, audiences = size.split("x")
    root = workdir / size
    subprocess.run(
        [sys.executable, str(HERE / "generate.py"), str(root), "--components", components,
         "--incidents", incidents, "--audiences", audiences],
        check=True,
        capture_output=True,
    )  # fmt: skip
    site = root / "site-config" / "site.yaml"
    site.write_text(site.read_text() + "\nmonitoring: {fail_after: 1, recover_after: 1}\n")
    first = yaml.safe_load((root / "site-config" / "components.yaml").read_text())["components"][0]["id"]
    ingest, build = [], []
    for run in range(runs):
        status = "major_outage" if run % 2 == 0 else "operational"
        payload = json.dumps([{"component": first, "status": status, "note": "pushed"}])
        ingest.append(
            timed("ingest", "webhook", "--format", "generic", "--root", str(root), "-", stdin=payload)
        )
        build.append(timed("build", "--root", str(root), "--out", str(workdir / f"dist-{size}")))
    return size, statistics.median(ingest), statistics.median(build)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--sizes", default="50x1000x3,200x10000x5", help="COMPONENTSxINCIDENTSxAUDIENCES, comma-separated"
    )
    parser.add_argument("--runs", type=int, default=3, help="pushes per size; the median is shown")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        rows = [measure(size, options.runs, Path(folder)) for size in options.sizes.split(",")]
    print("| components × incidents × audiences | ingest webhook (s) | build (s) | alert → built pages (s) |")
    print("|---|---|---|---|")
    for size, ingest, build in rows:
        print(f"| {size.replace('x', ' × ')} | {ingest:.2f} | {build:.2f} | {ingest + build:.2f} |")


if __name__ == "__main__":
    main()
