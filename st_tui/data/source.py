"""The opened data source and the helpers that every loader shares."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from st_tui.data.encoding import (
    detect_encoding,
    encoding_name,
    looks_binary,
    plain_utf8_copy,
    read_head,
)
from st_tui.data.file_types import (
    COMPRESSION_SUFFIXES,
)
from st_tui.data.text import separator_name
from st_tui.errors import DataError

INFER_SCHEMA_ROWS = 10_000
SKIP_HINT = "or skip bad lines (`st-tui check --skip-bad-lines`)"


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


def content_suffix(path: Path) -> tuple[str, str | None]:
    """Return the data suffix and the compression suffix of a file name."""
    suffixes = [s.lower() for s in path.suffixes]
    compression = None
    if suffixes and suffixes[-1] in COMPRESSION_SUFFIXES:
        compression = suffixes.pop()
    return (suffixes[-1] if suffixes else ""), compression


def first_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return text[0] if text else type(error).__name__


def read_text_head(path: Path, compression: str | None) -> tuple[bytes, str, list[str]]:
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


def utf8_path(path: Path, compression: str | None, encoding: str) -> Path:
    if compression is None and encoding in ("utf-8", "utf-8-sig"):
        return path
    return plain_utf8_copy(path, compression, encoding, suffix=".txt")


def skipped_note(skipped: list[int]) -> str:
    shown = ", ".join(str(n) for n in skipped[:5])
    more = f" and {len(skipped) - 5} more" if len(skipped) > 5 else ""
    lines = "line" if len(skipped) == 1 else "lines"
    return f"Skipped {len(skipped)} bad {lines}: {lines} {shown}{more}."
