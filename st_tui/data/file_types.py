"""The file name suffixes that st-tui reads, by kind.

Kept apart from the loaders, which import polars, so that the wizard's file picker
can filter names without that import.
"""

from __future__ import annotations

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
