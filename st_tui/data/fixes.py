"""Fixes: small serialisable records that clean a frame, replayed in order.

A session stores the fixes a user applied as a list of ``Fix.to_dict()`` values and
replays them on the source frame with ``apply_fixes``. Every fix is a polars
expression on the LazyFrame, so replaying one reads no row into Python. Row numbers
in ``drop_rows`` refer to the source's 1-based data rows, before any fix.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from st_tui.data.findings import ROW, with_row_numbers
from st_tui.errors import DataError

# Fix kinds that change how the file is read rather than the frame.
LOAD_FIXES = {"skip_bad_lines"}


@dataclass(frozen=True)
class Fix:
    """One cleaning step: a kind and its JSON-ready parameters."""

    kind: str
    params: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """Return the fix as JSON-ready values."""
        return {"kind": self.kind, "params": dict(self.params)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Fix:
        """Build a fix from ``to_dict()`` output.

        Raises:
            DataError: when the kind is unknown.
        """
        kind = str(data.get("kind", ""))
        if kind not in FIX_KINDS and kind not in LOAD_FIXES:
            valid = ", ".join(sorted([*FIX_KINDS, *LOAD_FIXES]))
            raise DataError(f"Unknown fix '{kind}'. Valid fixes: {valid}.")
        return cls(kind=kind, params=dict(data.get("params", {})))

    def describe(self) -> str:
        """Return a short sentence for the list of applied fixes."""
        params = self.params
        column = params.get("column")
        descriptions = {
            "drop_rows": f"Drop {len(params.get('rows', []))} rows",
            "drop_empty": f"Drop rows with empty '{column}'",
            "trim_whitespace": "Trim spaces around "
            + ", ".join(f"'{c}'" for c in params.get("columns", [])),
            "drop_invalid_scores": f"Drop rows whose '{column}' is not a number",
            "rescale_scores": f"Rescale '{column}' from "
            f"{params.get('low')}..{params.get('high')} to 0..1",
            "map_labels": f"Map the labels of '{column}' to class ids",
            "drop_missing_labels": f"Drop rows with no label in '{column}'",
            "drop_classes": f"Drop the classes {params.get('classes')} of '{column}'",
            "drop_duplicates": "Drop repeated rows of "
            + ", ".join(f"'{c}'" for c in params.get("columns", [])),
            "drop_equal": "Drop rows where "
            + " equals ".join(f"'{c}'" for c in params.get("columns", [])),
            "expand_negatives": f"Make one row per negative in '{column}'",
            "skip_bad_lines": "Skip lines that cannot be parsed",
        }
        return descriptions.get(self.kind, self.kind)


def _text(column: str) -> pl.Expr:
    return pl.col(column).cast(pl.String)


def score_numbers(column: str, dtype: pl.DataType) -> pl.Expr:
    """Return a column as Float64, with null for values that are not numbers."""
    if dtype.is_numeric():
        return pl.col(column).cast(pl.Float64)
    return _text(column).str.strip_chars().cast(pl.Float64, strict=False)


def _drop_rows(frame: pl.LazyFrame, params: dict[str, Any]) -> pl.LazyFrame:
    return frame.filter(~pl.col(ROW).is_in([int(r) for r in params["rows"]]))


def _drop_empty(frame: pl.LazyFrame, params: dict[str, Any]) -> pl.LazyFrame:
    text = _text(params["column"])
    return frame.filter(text.is_not_null() & (text.str.strip_chars() != ""))


def _trim_whitespace(frame: pl.LazyFrame, params: dict[str, Any]) -> pl.LazyFrame:
    return frame.with_columns(_text(c).str.strip_chars() for c in params["columns"])


def _drop_invalid_scores(frame: pl.LazyFrame, params: dict[str, Any]) -> pl.LazyFrame:
    column = params["column"]
    number = score_numbers(column, frame.collect_schema()[column])
    return frame.filter(number.is_not_null() & number.is_not_nan())


def _rescale_scores(frame: pl.LazyFrame, params: dict[str, Any]) -> pl.LazyFrame:
    column = params["column"]
    low, high = float(params["low"]), float(params["high"])
    if high <= low:
        raise DataError(f"Cannot rescale '{column}' from {low}..{high}: empty range.")
    number = score_numbers(column, frame.collect_schema()[column])
    return frame.with_columns(((number - low) / (high - low)).alias(column))


def _map_labels(frame: pl.LazyFrame, params: dict[str, Any]) -> pl.LazyFrame:
    column = params["column"]
    mapping = {str(k): int(v) for k, v in params["mapping"].items()}
    ids = _text(column).replace_strict(mapping, default=None, return_dtype=pl.Int64)
    return frame.with_columns(ids.alias(column))


def _drop_missing_labels(frame: pl.LazyFrame, params: dict[str, Any]) -> pl.LazyFrame:
    text = _text(params["column"])
    return frame.filter(text.is_not_null() & (text.str.strip_chars() != ""))


def _drop_classes(frame: pl.LazyFrame, params: dict[str, Any]) -> pl.LazyFrame:
    classes = [str(c) for c in params["classes"]]
    return frame.filter(~_text(params["column"]).is_in(classes).fill_null(False))


def _drop_duplicates(frame: pl.LazyFrame, params: dict[str, Any]) -> pl.LazyFrame:
    return frame.unique(
        subset=list(params["columns"]), keep="first", maintain_order=True
    )


def _drop_equal(frame: pl.LazyFrame, params: dict[str, Any]) -> pl.LazyFrame:
    first, second = params["columns"]
    return frame.filter(_text(first).ne_missing(_text(second)))


def _expand_negatives(frame: pl.LazyFrame, params: dict[str, Any]) -> pl.LazyFrame:
    column = params["column"]
    expanded = frame.explode(column)
    return expanded.filter(pl.col(column).is_not_null())


FIX_KINDS: dict[str, Callable[[pl.LazyFrame, dict[str, Any]], pl.LazyFrame]] = {
    "drop_rows": _drop_rows,
    "drop_empty": _drop_empty,
    "trim_whitespace": _trim_whitespace,
    "drop_invalid_scores": _drop_invalid_scores,
    "rescale_scores": _rescale_scores,
    "map_labels": _map_labels,
    "drop_missing_labels": _drop_missing_labels,
    "drop_classes": _drop_classes,
    "drop_duplicates": _drop_duplicates,
    "drop_equal": _drop_equal,
    "expand_negatives": _expand_negatives,
}


def apply_fixes(
    frame: pl.LazyFrame, fixes: Sequence[Fix], *, keep_row_numbers: bool = False
) -> pl.LazyFrame:
    """Apply fixes in order to a source frame.

    Args:
        frame: the frame as loaded, or one that already carries ``__row__``.
        fixes: the fixes in the order the user applied them. Load fixes such as
            ``skip_bad_lines`` are skipped here; pass them to ``open_source``.
        keep_row_numbers: keep the ``__row__`` column, so that checks on the result
            report the file's row numbers.

    Raises:
        DataError: for an unknown fix kind or a column the frame lacks.
    """
    fixed = with_row_numbers(frame)
    columns = set(fixed.collect_schema().names())
    for fix in fixes:
        if fix.kind in LOAD_FIXES:
            continue
        apply = FIX_KINDS.get(fix.kind)
        if apply is None:
            raise DataError(f"Unknown fix '{fix.kind}'.")
        named = [fix.params.get("column"), *fix.params.get("columns", [])]
        missing = [c for c in named if c is not None and c not in columns]
        if missing:
            raise DataError(
                f"The fix '{fix.describe()}' names the column '{missing[0]}', which "
                "the data does not have. Remove the fix or map that column again."
            )
        fixed = apply(fixed, fix.params)
    if keep_row_numbers:
        return fixed
    return fixed.drop(ROW)


def load_options(fixes: Sequence[Fix]) -> dict[str, bool]:
    """Return the ``open_source`` keyword arguments that the fixes ask for."""
    return {"skip_bad_lines": any(f.kind == "skip_bad_lines" for f in fixes)}


EXPORT_SUFFIXES = (".csv", ".tsv", ".jsonl", ".ndjson", ".parquet")


def export_frame(frame: pl.LazyFrame | pl.DataFrame, path: str | Path) -> Path:
    """Write a frame to CSV, TSV, JSON Lines or Parquet, chosen by the suffix.

    Writes a temporary file in the target folder, then renames it, so a crash leaves
    either no file or the previous one. Drops the ``__row__`` column.

    Raises:
        DataError: for an unknown suffix, or when the data cannot be written.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in EXPORT_SUFFIXES:
        raise DataError(
            f"{path}: cannot export to '{suffix}'. Use one of "
            f"{', '.join(EXPORT_SUFFIXES)}."
        )
    lazy = frame.lazy()
    if ROW in lazy.collect_schema().names():
        lazy = lazy.drop(ROW)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor, temporary = tempfile.mkstemp(
            prefix=f".{path.name}.", suffix=".tmp", dir=path.parent
        )
    except OSError as error:
        raise DataError(
            f"{path}: could not write the data ({error}). Choose a folder you can "
            "write to."
        ) from None
    os.close(descriptor)
    try:
        _write(lazy, Path(temporary), suffix)
        with open(temporary, "rb+") as handle:
            os.fsync(handle.fileno())
        # mkstemp makes the file readable by its owner only; the export gets the
        # mode of the file it replaces, or that of any new file.
        os.chmod(temporary, _export_mode(path))
        os.replace(temporary, path)
    except (pl.exceptions.PolarsError, OSError) as error:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise DataError(f"{path}: could not write the data ({error}).") from None
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
    return path


def _export_mode(path: Path) -> int:
    """Return the permission bits for an export: the old file's, or umask's default.

    The umask is read from /proc/self/status because os.umask() can only read it by
    changing it, which is unsafe while other threads create files.
    """
    try:
        return path.stat().st_mode & 0o777
    except OSError:
        pass
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return 0o666 & ~int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    return 0o644


def _write(frame: pl.LazyFrame, path: Path, suffix: str) -> None:
    if suffix == ".parquet":
        frame.sink_parquet(path)
    elif suffix in (".jsonl", ".ndjson"):
        frame.sink_ndjson(path)
    else:
        nested = [n for n, t in frame.collect_schema().items() if t.is_nested()]
        if nested:
            raise DataError(
                f"Column '{nested[0]}' contains lists, which CSV cannot store. Export "
                "to .jsonl or .parquet, or expand the lists first."
            )
        frame.sink_csv(path, separator="\t" if suffix == ".tsv" else ",")
