"""The check command: exit codes 0, 1 and 2, the table and the JSON report."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner, Result

from st_tui.commands.check import check_command
from tests.conftest import make_format_rows, write_rows

REPORT_KEYS = {
    "schema_version",
    "path",
    "source",
    "format",
    "detected_format",
    "reason",
    "alternatives",
    "mapping",
    "findings",
    "errors",
    "can_train",
    "exit_code",
}
FINDING_KEYS = {
    "code",
    "severity",
    "message",
    "fix",
    "role",
    "column",
    "rows",
    "count",
    "fix_kind",
    "fix_params",
    "facts",
    "split",
}


def invoke(*args: str) -> Result:
    return CliRunner().invoke(check_command, list(args))


def test_clean_file_exits_zero(tmp_path: Path) -> None:
    header, rows = make_format_rows("pair_score", 40)
    path = write_rows(tmp_path / "scores.csv", header, rows)
    result = invoke(str(path))
    assert result.exit_code == 0, result.output
    assert "Format: pair_score" in result.output
    assert "within 1..5" in result.output
    assert "Training can start." in result.output


def test_blocking_finding_exits_one(tmp_path: Path) -> None:
    header, rows = make_format_rows("pair", 10)
    rows[3][1] = ""
    path = write_rows(tmp_path / "pairs.csv", header, rows)
    result = invoke(str(path))
    assert result.exit_code == 1
    assert "empty_text" in result.output
    assert "1 error blocks training. Fix it and check again." in result.output


def test_unreadable_file_exits_two(tmp_path: Path) -> None:
    path = tmp_path / "image.csv"
    path.write_bytes(bytes(range(256)) * 10)
    result = invoke(str(path))
    assert result.exit_code == 2
    assert "binary data" in result.output


def test_missing_file_exits_two(tmp_path: Path) -> None:
    result = invoke(str(tmp_path / "nope.csv"))
    assert result.exit_code == 2
    assert "file not found" in result.output


def test_bad_map_column_exits_two(tmp_path: Path) -> None:
    header, rows = make_format_rows("pair", 10)
    path = write_rows(tmp_path / "pairs.csv", header, rows)
    result = invoke(str(path), "--map", "anchor=nope")
    assert result.exit_code == 2
    assert "column 'nope' (mapped to 'anchor') not found" in result.output


def test_map_without_equals_exits_two(tmp_path: Path) -> None:
    header, rows = make_format_rows("pair", 10)
    path = write_rows(tmp_path / "pairs.csv", header, rows)
    result = invoke(str(path), "--map", "anchor")
    assert result.exit_code == 2
    assert "expected ROLE=COLUMN" in result.output


def test_json_report_schema(tmp_path: Path) -> None:
    header, rows = make_format_rows("pair_class", 30)
    path = write_rows(tmp_path / "labels.tsv", header, rows)
    result = invoke(str(path), "--json", "--batch-size", "64")
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert set(report) == REPORT_KEYS
    assert report["format"] == "pair_class"
    assert report["mapping"] == {
        "premise": "sentence_A",
        "hypothesis": "sentence_B",
        "label": "entailment_judgment",
    }
    assert report["can_train"] is True
    for finding in report["findings"]:
        assert set(finding) == FINDING_KEYS
    found = {f["code"] for f in report["findings"]}
    assert "too_few_rows" in found
    assert "label_strings" in found


def test_json_error_report(tmp_path: Path) -> None:
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    result = invoke(str(path), "--json")
    assert result.exit_code == 2
    report = json.loads(result.output)
    assert report["can_train"] is False
    assert "the file is empty" in report["error"]


def test_format_and_map_options(tmp_path: Path) -> None:
    path = tmp_path / "data.csv"
    path.write_text("q,a,extra\nwhy,because,x\nhow,like this,y\n")
    result = invoke(str(path), "--format", "qa", "--map", "answer=a", "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["mapping"] == {"query": "q", "answer": "a"}
    assert report["reason"].endswith("(chosen by option)")


def test_skip_bad_lines_option(tmp_path: Path) -> None:
    path = tmp_path / "ragged.csv"
    path.write_text("anchor,positive\na,b\nc,d,e\nf,g\n")
    assert invoke(str(path)).exit_code == 2
    result = invoke(str(path), "--skip-bad-lines", "--json")
    assert result.exit_code == 0, result.output
    codes = [f["code"] for f in json.loads(result.output)["findings"]]
    assert "bad_lines_skipped" in codes


def test_import_loads_no_torch() -> None:
    code = (
        "import sys\n"
        "import st_tui.commands.check\n"
        "heavy = [m for m in ('torch', 'sentence_transformers', 'textual') "
        "if m in sys.modules]\n"
        "print(','.join(heavy))\n"
    )
    output = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert output.stdout.strip() == ""


def test_tokenizer_counts_lengths(tmp_path: Path, tiny_model: Path) -> None:
    header, rows = make_format_rows("pair", 20)
    rows[2][0] = " ".join(["a man plays in the park"] * 10)
    path = write_rows(tmp_path / "pairs.csv", header, rows)
    args = [str(path), "--json", "--max-seq-length", "16", "--tokenizer"]
    result = invoke(*args, str(tiny_model))
    assert result.exit_code == 0, result.output
    findings = json.loads(result.output)["findings"]
    long = [f for f in findings if f["code"] == "text_too_long"]
    assert long[0]["rows"] == [3]
    assert long[0]["facts"]["method"] == "tokenizer"


def test_missing_tokenizer_exits_two(tmp_path: Path) -> None:
    header, rows = make_format_rows("pair", 10)
    path = write_rows(tmp_path / "pairs.csv", header, rows)
    result = invoke(str(path), "--max-seq-length", "16", "--tokenizer", "no/model")
    assert result.exit_code == 2
    assert "Could not load the tokenizer 'no/model'" in result.output


def test_tokenizer_needs_max_length(tmp_path: Path) -> None:
    result = invoke(str(tmp_path / "x.csv"), "--tokenizer", "model")
    assert result.exit_code == 2
    assert "--tokenizer needs --max-seq-length" in result.output
