"""Shared pieces of the benchmarks: figures, medians, child processes and tables.

Every figure is the median of several runs and, where it has one, is compared with
a reference measured in the same run of the suite. Each timed piece of work runs in
its own Python process, so that imports, caches and peak memory do not leak from one
measurement into the next.
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
REPO_DIR = BENCH_DIR.parent
RESULTS_DIR = BENCH_DIR / "results"


@dataclass
class Figure:
    """One measured quantity: the median of its runs, against its reference.

    ``ratio`` is value / reference_value. With ``paired``, where run i and reference
    run i ran back to back, it is the median of the per-pair ratios instead, which
    cancels a slow drift of the machine's speed over the whole benchmark. ``goal``
    is a bound on the ratio, or on the value itself when ``goal_on_value`` is set,
    such as a memory ceiling in MB.
    """

    group: str
    name: str
    unit: str
    runs: list[float]
    reference: str = ""
    reference_runs: list[float] = field(default_factory=list)
    goal: str = ""
    goal_max: float | None = None
    goal_min: float | None = None
    goal_on_value: bool = False
    paired: bool = False
    note: str = ""

    @property
    def value(self) -> float:
        """Return the median of the runs."""
        return statistics.median(self.runs)

    @property
    def reference_value(self) -> float | None:
        """Return the median of the reference runs, or None without a reference."""
        return statistics.median(self.reference_runs) if self.reference_runs else None

    @property
    def ratio(self) -> float | None:
        """Return the ratio to the reference, or None without a reference."""
        reference = self.reference_value
        if reference is None or reference == 0:
            return None
        if self.paired and len(self.runs) == len(self.reference_runs):
            return statistics.median(
                run / base
                for run, base in zip(self.runs, self.reference_runs, strict=True)
            )
        return self.value / reference

    @property
    def met(self) -> bool | None:
        """Return whether the goal is met, or None for a figure without a goal."""
        measured = self.value if self.goal_on_value else self.ratio
        if measured is None or (self.goal_max is None and self.goal_min is None):
            return None
        if self.goal_max is not None and measured > self.goal_max:
            return False
        return not (self.goal_min is not None and measured < self.goal_min)

    def to_dict(self) -> dict[str, object]:
        """Return the figure with its derived values, ready for JSON."""
        data = asdict(self)
        data.update(
            value=self.value,
            reference_value=self.reference_value,
            ratio=self.ratio,
            met=self.met,
        )
        return data


def run_python(
    args: Sequence[str],
    *,
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
    timeout: float = 3600,
) -> dict[str, object]:
    """Run ``python ARGS`` in a child process and return the JSON of its last line.

    The child prints one JSON object as its last line of stdout. The wall time of
    the whole process, start-up included, is added as ``process_seconds``, and the
    time.time() just before the child started as ``spawned_at``.

    Raises:
        RuntimeError: when the child fails or prints no JSON, with its stderr.
    """
    child_env = {**os.environ, **(env or {})}
    spawned_at = time.time()
    started = time.perf_counter()
    completed = subprocess.run(
        [sys.executable, *args],
        capture_output=True,
        text=True,
        env=child_env,
        cwd=cwd,
        timeout=timeout,
        check=False,
    )
    elapsed = time.perf_counter() - started
    lines = completed.stdout.strip().splitlines()
    if completed.returncode != 0 or not lines:
        raise RuntimeError(
            f"python {' '.join(args)} failed with exit code {completed.returncode}:\n"
            f"{completed.stderr[-3000:]}"
        )
    try:
        result = json.loads(lines[-1])
    except json.JSONDecodeError as error:
        raise RuntimeError(
            f"python {' '.join(args)} printed no JSON on its last line: {lines[-1]!r}"
        ) from error
    result["process_seconds"] = elapsed
    result["spawned_at"] = spawned_at
    return dict(result)


def peak_rss_mb() -> float:
    """Return this process's peak resident memory in MB (Linux reports KiB)."""
    import resource

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 1024 if sys.platform != "darwin" else peak / 2**20


def print_json(data: dict[str, object]) -> None:
    """Print ``data`` as the one JSON line that run_python reads."""
    print(json.dumps(data), flush=True)


def machine_summary() -> dict[str, str]:
    """Describe the machine and the versions that the figures depend on."""
    from importlib.metadata import PackageNotFoundError, version

    versions = {}
    for package in (
        "st-tui",
        "textual",
        "polars",
        "pandas",
        "torch",
        "transformers",
        "sentence-transformers",
    ):
        try:
            versions[package] = version(package)
        except PackageNotFoundError:
            versions[package] = "not installed"
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpu": cpu,
        "cores": str(os.cpu_count()),
        **versions,
    }


def format_number(value: float | None, unit: str = "") -> str:
    """Format a figure with about three significant digits and its unit."""
    if value is None:
        return "-"
    if abs(value) >= 100:
        text = f"{value:,.0f}"
    elif abs(value) >= 10:
        text = f"{value:.1f}"
    elif abs(value) >= 1:
        text = f"{value:.2f}"
    else:
        text = f"{value:.3f}"
    return f"{text} {unit}".strip()


def markdown_table(figures: Sequence[Figure]) -> str:
    """Render figures as a Markdown table with ratio, goal and verdict."""
    lines = [
        "| group | figure | median | runs | reference | reference median "
        "| ratio | goal | met |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for figure in figures:
        ratio = figure.ratio
        met = {True: "yes", False: "**no**", None: "-"}[figure.met]
        lines.append(
            f"| {figure.group} | {figure.name} "
            f"| {format_number(figure.value, figure.unit)} | {len(figure.runs)} "
            f"| {figure.reference or '-'} "
            f"| {format_number(figure.reference_value, figure.unit)} "
            f"| {f'{ratio:.3f}x' if ratio is not None else '-'} "
            f"| {figure.goal or '-'} | {met} |"
        )
    return "\n".join(lines)


def save_results(
    name: str, figures: Sequence[Figure], extra: dict[str, object]
) -> Path:
    """Write figures and run details to benchmarks/results/NAME.json."""
    RESULTS_DIR.mkdir(exist_ok=True)
    path = RESULTS_DIR / f"{name}.json"
    payload = {
        "machine": machine_summary(),
        "when": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
        **extra,
        "figures": [figure.to_dict() for figure in figures],
    }
    path.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    return path
