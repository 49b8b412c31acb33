"""Property tests: any input either opens or raises DataError with a message."""

from __future__ import annotations

import csv
import gzip
import io
import json
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from st_tui.data.check import check_all, check_data, check_source
from st_tui.data.detect import detect_format
from st_tui.data.load import collect, open_source, preview
from st_tui.errors import DataError
from st_tui.formats import FORMATS

SUFFIXES = [
    ".csv",
    ".tsv",
    ".txt",
    ".jsonl",
    ".json",
    ".parquet",
    ".csv.gz",
    ".jsonl.zst",
    "",
]
PROPERTY_SETTINGS = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
cell = st.one_of(
    st.text(max_size=20),
    st.integers(min_value=-(10**6), max_value=10**6),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(["", " ", '"', "NaN", "\r\n", "\t", ",", ";", "|", "null"]),
)


def exercise(path: Path) -> None:
    """Open, preview, detect, check and collect a file, as the wizard would."""
    source = open_source(path)
    first = preview(source, 20)
    detection = detect_format(source.schema, first)
    check_source(source)
    fmt = FORMATS[detection.format]
    if all(role in detection.mapping for role in fmt.roles):
        check_data(source.frame, fmt, detection.mapping, max_seq_length=8)
    collect(source)


def assert_only_data_errors(path: Path) -> None:
    try:
        exercise(path)
    except DataError as error:
        assert str(error).strip()


@PROPERTY_SETTINGS
@given(data=st.binary(max_size=600), suffix=st.sampled_from(SUFFIXES))
def test_random_bytes(tmp_path: Path, data: bytes, suffix: str) -> None:
    path = tmp_path / f"random{suffix}"
    path.write_bytes(data)
    assert_only_data_errors(path)


@PROPERTY_SETTINGS
@given(
    rows=st.lists(st.lists(cell, min_size=1, max_size=5), max_size=12),
    delimiter=st.sampled_from([",", "\t", ";", "|"]),
    compress=st.booleans(),
)
def test_random_delimited(
    tmp_path: Path, rows: list[list[object]], delimiter: str, compress: bool
) -> None:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter).writerows(rows)
    data = buffer.getvalue().encode()
    suffix = ".csv.gz" if compress else ".csv"
    path = tmp_path / f"random{suffix}"
    path.write_bytes(gzip.compress(data) if compress else data)
    assert_only_data_errors(path)


@PROPERTY_SETTINGS
@given(
    lines=st.lists(
        st.one_of(
            st.dictionaries(st.sampled_from(["anchor", "positive", "score"]), cell),
            st.lists(cell, max_size=3),
            cell,
        ),
        max_size=10,
    ),
    broken=st.booleans(),
)
def test_random_jsonl(tmp_path: Path, lines: list[object], broken: bool) -> None:
    text = "\n".join(json.dumps(line) for line in lines)
    if broken:
        text += '\n{"anchor": '
    path = tmp_path / "random.jsonl"
    path.write_text(text)
    assert_only_data_errors(path)


@PROPERTY_SETTINGS
@given(rows=st.lists(st.dictionaries(st.sampled_from(["a", "b", "c"]), cell)))
def test_random_json_array(tmp_path: Path, rows: list[dict[str, object]]) -> None:
    path = tmp_path / "random.json"
    path.write_text(json.dumps(rows))
    assert_only_data_errors(path)


@pytest.mark.parametrize("suffix", SUFFIXES)
def test_nul_bytes_each_suffix(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"zeros{suffix}"
    path.write_bytes(b"\x00" * 100)
    with pytest.raises(DataError):
        exercise(path)


def findings_both_ways(path: Path) -> tuple[list[dict[str, object]], ...]:
    """Check a file after one parse into memory, and with a scan per check."""
    source = open_source(path)
    detection = detect_format(source.schema, preview(source, 20))
    fmt = FORMATS[detection.format]
    if not all(role in detection.mapping for role in fmt.roles):
        return [], []
    options: dict[str, Any] = {"max_seq_length": 8, "batch_size": 4}
    once = check_all(source, fmt, detection.mapping, **options)
    lazy = check_source(source) + check_data(
        source.frame, fmt, detection.mapping, **options
    )
    return [f.to_dict() for f in once], [f.to_dict() for f in lazy]


@PROPERTY_SETTINGS
@given(
    rows=st.lists(st.lists(cell, min_size=2, max_size=3), max_size=12),
    delimiter=st.sampled_from([",", "\t"]),
    empty_lines=st.lists(st.integers(min_value=0, max_value=13), max_size=3),
)
def test_read_once_matches_lazy(
    tmp_path: Path, rows: list[list[object]], delimiter: str, empty_lines: list[int]
) -> None:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter).writerows(
        [["anchor", "positive", "score"][: len(rows[0]) if rows else 2], *rows]
    )
    lines = buffer.getvalue().split("\r\n")
    for position in sorted(empty_lines, reverse=True):
        lines.insert(min(position, len(lines)), "")
    path = tmp_path / "rows.csv"
    path.write_text("\n".join(lines))
    try:
        once, lazy = findings_both_ways(path)
    except DataError:
        return
    assert once == lazy


@PROPERTY_SETTINGS
@given(
    rows=st.lists(st.lists(cell, min_size=2, max_size=3), max_size=12),
    delimiter=st.sampled_from([",", "\t", ";"]),
    count=st.integers(min_value=1, max_value=15),
)
def test_preview_matches_scan(
    tmp_path: Path, rows: list[list[object]], delimiter: str, count: int
) -> None:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter).writerows(rows)
    path = tmp_path / "rows.csv"
    path.write_text(
        "anchor,positive,score\n".replace(",", delimiter) + buffer.getvalue()
    )
    try:
        source = open_source(path)
        scanned = source.frame.head(count).collect()
    except (DataError, pl.exceptions.PolarsError):
        return
    assert preview(source, count).equals(scanned)
