"""Findings for each data problem, each on a generated file, with exact rows."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from st_tui.data.check import (
    Finding,
    Severity,
    blocking,
    check_basic,
    check_data,
    check_source,
)
from st_tui.data.load import open_source
from st_tui.errors import DataError
from st_tui.formats import FORMATS
from tests.conftest import make_sentences, write_rows

PAIR = {"anchor": "anchor", "positive": "positive"}
TRIPLET = {"anchor": "anchor", "positive": "positive", "negative": "negative"}
SCORE = {"sentence1": "sentence1", "sentence2": "sentence2", "score": "score"}
LABEL = {"premise": "premise", "hypothesis": "hypothesis", "label": "label"}


def distinct(count: int, prefix: str) -> list[str]:
    """Return distinct sentences, so no check fires on repeats by accident."""
    return [f"{prefix} {i} {s}" for i, s in enumerate(make_sentences(count))]


def pair_rows(count: int = 20) -> list[list[object]]:
    return [
        list(r) for r in zip(distinct(count, "a"), distinct(count, "p"), strict=True)
    ]


def score_rows(count: int = 20) -> list[list[object]]:
    scores = [round(i / (count - 1), 3) for i in range(count)]
    return [
        [a, b, s]
        for a, b, s in zip(
            distinct(count, "x"), distinct(count, "y"), scores, strict=True
        )
    ]


def label_rows(count: int = 30) -> list[list[object]]:
    labels = ["yes", "no", "maybe"]
    return [
        [a, b, labels[i % 3]]
        for i, (a, b) in enumerate(
            zip(distinct(count, "x"), distinct(count, "y"), strict=True)
        )
    ]


def findings_for(
    tmp_path: Path,
    fmt: str,
    mapping: dict[str, str],
    header: list[str],
    rows: list[list[object]],
    name: str = "data.csv",
    **options: Any,
) -> list[Finding]:
    path = write_rows(tmp_path / name, header, rows)
    source = open_source(path)
    return check_data(source.frame, FORMATS[fmt], mapping, **options)


def only(findings: list[Finding], code: str) -> Finding:
    matches = [f for f in findings if f.code == code]
    assert len(matches) == 1, [f.code for f in findings]
    return matches[0]


def codes(findings: list[Finding]) -> set[str]:
    return {f.code for f in findings}


def test_clean_pair_file(tmp_path: Path) -> None:
    findings = findings_for(tmp_path, "pair", PAIR, ["anchor", "positive"], pair_rows())
    assert findings == []


def test_header_only_has_no_rows(tmp_path: Path) -> None:
    findings = findings_for(tmp_path, "pair", PAIR, ["anchor", "positive"], [])
    finding = only(findings, "no_rows")
    assert finding.severity is Severity.ERROR


def test_missing_text(tmp_path: Path) -> None:
    rows = pair_rows()
    rows[3][1] = ""
    rows[7][1] = ""
    findings = findings_for(tmp_path, "pair", PAIR, ["anchor", "positive"], rows)
    finding = only(findings, "empty_text")
    assert finding.severity is Severity.ERROR
    assert finding.column == "positive"
    assert finding.role == "positive"
    assert finding.rows == [4, 8]
    assert finding.count == 2
    assert finding.fix_kind == "drop_empty"
    assert finding.message == "Rows 4, 8: column 'positive' (positive) is missing."


def test_whitespace_only_text(tmp_path: Path) -> None:
    rows = pair_rows()
    rows[0][0] = "   "
    findings = findings_for(tmp_path, "pair", PAIR, ["anchor", "positive"], rows)
    finding = only(findings, "empty_text")
    assert finding.rows == [1]
    assert finding.message.endswith("is empty or only whitespace.")


def test_null_text_in_jsonl(tmp_path: Path) -> None:
    path = tmp_path / "pairs.jsonl"
    lines = [{"anchor": a, "positive": p} for a, p in pair_rows(10)]
    lines[5]["positive"] = None
    path.write_text("\n".join(json.dumps(line) for line in lines) + "\n")
    source = open_source(path)
    finding = only(check_data(source.frame, FORMATS["pair"], PAIR), "empty_text")
    assert finding.rows == [6]
    assert finding.facts == {"missing": 1, "blank": 0}


def test_padded_text(tmp_path: Path) -> None:
    rows = pair_rows()
    rows[2][0] = f"  {rows[2][0]} "
    findings = findings_for(tmp_path, "pair", PAIR, ["anchor", "positive"], rows)
    finding = only(findings, "padded_text")
    assert finding.severity is Severity.INFO
    assert finding.rows == [3]
    assert finding.fix_kind == "trim_whitespace"


def test_numbers_in_text_role(tmp_path: Path) -> None:
    rows = [[i, f"text {i}"] for i in range(10)]
    findings = findings_for(tmp_path, "pair", PAIR, ["anchor", "positive"], rows)
    finding = only(findings, "text_not_string")
    assert finding.severity is Severity.INFO
    assert finding.column == "anchor"
    assert "Int64" in finding.message


def test_replacement_character(tmp_path: Path) -> None:
    path = tmp_path / "mixed.csv"
    good = "anchor,positive\n" + "".join(f"a{i},p{i}\n" for i in range(300_000))
    path.write_bytes(good.encode() + b"caf\xe9,x\n")
    source = open_source(path)
    findings = check_data(source.frame, FORMATS["pair"], PAIR)
    finding = only(findings, "bad_encoding")
    assert finding.rows == [300_001]
    assert finding.severity is Severity.WARNING


def test_replacement_character_read_once(tmp_path: Path) -> None:
    from st_tui.data.check import check_all, read_rows

    path = tmp_path / "mixed.csv"
    good = "anchor,positive\n" + "".join(f"a{i},p{i}\n" for i in range(300_000))
    path.write_bytes(good.encode() + b"caf\xe9,x\n")
    source = open_source(path)
    assert read_rows(source).in_memory
    finding = only(check_all(source, FORMATS["pair"], PAIR), "bad_encoding")
    assert finding.rows == [300_001]
    assert finding.count == 1


def test_score_nan_text(tmp_path: Path) -> None:
    rows = score_rows()
    rows[16][2] = "NaN"
    findings = findings_for(
        tmp_path, "pair_score", SCORE, ["sentence1", "sentence2", "score"], rows
    )
    finding = only(findings, "score_not_number")
    assert finding.message == "Row 17: column 'score' is 'NaN', which is not a number."
    assert finding.rows == [17]
    assert finding.fix_kind == "drop_invalid_scores"


def test_scores_not_numbers_message(tmp_path: Path) -> None:
    rows = score_rows()
    rows[1][2] = "high"
    rows[3][2] = "n/a"
    rows[4][2] = ""
    findings = findings_for(
        tmp_path, "pair_score", SCORE, ["sentence1", "sentence2", "score"], rows
    )
    finding = only(findings, "score_not_number")
    assert finding.rows == [2, 4, 5]
    assert finding.message == (
        "Rows 2, 4, 5: column 'score' is not a number (row 2 is 'high')."
    )


def test_score_word_value(tmp_path: Path) -> None:
    rows = score_rows()
    rows[1][2] = "high"
    rows[4][2] = ""
    findings = findings_for(
        tmp_path, "pair_score", SCORE, ["sentence1", "sentence2", "score"], rows
    )
    finding = only(findings, "score_not_number")
    assert finding.rows == [2, 5]
    assert finding.count == 2
    assert "'high'" in finding.message


def test_score_out_of_range_offers_rescale(tmp_path: Path) -> None:
    rows = score_rows()
    for i, row in enumerate(rows):
        row[2] = 1 + (i % 5)
    rows[0][2] = 1.5
    findings = findings_for(
        tmp_path, "pair_score", SCORE, ["sentence1", "sentence2", "score"], rows
    )
    finding = only(findings, "score_out_of_range")
    assert finding.severity is Severity.WARNING
    assert finding.fix_kind == "rescale_scores"
    assert finding.fix_params == {"column": "score", "low": 1.0, "high": 5.0}
    assert finding.facts["min"] == 1.0
    assert finding.facts["max"] == 5.0


def test_score_zero_to_five(tmp_path: Path) -> None:
    rows = score_rows()
    for i, row in enumerate(rows):
        row[2] = i % 6
    findings = findings_for(
        tmp_path, "pair_score", SCORE, ["sentence1", "sentence2", "score"], rows
    )
    finding = only(findings, "score_out_of_range")
    assert finding.fix_params["low"] == 0.0
    assert finding.fix_params["high"] == 5.0
    assert finding.count == 12


def test_constant_score(tmp_path: Path) -> None:
    rows = score_rows()
    for row in rows:
        row[2] = 0.5
    findings = findings_for(
        tmp_path, "pair_score", SCORE, ["sentence1", "sentence2", "score"], rows
    )
    finding = only(findings, "score_constant")
    assert finding.severity is Severity.ERROR


def test_string_labels_show_map(tmp_path: Path) -> None:
    findings = findings_for(
        tmp_path, "pair_class", LABEL, ["premise", "hypothesis", "label"], label_rows()
    )
    finding = only(findings, "label_strings")
    assert finding.severity is Severity.INFO
    assert finding.facts["ids"] == {"maybe": 0, "no": 1, "yes": 2}
    assert finding.facts["counts"] == {"maybe": 10, "no": 10, "yes": 10}
    assert "maybe (10) -> 0" in finding.message
    assert blocking(findings) == []


def test_minus_one_one_labels_remapped(tmp_path: Path) -> None:
    rows = label_rows(20)
    for i, row in enumerate(rows):
        row[2] = -1 if i % 2 else 1
    findings = findings_for(
        tmp_path, "pair_class", LABEL, ["premise", "hypothesis", "label"], rows
    )
    finding = only(findings, "label_remapped")
    assert finding.facts["ids"] == {"-1": 0, "1": 1}
    assert finding.fix_kind == "map_labels"


def test_one_to_n_labels_remapped(tmp_path: Path) -> None:
    rows = label_rows(30)
    for i, row in enumerate(rows):
        row[2] = 1 + i % 3
    findings = findings_for(
        tmp_path, "pair_class", LABEL, ["premise", "hypothesis", "label"], rows
    )
    assert only(findings, "label_remapped").facts["ids"] == {"1": 0, "2": 1, "3": 2}


def test_zero_based_labels_unchanged(tmp_path: Path) -> None:
    rows = label_rows(30)
    for i, row in enumerate(rows):
        row[2] = i % 3
    findings = findings_for(
        tmp_path, "pair_class", LABEL, ["premise", "hypothesis", "label"], rows
    )
    finding = only(findings, "label_classes")
    assert finding.fix_kind is None


def test_missing_label(tmp_path: Path) -> None:
    rows = label_rows()
    rows[9][2] = ""
    findings = findings_for(
        tmp_path, "pair_class", LABEL, ["premise", "hypothesis", "label"], rows
    )
    finding = only(findings, "label_missing")
    assert finding.rows == [10]
    assert finding.severity is Severity.ERROR


def test_one_class(tmp_path: Path) -> None:
    rows = label_rows()
    for row in rows:
        row[2] = "yes"
    findings = findings_for(
        tmp_path, "pair_class", LABEL, ["premise", "hypothesis", "label"], rows
    )
    assert only(findings, "one_class").severity is Severity.ERROR


def test_class_too_small(tmp_path: Path) -> None:
    rows = label_rows()
    rows[0][2] = "rare"
    findings = findings_for(
        tmp_path, "pair_class", LABEL, ["premise", "hypothesis", "label"], rows
    )
    finding = only(findings, "class_too_small")
    assert finding.fix_params == {"column": "label", "classes": ["rare"]}


def test_class_too_small_for_split(tmp_path: Path) -> None:
    rows = label_rows(30)
    for i in range(4):
        rows[i][2] = "rare"
    findings = findings_for(
        tmp_path,
        "pair_class",
        LABEL,
        ["premise", "hypothesis", "label"],
        rows,
        validation_split=0.1,
    )
    finding = only(findings, "class_too_small")
    assert finding.facts["needed"] == 10
    assert "'rare' (4)" in finding.message


def test_class_imbalance(tmp_path: Path) -> None:
    rows = label_rows(60)
    for i, row in enumerate(rows):
        row[2] = "rare" if i < 5 else "common"
    findings = findings_for(
        tmp_path, "pair_class", LABEL, ["premise", "hypothesis", "label"], rows
    )
    finding = only(findings, "class_imbalance")
    assert "'common' has 55 rows" in finding.message


def test_validation_label_not_in_train(tmp_path: Path) -> None:
    train = pl.DataFrame(
        label_rows(30), schema=["premise", "hypothesis", "label"], orient="row"
    )
    held_out = train.head(5).with_columns(
        pl.Series("label", ["yes", "new", "no", "new", "maybe"])
    )
    findings = check_data(
        train.lazy(), FORMATS["pair_class"], LABEL, validation_frame=held_out.lazy()
    )
    finding = only(findings, "label_not_in_train")
    assert finding.split == "validation"
    assert finding.rows == [2, 4]
    assert "'new'" in finding.message


def test_validation_overlap(tmp_path: Path) -> None:
    train = pl.DataFrame(pair_rows(20), schema=["anchor", "positive"], orient="row")
    held_out = pl.concat(
        [train.slice(3, 2), pl.DataFrame({"anchor": ["u"], "positive": ["v"]})]
    )
    findings = check_data(
        train.lazy(), FORMATS["pair"], PAIR, validation_frame=held_out.lazy()
    )
    finding = only(findings, "validation_overlap")
    assert finding.rows == [1, 2]
    assert finding.severity is Severity.WARNING


def test_repeated_anchor(tmp_path: Path) -> None:
    rows = pair_rows()
    rows[5][0] = rows[2][0]
    rows[9][0] = rows[2][0]
    findings = findings_for(tmp_path, "pair", PAIR, ["anchor", "positive"], rows)
    finding = only(findings, "repeated_anchor")
    assert finding.rows == [3, 6, 10]
    assert finding.count == 3
    assert finding.severity is Severity.INFO
    assert "NO_DUPLICATES" in finding.message
    assert finding.fix_params == {"columns": ["anchor"]}


def test_repeated_positive_heavy(tmp_path: Path) -> None:
    rows = pair_rows()
    for row in rows[:10]:
        row[1] = "the same answer"
    findings = findings_for(
        tmp_path, "qa", {"query": "q", "answer": "a"}, ["q", "a"], rows
    )
    finding = only(findings, "repeated_answer")
    assert finding.count == 10
    assert finding.severity is Severity.WARNING


def test_negative_equals_positive(tmp_path: Path) -> None:
    rows = [[a, p, f"n {i}"] for i, (a, p) in enumerate(pair_rows())]
    rows[4][2] = rows[4][1]
    findings = findings_for(
        tmp_path, "triplet", TRIPLET, ["anchor", "positive", "negative"], rows
    )
    finding = only(findings, "negative_equals_positive")
    assert finding.severity is Severity.ERROR
    assert finding.rows == [5]
    assert finding.fix_kind == "drop_equal"


def test_anchor_equals_positive(tmp_path: Path) -> None:
    rows = pair_rows()
    rows[11][1] = rows[11][0]
    findings = findings_for(tmp_path, "pair", PAIR, ["anchor", "positive"], rows)
    finding = only(findings, "positive_equals_anchor")
    assert finding.severity is Severity.WARNING
    assert finding.rows == [12]


def test_exact_duplicate_rows(tmp_path: Path) -> None:
    rows = pair_rows()
    rows.append(list(rows[1]))
    rows.append(list(rows[1]))
    findings = findings_for(tmp_path, "pair", PAIR, ["anchor", "positive"], rows)
    finding = only(findings, "duplicate_rows")
    assert finding.rows == [21, 22]
    assert finding.fix_params == {"columns": ["anchor", "positive"]}
    assert finding.message.startswith("Rows 21, 22 repeat an earlier row")


def test_one_duplicate_row_message(tmp_path: Path) -> None:
    rows = pair_rows()
    rows.append(list(rows[1]))
    findings = findings_for(tmp_path, "pair", PAIR, ["anchor", "positive"], rows)
    finding = only(findings, "duplicate_rows")
    assert finding.message.startswith("Row 21 repeats an earlier row")


def test_fewer_rows_than_batch(tmp_path: Path) -> None:
    findings = findings_for(
        tmp_path, "pair", PAIR, ["anchor", "positive"], pair_rows(12), batch_size=32
    )
    finding = only(findings, "too_few_rows")
    assert finding.message == "The data has 12 rows, fewer than one batch of 32."
    assert finding.fix == "Lower the batch size to 8 or add rows."


def test_long_text_estimated(tmp_path: Path) -> None:
    rows = pair_rows()
    rows[6][0] = " ".join(["word"] * 100)
    findings = findings_for(
        tmp_path, "pair", PAIR, ["anchor", "positive"], rows, max_seq_length=64
    )
    finding = only(findings, "text_too_long")
    assert finding.rows == [7]
    assert "estimated as whitespace words x 1.3" in finding.message
    assert finding.facts["longest"] == 132


def test_long_text_with_tokenizer(tmp_path: Path) -> None:
    class SpaceTokenizer:
        def __call__(self, texts: list[str], **_: object) -> dict[str, list[list[int]]]:
            return {"input_ids": [[0] * (len(t.split()) + 2) for t in texts]}

    rows = pair_rows()
    rows[2][1] = " ".join(["word"] * 20)
    findings = findings_for(
        tmp_path,
        "pair",
        PAIR,
        ["anchor", "positive"],
        rows,
        max_seq_length=16,
        tokenizer=SpaceTokenizer(),
    )
    finding = only(findings, "text_too_long")
    assert finding.rows == [3]
    assert finding.facts == {"longest": 22, "method": "tokenizer"}
    assert "counted with the model's tokenizer" in finding.message


def test_list_of_negatives(tmp_path: Path) -> None:
    path = tmp_path / "nested.jsonl"
    lines = [
        {"anchor": f"a {i}", "positive": f"p {i}", "negative": [f"n {i}", f"m {i}"]}
        for i in range(5)
    ]
    path.write_text("\n".join(json.dumps(line) for line in lines) + "\n")
    source = open_source(path)
    findings = check_data(source.frame, FORMATS["triplet"], TRIPLET)
    finding = only(findings, "nested_values")
    assert finding.fix_kind == "expand_negatives"
    assert finding.severity is Severity.ERROR


def test_nested_anchor_has_no_fix(tmp_path: Path) -> None:
    frame = pl.DataFrame({"anchor": [["a", "b"]], "positive": ["p"]})
    finding = only(check_data(frame.lazy(), FORMATS["pair"], PAIR), "nested_values")
    assert finding.fix_kind is None


def test_errors_sorted_first(tmp_path: Path) -> None:
    rows = pair_rows()
    rows[0][0] = ""
    rows[1][0] = f" {rows[1][0]}"
    findings = findings_for(tmp_path, "pair", PAIR, ["anchor", "positive"], rows)
    assert findings[0].severity is Severity.ERROR
    assert findings[-1].severity is Severity.INFO


def test_check_basic_skips_warnings(tmp_path: Path) -> None:
    rows = score_rows()
    for i, row in enumerate(rows):
        row[2] = i % 6
    path = write_rows(tmp_path / "s.csv", ["sentence1", "sentence2", "score"], rows)
    source = open_source(path)
    assert check_basic(source.frame, FORMATS["pair_score"], SCORE) == []


def test_row_numbers_survive_fixes(tmp_path: Path) -> None:
    from st_tui.data.fixes import Fix, apply_fixes

    rows = pair_rows()
    rows[2][0] = ""
    rows[10][1] = ""
    path = write_rows(tmp_path / "p.csv", ["anchor", "positive"], rows)
    source = open_source(path)
    fixed = apply_fixes(
        source.frame, [Fix("drop_empty", {"column": "anchor"})], keep_row_numbers=True
    )
    finding = only(check_data(fixed, FORMATS["pair"], PAIR), "empty_text")
    assert finding.rows == [11]


def test_source_rows_match_lines(tmp_path: Path) -> None:
    path = write_rows(tmp_path / "p.csv", ["anchor", "positive"], pair_rows())
    assert check_source(open_source(path)) == []


def test_source_quoted_newlines(tmp_path: Path) -> None:
    text = 'anchor,positive\n"one\ntwo",b\nc,d\n'
    path = tmp_path / "q.csv"
    path.write_text(text)
    finding = only(check_source(open_source(path)), "rows_span_lines")
    assert finding.facts == {"rows": 2, "lines": 3}


def test_stray_quote_names_start_line(tmp_path: Path) -> None:
    lines = ["anchor,positive", '"a, quoted",b', '"broken,c']
    lines += [f"x{i},y{i}" for i in range(5)]
    path = tmp_path / "stray.csv"
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(DataError, match="line 3 to 8: the record has 1 fields"):
        open_source(path)


def test_unclosed_quote_read_plain(tmp_path: Path) -> None:
    lines = ["anchor,positive", "a,b", '"broken,c'] + [f"x{i},y{i}" for i in range(5)]
    path = tmp_path / "stray.csv"
    path.write_text("\n".join(lines) + "\n")
    source = open_source(path)
    assert source.quote_char is None
    assert check_source(source) == []
    assert source.frame.collect().item(1, "anchor") == '"broken'


def test_source_skipped_lines(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text("anchor,positive\na,b\nc,d,e\nf,g\n")
    finding = only(
        check_source(open_source(path, skip_bad_lines=True)), "bad_lines_skipped"
    )
    assert finding.rows == [3]
    assert finding.fix_kind == "skip_bad_lines"


def test_source_parses_every_field(tmp_path: Path) -> None:
    rows = [f"a{i},p{i},{i % 5}" for i in range(20_000)]
    rows[12_000] = "x,y,1.5e"
    path = tmp_path / "late.csv"
    path.write_text("anchor,positive,score\n" + "\n".join(rows) + "\n")
    with pytest.raises(DataError, match=r"column 'score' has the value '1\.5e'"):
        check_source(open_source(path))


def test_check_all_applies_fixes(tmp_path: Path) -> None:
    from st_tui.data.check import check_all
    from st_tui.data.fixes import Fix

    rows = pair_rows()
    rows[4][0] = ""
    path = write_rows(tmp_path / "p.csv", ["anchor", "positive"], rows)
    source = open_source(path)
    before = check_all(source, FORMATS["pair"], PAIR, batch_size=64)
    assert codes(before) == {"empty_text", "too_few_rows"}
    after = check_all(
        source, FORMATS["pair"], PAIR, [Fix("drop_empty", {"column": "anchor"})]
    )
    assert after == []


def test_data_layer_imports_stay_light() -> None:
    import subprocess
    import sys

    modules = [
        "encoding",
        "text",
        "load",
        "detect",
        "findings",
        "fixes",
        "check_targets",
        "check",
    ]
    code = (
        "import sys\n"
        + "".join(f"import st_tui.data.{name}\n" for name in modules)
        + "print([m for m in ('textual', 'torch', 'sentence_transformers', "
        "'transformers', 'datasets') if m in sys.modules])\n"
    )
    output = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert output.stdout.strip() == "[]"


def messy_score_lines() -> list[str]:
    """Return pair_score CSV lines with repeats, empty texts, padding, bad scores."""
    lines = ["sentence1,sentence2,score"]
    for i, (a, b) in enumerate(zip(distinct(30, "x"), distinct(30, "y"), strict=True)):
        lines.append(f"{a},{b},{i / 10}")
    lines[4] = lines[3]
    lines[9] = lines[3]
    lines[6] = ",y only,0.5"
    lines[7] = '"  padded  ",y padded,0.25'
    lines[12] = "x bad,y bad,high"
    lines[15] = "x long " + "word " * 120 + ",y,0.1"
    return lines


MESSY_TEXT = "\n".join(messy_score_lines())
LAYOUTS = {
    "clean": MESSY_TEXT + "\n",
    "empty_lines_before": "\n\n" + MESSY_TEXT + "\n",
    "empty_lines_after": MESSY_TEXT + "\n\n\n",
    "empty_lines_between": MESSY_TEXT.replace("\nx 2", "\n\nx 2"),
    "crlf": "\r\n".join(messy_score_lines()) + "\r\n\r\n",
    "quoted_newline": MESSY_TEXT + '\n"x\nsplit",y,0.3\n',
}


@pytest.mark.parametrize("layout", list(LAYOUTS))
def test_check_all_matches_lazy_checks(tmp_path: Path, layout: str) -> None:
    from st_tui.data.check import check_all, read_rows

    path = tmp_path / f"{layout}.csv"
    path.write_bytes(LAYOUTS[layout].encode())
    source = open_source(path)
    options: dict[str, Any] = {"batch_size": 64, "max_seq_length": 32}
    fmt = FORMATS["pair_score"]
    assert read_rows(source).in_memory
    once = check_all(source, fmt, SCORE, **options)
    lazy = check_source(source) + check_data(source.frame, fmt, SCORE, **options)
    assert [f.to_dict() for f in once] == [f.to_dict() for f in lazy]
    assert codes(once) >= {"duplicate_rows", "empty_text", "score_not_number"}


def test_check_all_matches_lazy_jsonl(tmp_path: Path) -> None:
    from st_tui.data.check import check_all

    records = [
        {"sentence1": a, "sentence2": b, "score": i % 7}
        for i, (a, b) in enumerate(
            zip(distinct(30, "x"), distinct(30, "y"), strict=True)
        )
    ]
    records[5] = records[2]
    records[8]["sentence1"] = "   "
    records[9]["sentence2"] = None
    path = tmp_path / "scores.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in records) + "\n\n")
    source = open_source(path)
    fmt = FORMATS["pair_score"]
    once = check_all(source, fmt, SCORE, batch_size=64, max_seq_length=32)
    lazy = check_source(source) + check_data(
        source.frame, fmt, SCORE, batch_size=64, max_seq_length=32
    )
    assert [f.to_dict() for f in once] == [f.to_dict() for f in lazy]
    assert codes(once) >= {"duplicate_rows", "empty_text", "score_out_of_range"}


def test_source_empty_line_mismatch(tmp_path: Path) -> None:
    from st_tui.data.check import check_all

    path = tmp_path / "gap.csv"
    path.write_text("anchor,positive\na one,b one\n\na two,b two\n")
    finding = only(
        check_all(open_source(path), FORMATS["pair"], PAIR), "row_count_mismatch"
    )
    assert finding.facts == {"rows": 3, "lines": 2}


def test_large_file_stays_lazy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from st_tui.data import check
    from st_tui.data.check import check_all, read_rows

    text = "\n".join(messy_score_lines()) + "\n\n"
    path = tmp_path / "big.csv"
    path.write_text(text)
    source = open_source(path)
    fmt = FORMATS["pair_score"]
    in_memory = check_all(source, fmt, SCORE, max_seq_length=32)
    monkeypatch.setattr(check, "IN_MEMORY_SHARE", 0.0)
    parsed = read_rows(source)
    assert not parsed.in_memory
    assert parsed.count == len(text.splitlines()) - 1
    lazy = check_all(source, fmt, SCORE, max_seq_length=32)
    assert [f.to_dict() for f in lazy] == [f.to_dict() for f in in_memory]


def test_repeated_rows_match_exact() -> None:
    from st_tui.data.check_rows import repeated_rows
    from st_tui.data.findings import ROW

    frame = pl.DataFrame(
        {
            "text": ["a", "a", None, None, "b", "a", "", "", "b", "c"] * 150,
            "score": [0.0, -0.0, None, None, float("nan"), 0.0, 1.0, 1.0] * 150
            + [float("nan"), 2.0] * 150,
        }
    ).with_row_index(ROW, offset=1)
    exact = frame.filter(~pl.struct("text", "score").is_first_distinct())
    rows, count = repeated_rows(frame.lazy(), ["text", "score"])
    assert count == exact.height
    assert rows == exact.get_column(ROW).head(1000).to_list()


def test_repeated_rows_none() -> None:
    from st_tui.data.check_rows import repeated_rows
    from st_tui.data.findings import ROW

    frame = pl.DataFrame({"a": ["x", "y", "x"], "b": ["1", "1", "2"]})
    indexed = frame.with_row_index(ROW, offset=1).lazy()
    assert repeated_rows(indexed, ["a", "b"]) == ([], 0)


def test_available_memory_fallback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import psutil

    from st_tui.data import check

    direct = check._available_memory()
    assert direct > 0
    monkeypatch.setattr(check, "MEMINFO_PATH", str(tmp_path / "missing"))
    fallback = check._available_memory()
    assert abs(fallback - psutil.virtual_memory().available) < 2**30
