"""Open a data source (CSV, TSV, JSONL, JSON, Parquet, a save_to_disk folder) lazily.

Every loader returns a polars LazyFrame, so the preview reads only the first rows and
checks run as polars expressions instead of loading a multi-GB file into memory.
Anything that cannot be read raises DataError with the file, the line or column where
known, and the fix.
"""

from __future__ import annotations

import csv
import io
import logging
import re
import tempfile
from pathlib import Path
from typing import Literal

import polars as pl

from st_tui.data.encoding import HEAD_BYTES, decode_head, plain_utf8_copy, work_dir
from st_tui.data.file_types import (
    ARROW_SUFFIXES,
    COMPRESSION_SUFFIXES,
    JSON_SUFFIXES,
    JSONL_SUFFIXES,
    PARQUET_SUFFIXES,
    SPREADSHEET_SUFFIXES,
    SUPPORTED,
    TEXT_SUFFIXES,
)
from st_tui.data.folders import (
    looks_like_hub_id,
    open_arrow,
    open_dataset_folder,
    open_hub,
)
from st_tui.data.json_files import (
    bad_json_message,
    find_json_type_mismatch,
    first_bad_json_line,
    open_json,
    open_jsonl,
)
from st_tui.data.source import (
    INFER_SCHEMA_ROWS,
    SKIP_HINT,
    Source,
    content_suffix,
    first_line,
    read_text_head,
    skipped_note,
    utf8_path,
)
from st_tui.data.text import (
    BadLine,
    choose_quote_char,
    clean_column_names,
    iter_bad_lines,
    looks_like_header,
    sample_records,
    separator_name,
    sniff_separator,
    write_without_bad_lines,
)
from st_tui.errors import DataError

logger = logging.getLogger(__name__)


__all__ = [
    "COMPRESSION_SUFFIXES",
    "SUPPORTED",
    "Source",
    "collect",
    "open_source",
    "preview",
    "separator_name",
    "sniff_separator",
]


def _read_errors() -> tuple[type[BaseException], ...]:
    """Return the exception types that mean 'this input cannot be read'."""
    errors: list[type[BaseException]] = [
        pl.exceptions.PolarsError,
        pl.exceptions.PanicException,
        OSError,
        EOFError,
        ValueError,
        csv.Error,
        UnicodeError,
        OverflowError,
    ]
    try:
        import zstandard

        errors.append(zstandard.ZstdError)
    except ImportError:
        pass
    try:
        import pyarrow

        errors.append(pyarrow.ArrowException)
    except ImportError:
        pass
    return tuple(errors)


def open_source(path: str | Path, *, skip_bad_lines: bool = False) -> Source:
    """Open a data file, save_to_disk folder or Hub dataset id as a lazy source.

    Args:
        path: a file, a folder written by ``datasets.save_to_disk``, or a Hub
            dataset id such as ``sentence-transformers/stsb``.
        skip_bad_lines: leave out lines of delimited text or JSON Lines that cannot
            be parsed, instead of raising; the skipped line numbers are kept in
            ``Source.skipped_lines``.

    Raises:
        DataError: when the path is missing, empty, binary, of an unknown type or
            unparseable, naming the line where known.
    """
    text = str(path)
    try:
        resolved = Path(text).expanduser()
        exists = resolved.exists()
    except (OSError, ValueError):
        raise DataError(f"{text!r}: not a valid path. Check the path.") from None
    if not exists:
        if looks_like_hub_id(text, resolved):
            return open_hub(text)
        raise DataError(f"{resolved}: file not found. Check the path and try again.")
    try:
        source = _open_path(resolved, skip_bad_lines)
    except DataError:
        raise
    except _read_errors() as error:
        raise DataError(
            f"{resolved}: could not read the file ({first_line(error)}). "
            "Check that it is a CSV, TSV, JSONL, JSON or Parquet file."
        ) from None
    if not source.columns:
        raise DataError(
            f"{resolved}: the data has no columns. Give every row the same named "
            "fields, such as anchor and positive."
        )
    return source


def _open_path(path: Path, skip_bad_lines: bool) -> Source:
    if path.is_dir():
        return open_dataset_folder(path)
    if path.stat().st_size == 0:
        raise DataError(f"{path}: the file is empty. Choose a file with a header row.")

    suffix, compression = content_suffix(path)
    if suffix in SPREADSHEET_SUFFIXES:
        raise DataError(
            f"{path}: spreadsheets are not read directly. Save the sheet as CSV "
            "(UTF-8) and open that file."
        )
    if suffix in PARQUET_SUFFIXES:
        return _open_parquet(path, compression)
    if suffix in ARROW_SUFFIXES:
        return open_arrow(path, compression)
    if suffix in JSONL_SUFFIXES:
        return open_jsonl(path, compression, skip_bad_lines)
    if suffix in JSON_SUFFIXES:
        return open_json(path, compression, skip_bad_lines)
    if suffix in TEXT_SUFFIXES or suffix == "" or len(path.suffixes) > 1:
        return _open_delimited(path, compression, skip_bad_lines)
    raise DataError(
        f"{path}: unsupported file type '{suffix}'. Use one of "
        f"{', '.join(SUPPORTED)} (optionally .gz or .zst compressed)."
    )


def _open_delimited(
    path: Path, compression: str | None, skip_bad_lines: bool
) -> Source:
    head, encoding, notes = read_text_head(path, compression)
    sample = decode_head(head, encoding)
    cr_line_ends = "\r" in sample and "\n" not in sample
    if cr_line_ends:
        sample = sample.replace("\r", "\n")
    try:
        separator = sniff_separator(sample)
    except DataError as error:
        raise DataError(f"{path}: {error}") from None
    whole_file = len(head) < HEAD_BYTES
    quote_char = choose_quote_char(sample, separator, whole_file=whole_file)
    parsed_sample = sample_records(sample, separator, quote_char)
    records = parsed_sample[:20]
    if not records:
        raise DataError(
            f"{path}: could not parse the first line as {separator_name(separator)}-"
            "separated text. Check the quotes on that line."
        )
    width = len(records[0])
    has_header = looks_like_header(records)
    if has_header:
        names, rename_notes = clean_column_names(records[0])
        notes.extend(rename_notes)
    else:
        names = [f"column_{i}" for i in range(1, width + 1)]
        notes.append(
            f"The first line looks like data, not column names: named the columns "
            f"column_1 to column_{width}. Map the roles by their content."
        )
    if quote_char is None and '"' in sample:
        notes.append(
            "Double quotes in this file do not enclose fields: read them as plain "
            "characters."
        )

    if cr_line_ends:
        # polars splits lines only at LF, so classic Mac line ends need a copy.
        text_path = plain_utf8_copy(
            path, compression, encoding, suffix=".txt", cr_line_ends=True
        )
        notes.append("The lines end in a carriage return only: read them as lines.")
    else:
        text_path = utf8_path(path, compression, encoding)
    skipped: list[int] = []
    if skip_bad_lines:
        cleaned = Path(tempfile.mkstemp(dir=work_dir(), suffix=".txt")[1])
        skipped = write_without_bad_lines(
            text_path, cleaned, separator, quote_char, width
        )
        text_path = cleaned
        if skipped:
            notes.append(skipped_note(skipped))
    elif any(len(record) != width for record in parsed_sample):
        # Parsed into records, the sample shows whether a line has another field
        # count, and only then is it read again line by line to name that line.
        _raise_on_bad_sample_line(path, sample, separator, quote_char, width)

    frame = pl.scan_csv(
        text_path,
        separator=separator,
        quote_char=quote_char,
        has_header=has_header,
        new_columns=names,
        infer_schema_length=INFER_SCHEMA_ROWS,
        encoding="utf8-lossy",
        truncate_ragged_lines=False,
    )
    try:
        schema = frame.collect_schema()
    except pl.exceptions.PolarsError as error:
        raise DataError(
            f"{path}: could not parse as {separator_name(separator)}-separated "
            f"text ({first_line(error)})."
        ) from None
    # polars infers the schema again on every collect of a scan that has none, so
    # the scan gets the one just inferred: with polars 2.1, 50 rows of a 100k-row
    # CSV take 4 ms instead of 9 ms.
    frame = _scan_delimited(
        text_path, separator, quote_char, has_header, schema, "utf8-lossy"
    )
    return Source(
        path=path,
        kind="csv",
        frame=frame,
        separator=separator,
        notes=notes,
        encoding=encoding,
        quote_char=quote_char,
        has_header=has_header,
        skipped_lines=skipped,
        text_path=text_path,
        width=width,
    )


def _scan_delimited(
    path: Path,
    separator: str,
    quote_char: str | None,
    has_header: bool,
    schema: pl.Schema,
    encoding: Literal["utf8", "utf8-lossy"],
) -> pl.LazyFrame:
    return pl.scan_csv(
        path,
        separator=separator,
        quote_char=quote_char,
        has_header=has_header,
        schema=schema,
        encoding=encoding,
        truncate_ragged_lines=False,
    )


def strict_utf8_frame(source: Source) -> pl.LazyFrame | None:
    """Return the rows of delimited text as a scan that fails on invalid UTF-8.

    ``source.frame`` replaces invalid bytes with U+FFFD, which made polars 2.1
    read a 1M-row CSV about 40% slower. A caller that reads every row can try this scan
    first and fall back to ``source.frame`` when it fails. None for other sources.
    """
    if source.kind != "csv" or source.text_path is None or source.separator is None:
        return None
    return _scan_delimited(
        source.text_path,
        source.separator,
        source.quote_char,
        source.has_header,
        source.frame.collect_schema(),
        "utf8",
    )


def _raise_on_bad_sample_line(
    path: Path, sample: str, separator: str, quote_char: str | None, width: int
) -> None:
    complete = sample[: sample.rfind("\n") + 1]
    for bad in iter_bad_lines(io.StringIO(complete), separator, quote_char, width):
        raise DataError(_bad_line_message(path, bad, width))


def _bad_line_message(path: Path, bad: BadLine, width: int) -> str:
    found = "could not be parsed" if bad.fields == 0 else f"has {bad.fields} fields"
    if bad.start and bad.start < bad.line:
        # A quote opened on the first line and swallowed the lines after it.
        return (
            f"{path}, line {bad.start} to {bad.line}: the record {found}, but the "
            f"header has {width}. Check for an unclosed double quote on line "
            f"{bad.start}, or skip bad lines (`st-tui check --skip-bad-lines`)."
        )
    return (
        f"{path}, line {bad.line}: the line {found}, but the header has {width}. Fix "
        f"the line (a stray delimiter or quote), {SKIP_HINT}."
    )


def _open_parquet(path: Path, compression: str | None) -> Source:
    target = path
    notes = []
    if compression:
        target = plain_utf8_copy(path, compression, "utf-8", suffix=".parquet")
        notes.append(f"Decompressed the {compression.lstrip('.')} file.")
    with target.open("rb") as handle:
        magic = handle.read(4)
    if magic != b"PAR1":
        raise DataError(
            f"{path}: not a Parquet file (it does not start with the Parquet "
            "signature). Give the file its real suffix."
        )
    frame = pl.scan_parquet(target)
    try:
        frame.collect_schema()
    except pl.exceptions.PolarsError as error:
        raise DataError(
            f"{path}: could not read as Parquet ({first_line(error)})."
        ) from None
    return Source(path=path, kind="Parquet", frame=frame, notes=notes)


_PARSE_VALUE = re.compile(r"could not parse `(.*)` as dtype `(\w+)` at column '(.*)'")


def explain_read_error(source: Source, error: BaseException) -> DataError:
    """Turn an error raised while reading a source's rows into a DataError.

    For delimited text and JSON Lines this scans the file for the first bad line, so
    the message can name it.
    """
    parsed = _PARSE_VALUE.search(str(error))
    if parsed is not None and parsed.group(2) == "str":
        value, _, column = parsed.groups()
        return DataError(
            f"{source.path}: column '{column}' has the field {value}, which starts "
            "with a double quote but goes on after the closing quote. Quote the "
            "whole field and double the quotes inside it, or remove the quotes."
        )
    if parsed is not None:
        value, dtype, column = parsed.groups()
        kind = {"i64": "integer", "f64": "float", "bool": "boolean"}.get(dtype, dtype)
        return DataError(
            f"{source.path}: column '{column}' has the value '{value}' further down "
            f"the file, which is not of the type {kind} that its first "
            f"{INFER_SCHEMA_ROWS:,} rows have. Fix or remove that value."
        )
    where = _find_bad_line(source)
    if where is None and source.kind == "JSON Lines":
        where = find_json_type_mismatch(source)
    if where is not None:
        return DataError(where)
    return DataError(
        f"{source.path}: could not read the rows ({first_line(error)}). Fix the file, "
        f"{SKIP_HINT}."
    )


def _find_bad_line(source: Source) -> str | None:
    if source.text_path is None:
        return None
    with source.text_path.open(encoding="utf-8", errors="replace", newline="") as f:
        if source.kind == "JSON Lines":
            bad = first_bad_json_line(f)
            return None if bad is None else bad_json_message(source.path, *bad)
        if source.separator is None:
            return None
        for line in iter_bad_lines(
            f, source.separator, source.quote_char, source.width
        ):
            return _bad_line_message(source.path, line, source.width)
    return None


def preview(source: Source, rows: int = 50) -> pl.DataFrame:
    """Read the first rows of a source without reading the rest.

    Raises:
        DataError: when polars cannot parse those rows.
    """
    head = _preview_from_head(source, rows)
    if head is not None:
        return head
    try:
        return source.frame.head(rows).collect()
    except _read_errors() as error:
        raise explain_read_error(source, error) from None


def _preview_from_head(source: Source, rows: int) -> pl.DataFrame | None:
    """Parse the first rows from the head of the file, with the scan's options.

    The first collect of a file scan costs polars 2.1 about 6 ms more than parsing
    bytes already in memory, which doubled the time to the first rows. Returns
    None when the head contains fewer than ``rows`` rows of a longer file, or fails
    to parse, so that the caller scans the file as before.
    """
    if source.text_path is None or source.kind not in ("csv", "JSON Lines"):
        return None
    with source.text_path.open("rb") as handle:
        head = handle.read(HEAD_BYTES)
    whole_file = len(head) < HEAD_BYTES
    if not whole_file:
        # Cutting after a line end keeps a partial record, or a partial UTF-8
        # character, out of the parse.
        head = head[: head.rfind(b"\n") + 1]
    try:
        if source.kind == "JSON Lines":
            frame = pl.read_ndjson(head, schema=source.schema, n_rows=rows)
        elif source.separator is not None:
            frame = pl.read_csv(
                head,
                separator=source.separator,
                quote_char=source.quote_char,
                has_header=source.has_header,
                schema=source.schema,
                encoding="utf8-lossy",
                truncate_ragged_lines=False,
                n_rows=rows,
            )
        else:
            return None
    except _read_errors():
        return None
    if frame.height < rows and not whole_file:
        return None
    return frame


def collect(source: Source) -> pl.DataFrame:
    """Read the whole source into memory.

    Raises:
        DataError: when a row cannot be parsed, naming the line where known.
    """
    try:
        return source.frame.collect()
    except _read_errors() as error:
        raise explain_read_error(source, error) from None
