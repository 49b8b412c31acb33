"""Open JSON Lines files and JSON documents, and find their bad lines."""

from __future__ import annotations

import io
import json
import tempfile
from pathlib import Path
from typing import Any

import polars as pl

from st_tui.data.encoding import HEAD_BYTES, decode_head, plain_utf8_copy, work_dir
from st_tui.data.source import (
    INFER_SCHEMA_ROWS,
    SKIP_HINT,
    Source,
    first_line,
    read_text_head,
    skipped_note,
    utf8_path,
)
from st_tui.errors import DataError


def open_jsonl(path: Path, compression: str | None, skip_bad_lines: bool) -> Source:
    head, encoding, notes = read_text_head(path, compression)
    sample = decode_head(head, encoding)
    # polars reads no byte order mark in JSON Lines, so such a file is copied.
    text_path = (
        plain_utf8_copy(path, compression, encoding, suffix=".jsonl")
        if encoding == "utf-8-sig"
        else utf8_path(path, compression, encoding)
    )
    skipped: list[int] = []
    if skip_bad_lines:
        cleaned = Path(tempfile.mkstemp(dir=work_dir(), suffix=".jsonl")[1])
        skipped = _write_good_json_lines(text_path, cleaned)
        text_path = cleaned
        if skipped:
            notes.append(skipped_note(skipped))
    else:
        # Only whole lines are checked: a first line longer than the sample has no
        # line end in it, and polars reports its errors when it reads the file.
        whole_file = len(head) < HEAD_BYTES
        complete = sample if whole_file else sample[: sample.rfind("\n") + 1]
        bad = first_bad_json_line(io.StringIO(complete))
        if bad is not None:
            raise DataError(bad_json_message(path, *bad))
    if not _has_json_object(text_path):
        raise DataError(
            f"{path}: the file has no JSON object lines. Write one object per line, "
            'such as {"anchor": "...", "positive": "..."}.'
        )

    frame = pl.scan_ndjson(text_path, infer_schema_length=INFER_SCHEMA_ROWS)
    try:
        schema = frame.collect_schema()
    except pl.exceptions.PolarsError as error:
        raise DataError(
            f"{path}: could not parse as JSON Lines (one JSON object per line): "
            f"{first_line(error)}. Fix the file, {SKIP_HINT}."
        ) from None
    # polars infers the schema again on every collect of a scan that has none, so
    # the scan gets the one just inferred.
    frame = pl.scan_ndjson(text_path, schema=schema)
    return Source(
        path=path,
        kind="JSON Lines",
        frame=frame,
        notes=notes,
        encoding=encoding,
        skipped_lines=skipped,
        text_path=text_path,
    )


def _has_json_object(path: Path) -> bool:
    with path.open(encoding="utf-8", errors="replace") as handle:
        return any(line.strip() for line in handle)


def first_bad_json_line(handle: io.TextIOBase | Any) -> tuple[int, str] | None:
    """Find the first line that is not a JSON object.

    Returns:
        The 1-based line number and the reason, or None when every line parses.
    """
    for number, line in enumerate(handle, start=1):
        reason = _json_line_problem(line)
        if reason is not None:
            return number, reason
    return None


def _json_line_problem(line: str) -> str | None:
    if not line.strip():
        return None
    try:
        value = json.loads(line)
    except ValueError as error:
        return f"invalid JSON ({first_line(error)})"
    if not isinstance(value, dict):
        return f"a JSON {type(value).__name__}, not an object"
    return None


def bad_json_message(path: Path, line: int, reason: str) -> str:
    return f"{path}, line {line}: {reason}. Fix the line, {SKIP_HINT}."


def _write_good_json_lines(path: Path, target: Path) -> list[int]:
    skipped: list[int] = []
    with (
        path.open(encoding="utf-8", errors="replace") as handle,
        target.open("w", encoding="utf-8") as out,
    ):
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            if _json_line_problem(line) is not None:
                skipped.append(number)
                continue
            out.write(line if line.endswith("\n") else line + "\n")
    return skipped


def open_json(path: Path, compression: str | None, skip_bad_lines: bool) -> Source:
    _, encoding, notes = read_text_head(path, compression)
    text_path = utf8_path(path, compression, encoding)
    text = text_path.read_text(encoding="utf-8", errors="replace").lstrip("\ufeff")
    try:
        value = json.loads(text)
    except json.JSONDecodeError as error:
        first_line = text.lstrip().split("\n", 1)[0]
        if error.msg == "Extra data" and _json_line_problem(first_line) is None:
            source = open_jsonl(path, compression, skip_bad_lines)
            source.notes.append(
                "The .json file contains one object per line: read it as JSON Lines."
            )
            return source
        raise DataError(
            f"{path}, line {error.lineno}, column {error.colno}: invalid JSON "
            f"({error.msg}). Fix the file, or save it as JSON Lines."
        ) from None

    rows, where = _json_records(value)
    if rows is None:
        raise DataError(
            f"{path}: expected a JSON array of objects (such as "
            '[{"anchor": "...", "positive": "..."}]), found a JSON '
            f"{type(value).__name__}. Save the rows as an array of objects or as "
            "JSON Lines."
        )
    if not rows:
        raise DataError(f"{path}: the JSON array is empty. Add rows to the file.")
    if where:
        notes.append(f"Read the rows from the key '{where}' of the JSON object.")
    bad = next((i for i, row in enumerate(rows) if not isinstance(row, dict)), None)
    if bad is not None:
        raise DataError(
            f"{path}: item {bad + 1} of the array is a JSON "
            f"{type(rows[bad]).__name__}, not an object. Make every item an object "
            "with the same keys."
        )
    frame = pl.from_dicts(rows, infer_schema_length=None, strict=False)
    return Source(
        path=path, kind="JSON", frame=frame.lazy(), notes=notes, encoding=encoding
    )


def _json_records(value: object) -> tuple[list[Any] | None, str | None]:
    """Find the list of rows in a parsed JSON document."""
    if isinstance(value, list):
        return value, None
    if isinstance(value, dict):
        lists = {k: v for k, v in value.items() if isinstance(v, list)}
        if len(lists) == 1:
            key, rows = next(iter(lists.items()))
            if all(isinstance(row, dict) for row in rows):
                return rows, key
        if not lists:
            return [value], None
        if lists and len(lists) == len(value):
            lengths = {len(v) for v in lists.values()}
            if len(lengths) == 1:
                count = lengths.pop()
                rows = [{k: v[i] for k, v in lists.items()} for i in range(count)]
                return rows, None
    return None, None


def find_json_type_mismatch(source: Source) -> str | None:
    """Find the first JSON line whose value type differs from the inferred dtype."""
    if source.text_path is None:
        return None
    schema = source.schema
    with source.text_path.open(encoding="utf-8", errors="replace") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            record = json.loads(line)
            for key, value in record.items():
                dtype = schema.get(key)
                if dtype is None or value is None:
                    continue
                is_number = isinstance(value, int | float) and not isinstance(
                    value, bool
                )
                if (dtype.is_numeric() and not is_number) or (
                    dtype == pl.String and not isinstance(value, str)
                ):
                    return (
                        f"{source.path}, line {number}: '{key}' is {value!r}, but "
                        f"the first {INFER_SCHEMA_ROWS:,} lines made it {dtype}. "
                        "Give the key one type on every line."
                    )
    return None
