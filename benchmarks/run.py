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
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from generate import Spec, build_time, generate, stamp

DEFAULT_SIZES = "20x100x3,50x1000x3,100x5000x5,200x5000x5,200x10000x5"


@dataclass(frozen=True)
class Result:
    spec: Spec
    input_files: int
    log_lines: int
    times: list[float]
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


def timed_build(root: Path, out: Path, now: datetime) -> tuple[float, int]:
    """Run one full build in a fresh interpreter: (wall seconds, peak RSS in KiB)."""
    command = [sys.executable, "-m", "statusgen", "build", "--root", str(root), "--out", str(out)]
    with tempfile.TemporaryFile() as errors:
        start = time.perf_counter()
        child = subprocess.Popen([*command, "--now", stamp(now)], stdout=subprocess.DEVNULL, stderr=errors)
        # wait4 gives this child's own rusage; RUSAGE_CHILDREN would be the maximum over every child.
        _, status, usage = os.wait4(child.pid, 0)
        elapsed = time.perf_counter() - start
        child.returncode = os.waitstatus_to_exitcode(status)
        if child.returncode:
            errors.seek(0)
            raise SystemExit(f"build of {root} failed:\n{errors.read().decode(errors='replace')}")
    return elapsed, usage.ru_maxrss


def tree_size(folder: Path) -> tuple[int, int]:
    """(file count, total bytes) under ``folder``."""
    sizes = [p.stat().st_size for p in folder.rglob("*") if p.is_file()]
    return len(sizes), sum(sizes)


@dataclass(frozen=True)
class EditTimes:
    one_tab: float
    """Median seconds from the save to the edited incident's page of the widest audience."""
    every_tab: float
    """Median seconds from the save to that page (or the index where not shown) in every audience."""


def edit_seconds(root: Path, now: datetime, edits: int) -> EditTimes | None:
    """How long ``serve`` takes from a one-incident edit to the page a reloading tab asks for.

    This drives serve's own code in one warm process, as the dev server does: a first rebuild warms
    imports, templates and caches, then each edit adds a sentence to one incident; the rebuild it
    triggers (``statusgen.serve.rebuild.Rebuilder``: reload what changed, new lazy sites) plus the
    rendering of the edited incident's page is timed, first for the audience that sees everything (one open
    tab), then for every audience (a tab on each site; the index where the incident is not shown).
    """
    if edits < 1:
        return None
    from statusgen.clock import Clock
    from statusgen.serve.rebuild import Rebuilder
    from statusgen.serve.state import LiveState

    state = LiveState()
    rebuilder = Rebuilder(root, state, clock=lambda: Clock(now, now), log=lambda message: None)
    target = sorted((root / "incidents").rglob("*.md"))[-5]  # recent, so most audiences show it
    changed = {target.relative_to(root).as_posix()}
    page = f"incidents/{target.stem}/index.html"
    rebuilder.rebuild()
    sites = state.snapshot.sites
    widest = max(sites, key=lambda audience: len(sites[audience].pages().paths))
    _open_tabs(state, page)
    one, every = [], []
    for n in range(edits):
        with target.open("a", encoding="utf-8") as file:
            file.write(f"Clarified wording, revision {n}.\n")
        start = time.perf_counter()
        rebuilder.rebuild(changed)
        _open_tabs(state, page, only=widest)
        one.append(time.perf_counter() - start)
        _open_tabs(state, page)
        every.append(time.perf_counter() - start)
        if state.snapshot.error is not None:
            raise SystemExit(f"serve's rebuild of {root} failed:\n{state.snapshot.error}")
    return EditTimes(statistics.median(one), statistics.median(every))


def _open_tabs(state: Any, page: str, only: str | None = None) -> None:
    """Ask each live site (or ``only``) for ``page``, or for its index where it does not show it."""
    for audience, site in state.snapshot.sites.items():
        if only in (None, audience):
            site[page if page in site.pages().paths else "index.html"]


def measure(spec: Spec, work: Path, runs: int, edits: int) -> Result:
    """Generate ``spec`` under ``work``, build it ``runs`` times, then time an edit's rebuild."""
    root = work / "repo"
    input_files = generate(spec, root)
    log_lines = sum(p.read_bytes().count(b"\n- ") + 1 for p in (root / "status-log").glob("*.yaml"))
    now = build_time(spec.end)
    times, peaks = [], []
    for run in range(runs):
        out = work / f"out-{run}"
        # The previous run's files are flushed first and kept until the end: their write-back or
        # deletion would otherwise be billed to this build's file creation.
        os.sync()
        elapsed, peak = timed_build(root, out, now)
        times.append(elapsed)
        peaks.append(peak)
    output_files, output_bytes = tree_size(out)
    index = (out / "public" / "index.html").read_bytes()
    return Result(
        spec=spec,
        input_files=input_files,
        log_lines=log_lines,
        times=times,
        peak_rss_kib=max(peaks),
        output_files=output_files,
        output_bytes=output_bytes,
        index_bytes=len(index),
        index_gzip_bytes=len(gzip.compress(index, compresslevel=6, mtime=0)),
        edits=edit_seconds(root, now, edits),
    )


HEADER = (
    "| components × incidents × audiences | input files | status-log lines | full build, median (min–max) "
    "| peak RSS | output files | output size | public index.html | gzipped "
    "| serve: edit → page, one tab | every audience's tab |\n"
    "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|"
)


def table_row(r: Result) -> str:
    s = r.spec
    return (
        f"| {s.components} × {s.incidents:,} × {s.audiences} | {r.input_files:,} | {r.log_lines:,} "
        f"| {statistics.median(r.times):.2f} s ({min(r.times):.2f}–{max(r.times):.2f}) "
        f"| {r.peak_rss_kib / 1024:.0f} MB | {r.output_files:,} | {r.output_bytes / 2**20:.1f} MiB "
        f"| {r.index_bytes / 1024:.1f} KiB | {r.index_gzip_bytes / 1024:.1f} KiB "
        f"| {_seconds(r.edits and r.edits.one_tab)} | {_seconds(r.edits and r.edits.every_tab)} |"
    )


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
