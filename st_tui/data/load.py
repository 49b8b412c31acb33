"""Open a data source (CSV, TSV, JSONL, JSON, Parquet, a save_to_disk folder) lazily.

Every loader returns a polars LazyFrame, so the preview reads only the first rows and
checks run as polars expressions instead of loading a multi-GB file into memory.
Anything that cannot be read raises DataError with the file, the line or column where
known, and the fix.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from st_tui.data.encoding import (
    HEAD_BYTES,
    decode_head,
    detect_encoding,
    encoding_name,
    looks_binary,
    plain_utf8_copy,
    read_head,
    work_dir,
)
from st_tui.data.text import (
    BadLine,
    choose_quote_char,
    clean_column_names,
    first_records,
    iter_bad_lines,
    looks_like_header,
    separator_name,
    sniff_separator,
    write_without_bad_lines,
)
from st_tui.errors import DataError

logger = logging.getLogger(__name__)

TEXT_SUFFIXES = {".csv", ".tsv", ".tab", ".txt", ".psv"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
JSON_SUFFIXES = {".json"}
PARQUET_SUFFIXES = {".parquet", ".pq"}
ARROW_SUFFIXES = {".arrow", ".feather", ".ipc"}
SPREADSHEET_SUFFIXES = {".xlsx", ".xls", ".ods"}
COMPRESSION_SUFFIXES = {".gz", ".zst"}
SUPPORTED = sorted(
    TEXT_SUFFIXES | JSONL_SUFFIXES | JSON_SUFFIXES | PARQUET_SUFFIXES | ARROW_SUFFIXES
)
INFER_SCHEMA_ROWS = 10_000
VALIDATION_SPLITS = ("validation", "valid", "dev", "val")
SKIP_HINT = "or skip bad lines (`st-tui check --skip-bad-lines`)"
_HUB_ID = re.compile(r"^[A-Za-z0-9][\w.\-]*/[\w.\-]+$")

__all__ = [
    "Source",
    "collect",
    "open_source",
    "preview",
    "separator_name",
    "sniff_separator",
]


@dataclass
class Source:
    """An opened data source: where it came from, how it was parsed, and its rows.

    ``text_path`` is the plain UTF-8 file that polars scans for delimited text and
    JSON Lines: the file itself, or a decoded copy. Row checks read it to compare
    the parsed row count with its line count.
    """

    path: Path
    kind: str
    frame: pl.LazyFrame
    separator: str | None = None
    notes: list[str] = field(default_factory=list)
    validation_frame: pl.LazyFrame | None = None
    encoding: str = "utf-8"
    quote_char: str | None = None
    has_header: bool = True
    skipped_lines: list[int] = field(default_factory=list)
    text_path: Path | None = None
    width: int = 0

    @property
    def name(self) -> str:
        """Return the file or folder name shown to the user."""
        return self.path.name

    @property
    def columns(self) -> list[str]:
        """Return the column names, in file order."""
        return list(self.frame.collect_schema().names())

    @property
    def schema(self) -> dict[str, pl.DataType]:
        """Return the column dtypes by name."""
        return dict(self.frame.collect_schema())

    def describe(self) -> str:
        """Return a one-line description such as 'tab-separated text, 5 columns'."""
        kind = self.kind
        if self.separator is not None:
            kind = f"{separator_name(self.separator)}-separated text"
        text = f"{kind}, {len(self.columns)} columns"
        if self.encoding not in ("utf-8", "utf-8-sig"):
            text += f", {encoding_name(self.encoding)}"
        if self.validation_frame is not None:
            text += ", with a validation split"
        return text


def _content_suffix(path: Path) -> tuple[str, str | None]:
    """Return the data suffix and the compression suffix of a file name."""
    suffixes = [s.lower() for s in path.suffixes]
    compression = None
    if suffixes and suffixes[-1] in COMPRESSION_SUFFIXES:
        compression = suffixes.pop()
    return (suffixes[-1] if suffixes else ""), compression


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


def _first_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return text[0] if text else type(error).__name__


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
        if _looks_like_hub_id(text, resolved):
            return _open_hub(text)
        raise DataError(f"{resolved}: file not found. Check the path and try again.")
    try:
        return _open_path(resolved, skip_bad_lines)
    except DataError:
        raise
    except _read_errors() as error:
        raise DataError(
            f"{resolved}: could not read the file ({_first_line(error)}). "
            "Check that it is a CSV, TSV, JSONL, JSON or Parquet file."
        ) from None


def _looks_like_hub_id(text: str, path: Path) -> bool:
    """Tell a Hub id such as 'org/name' from a local path that does not exist."""
    if not _HUB_ID.match(text) or text.startswith((".", "/", "~")):
        return False
    if path.parent.exists():
        return False
    suffix, _ = _content_suffix(path)
    return suffix not in SUPPORTED


def _open_path(path: Path, skip_bad_lines: bool) -> Source:
    if path.is_dir():
        return _open_dataset_folder(path)
    if path.stat().st_size == 0:
        raise DataError(f"{path}: the file is empty. Choose a file with a header row.")

    suffix, compression = _content_suffix(path)
    if suffix in SPREADSHEET_SUFFIXES:
        raise DataError(
            f"{path}: spreadsheets are not read directly. Save the sheet as CSV "
            "(UTF-8) and open that file."
        )
    if suffix in PARQUET_SUFFIXES:
        return _open_parquet(path, compression)
    if suffix in ARROW_SUFFIXES:
        return _open_arrow(path, compression)
    if suffix in JSONL_SUFFIXES:
        return _open_jsonl(path, compression, skip_bad_lines)
    if suffix in JSON_SUFFIXES:
        return _open_json(path, compression, skip_bad_lines)
    if suffix in TEXT_SUFFIXES or suffix == "" or len(path.suffixes) > 1:
        return _open_delimited(path, compression, skip_bad_lines)
    raise DataError(
        f"{path}: unsupported file type '{suffix}'. Use one of "
        f"{', '.join(SUPPORTED)} (optionally .gz or .zst compressed)."
    )


def _text_head(path: Path, compression: str | None) -> tuple[bytes, str, list[str]]:
    """Read the head of a text file and check that it is non-empty text.

    Returns:
        The head bytes, the encoding and notes about the encoding.
    """
    head = read_head(path, compression)
    if not head.strip():
        raise DataError(
            f"{path}: the file contains no text (only blank space). Choose a file with "
            "a header row and data rows."
        )
    if looks_binary(head):
        raise DataError(
            f"{path}: the file contains binary data, not text. Choose a CSV, TSV, "
            "JSONL, JSON or Parquet file, or give a binary file its real suffix."
        )
    encoding = detect_encoding(head)
    notes = []
    if encoding == "utf-8-sig":
        notes.append("The file starts with a UTF-8 byte order mark: ignored it.")
    elif encoding != "utf-8":
        notes.append(
            f"The file is not UTF-8: read it as {encoding_name(encoding)}. Check "
            "accented letters in the preview, or save the file as UTF-8."
        )
    if compression:
        notes.append(
            f"Decompressed the {compression.lstrip('.')} file into a temporary copy."
        )
    return head, encoding, notes


def _utf8_path(path: Path, compression: str | None, encoding: str) -> Path:
    if compression is None and encoding in ("utf-8", "utf-8-sig"):
        return path
    return plain_utf8_copy(path, compression, encoding, suffix=".txt")


def _open_delimited(
    path: Path, compression: str | None, skip_bad_lines: bool
) -> Source:
    head, encoding, notes = _text_head(path, compression)
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
    records = first_records(sample, separator, quote_char)
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
        text_path = _utf8_path(path, compression, encoding)
    skipped: list[int] = []
    if skip_bad_lines:
        cleaned = Path(tempfile.mkstemp(dir=work_dir(), suffix=".txt")[1])
        skipped = write_without_bad_lines(
            text_path, cleaned, separator, quote_char, width
        )
        text_path = cleaned
        if skipped:
            notes.append(_skipped_note(skipped))
    else:
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
        frame.collect_schema()
    except pl.exceptions.PolarsError as error:
        raise DataError(
            f"{path}: could not parse as {separator_name(separator)}-separated "
            f"text ({_first_line(error)})."
        ) from None
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


def _skipped_note(skipped: list[int]) -> str:
    shown = ", ".join(str(n) for n in skipped[:5])
    more = f" and {len(skipped) - 5} more" if len(skipped) > 5 else ""
    return f"Skipped {len(skipped)} bad lines: line {shown}{more}."


def _open_jsonl(path: Path, compression: str | None, skip_bad_lines: bool) -> Source:
    head, encoding, notes = _text_head(path, compression)
    sample = decode_head(head, encoding)
    text_path = _utf8_path(path, compression, encoding)
    skipped: list[int] = []
    if skip_bad_lines:
        cleaned = Path(tempfile.mkstemp(dir=work_dir(), suffix=".jsonl")[1])
        skipped = _write_good_json_lines(text_path, cleaned)
        text_path = cleaned
        if skipped:
            notes.append(_skipped_note(skipped))
    else:
        complete = sample[: sample.rfind("\n") + 1] or sample
        bad = first_bad_json_line(io.StringIO(complete))
        if bad is not None:
            raise DataError(_bad_json_message(path, *bad))
    if not _has_json_object(text_path):
        raise DataError(
            f"{path}: the file has no JSON object lines. Write one object per line, "
            'such as {"anchor": "...", "positive": "..."}.'
        )

    frame = pl.scan_ndjson(text_path, infer_schema_length=INFER_SCHEMA_ROWS)
    try:
        frame.collect_schema()
    except pl.exceptions.PolarsError as error:
        raise DataError(
            f"{path}: could not parse as JSON Lines (one JSON object per line): "
            f"{_first_line(error)}. Fix the file, {SKIP_HINT}."
        ) from None
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
        return f"invalid JSON ({_first_line(error)})"
    if not isinstance(value, dict):
        return f"a JSON {type(value).__name__}, not an object"
    return None


def _bad_json_message(path: Path, line: int, reason: str) -> str:
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


def _open_json(path: Path, compression: str | None, skip_bad_lines: bool) -> Source:
    _, encoding, notes = _text_head(path, compression)
    text_path = _utf8_path(path, compression, encoding)
    text = text_path.read_text(encoding="utf-8", errors="replace").lstrip("\ufeff")
    try:
        value = json.loads(text)
    except json.JSONDecodeError as error:
        first_line = text.lstrip().split("\n", 1)[0]
        if error.msg == "Extra data" and _json_line_problem(first_line) is None:
            source = _open_jsonl(path, compression, skip_bad_lines)
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
            f"{path}: could not read as Parquet ({_first_line(error)})."
        ) from None
    return Source(path=path, kind="Parquet", frame=frame, notes=notes)


def _open_arrow(path: Path, compression: str | None) -> Source:
    target = path
    if compression:
        target = plain_utf8_copy(path, compression, "utf-8", suffix=".arrow")
    frame = _arrow_frame(target)
    return Source(path=path, kind="Arrow", frame=frame)


def _arrow_frame(path: Path) -> pl.LazyFrame:
    """Read an Arrow IPC file or stream, memory-mapped where pyarrow can."""
    import pyarrow as pa

    try:
        scanned = pl.scan_ipc(path)
        scanned.head(0).collect()
        return scanned
    except pl.exceptions.PolarsError:
        pass
    with pa.memory_map(str(path)) as source:
        table = pa.ipc.open_stream(source).read_all()
    frame = pl.from_arrow(table)
    assert isinstance(frame, pl.DataFrame)
    return frame.lazy()


def _open_dataset_folder(path: Path) -> Source:
    """Open a folder written by ``datasets.save_to_disk`` (a Dataset or DatasetDict)."""
    splits = _split_folders(path)
    if splits:
        train_name = "train" if "train" in splits else sorted(splits)[0]
        source = _open_dataset_folder(splits[train_name])
        source.path = path
        source.kind = "datasets folder"
        source.notes.append(f"Using the '{train_name}' split of a DatasetDict.")
        validation_name = next((n for n in VALIDATION_SPLITS if n in splits), None)
        if validation_name is None and "test" in splits and train_name != "test":
            validation_name = "test"
        if validation_name is not None:
            held_out = _open_dataset_folder(splits[validation_name])
            source.validation_frame = held_out.frame
            source.notes.append(f"Using the '{validation_name}' split for validation.")
        others = sorted(set(splits) - {train_name, validation_name})
        if others:
            source.notes.append(f"Left out the splits: {', '.join(others)}.")
        return source

    arrow_files = sorted(path.glob("*.arrow"))
    if not arrow_files:
        data_files = sorted(
            p.name for p in path.iterdir() if _content_suffix(p)[0] in SUPPORTED
        )
        hint = (
            f" It contains {', '.join(data_files[:5])}: open one of them."
            if (data_files)
            else ""
        )
        raise DataError(
            f"{path}: the folder contains no dataset written by datasets.save_to_disk "
            f"(no .arrow files).{hint}"
        )
    frames = [_arrow_frame(f) for f in arrow_files]
    frame = pl.concat(frames, how="vertical_relaxed") if len(frames) > 1 else frames[0]
    return Source(path=path, kind="datasets folder", frame=frame)


def _split_folders(path: Path) -> dict[str, Path]:
    names: list[str] = []
    index = path / "dataset_dict.json"
    if index.is_file():
        try:
            names = list(json.loads(index.read_text(encoding="utf-8"))["splits"])
        except (ValueError, KeyError, TypeError):
            names = []
    if not names:
        names = [p.parent.name for p in path.glob("*/dataset_info.json")]
    return {n: path / n for n in names if (path / n).is_dir()}


def _hub_offline() -> bool:
    flags = ("HF_HUB_OFFLINE", "HF_DATASETS_OFFLINE")
    return any(
        os.environ.get(f, "").upper() in ("1", "ON", "YES", "TRUE") for f in flags
    )


def _open_hub(dataset_id: str) -> Source:
    """Open a Hub dataset id, or explain why it cannot be reached."""
    if _hub_offline():
        raise DataError(
            f"'{dataset_id}' is not a local file, and Hub datasets cannot be "
            "downloaded while HF_HUB_OFFLINE=1 is set. On a machine with Hub access, "
            f"run datasets.load_dataset('{dataset_id}').save_to_disk('FOLDER'), copy "
            "FOLDER here and open it."
        )
    try:
        from datasets import DatasetDict, load_dataset

        loaded = load_dataset(dataset_id)
    except Exception as error:  # the Hub client raises many unrelated types
        raise DataError(
            f"'{dataset_id}': could not load the Hub dataset "
            f"({_first_line(error)}). Check the id and the network, or open a local "
            "copy."
        ) from None
    if not isinstance(loaded, DatasetDict):
        raise DataError(f"'{dataset_id}': the Hub returned no dataset splits.")
    names = list(loaded)
    train_name = "train" if "train" in names else names[0]
    frame = pl.from_arrow(loaded[train_name].data.table)
    assert isinstance(frame, pl.DataFrame)
    source = Source(path=Path(dataset_id), kind="Hub dataset", frame=frame.lazy())
    source.notes.append(f"Using the '{train_name}' split.")
    validation_name = next((n for n in VALIDATION_SPLITS if n in names), None)
    if validation_name is not None:
        held_out = pl.from_arrow(loaded[validation_name].data.table)
        assert isinstance(held_out, pl.DataFrame)
        source.validation_frame = held_out.lazy()
        source.notes.append(f"Using the '{validation_name}' split for validation.")
    return source


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
        where = _find_json_type_mismatch(source)
    if where is not None:
        return DataError(where)
    return DataError(
        f"{source.path}: could not read the rows ({_first_line(error)}). Fix the file, "
        f"{SKIP_HINT}."
    )


def _find_bad_line(source: Source) -> str | None:
    if source.text_path is None:
        return None
    with source.text_path.open(encoding="utf-8", errors="replace", newline="") as f:
        if source.kind == "JSON Lines":
            bad = first_bad_json_line(f)
            return None if bad is None else _bad_json_message(source.path, *bad)
        if source.separator is None:
            return None
        for line in iter_bad_lines(
            f, source.separator, source.quote_char, source.width
        ):
            return _bad_line_message(source.path, line, source.width)
    return None


def _find_json_type_mismatch(source: Source) -> str | None:
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


def preview(source: Source, rows: int = 50) -> pl.DataFrame:
    """Read the first rows of a source without reading the rest.

    Raises:
        DataError: when polars cannot parse those rows.
    """
    try:
        return source.frame.head(rows).collect()
    except _read_errors() as error:
        raise explain_read_error(source, error) from None


def collect(source: Source) -> pl.DataFrame:
    """Read the whole source into memory.

    Raises:
        DataError: when a row cannot be parsed, naming the line where known.
    """
    try:
        return source.frame.collect()
    except _read_errors() as error:
        raise explain_read_error(source, error) from None
