"""Build generated repositories of several sizes and print Markdown tables of speed, memory and weight.

Example::

    python benchmarks/run.py                      # every default size, 3 builds each
    python benchmarks/run.py --sizes 20x100x3 --runs 1

Each size is COMPONENTSxINCIDENTSxAUDIENCES with ``--years`` of status-log. For each size the script
generates a repository (``generate.py``, fixed seed) and runs ``python -m statusgen build`` in a fresh
child process, ``--runs`` times each: cold (no build cache, a fresh output folder), then into the last
cold build's folder with the repository's build cache kept: nothing changed, one incident edited, one
status-log line added. It reports wall and CPU time (min, median, max), the largest process's peak RSS
(``os.wait4``) and the peak PSS of the whole process tree (sampled from ``/proc``), the time to write
the same files and nothing else, the output's file count and bytes, and the public ``index.html`` raw
and gzipped. It then times a one-incident edit the way the dev server handles it
(see :func:`edit_seconds`).
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import http.client
import os
import re
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import yaml
from generate import Spec, build_time, generate, stamp

INSTALLED_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
"""Builds run as an installed statusgen does, from compiled modules, even where the caller's shell
says not to write them (they would otherwise be compiled again at every start)."""
DEFAULT_SIZES = "20x100x3,50x1000x3,100x5000x5,200x5000x5,200x10000x5"
BUILD_CACHE = ".statusgen-cache"
"""The build cache statusgen keeps inside the repository: removed for a cold build, kept otherwise."""
PSS_INTERVAL = 0.02
"""Seconds between two samples of the build's process tree."""


@dataclass(frozen=True)
class BuildRun:
    """One ``statusgen build`` child process."""

    wall: float
    cpu: float
    """User + system seconds of the build and the workers it waited for: what a loaded machine
    distorts least."""
    peak_rss_kib: int
    """The largest single process of the build (``wait4``'s ``ru_maxrss``)."""
    peak_pss_kib: int | None
    """The largest sum, over the samples, of the PSS of the build and all its descendants; None when
    not sampled."""


@dataclass(frozen=True)
class Timings:
    """``--runs`` builds of one kind."""

    runs: list[BuildRun]

    @property
    def wall(self) -> list[float]:
        return [run.wall for run in self.runs]

    @property
    def cpu(self) -> list[float]:
        return [run.cpu for run in self.runs]


@dataclass(frozen=True)
class EditTimes:
    one_tab: list[float]
    """Seconds from each save to the edited incident's page over HTTP, one tab open."""
    every_tab: list[float]
    """Seconds from each save until a tab on every audience has its page again."""


@dataclass(frozen=True)
class Result:
    spec: Spec
    input_files: int
    log_lines: int
    cold: Timings
    """Fresh output folder, no build cache."""
    sampled: BuildRun
    """One more cold build, its PSS sampled: apart from the timed ones, which should not pay for the
    samples' reads of /proc."""
    unchanged: Timings
    """The same build again into the last output folder: nothing changed."""
    incident_edited: Timings
    log_line_added: Timings
    write_times: list[float]
    """Writing the last cold build's files into a fresh folder on the same disk, and nothing else."""
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


def timed_build(root: Path, out: Path, now: datetime, *, sample_pss: bool = False) -> BuildRun:
    """Run one build in a fresh interpreter, sampling its process tree's PSS while it runs if asked."""
    command = [sys.executable, "-m", "statusgen", "build", "--root", str(root), "--out", str(out)]
    # The previous build's files are flushed first: their write-back would otherwise be billed here.
    os.sync()
    with tempfile.TemporaryFile() as errors:
        start = time.perf_counter()
        child = subprocess.Popen(
            [*command, "--now", stamp(now)], stdout=subprocess.DEVNULL, stderr=errors, env=INSTALLED_ENV
        )
        with watching_pss(child.pid) if sample_pss else contextlib.nullcontext(None) as peak_pss:
            # WNOWAIT leaves the child unreaped, so its pid cannot be reused while the sampler reads it.
            os.waitid(os.P_PID, child.pid, os.WEXITED | os.WNOWAIT)
            elapsed = time.perf_counter() - start
        # wait4 gives this child's own rusage (the maximum RSS over it and the workers it waited for);
        # RUSAGE_CHILDREN would be the maximum over every child of this script.
        _, status, usage = os.wait4(child.pid, 0)
        child.returncode = os.waitstatus_to_exitcode(status)
        if child.returncode:
            errors.seek(0)
            raise SystemExit(f"build of {root} failed:\n{errors.read().decode(errors='replace')}")
    peak = peak_pss[0] if peak_pss else None
    return BuildRun(elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss, peak)


@contextlib.contextmanager
def watching_pss(pid: int) -> Iterator[list[int]]:
    """Sample ``pid``'s tree in a thread while the block runs; the list then holds the peak in KiB."""
    done, peak = threading.Event(), [0]
    sampler = threading.Thread(target=_sample_pss, args=(pid, done, peak))
    sampler.start()
    try:
        yield peak
    finally:
        done.set()
        sampler.join()


def _sample_pss(pid: int, done: threading.Event, peak: list[int]) -> None:
    """Sum the PSS of ``pid``'s tree every :data:`PSS_INTERVAL` until ``done``; keep the largest."""
    while True:
        peak[0] = max(peak[0], sum(pss_kib(member) for member in process_tree(pid)))
        if done.wait(PSS_INTERVAL):
            return


def process_tree(pid: int) -> list[int]:
    """``pid`` and all its descendants, from each thread's ``/proc/<pid>/task/<tid>/children``."""
    found, pending = [], [pid]
    while pending:
        member = pending.pop()
        found.append(member)
        try:
            threads = list(Path(f"/proc/{member}/task").iterdir())
        except OSError:  # the process has just ended
            continue
        for thread in threads:
            with contextlib.suppress(OSError):
                pending += [int(child) for child in (thread / "children").read_text().split()]
    return found


def pss_kib(pid: int) -> int:
    """The ``Pss:`` line of ``/proc/<pid>/smaps_rollup`` in KiB; 0 for a process that has ended."""
    try:
        rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
    except OSError:
        return 0
    found = re.search(r"^Pss:\s+(\d+) kB$", rollup, re.MULTILINE)
    return int(found[1]) if found else 0


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


RESOLVED_HEADING = re.compile(r"^## (\d{4}-\d\d-\d\d \d\d:\d\d) UTC — Resolved$", re.MULTILINE)


def newest_resolved_incident(root: Path) -> Path:
    """The incident file whose Resolved update is the latest (maintenance has none, the open one neither)."""
    resolved = {}
    for path in (root / "incidents").rglob("*.md"):
        found = RESOLVED_HEADING.findall(path.read_text(encoding="utf-8"))
        if found:
            resolved[path] = max(found)
    if not resolved:
        raise SystemExit(f"{root}: no resolved incident to edit; generate at least 2 incidents")
    return max(resolved, key=lambda path: (resolved[path], path))


def edited_incident_builds(root: Path, out: Path, now: datetime, runs: int) -> Timings:
    """Builds after each of ``runs`` edits of the newest resolved incident.

    Each edit appends a different sentence to the file's last update (updates are written newest
    first, so that is the incident's first update, which every audience that shows it shows), in
    place of the previous edit's sentence: every build sees a real change, never seen before.
    """
    target = newest_resolved_incident(root)
    original = target.read_text(encoding="utf-8")
    builds = []
    for run in range(runs):
        target.write_text(f"{original}Clarified wording, revision {run}.\n", encoding="utf-8")
        builds.append(timed_build(root, out, now))
    return Timings(builds)


LOG_LINE = re.compile(r"^- \{at: (\S+Z), status: \w+, source: (\w+)")
"""A line as generate.py writes it: its time and source."""
LOG_STEP = timedelta(minutes=10)
"""Between two appended lines: longer than any generated audience's hidden blips (5 minutes)."""
LOG_TRANSITIONS = ('major_outage, source: {source}, note: "HTTP 503"', "operational, source: {source}")
"""An outage, then its recovery: after the generator's last line (a recovery) each is a change."""


def quietest_customer_log(root: Path) -> tuple[datetime, Path, str]:
    """(time, file, source) of the oldest last line among customer-facing components' status-logs.

    Customer-facing components are seen by most audiences, so a line there changes most sites.
    """
    catalogue = yaml.safe_load((root / "site-config" / "components.yaml").read_text(encoding="utf-8"))
    candidates = []
    for component in catalogue["components"]:
        path = root / "status-log" / f"{component['id']}.yaml"
        last = LOG_LINE.match(path.read_text(encoding="utf-8").splitlines()[-1])
        if "customer-facing" in component["tags"] and last:
            at = datetime.strptime(last[1], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
            candidates.append((at, path, last[2]))
    if not candidates:
        raise SystemExit(f"{root}: no customer-facing component has a status-log line to follow")
    return min(candidates)


def log_line_builds(root: Path, out: Path, now: datetime, runs: int) -> Timings:
    """Builds after each of ``runs`` status-log lines appended, as a monitor's commit adds them.

    The lines go to one customer-facing component's log in the generator's flow style,
    :data:`LOG_STEP` apart, the last one :data:`LOG_STEP` before ``now``, as a monitor records what it
    sees just before a build. They alternate between an outage and its recovery, so every line is a
    transition that every audience seeing the component shows.
    """
    last, path, source = quietest_customer_log(root)
    first = now - LOG_STEP * runs
    if first <= last:
        raise SystemExit(f"{path}: no room for {runs} lines between its last line and {stamp(now)}")
    builds = []
    for run in range(runs):
        at = first + LOG_STEP * run
        fields = LOG_TRANSITIONS[run % 2].format(source=source)
        with path.open("a", encoding="utf-8") as log:
            log.write(f"- {{at: {at:%Y-%m-%dT%H:%M:%SZ}, status: {fields}}}\n")
        builds.append(timed_build(root, out, now))
    return Timings(builds)


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
    one: list[float] = []
    every: list[float] = []
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
    return EditTimes(one, every)


def _reload_tab(server: Any, audience: str, version: int, page: str) -> None:
    """What a tab's reload script does: wait for a version other than ``version``, then fetch ``page``."""
    host, port = server.address
    for path in (f"/_statusgen/version?site={audience}&since={version}", f"/{audience}/{page}"):
        connection = http.client.HTTPConnection(host, port, timeout=60)
        connection.request("GET", path)
        connection.getresponse().read()
        connection.close()


def cold_builds(root: Path, work: Path, now: datetime, runs: int) -> Timings:
    """``runs`` builds as the first one ever: no build cache, each into a fresh output folder.

    The earlier runs' folders are kept until the end: their deletion would otherwise be billed to
    this build's file creation.
    """
    return Timings([cold_build(root, work / f"out-{run}", now) for run in range(runs)])


def cold_build(root: Path, out: Path, now: datetime, *, sample_pss: bool = False) -> BuildRun:
    """A build without the repository's build cache, as the first build ever (or a CI cache miss)."""
    shutil.rmtree(root / BUILD_CACHE, ignore_errors=True)
    return timed_build(root, out, now, sample_pss=sample_pss)


def measure(spec: Spec, work: Path, runs: int, edits: int) -> Result:
    """Generate ``spec`` under ``work``, build it cold and incrementally, then time serve's edits."""
    root = work / "repo"
    input_files = generate(spec, root)
    log_lines = sum(p.read_bytes().count(b"\n- ") + 1 for p in (root / "status-log").glob("*.yaml"))
    now = build_time(spec.end)
    sampled = cold_build(root, work / "out-sampled", now, sample_pss=True)
    cold = cold_builds(root, work, now, runs)
    # Every later build goes into the last cold build's folder, with the cache that build left.
    out = work / f"out-{runs - 1}"
    output_files, output_bytes = tree_size(out)
    index = (out / "public" / "index.html").read_bytes()
    written = [timed_write(out, work / f"written-{run}") for run in range(runs)]
    unchanged = Timings([timed_build(root, out, now) for _ in range(runs)])
    return Result(
        spec=spec,
        input_files=input_files,
        log_lines=log_lines,
        cold=cold,
        sampled=sampled,
        unchanged=unchanged,
        incident_edited=edited_incident_builds(root, out, now, runs),
        log_line_added=log_line_builds(root, out, now, runs),
        write_times=written,
        output_files=output_files,
        output_bytes=output_bytes,
        index_bytes=len(index),
        index_gzip_bytes=len(gzip.compress(index, compresslevel=6, mtime=0)),
        edits=edit_seconds(root, now, edits),
    )


SIZE_COLUMN = "| components × incidents × audiences "
SPEED_HEADER = (
    f"{SIZE_COLUMN}| cold build | its CPU | one incident edited | its CPU | status-log line added "
    "| its CPU | nothing changed | its CPU | write-only | cold build / write-only "
    "| serve: save → page, one tab | every audience's tab |\n"
    "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|"
)
WEIGHT_HEADER = (
    f"{SIZE_COLUMN}| input files | status-log lines | peak RSS, largest process | peak PSS, all processes "
    "| output files | output size | public index.html | gzipped |\n"
    "|---|--:|--:|--:|--:|--:|--:|--:|--:|"
)


def speed_row(r: Result) -> str:
    """Every timed figure of one size, each as median (min–max)."""
    builds = (r.cold, r.incident_edited, r.log_line_added, r.unchanged)
    figures = [_spread(series) for timings in builds for series in (timings.wall, timings.cpu)]
    figures += [
        _spread(r.write_times),
        f"{statistics.median(r.cold.wall) / statistics.median(r.write_times):.1f}",
        _spread(r.edits.one_tab) if r.edits else "–",
        _spread(r.edits.every_tab) if r.edits else "–",
    ]
    return f"{_size(r.spec)} | {' | '.join(figures)} |"


def weight_row(r: Result) -> str:
    """Memory of the cold builds (the largest over them) and what the output weighs."""
    peak_rss = max(run.peak_rss_kib for run in [*r.cold.runs, r.sampled])
    peak_pss = r.sampled.peak_pss_kib or 0
    return (
        f"{_size(r.spec)} | {r.input_files:,} | {r.log_lines:,} | {peak_rss / 1024:.0f} MiB "
        f"| {peak_pss / 1024:.0f} MiB | {r.output_files:,} | {r.output_bytes / 2**20:.1f} MiB "
        f"| {r.index_bytes / 1024:.1f} KiB | {r.index_gzip_bytes / 1024:.1f} KiB |"
    )


def _size(s: Spec) -> str:
    return f"| {s.components} × {s.incidents:,} × {s.audiences}"


def _spread(times: list[float]) -> str:
    return f"{statistics.median(times):.2f} s ({min(times):.2f}–{max(times):.2f})"


def scaling_lines(results: list[Result]) -> Iterator[str]:
    """Cold build time ratio for every pair of sizes that differ only by doubling the incidents."""
    for small in results:
        for big in results:
            s, b = small.spec, big.spec
            if (s.components, s.audiences) == (b.components, b.audiences) and b.incidents == 2 * s.incidents:
                ratio = statistics.median(big.cold.wall) / statistics.median(small.cold.wall)
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
    parser.add_argument(
        "--runs", type=int, default=3, help="builds of each kind per size; min, median and max are shown (3)"
    )
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
    command = sys.orig_argv if argv is None else [sys.executable, __file__, *argv]
    print(f"Command: `{shlex.join(command)}`\n")
    print(SPEED_HEADER)
    for result in results:
        print(speed_row(result))
    print(f"\n{WEIGHT_HEADER}")
    for result in results:
        print(weight_row(result))
    for line in scaling_lines(results):
        print(f"\n{line}")


if __name__ == "__main__":
    main()
