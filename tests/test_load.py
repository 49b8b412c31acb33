"""Opening real-world data files: encodings, delimiters, quoting, bad lines, folders."""

from __future__ import annotations

import gzip
import json
import time
from pathlib import Path

import polars as pl
import pytest

from st_tui.data.load import collect, open_source, preview
from st_tui.errors import DataError


def write_bytes(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def test_utf8_bom_is_ignored(tmp_path: Path) -> None:
    path = write_bytes(tmp_path / "bom.csv", b"\xef\xbb\xbfanchor,positive\na,b\n")
    source = open_source(path)
    assert source.columns == ["anchor", "positive"]
    assert any("byte order mark" in note for note in source.notes)


def test_crlf_line_ends(tmp_path: Path) -> None:
    path = write_bytes(tmp_path / "crlf.csv", b"anchor,positive\r\na,b\r\nc,d\r\n")
    frame = collect(open_source(path))
    assert frame.get_column("positive").to_list() == ["b", "d"]


def test_cp1252_text_is_decoded(tmp_path: Path) -> None:
    text = "anchor,positive\ncafé “au lait”,naïve\n"
    path = write_bytes(tmp_path / "win.csv", text.encode("cp1252"))
    source = open_source(path)
    frame = collect(source)
    assert frame.row(0) == ("café “au lait”", "naïve")
    assert source.encoding == "cp1252"
    assert any("not UTF-8" in note and "cp1252" in note for note in source.notes)


def test_latin1_text_is_decoded(tmp_path: Path) -> None:
    # 0x81 is not a cp1252 character, so only Latin-1 decodes this file.
    data = "anchor,positive\nbeyoncé,x\n".encode("latin-1") + b"\x81,y\n"
    path = write_bytes(tmp_path / "latin.csv", data)
    source = open_source(path)
    assert source.encoding == "latin-1"
    assert collect(source).get_column("anchor").to_list()[0] == "beyoncé"


def test_utf16_with_bom_is_decoded(tmp_path: Path) -> None:
    path = write_bytes(tmp_path / "u16.csv", "anchor,positive\nä,b\n".encode("utf-16"))
    assert collect(open_source(path)).row(0) == ("ä", "b")


@pytest.mark.parametrize(
    ("separator", "name"),
    [(",", "comma"), ("\t", "tab"), (";", "semicolon"), ("|", "pipe")],
)
def test_delimiter_is_sniffed(tmp_path: Path, separator: str, name: str) -> None:
    lines = [separator.join(["anchor", "positive", "negative"])]
    lines += [separator.join([f"a {i}", f"p {i}", f"n {i}"]) for i in range(20)]
    path = write_bytes(tmp_path / "data.txt", ("\n".join(lines) + "\n").encode())
    source = open_source(path)
    assert source.separator == separator
    assert source.columns == ["anchor", "positive", "negative"]
    assert source.describe().startswith(f"{name}-separated text")


def test_no_header_row_gets_column_names(tmp_path: Path) -> None:
    text = "A man plays a guitar,A person plays music\nThe dog runs,An animal moves\n"
    path = write_bytes(tmp_path / "plain.csv", text.encode())
    source = open_source(path)
    assert source.columns == ["column_1", "column_2"]
    assert source.has_header is False
    assert collect(source).height == 2
    assert any("looks like data" in note for note in source.notes)


def test_numeric_first_row_is_data(tmp_path: Path) -> None:
    path = write_bytes(tmp_path / "scores.csv", b"a cat,a dog,0.5\nx,y,0.7\n")
    source = open_source(path)
    assert source.columns == ["column_1", "column_2", "column_3"]


def test_quoted_field_holding_newline(tmp_path: Path) -> None:
    text = 'anchor,positive\n"line one\nline two",b\nc,"d, e"\n'
    frame = collect(open_source(write_bytes(tmp_path / "q.csv", text.encode())))
    assert frame.height == 2
    assert frame.item(0, "anchor") == "line one\nline two"
    assert frame.item(1, "positive") == "d, e"


def test_tsv_bare_quotes_keep_rows(tmp_path: Path) -> None:
    lines = ["sentence1\tsentence2\tscore"]
    lines += ['He said "hi\tshe left\t1.0', 'a "quoted" word\tok\t2.0']
    lines += [f'row {i} with " one quote\tx\t3.0' for i in range(10)]
    path = write_bytes(tmp_path / "bare.tsv", ("\n".join(lines) + "\n").encode())
    source = open_source(path)
    frame = collect(source)
    assert frame.height == 12
    assert frame.item(0, "sentence1") == 'He said "hi'
    assert source.quote_char is None


def test_tsv_with_quoted_multiline_fields(tmp_path: Path) -> None:
    text = 'anchor\tpositive\n"two\nlines"\tb\n"tab\there"\td\n'
    source = open_source(write_bytes(tmp_path / "quoted.tsv", text.encode()))
    frame = collect(source)
    assert source.quote_char == '"'
    assert frame.get_column("anchor").to_list() == ["two\nlines", "tab\there"]


def test_ragged_row_names_line(tmp_path: Path) -> None:
    text = "anchor,positive\na,b\nc,d,e\nf,g\n"
    path = write_bytes(tmp_path / "ragged.csv", text.encode())
    with pytest.raises(DataError, match=r"line 3: the line has 3 fields.*has 2"):
        open_source(path)


def test_ragged_row_skipped_on_request(tmp_path: Path) -> None:
    text = "anchor,positive\na,b\nc,d,e\nf,g\n"
    path = write_bytes(tmp_path / "ragged.csv", text.encode())
    source = open_source(path, skip_bad_lines=True)
    assert source.skipped_lines == [3]
    assert collect(source).get_column("anchor").to_list() == ["a", "f"]
    assert any("Skipped 1 bad line: line 3." in note for note in source.notes)


def test_ragged_row_past_sample_names_line(tmp_path: Path) -> None:
    rows = [f"anchor {i},positive {i}" for i in range(40_000)]
    rows[30_000] = "x,y,z"
    text = "anchor,positive\n" + "\n".join(rows) + "\n"
    source = open_source(write_bytes(tmp_path / "late.csv", text.encode()))
    with pytest.raises(DataError, match="line 30002: the line has 3 fields"):
        collect(source)


def test_jsonl_bad_line_named(tmp_path: Path) -> None:
    text = '{"anchor": "a", "positive": "b"}\n{"anchor": "c", \n{"anchor": "e"}\n'
    path = write_bytes(tmp_path / "bad.jsonl", text.encode())
    with pytest.raises(DataError, match=r"line 2: invalid JSON.*skip bad lines"):
        open_source(path)


def test_jsonl_split_record_named(tmp_path: Path) -> None:
    # Joined with commas, lines 3 and 4 would make one valid object and line 5 two,
    # so only a line-by-line parse names the first bad line.
    lines = [
        '{"anchor": "q1", "positive": "p1"}',
        '{"anchor": "q2", "positive": "p2"}',
        '{"anchor": "q3", "positive": "',
        '"}',
        '{"anchor": "a", "positive": "b"},{"anchor": "c", "positive": "d"}',
    ]
    path = write_bytes(tmp_path / "split.jsonl", "\n".join(lines).encode())
    with pytest.raises(DataError, match=r"line 3: invalid JSON"):
        open_source(path)


def test_jsonl_long_first_line_opens(tmp_path: Path) -> None:
    # The first line is longer than the 256 KB sample that is checked line by line.
    first = json.dumps({"anchor": "x" * 300_000, "positive": "p0"})
    rest = [json.dumps({"anchor": f"a{i}", "positive": f"p{i}"}) for i in range(5)]
    path = write_bytes(tmp_path / "long.jsonl", "\n".join([first, *rest]).encode())

    frame = collect(open_source(path))

    assert frame.height == 6
    assert len(frame.get_column("anchor")[0]) == 300_000


def test_jsonl_one_bad_line_without_end(tmp_path: Path) -> None:
    path = write_bytes(tmp_path / "one.jsonl", b'{"anchor": "a", "positive": ')
    with pytest.raises(DataError, match=r"line 1: invalid JSON"):
        open_source(path)


def test_jsonl_bad_line_skipped(tmp_path: Path) -> None:
    text = (
        '{"anchor": "a", "positive": "b"}\n[1, 2]\n{"anchor": "e", "positive": "f"}\n'
    )
    source = open_source(
        write_bytes(tmp_path / "bad.jsonl", text.encode()), skip_bad_lines=True
    )
    assert source.skipped_lines == [2]
    assert collect(source).get_column("anchor").to_list() == ["a", "e"]


def test_jsonl_bad_line_past_sample(tmp_path: Path) -> None:
    lines = [json.dumps({"anchor": f"a{i}", "positive": "p"}) for i in range(20_000)]
    lines[15_000] = '{"anchor": broken'
    path = write_bytes(tmp_path / "late.jsonl", ("\n".join(lines) + "\n").encode())
    source = open_source(path)
    with pytest.raises(DataError, match="line 15001: invalid JSON"):
        collect(source)


def test_json_array_of_objects(tmp_path: Path) -> None:
    rows = [{"anchor": "a", "positive": "b"}, {"anchor": "c", "positive": "d"}]
    source = open_source(write_bytes(tmp_path / "rows.json", json.dumps(rows).encode()))
    assert source.kind == "JSON"
    assert collect(source).height == 2


def test_json_object_with_rows_key(tmp_path: Path) -> None:
    document = {"data": [{"anchor": "a", "positive": "b"}]}
    path = write_bytes(tmp_path / "wrapped.json", json.dumps(document).encode())
    source = open_source(path)
    assert source.columns == ["anchor", "positive"]
    assert any("'data'" in note for note in source.notes)


def test_json_invalid_names_line(tmp_path: Path) -> None:
    path = write_bytes(
        tmp_path / "broken.json", b'[\n{"anchor": "a"},\n{"anchor": }\n]'
    )
    with pytest.raises(DataError, match="line 3, column 12: invalid JSON"):
        open_source(path)


def test_json_array_of_numbers(tmp_path: Path) -> None:
    path = write_bytes(tmp_path / "numbers.json", b"[1, 2, 3]")
    with pytest.raises(DataError, match="item 1 of the array is a JSON int"):
        open_source(path)


def test_nested_negatives_become_list(tmp_path: Path) -> None:
    rows = [{"anchor": "a", "positive": "b", "negatives": ["x", "y"]}]
    path = write_bytes(tmp_path / "nested.jsonl", json.dumps(rows[0]).encode())
    source = open_source(path)
    assert source.schema["negatives"] == pl.List(pl.String)


def test_gzip_file(tmp_path: Path) -> None:
    data = gzip.compress(b"anchor\tpositive\na\tb\n")
    source = open_source(write_bytes(tmp_path / "pairs.tsv.gz", data))
    assert source.separator == "\t"
    assert collect(source).row(0) == ("a", "b")


def test_zstd_file(tmp_path: Path) -> None:
    import zstandard

    data = zstandard.ZstdCompressor().compress(b'{"anchor": "a", "positive": "b"}\n')
    source = open_source(write_bytes(tmp_path / "pairs.jsonl.zst", data))
    assert collect(source).row(0) == ("a", "b")


def test_corrupt_gzip(tmp_path: Path) -> None:
    path = write_bytes(tmp_path / "bad.csv.gz", b"\x1f\x8b\x08\x00garbage")
    with pytest.raises(DataError, match="could not read the file"):
        open_source(path)


def test_parquet_file(tmp_path: Path) -> None:
    path = tmp_path / "pairs.parquet"
    pl.DataFrame({"anchor": ["a"], "positive": ["b"]}).write_parquet(path)
    source = open_source(path)
    assert source.kind == "Parquet"
    assert preview(source).row(0) == ("a", "b")


def test_parquet_name_on_text(tmp_path: Path) -> None:
    path = write_bytes(tmp_path / "fake.parquet", b"anchor,positive\na,b\n")
    with pytest.raises(DataError, match="not a Parquet file"):
        open_source(path)


def test_save_to_disk_dataset(tmp_path: Path) -> None:
    from datasets import Dataset

    Dataset.from_dict({"anchor": ["a", "b"], "positive": ["c", "d"]}).save_to_disk(
        tmp_path / "ds"
    )
    source = open_source(tmp_path / "ds")
    assert source.columns == ["anchor", "positive"]
    assert source.validation_frame is None


def test_save_to_disk_dataset_dict(tmp_path: Path) -> None:
    from datasets import Dataset, DatasetDict

    train = Dataset.from_dict({"anchor": ["a", "b", "c"], "positive": ["d", "e", "f"]})
    held_out = Dataset.from_dict({"anchor": ["x"], "positive": ["y"]})
    DatasetDict({"train": train, "validation": held_out}).save_to_disk(tmp_path / "dd")
    source = open_source(tmp_path / "dd")
    assert collect(source).height == 3
    assert source.validation_frame is not None
    assert source.validation_frame.collect().row(0) == ("x", "y")


def test_folder_without_dataset(tmp_path: Path) -> None:
    (tmp_path / "pairs.csv").write_text("anchor,positive\na,b\n")
    with pytest.raises(DataError, match="open one of them"):
        open_source(tmp_path)


def test_hub_id_offline(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with pytest.raises(DataError, match="HF_HUB_OFFLINE=1") as raised:
        open_source("sentence-transformers/stsb")
    assert "save_to_disk" in str(raised.value)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="file not found"):
        open_source(tmp_path / "nope.csv")


def test_empty_file(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="the file is empty"):
        open_source(write_bytes(tmp_path / "empty.csv", b""))


def test_blank_file(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="only blank space"):
        open_source(write_bytes(tmp_path / "blank.csv", b"\n\n  \n"))


def test_header_only_file(tmp_path: Path) -> None:
    source = open_source(write_bytes(tmp_path / "header.csv", b"anchor,positive\n"))
    assert source.columns == ["anchor", "positive"]
    assert collect(source).height == 0


def test_binary_file_with_text_name(tmp_path: Path) -> None:
    data = bytes(range(256)) * 40
    with pytest.raises(DataError, match="binary data"):
        open_source(write_bytes(tmp_path / "image.csv", data))


def test_duplicate_column_names(tmp_path: Path) -> None:
    path = write_bytes(tmp_path / "dup.csv", b"text,text,label\na,b,1\n")
    source = open_source(path)
    assert source.columns == ["text", "text_2", "label"]
    assert any("repeats the name 'text'" in note for note in source.notes)


def test_blank_column_name(tmp_path: Path) -> None:
    path = write_bytes(tmp_path / "blank.csv", b",anchor,positive\n1,a,b\n")
    assert open_source(path).columns == ["column_1", "anchor", "positive"]


def test_single_column_file(tmp_path: Path) -> None:
    path = write_bytes(tmp_path / "one.csv", b"anchor\na\nb\n")
    with pytest.raises(DataError, match="only one column"):
        open_source(path)


def test_spreadsheet_is_rejected(tmp_path: Path) -> None:
    path = write_bytes(tmp_path / "sheet.xlsx", b"PK\x03\x04")
    with pytest.raises(DataError, match="Save the sheet as CSV"):
        open_source(path)


def test_preview_is_lazy_on_large_csv(tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    row = b"a man plays a guitar,a person plays music,0.5\n"
    with path.open("wb") as handle:
        handle.write(b"sentence1,sentence2,score\n")
        for _ in range(20):
            handle.write(row * 100_000)
    started = time.perf_counter()
    source = open_source(path)
    first = preview(source, 50)
    elapsed = time.perf_counter() - started
    assert first.height == 50
    assert elapsed < 0.5


def test_late_type_mismatch_names_value(tmp_path: Path) -> None:
    rows = [f"a{i},p{i},{i % 5}" for i in range(20_000)]
    rows[15_000] = "x,y,abc"
    path = tmp_path / "late.csv"
    path.write_text("anchor,positive,score\n" + "\n".join(rows) + "\n")
    source = open_source(path)
    with pytest.raises(DataError, match="column 'score' has the value 'abc'") as raised:
        collect(source)
    assert "type integer" in str(raised.value)


def test_csv_bare_quote_at_field_start(tmp_path: Path) -> None:
    text = 'anchor,positive\n"Hi" she said,x\nb,c\n'
    source = open_source(write_bytes(tmp_path / "bare.csv", text.encode()))
    assert collect(source).item(0, "anchor") == '"Hi" she said'
    assert any("do not enclose fields" in note for note in source.notes)


def test_bare_quote_beside_quoting(tmp_path: Path) -> None:
    text = 'anchor,positive\n"a, b",x\n"Hi" she said,y\n'
    source = open_source(write_bytes(tmp_path / "mixed.csv", text.encode()))
    with pytest.raises(DataError, match="starts with a double quote but goes on"):
        collect(source)


def test_carriage_return_line_ends(tmp_path: Path) -> None:
    source = open_source(
        write_bytes(tmp_path / "mac.csv", b"anchor,positive\ra,b\rc,d\r")
    )
    assert collect(source).rows() == [("a", "b"), ("c", "d")]
    assert any("carriage return" in note for note in source.notes)


def test_missing_local_path_not_hub(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "data").mkdir()
    with pytest.raises(DataError, match="file not found"):
        open_source("data/train")
    with pytest.raises(DataError, match="file not found"):
        open_source("other/train.csv")


def test_jsonl_late_type_names_line(tmp_path: Path) -> None:
    lines = [json.dumps({"anchor": "a", "score": i % 5}) for i in range(12_000)]
    lines[11_000] = json.dumps({"anchor": "a", "score": "oops"})
    path = write_bytes(tmp_path / "late.jsonl", ("\n".join(lines) + "\n").encode())
    with pytest.raises(DataError, match="line 11001: 'score' is 'oops'"):
        collect(open_source(path))


def test_jsonl_with_bom(tmp_path: Path) -> None:
    data = b'\xef\xbb\xbf{"anchor": "a", "positive": "b"}\n'
    source = open_source(write_bytes(tmp_path / "bom.jsonl", data))
    assert collect(source).row(0) == ("a", "b")


def test_empty_json_array(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="the JSON array is empty"):
        open_source(write_bytes(tmp_path / "empty.json", b"[]"))


def test_objects_without_keys(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="the data has no columns"):
        open_source(write_bytes(tmp_path / "keys.jsonl", b"{}\n{}\n"))


def test_count_lines_chunks(tmp_path: Path) -> None:
    from st_tui.data.text import count_lines

    path = tmp_path / "many.csv"
    path.write_bytes(b"a,b\n" + b"some text,more text\n" * 200_000 + b"last,row")
    assert count_lines(path) == 200_002
    assert count_lines(path, expected=200_002) == 200_002


def test_count_lines_skips_empty(tmp_path: Path) -> None:
    from st_tui.data.text import count_lines

    path = tmp_path / "gaps.csv"
    path.write_bytes(b"a,b\n1,2\n\n3,4\r\n\r\n5,6\n")
    assert count_lines(path) == 4
    assert count_lines(path, expected=4) == 4


@pytest.mark.parametrize("suffix", [".csv", ".jsonl"])
@pytest.mark.parametrize("width", [10, 20_000])
def test_preview_head_matches_scan(tmp_path: Path, suffix: str, width: int) -> None:
    rows = [{"anchor": f"a{i} " + "x" * width, "positive": f"p{i}"} for i in range(80)]
    path = tmp_path / f"rows{suffix}"
    if suffix == ".csv":
        lines = ["anchor,positive"] + [f"{r['anchor']},{r['positive']}" for r in rows]
        path.write_text("\n".join(lines) + "\n")
    else:
        path.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    source = open_source(path)
    shown = preview(source, 50)
    assert shown.height == 50
    assert shown.equals(source.frame.head(50).collect())
