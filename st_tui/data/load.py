"""Open a data source (CSV, TSV, JSONL, JSON, Parquet, a save_to_disk folder) lazily.

Every loader returns a polars LazyFrame, so the preview reads only the first rows and
checks run as polars expressions instead of loading a multi-GB file into memory.
"""

from __future__ import annotations

import gzip
import io
import logging
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from st_tui.errors import DataError

logger = logging.getLogger(__name__)

TEXT_SUFFIXES = {".csv", ".tsv", ".tab", ".txt", ".psv"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
JSON_SUFFIXES = {".json"}
PARQUET_SUFFIXES = {".parquet", ".pq"}
COMPRESSION_SUFFIXES = {".gz", ".zst"}
SUPPORTED = sorted(TEXT_SUFFIXES | JSONL_SUFFIXES | JSON_SUFFIXES | PARQUET_SUFFIXES)
SNIFF_DELIMITERS = ("\t", ",", ";", "|")
INFER_SCHEMA_ROWS = 10_000


@dataclass
class Source:
    """An opened data source: where it came from, how it was parsed, and its rows."""

    path: Path
    kind: str
    frame: pl.LazyFrame
    separator: str | None = None
    notes: list[str] = field(default_factory=list)

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
            kind = f"{_separator_name(self.separator)}-separated text"
        return f"{kind}, {len(self.columns)} columns"


def _separator_name(separator: str) -> str:
    return {"\t": "tab", ",": "comma", ";": "semicolon", "|": "pipe"}.get(
        separator, repr(separator)
    )


def _content_suffix(path: Path) -> tuple[str, str | None]:
    """Return the data suffix and the compression suffix of a file name."""
    suffixes = [s.lower() for s in path.suffixes]
    compression = None
    if suffixes and suffixes[-1] in COMPRESSION_SUFFIXES:
        compression = suffixes.pop()
    return (suffixes[-1] if suffixes else ""), compression


def _read_head_bytes(path: Path, compression: str | None, size: int = 64_000) -> bytes:
    if compression == ".gz":
        with gzip.open(path, "rb") as handle:
            return handle.read(size)
    if compression == ".zst":
        import zstandard

        with path.open("rb") as raw:
            reader = zstandard.ZstdDecompressor().stream_reader(raw)
            return reader.read(size)
    with path.open("rb") as handle:
        return handle.read(size)


def _decompress(path: Path, compression: str) -> bytes:
    if compression == ".gz":
        with gzip.open(path, "rb") as handle:
            return handle.read()
    import zstandard

    with path.open("rb") as raw:
        return zstandard.ZstdDecompressor().stream_reader(raw).read()


def sniff_separator(sample: str) -> str:
    """Pick the delimiter that splits the first lines into the most equal field counts.

    Raises:
        DataError: when no candidate splits the header into more than one field.
    """
    lines = [line for line in sample.splitlines()[:20] if line.strip()]
    if not lines:
        raise DataError("The file has no text lines.")
    best, best_score = None, 0.0
    for delimiter in SNIFF_DELIMITERS:
        counts = [line.count(delimiter) for line in lines]
        header_count = counts[0]
        if header_count == 0:
            continue
        consistent = sum(1 for c in counts if c == header_count) / len(counts)
        score = consistent * 10 + min(header_count, 10) / 10
        if score > best_score:
            best, best_score = delimiter, score
    if best is None:
        raise DataError(
            "Could not find a delimiter: the first line has no tab, comma, semicolon "
            "or pipe. Save the file as CSV or TSV with a header row."
        )
    return best


def open_source(path: str | Path) -> Source:
    """Open a data file or save_to_disk folder as a lazily read source.

    Raises:
        DataError: when the path is missing, empty, of an unknown type or unparseable.
    """
    path = Path(path).expanduser()
    if not path.exists():
        raise DataError(f"{path}: file not found. Check the path and try again.")
    if path.is_dir():
        return _open_dataset_folder(path)
    if path.stat().st_size == 0:
        raise DataError(f"{path}: the file is empty. Choose a file with a header row.")

    suffix, compression = _content_suffix(path)
    if suffix in PARQUET_SUFFIXES:
        return _open_parquet(path)
    if suffix in JSONL_SUFFIXES:
        return _open_jsonl(path, compression)
    if suffix in JSON_SUFFIXES:
        return _open_json(path, compression)
    if suffix in TEXT_SUFFIXES or suffix == "":
        return _open_delimited(path, compression)
    raise DataError(
        f"{path}: unsupported file type '{suffix}'. Use one of "
        f"{', '.join(SUPPORTED)} (optionally .gz or .zst compressed)."
    )


def _open_delimited(path: Path, compression: str | None) -> Source:
    head = _read_head_bytes(path, compression)
    if b"\x00" in head[:8192]:
        raise DataError(
            f"{path}: the file holds binary data, not delimited text. "
            "Choose a CSV, TSV, JSONL or Parquet file."
        )
    sample = head.decode("utf-8", errors="replace").lstrip("\ufeff")
    separator = sniff_separator(sample)

    # A tab-separated file rarely quotes its fields, and its text may hold bare double
    # quotes that default quoting would read as the start of a multi-line field.
    quote_char: str | None = None if separator == "\t" else '"'
    source: bytes | Path = _decompress(path, compression) if compression else path
    frame = pl.scan_csv(
        source,
        separator=separator,
        quote_char=quote_char,
        infer_schema_length=INFER_SCHEMA_ROWS,
        encoding="utf8-lossy",
        empty_string_is_null=False,
        truncate_ragged_lines=False,
    )
    try:
        frame.collect_schema()
    except pl.exceptions.PolarsError as error:
        raise DataError(f"{path}: could not parse as delimited text: {error}") from None
    kind = "csv"
    return Source(path=path, kind=kind, frame=frame, separator=separator)


def _open_jsonl(path: Path, compression: str | None) -> Source:
    source: bytes | Path = _decompress(path, compression) if compression else path
    frame = pl.scan_ndjson(source, infer_schema_length=INFER_SCHEMA_ROWS)
    try:
        frame.collect_schema()
    except pl.exceptions.PolarsError as error:
        raise DataError(
            f"{path}: could not parse as JSON Lines (one JSON object per line): {error}"
        ) from None
    return Source(path=path, kind="JSON Lines", frame=frame)


def _open_json(path: Path, compression: str | None) -> Source:
    data = _decompress(path, compression) if compression else path.read_bytes()
    stripped = data.lstrip(b"\xef\xbb\xbf \t\r\n")
    if stripped.startswith(b"{"):
        return _open_jsonl_bytes(path, data)
    try:
        frame = pl.read_json(io.BytesIO(data), infer_schema_length=INFER_SCHEMA_ROWS)
    except pl.exceptions.PolarsError as error:
        raise DataError(
            f"{path}: could not parse as a JSON array of objects: {error}"
        ) from None
    return Source(path=path, kind="JSON", frame=frame.lazy())


def _open_jsonl_bytes(path: Path, data: bytes) -> Source:
    try:
        frame = pl.read_ndjson(io.BytesIO(data), infer_schema_length=INFER_SCHEMA_ROWS)
    except pl.exceptions.PolarsError as error:
        raise DataError(
            f"{path}: could not parse as JSON objects, one per line: {error}"
        ) from None
    return Source(path=path, kind="JSON Lines", frame=frame.lazy())


def _open_parquet(path: Path) -> Source:
    frame = pl.scan_parquet(path)
    try:
        frame.collect_schema()
    except pl.exceptions.PolarsError as error:
        raise DataError(f"{path}: could not read as Parquet: {error}") from None
    return Source(path=path, kind="Parquet", frame=frame)


def _open_dataset_folder(path: Path) -> Source:
    arrow_files = sorted(path.glob("*.arrow"))
    split_folders = sorted(p.parent for p in path.glob("*/dataset_info.json"))
    if not arrow_files and split_folders:
        train = next((p for p in split_folders if p.name == "train"), split_folders[0])
        source = _open_dataset_folder(train)
        source.path = path
        source.notes.append(f"Using the '{train.name}' split of a DatasetDict.")
        return source
    if not arrow_files:
        raise DataError(
            f"{path}: the folder holds no dataset written by datasets.save_to_disk "
            "(no .arrow files). Choose a data file or such a folder."
        )
    try:
        tables = [pl.read_ipc_stream(f) for f in arrow_files]
    except pl.exceptions.PolarsError as error:
        raise DataError(f"{path}: could not read the Arrow files: {error}") from None
    frame = pl.concat(tables, how="vertical_relaxed").lazy()
    return Source(path=path, kind="datasets folder", frame=frame)


def preview(source: Source, rows: int = 50) -> pl.DataFrame:
    """Read the first rows of a source without reading the rest.

    Raises:
        DataError: when polars cannot parse those rows.
    """
    try:
        return source.frame.head(rows).collect()
    except pl.exceptions.PolarsError as error:
        raise DataError(
            f"{source.path}: could not read the first rows: {error}"
        ) from None


def collect(source: Source) -> pl.DataFrame:
    """Read the whole source into memory.

    Raises:
        DataError: when a row cannot be parsed.
    """
    try:
        return source.frame.collect()
    except pl.exceptions.PolarsError as error:
        raise DataError(f"{source.path}: could not read the file: {error}") from None
