"""Run one timed data task in this process and print its result as one JSON line.

    python benchmarks/data_worker.py TASK FILE

Tasks:
    preview         st-tui: open_source + preview of the rows the wizard shows
    polars-preview  polars: scan the file and collect the same number of rows
    check           st-tui: what `st-tui check FILE` runs, with the wizard's
                    default batch size and max_seq_length
    polars-scan     polars: read every row of the file into memory
    pandas-check    pandas: read the file and compute what the st-tui check computes

The clock starts after the imports. The JSON line carries ``seconds`` and
``peak_rss_mb`` (the peak resident memory of the whole process, imports included).
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import peak_rss_mb, print_json

# The wizard's source step shows this many rows (st_tui/tui/screens/source.py).
PREVIEW_ROWS = 50
# TrainingParams defaults, which the wizard's mapping step passes to check_all.
BATCH_SIZE = 8
MAX_SEQ_LENGTH = 128
# st_tui.data.check_texts estimates tokens as whitespace words x 1.3 + 2.
WORDS_TO_TOKENS = 1.3
ROWS_LISTED = 1000
TEXT_COLUMNS = ("sentence1", "sentence2")
SCORE_COLUMN = "score"


def is_jsonl(path: Path) -> bool:
    return path.suffix.lower() in (".jsonl", ".ndjson")


def st_tui_preview(path: Path) -> dict[str, Any]:
    from st_tui.data.load import open_source, preview

    source = open_source(path)
    rows = preview(source, PREVIEW_ROWS)
    return {"rows": rows.height}


def polars_preview(path: Path) -> dict[str, Any]:
    import polars as pl

    frame = pl.scan_ndjson(path) if is_jsonl(path) else pl.scan_csv(path)
    rows = frame.head(PREVIEW_ROWS).collect()
    return {"rows": rows.height}


def st_tui_check(path: Path) -> dict[str, Any]:
    from st_tui.commands.check import build_report

    report = build_report(
        str(path), max_seq_length=MAX_SEQ_LENGTH, batch_size=BATCH_SIZE
    )
    if report["format"] != "pair_score":
        raise RuntimeError(f"{path}: detected {report['format']}, not pair_score")
    findings = {
        " ".join(filter(None, (f["code"], f["role"]))): f["count"]
        for f in report["findings"]
    }
    return {"findings": findings}


def polars_scan(path: Path) -> dict[str, Any]:
    import polars as pl

    frame = pl.scan_ndjson(path) if is_jsonl(path) else pl.scan_csv(path)
    rows = frame.collect()
    return {"rows": rows.height}


def count_lines(path: Path) -> int:
    """Count the lines of a file in chunks, as the st-tui check does for text."""
    lines = 0
    with path.open("rb") as handle:
        while chunk := handle.read(4 * 1024 * 1024):
            lines += chunk.count(b"\n")
    return lines


def pandas_check(path: Path) -> dict[str, Any]:
    """Compute with pandas the figures behind the st-tui findings for pair_score."""
    import numpy as np
    import pandas as pd

    frame = pd.read_json(path, lines=True) if is_jsonl(path) else pd.read_csv(path)
    rows = len(frame)
    findings: dict[str, int] = {}
    if not is_jsonl(path):
        data_lines = count_lines(path) - 1
        findings["row_count_mismatch"] = abs(data_lines - rows)

    for column in TEXT_COLUMNS:
        text = frame[column].astype("string")
        stripped = text.str.strip()
        empty = text.isna() | (stripped == "")
        padded = (stripped != "") & (stripped != text)
        replacement = text.str.contains("\ufffd", regex=False)
        findings[f"empty_text {column}"] = int(empty.sum())
        findings[f"padded_text {column}"] = int(padded.fillna(False).sum())
        findings[f"bad_encoding {column}"] = int(replacement.fillna(False).sum())
        _ = frame.index[empty][:ROWS_LISTED]

    score = pd.to_numeric(frame[SCORE_COLUMN], errors="coerce")
    invalid = score.isna()
    findings["score_not_number"] = int(invalid.sum())
    valid = score[~invalid]
    low, high, distinct = valid.min(), valid.max(), valid.nunique()
    outside = (valid < 0) | (valid > 1)
    findings["score_out_of_range"] = int(outside.sum())
    _ = (low, high, distinct, valid.index[outside][:ROWS_LISTED])

    duplicated = frame.duplicated(subset=[*TEXT_COLUMNS, SCORE_COLUMN])
    findings["duplicate_rows"] = int(duplicated.sum())
    _ = frame.index[duplicated][:ROWS_LISTED]

    for column in TEXT_COLUMNS:
        words = frame[column].astype("string").str.count(r"\S+")
        tokens = np.ceil(words * WORDS_TO_TOKENS) + 2
        too_long = tokens > MAX_SEQ_LENGTH
        findings[f"text_too_long {column}"] = int(too_long.fillna(False).sum())
        _ = (tokens.max(), frame.index[too_long.fillna(False)][:ROWS_LISTED])
    return {"rows": rows, "findings": findings}


TASKS: dict[str, Callable[[Path], dict[str, Any]]] = {
    "preview": st_tui_preview,
    "polars-preview": polars_preview,
    "check": st_tui_check,
    "polars-scan": polars_scan,
    "pandas-check": pandas_check,
}


def main() -> None:
    task, path = sys.argv[1], Path(sys.argv[2])
    work = TASKS[task]
    # Import what the task uses before the clock starts, and nothing more, so that
    # the peak memory counts no library that the task does not load.
    import polars  # noqa: F401

    if task == "pandas-check":
        import pandas  # noqa: F401
    if task in ("preview", "check"):
        import st_tui.data.load
    if task == "check":
        import st_tui.commands.check
        import st_tui.data.check  # noqa: F401
    started = time.perf_counter()
    result = work(path)
    seconds = time.perf_counter() - started
    print_json(
        {"task": task, "seconds": seconds, "peak_rss_mb": peak_rss_mb(), **result}
    )


if __name__ == "__main__":
    main()
