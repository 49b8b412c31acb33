"""Fixes: each kind on a small frame, replay in order, and atomic export."""

from __future__ import annotations

import json
import os
import stat
import tempfile
from pathlib import Path

import polars as pl
import pytest

from st_tui.data.check import check_data
from st_tui.data.fixes import Fix, apply_fixes, export_frame, load_options
from st_tui.data.load import open_source
from st_tui.errors import DataError
from st_tui.formats import FORMATS


def fixed(frame: pl.DataFrame, *fixes: Fix) -> pl.DataFrame:
    return apply_fixes(frame.lazy(), list(fixes)).collect()


def test_drop_rows_by_number() -> None:
    frame = pl.DataFrame({"anchor": ["a", "b", "c", "d"]})
    result = fixed(frame, Fix("drop_rows", {"rows": [2, 4]}))
    assert result.get_column("anchor").to_list() == ["a", "c"]


def test_drop_empty_text() -> None:
    frame = pl.DataFrame({"anchor": ["a", "", None, "  ", "b"]})
    result = fixed(frame, Fix("drop_empty", {"column": "anchor"}))
    assert result.get_column("anchor").to_list() == ["a", "b"]


def test_trim_whitespace() -> None:
    frame = pl.DataFrame({"anchor": [" a ", "b\t"], "positive": [" x", "y "]})
    result = fixed(frame, Fix("trim_whitespace", {"columns": ["anchor", "positive"]}))
    assert result.rows() == [("a", "x"), ("b", "y")]


def test_drop_invalid_scores() -> None:
    frame = pl.DataFrame({"score": ["0.5", "NaN", "high", "1", None]})
    result = fixed(frame, Fix("drop_invalid_scores", {"column": "score"}))
    assert result.get_column("score").to_list() == ["0.5", "1"]


def test_rescale_scores() -> None:
    frame = pl.DataFrame({"score": [1.0, 3.0, 5.0]})
    result = fixed(
        frame, Fix("rescale_scores", {"column": "score", "low": 1, "high": 5})
    )
    assert result.get_column("score").to_list() == [0.0, 0.5, 1.0]


def test_rescale_empty_range() -> None:
    frame = pl.DataFrame({"score": [1.0]})
    with pytest.raises(DataError, match="empty range"):
        fixed(frame, Fix("rescale_scores", {"column": "score", "low": 2, "high": 2}))


def test_map_labels() -> None:
    frame = pl.DataFrame({"label": ["no", "yes", "no"]})
    mapping = {"no": 0, "yes": 1}
    result = fixed(frame, Fix("map_labels", {"column": "label", "mapping": mapping}))
    assert result.get_column("label").to_list() == [0, 1, 0]


def test_drop_missing_labels() -> None:
    frame = pl.DataFrame({"label": ["a", None, " ", "b"]})
    result = fixed(frame, Fix("drop_missing_labels", {"column": "label"}))
    assert result.get_column("label").to_list() == ["a", "b"]


def test_drop_classes() -> None:
    frame = pl.DataFrame({"label": [1, 2, 3, 2]})
    result = fixed(frame, Fix("drop_classes", {"column": "label", "classes": ["2"]}))
    assert result.get_column("label").to_list() == [1, 3]


def test_drop_duplicates_keeps_first() -> None:
    frame = pl.DataFrame({"anchor": ["a", "b", "a"], "positive": ["x", "y", "z"]})
    result = fixed(frame, Fix("drop_duplicates", {"columns": ["anchor"]}))
    assert result.rows() == [("a", "x"), ("b", "y")]


def test_drop_equal() -> None:
    frame = pl.DataFrame({"positive": ["a", "b"], "negative": ["a", "c"]})
    result = fixed(frame, Fix("drop_equal", {"columns": ["positive", "negative"]}))
    assert result.rows() == [("b", "c")]


def test_expand_negatives() -> None:
    frame = pl.DataFrame(
        {
            "anchor": ["q1", "q2"],
            "positive": ["p1", "p2"],
            "negative": [["n1", "n2"], []],
        }
    )
    result = fixed(frame, Fix("expand_negatives", {"column": "negative"}))
    assert result.rows() == [("q1", "p1", "n1"), ("q1", "p1", "n2")]


def test_expanded_rows_keep_file_row(tmp_path: Path) -> None:
    path = tmp_path / "nested.jsonl"
    lines = [
        {"anchor": "q1", "positive": "p1", "negative": ["n1", ""]},
        {"anchor": "q2", "positive": "p2", "negative": ["n3"]},
    ]
    path.write_text("\n".join(json.dumps(line) for line in lines) + "\n")
    source = open_source(path)
    expand = Fix("expand_negatives", {"column": "negative"})
    frame = apply_fixes(source.frame, [expand], keep_row_numbers=True)
    mapping = {"anchor": "anchor", "positive": "positive", "negative": "negative"}
    findings = check_data(frame, FORMATS["triplet"], mapping)
    empty = [f for f in findings if f.code == "empty_text"]
    assert empty[0].rows == [1]


def test_fixes_replay_in_order() -> None:
    frame = pl.DataFrame({"anchor": [" a", "a ", "b"], "positive": ["x", "x", "y"]})
    fixes = [
        Fix("trim_whitespace", {"columns": ["anchor"]}),
        Fix("drop_duplicates", {"columns": ["anchor", "positive"]}),
    ]
    assert fixed(frame, *fixes).rows() == [("a", "x"), ("b", "y")]
    assert fixed(frame, *reversed(fixes)).height == 3


def test_fix_round_trips_through_json() -> None:
    fixes = [
        Fix("rescale_scores", {"column": "score", "low": 1.0, "high": 5.0}),
        Fix("skip_bad_lines"),
    ]
    stored = json.dumps([f.to_dict() for f in fixes])
    restored = [Fix.from_dict(d) for d in json.loads(stored)]
    assert restored == fixes


def test_unknown_fix_kind() -> None:
    with pytest.raises(DataError, match="Unknown fix 'explode_all'"):
        Fix.from_dict({"kind": "explode_all"})


def test_fix_on_missing_column() -> None:
    frame = pl.DataFrame({"anchor": ["a"]})
    with pytest.raises(DataError, match="names the column 'gone'"):
        fixed(frame, Fix("drop_empty", {"column": "gone"}))


def test_skip_bad_lines_is_load_option() -> None:
    assert load_options([Fix("skip_bad_lines")]) == {"skip_bad_lines": True}
    assert load_options([]) == {"skip_bad_lines": False}


def test_finding_fix_applies(tmp_path: Path) -> None:
    path = tmp_path / "scores.csv"
    path.write_text("sentence1,sentence2,score\na,b,1\nc,d,5\ne,f,3\n")
    source = open_source(path)
    mapping = {"sentence1": "sentence1", "sentence2": "sentence2", "score": "score"}
    findings = check_data(source.frame, FORMATS["pair_score"], mapping)
    finding = next(f for f in findings if f.code == "score_out_of_range")
    assert finding.fix_kind is not None
    fix = Fix(finding.fix_kind, finding.fix_params)
    result = apply_fixes(source.frame, [fix]).collect()
    assert result.get_column("score").to_list() == [0.0, 1.0, 0.5]


@pytest.mark.parametrize("suffix", [".csv", ".tsv", ".jsonl", ".parquet"])
def test_export_round_trip(tmp_path: Path, suffix: str) -> None:
    frame = pl.DataFrame({"anchor": ["a", "b"], "positive": ["c", "d"]})
    target = export_frame(frame.lazy(), tmp_path / f"clean{suffix}")
    assert open_source(target).frame.collect().equals(frame)
    assert [p.name for p in tmp_path.iterdir()] == [f"clean{suffix}"]


def test_export_mode_follows_umask(tmp_path: Path) -> None:
    previous = os.umask(0o027)
    try:
        target = export_frame(pl.LazyFrame({"a": [1]}), tmp_path / "new.csv")
    finally:
        os.umask(previous)

    assert stat.S_IMODE(target.stat().st_mode) == 0o640


def test_export_keeps_replaced_mode(tmp_path: Path) -> None:
    target = tmp_path / "old.csv"
    target.write_text("a\n0\n")
    target.chmod(0o664)

    export_frame(pl.LazyFrame({"a": [1]}), target)

    assert stat.S_IMODE(target.stat().st_mode) == 0o664
    assert target.read_text() == "a\n1\n"


def test_export_unwritable_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Root may write anywhere, so the folder is made unwritable by failing mkstemp.
    def fail_mkstemp(*args: object, **kwargs: object) -> tuple[int, str]:
        raise PermissionError(1, "Operation not permitted")

    monkeypatch.setattr(tempfile, "mkstemp", fail_mkstemp)
    with pytest.raises(DataError, match=r"out\.csv: could not write the data"):
        export_frame(pl.LazyFrame({"a": [1]}), tmp_path / "out.csv")


def test_export_drops_row_numbers(tmp_path: Path) -> None:
    frame = apply_fixes(pl.LazyFrame({"anchor": ["a"]}), [], keep_row_numbers=True)
    target = export_frame(frame, tmp_path / "out.csv")
    assert target.read_text() == "anchor\na\n"


def test_export_lists_to_csv_rejected(tmp_path: Path) -> None:
    frame = pl.LazyFrame({"negative": [["a", "b"]]})
    with pytest.raises(DataError, match="CSV cannot store"):
        export_frame(frame, tmp_path / "out.csv")
    assert list(tmp_path.iterdir()) == []


def test_export_unknown_suffix(tmp_path: Path) -> None:
    with pytest.raises(DataError, match=r"cannot export to '\.xlsx'"):
        export_frame(pl.LazyFrame({"a": [1]}), tmp_path / "out.xlsx")
