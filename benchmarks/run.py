"""Build generated repositories of several sizes and print a Markdown table of speed, memory and weight.

Example::

    python benchmarks/run.py                      # every default size, 3 builds each
    python benchmarks/run.py --sizes 20x100x3 --runs 1

Each size is COMPONENTSxINCIDENTSxAUDIENCES with ``--years`` of status-log. For each size the script
generates a repository (``generate.py``, fixed seed), runs ``python -m statusgen build`` in a fresh
child process ``--runs`` times into a fresh folder each time, and reports the median wall time and
the child's peak RSS (``os.wait4``), the output's file count and bytes, and the public ``index.html``
raw and gzipped. It then times a one-incident edit the way the dev server handles it
(see :func:`edit_seconds`).
"""

from __future__ import annotations

import argparse
import gzip
import http.client
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from generate import Spec, build_time, generate, stamp

INSTALLED_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
"""Builds run as an installed statusgen does, from compiled modules, even where the caller's shell
says not to write them (they would otherwise be compiled again at every start)."""
DEFAULT_SIZES = "20x100x3,50x1000x3,100x5000x5,200x5000x5,200x10000x5"


@dataclass(frozen=True)
class Result:
    spec: Spec
    input_files: int
    log_lines: int
    times: list[float]
    cpu_times: list[float]
    unchanged_times: list[float]
    """The same build again into the last output folder: nothing changed."""
    unchanged_cpu: list[float]
    write_times: list[float]
    """Writing the last build's files into a fresh folder on the same disk, and nothing else."""
    peak_rss_kib: int
    output_files: int
    output_bytes: int
    index_bytes: int
    index_gzip_bytes: int
    edits: EditTimes | None


def parse_size(text: str, years: int, seed: int) -> Spec:
    """``200x10000x5`` → 200 components, 10 000 incidents, 5 audiences."""
    try:
        components, incidents, audiences = (int(part) for part in text.lower().split("x"))
    except ValueError:
        message = f"--sizes: cannot read {text!r}; write COMPONENTSxINCIDENTSxAUDIENCES, e.g. 200x10000x5"
        raise SystemExit(message) from None
    return Spec(components, incidents, audiences, years, seed)


def timed_build(root: Path, out: Path, now: datetime) -> tuple[float, int, float]:
    """Run one build in a fresh interpreter: (wall seconds, peak RSS in KiB, CPU seconds).

    The CPU time (user + system, of the build and the workers it waited for) is what a loaded machine
    distorts least.
    """
    command = [sys.executable, "-m", "statusgen", "build", "--root", str(root), "--out", str(out)]
    with tempfile.TemporaryFile() as errors:
        start = time.perf_counter()
        child = subprocess.Popen(
            [*command, "--now", stamp(now)], stdout=subprocess.DEVNULL, stderr=errors, env=INSTALLED_ENV
        )
        # wait4 gives this child's own rusage; RUSAGE_CHILDREN would be the maximum over every child.
        _, status, usage = os.wait4(child.pid, 0)
        elapsed = time.perf_counter() - start
        child.returncode = os.waitstatus_to_exitcode(status)
        if child.returncode:
            errors.seek(0)
            raise SystemExit(f"build of {root} failed:\n{errors.read().decode(errors='replace')}")
    return elapsed, usage.ru_maxrss, usage.ru_utime + usage.ru_stime


def timed_write(source: Path, target: Path) -> float:
    """Seconds to write ``source``'s files (read into memory first) as new files under ``target``."""
    files = {p.relative_to(source): p.read_bytes() for p in source.rglob("*") if p.is_file()}
    os.sync()
    start = time.perf_counter()
    for relative, content in files.items():
        (target / relative).parent.mkdir(parents=True, exist_ok=True)
        (target / relative).write_bytes(content)
    return time.perf_counter() - start


def tree_size(folder: Path) -> tuple[int, int]:
    """(file count, total bytes) under ``folder``."""
    sizes = [p.stat().st_size for p in folder.rglob("*") if p.is_file()]
    return len(sizes), sum(sizes)


@dataclass(frozen=True)
class EditTimes:
    one_tab: float
    """Median seconds from the save to the edited incident's page over HTTP, one tab open."""
    every_tab: float
    """Median seconds from the save until a tab on every audience has its page again."""


def edit_seconds(root: Path, now: datetime, edits: int) -> EditTimes | None:
    """How long ``statusgen serve`` takes from saving a one-incident edit to the page a reloading tab gets.

    This runs serve's own server (watcher, rebuild, HTTP) in this process, as a user does: after the
    first build, each edit appends a sentence to one recent incident and is timed until every open
    tab has long-polled the new version over HTTP and fetched its page again (the edited incident's
    page, or the index where the audience does not show it). The even edits have one tab open, on the
    audience that sees the most; the odd ones a tab on every audience.
    """
    if edits < 1:
        return None
    from statusgen.clock import Clock
    from statusgen.serve.server import DevServer

    target = sorted((root / "incidents").rglob("*.md"))[-5]  # recent, so most audiences show it
    page = f"incidents/{target.stem}/index.html"
    one, every = [], []
    with DevServer(root, port=0, clock=lambda: Clock(now, now), log=lambda message: None) as server:
        sites = server.state.snapshot.sites
        shown = {a: page if page in sites[a].pages().paths else "index.html" for a in sites}
        widest = max(sites, key=lambda audience: len(sites[audience].pages().paths))
        for n in range(2 * edits):
            tabs = {widest: shown[widest]} if n % 2 == 0 else shown
            versions = {a: server.state.snapshot.versions[a] for a in tabs}
            waiting = [
                threading.Thread(target=_reload_tab, args=(server, a, versions[a], tabs[a])) for a in tabs
            ]
            for tab in waiting:
                tab.start()
            start = time.perf_counter()
            with target.open("a", encoding="utf-8") as file:
                file.write(f"Clarified wording, revision {n}.\n")
            for tab in waiting:
                tab.join()
            (one if n % 2 == 0 else every).append(time.perf_counter() - start)
            if server.state.snapshot.error is not None:
                raise SystemExit(f"serve's rebuild of {root} failed:\n{server.state.snapshot.error}")
    return EditTimes(statistics.median(one), statistics.median(every))


def _reload_tab(server: Any, audience: str, version: int, page: str) -> None:
    """What a tab's reload script does: wait for a version other than ``version``, then fetch ``page``."""
    host, port = server.address
    for path in (f"/_statusgen/version?site={audience}&since={version}", f"/{audience}/{page}"):
        connection = http.client.HTTPConnection(host, port, timeout=60)
        connection.request("GET", path)
        connection.getresponse().read()
        connection.close()


def measure(spec: Spec, work: Path, runs: int, edits: int) -> Result:
    """Generate ``spec`` under ``work``, build it ``runs`` times, then time an edit's rebuild."""
    root = work / "repo"
    input_files = generate(spec, root)
    log_lines = sum(p.read_bytes().count(b"\n- ") + 1 for p in (root / "status-log").glob("*.yaml"))
    now = build_time(spec.end)
    times, peaks, cpu = [], [], []
    for run in range(runs):
        out = work / f"out-{run}"
        # The previous run's files are flushed first and kept until the end: their write-back or
        # deletion would otherwise be billed to this build's file creation.
        os.sync()
        elapsed, peak, seconds = timed_build(root, out, now)
        times.append(elapsed)
        peaks.append(peak)
        cpu.append(seconds)
    output_files, output_bytes = tree_size(out)
    index = (out / "public" / "index.html").read_bytes()
    unchanged = [timed_build(root, out, now) for _ in range(runs)]
    written = [timed_write(out, work / f"written-{run}") for run in range(runs)]
    return Result(
        spec=spec,
        input_files=input_files,
        log_lines=log_lines,
        times=times,
        cpu_times=cpu,
        unchanged_times=[wall for wall, _, _ in unchanged],
        unchanged_cpu=[seconds for _, _, seconds in unchanged],
        write_times=written,
        peak_rss_kib=max(peaks),
        output_files=output_files,
        output_bytes=output_bytes,
        index_bytes=len(index),
        index_gzip_bytes=len(gzip.compress(index, compresslevel=6, mtime=0)),
        edits=edit_seconds(root, now, edits),
    )


HEADER = (
    "| components × incidents × audiences | input files | status-log lines | full build, median (min–max) "
    "| its CPU | nothing changed | its CPU | write-only | build / write | peak RSS | output files "
    "| output size | public index.html | gzipped | serve: save → page, one tab | every audience's tab |\n"
    "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|"
)


def table_row(r: Result) -> str:
    s = r.spec
    return (
        f"| {s.components} × {s.incidents:,} × {s.audiences} | {r.input_files:,} | {r.log_lines:,} "
        f"| {_spread(r.times)} | {_spread(r.cpu_times)} | {_spread(r.unchanged_times)} "
        f"| {_spread(r.unchanged_cpu)} | {_spread(r.write_times)} "
        f"| {statistics.median(r.times) / statistics.median(r.write_times):.1f} "
        f"| {r.peak_rss_kib / 1024:.0f} MB | {r.output_files:,} | {r.output_bytes / 2**20:.1f} MiB "
        f"| {r.index_bytes / 1024:.1f} KiB | {r.index_gzip_bytes / 1024:.1f} KiB "
        f"| {_seconds(r.edits and r.edits.one_tab)} | {_seconds(r.edits and r.edits.every_tab)} |"
    )


def _spread(times: list[float]) -> str:
    return f"{statistics.median(times):.2f} s ({min(times):.2f}–{max(times):.2f})"


def _seconds(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f} s"


def scaling_lines(results: list[Result]) -> Iterator[str]:
    """Time ratio for every pair of sizes that differ only by doubling the incidents."""
    for small in results:
        for big in results:
            s, b = small.spec, big.spec
            if (s.components, s.audiences) == (b.components, b.audiences) and b.incidents == 2 * s.incidents:
                ratio = statistics.median(big.times) / statistics.median(small.times)
                yield (
                    f"Doubling incidents {s.incidents:,} → {b.incidents:,} at {s.components} components: "
                    f"× {ratio:.2f} build time (target ≤ 2.2)."
                )


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes",
        default=DEFAULT_SIZES,
        help=f"comma-separated COMPONENTSxINCIDENTSxAUDIENCES ({DEFAULT_SIZES})",
    )
    parser.add_argument("--runs", type=int, default=3, help="full builds per size; the median is shown (3)")
    parser.add_argument(
        "--edits", type=int, default=3, help="one-incident edits timed in serve's rebuild; 0 skips (3)"
    )
    parser.add_argument("--years", type=int, default=2, help="years of history and status-log (2)")
    parser.add_argument("--seed", type=int, default=1, help="generator seed (1)")
    parser.add_argument(
        "--workdir", type=Path, help="keep the repositories and sites here (default: a temp dir)"
    )
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    return args


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    specs = [parse_size(text, args.years, args.seed) for text in args.sizes.split(",")]
    base = args.workdir or Path(tempfile.mkdtemp(prefix="statusgen-bench-"))
    results = []
    try:
        for spec in specs:
            work = base / f"{spec.components}x{spec.incidents}x{spec.audiences}"
            shutil.rmtree(work, ignore_errors=True)
            results.append(measure(spec, work, args.runs, args.edits))
            print(
                f"measured {spec.components}x{spec.incidents}x{spec.audiences}", file=sys.stderr, flush=True
            )
    finally:
        if args.workdir is None:
            shutil.rmtree(base, ignore_errors=True)
    print(HEADER)
    for result in results:
        print(table_row(result))
    for line in scaling_lines(results):
        print(f"\n{line}")


if __name__ == "__main__":
    main()
