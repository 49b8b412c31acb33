"""Data benchmark: preview and full-check time and memory on generated pair_score files.

The files have the columns sentence1, sentence2 and score: short sentences drawn
from a fixed vocabulary, scores from 0 to 5 with two decimals, and a few repeated
rows and empty or whitespace-only texts so that the checks find something. They are
written once, in CSV and JSON Lines, into ST_TUI_BENCH_DATA (default
/tmp/st-tui-bench-data), and reused while they exist.

Figures, each the median of the runs, with st-tui and reference runs alternating:

- preview: open_source + preview of 50 rows, against polars collecting the first
  50 rows of a scan (goal at most 1.5x), and the peak memory of that process
  (goal under 200 MB);
- check: what `st-tui check FILE --batch-size 8 --max-seq-length 128` computes,
  against a polars scan that reads every row (goal at most 3x) and against pandas
  reading the file and computing the same checks (goal at most 0.2x), and the peak
  memory of that process.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import numpy as np
import polars as pl

from common import BENCH_DIR, Figure, run_python

WORKER = str(BENCH_DIR / "data_worker.py")
QUICK_ROWS = (100_000, 1_000_000)
FULL_ROWS = (100_000, 1_000_000, 10_000_000)
KINDS = ("csv", "jsonl")
CHUNK_ROWS = 1_000_000
SEED = 20240601

# Shares of generated rows that repeat the row before, or have an empty text.
DUPLICATE_SHARE = 0.002
EMPTY_SHARE = 0.0005
MIN_WORDS = 3
MAX_WORDS = 16

VOCABULARY_TEXT = """
the a an this that some every many few one two three man woman child dog cat bird
horse car bus train plane boat city street house room kitchen garden park river lake
sea beach mountain forest road bridge market shop school office table chair door
window book paper letter phone computer picture song game ball guitar piano camera
bike hat shirt coat shoe bag box cup glass bottle plate food bread apple orange
water coffee tea music movie story news report price team player crowd group family
friend teacher student doctor driver worker police artist cook is are was were be
plays play sits sit stands stand walks walk runs run rides ride eats eat drinks
drink reads read writes write holds hold looks look watches watch opens open closes
close takes take gives give makes make finds find sees see says say buys buy sells
sell carries carry throws throw catches catch climbs climb jumps jump swims swim
sleeps sleep talks talk sings sing dances dance cuts cut cleans clean paints paint
builds build on in at near under over behind beside with without into from to across
through along around up down small large big little old new young red blue green
white black yellow brown happy sad busy quiet loud fast slow long short tall hot
cold wet dry early late today yesterday tomorrow again together alone outside inside
"""
VOCABULARY = VOCABULARY_TEXT.split()


def data_dir() -> Path:
    """Return the cache folder for generated files, creating it."""
    folder = Path(os.environ.get("ST_TUI_BENCH_DATA", "/tmp/st-tui-bench-data"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _sentences(rng: np.random.Generator, rows: int) -> pl.Series:
    """Return ``rows`` sentences of MIN_WORDS to MAX_WORDS words each."""
    words = pl.Series("word", VOCABULARY)
    picks = rng.integers(0, len(VOCABULARY), size=rows * MAX_WORDS)
    lengths = pl.Series("length", rng.integers(MIN_WORDS, MAX_WORDS + 1, size=rows))
    grid = words.gather(picks).reshape((rows, MAX_WORDS))
    frame = pl.DataFrame({"grid": grid, "length": lengths})
    sentence = pl.col("grid").arr.to_list().list.head(pl.col("length")).list.join(" ")
    capitalised = (
        sentence.str.slice(0, 1).str.to_uppercase() + sentence.str.slice(1) + "."
    )
    return frame.select(capitalised.alias("sentence")).to_series()


def _chunk(index: int, rows: int) -> pl.DataFrame:
    """Generate one chunk of pair_score rows, seeded by its index."""
    rng = np.random.default_rng(SEED + index)
    frame = pl.DataFrame(
        {
            "sentence1": _sentences(rng, rows),
            "sentence2": _sentences(rng, rows),
            "score": np.round(rng.uniform(0, 5, size=rows), 2),
        }
    )
    repeat = rng.random(rows) < DUPLICATE_SHARE
    repeat[0] = False
    empty = rng.random(rows)

    # sentence1 gets empty strings and missing values, sentence2 whitespace-only texts.
    blank_first = pl.Series(empty < EMPTY_SHARE / 2)
    blank_second = pl.Series((empty >= EMPTY_SHARE / 2) & (empty < EMPTY_SHARE))
    missing_first = pl.Series(rng.random(rows) < EMPTY_SHARE / 4)

    frame = frame.with_columns(
        pl.when(pl.Series(repeat))
        .then(pl.all().shift(1))
        .otherwise(pl.all())
        .name.keep()
    )
    return frame.with_columns(
        pl.when(missing_first)
        .then(None)
        .when(blank_first)
        .then(pl.lit(""))
        .otherwise(pl.col("sentence1"))
        .alias("sentence1"),
        pl.when(blank_second)
        .then(pl.lit("   "))
        .otherwise(pl.col("sentence2"))
        .alias("sentence2"),
    )


def data_file(rows: int, kind: str) -> Path:
    """Return the generated file of ``rows`` rows, writing it first if missing."""
    path = data_dir() / f"pair_score_{rows}.{kind}"
    if path.exists():
        return path
    print(f"   generating {path} ...", flush=True)
    started = time.perf_counter()
    partial = path.with_name(path.name + ".part")
    with partial.open("wb") as handle:
        for index, start in enumerate(range(0, rows, CHUNK_ROWS)):
            chunk = _chunk(index, min(CHUNK_ROWS, rows - start))
            if kind == "csv":
                chunk.write_csv(handle, include_header=index == 0)
            else:
                chunk.write_ndjson(handle)
    partial.rename(path)
    size = path.stat().st_size / 2**20
    seconds = time.perf_counter() - started
    print(f"   wrote {size:,.0f} MB in {seconds:.0f} s", flush=True)
    return path


def _task(task: str, path: Path) -> tuple[float, float]:
    result = run_python([WORKER, task, str(path)])
    return float(str(result["seconds"])), float(str(result["peak_rss_mb"]))


def _label(rows: int, kind: str) -> str:
    size = f"{rows // 1_000_000}M" if rows >= 1_000_000 else f"{rows // 1000}k"
    return f"{kind.upper()} {size}"


def bench_preview(path: Path, label: str, repeats: int) -> list[Figure]:
    """Time the preview against polars reading the same rows, A B A B ..."""
    seconds: list[float] = []
    memory: list[float] = []
    reference_seconds: list[float] = []
    reference_memory: list[float] = []
    for _ in range(repeats):
        run_seconds, run_memory = _task("preview", path)
        seconds.append(run_seconds)
        memory.append(run_memory)
        run_seconds, run_memory = _task("polars-preview", path)
        reference_seconds.append(run_seconds)
        reference_memory.append(run_memory)
    print(
        f"   preview {label}: st-tui {min(seconds):.3f} s, "
        f"polars {min(reference_seconds):.3f} s, {max(memory):.0f} MB",
        flush=True,
    )
    return [
        Figure(
            group="data",
            name=f"preview {label}",
            unit="s",
            runs=seconds,
            reference="polars head(50)",
            reference_runs=reference_seconds,
            goal="<= 1.5x",
            goal_max=1.5,
        ),
        Figure(
            group="data",
            name=f"preview {label} peak memory",
            unit="MB",
            runs=memory,
            reference="polars head(50)",
            reference_runs=reference_memory,
            goal="< 200 MB",
            goal_max=200,
            goal_on_value=True,
        ),
    ]


def bench_check(path: Path, label: str, repeats: int) -> list[Figure]:
    """Time the full check against a polars full scan and pandas, A B C A B C ..."""
    seconds: list[float] = []
    memory: list[float] = []
    scan_seconds: list[float] = []
    pandas_seconds: list[float] = []
    pandas_memory: list[float] = []
    for _ in range(repeats):
        run_seconds, run_memory = _task("check", path)
        seconds.append(run_seconds)
        memory.append(run_memory)
        scan_seconds.append(_task("polars-scan", path)[0])
        run_seconds, run_memory = _task("pandas-check", path)
        pandas_seconds.append(run_seconds)
        pandas_memory.append(run_memory)
        print(
            f"   check {label}: st-tui {seconds[-1]:.2f} s, "
            f"polars scan {scan_seconds[-1]:.2f} s, pandas {pandas_seconds[-1]:.2f} s",
            flush=True,
        )
    return [
        Figure(
            group="data",
            name=f"check {label} vs polars scan",
            unit="s",
            runs=seconds,
            reference="polars scan + collect",
            reference_runs=scan_seconds,
            goal="<= 3x",
            goal_max=3.0,
        ),
        Figure(
            group="data",
            name=f"check {label} vs pandas",
            unit="s",
            runs=seconds,
            reference="pandas read + checks",
            reference_runs=pandas_seconds,
            goal="<= 0.2x",
            goal_max=0.2,
        ),
        Figure(
            group="data",
            name=f"check {label} peak memory",
            unit="MB",
            runs=memory,
            reference="pandas read + checks",
            reference_runs=pandas_memory,
        ),
    ]


def run(quick: bool, repeats: int, gpu: bool) -> list[Figure]:
    """Measure preview and check on every file size and kind of the mode."""
    if gpu:
        return []
    figures: list[Figure] = []
    for rows in QUICK_ROWS if quick else FULL_ROWS:
        for kind in KINDS:
            path = data_file(rows, kind)
            label = _label(rows, kind)
            print(f"-- {label} ({path})", flush=True)
            figures.extend(bench_preview(path, label, repeats))
            figures.extend(bench_check(path, label, repeats))
    return figures
