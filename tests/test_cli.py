"""The st-tui command: headless training, one-line errors and the command list."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from st_tui.cli import cli


def _config(tmp_path: Path, model: Path, data: Path, sentence2: str) -> Path:
    path = tmp_path / "run.yaml"
    path.write_text(
        f"""
model: {model}
data:
  path: {data.name}
  format: pair_score
  columns: {{sentence1: sentence_A, sentence2: {sentence2}, score: relatedness_score}}
training: {{epochs: 1, batch_size: 8, max_seq_length: 32, num_threads: 1}}
output_dir: out
""",
        encoding="utf-8",
    )
    return path


def _run(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "HF_HUB_OFFLINE": "1"}
    command = [sys.executable, "-m", "st_tui.cli", "--home", str(home), *args]
    return subprocess.run(
        command, env=environment, capture_output=True, text=True, timeout=300
    )


def test_train_succeeds_and_saves_model(
    tmp_path: Path, tiny_model: Path, format_file
) -> None:
    data = format_file("pair_score", count=32)
    config = _config(tmp_path, tiny_model, data, "sentence_B")

    result = _run(tmp_path / "home", "train", str(config))

    assert result.returncode == 0, result.stderr
    assert result.stderr.startswith("Session: ")
    assert (tmp_path / "out" / "model" / "modules.json").is_file()


def test_train_misspelled_column_one_line(
    tmp_path: Path, tiny_model: Path, format_file
) -> None:
    data = format_file("pair_score", count=32)
    config = _config(tmp_path, tiny_model, data, "sentence_Bx")

    result = _run(tmp_path / "home", "train", str(config))

    assert result.returncode == 1
    errors = [line for line in result.stderr.splitlines() if "error" in line]
    assert len(errors) == 1
    assert "column 'sentence_Bx'" in errors[0]
    assert "'sentence_A', 'sentence_B', 'relatedness_score'" in errors[0]
    assert "Traceback" not in result.stderr


def test_train_missing_config_fails(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli, ["--home", str(tmp_path), "train", str(tmp_path / "none.yaml")]
    )

    assert result.exit_code == 1
    assert "config file not found" in result.output


def test_help_lists_every_command() -> None:
    result = CliRunner().invoke(cli, ["--help"])

    assert result.exit_code == 0
    for command in ("check", "train", "resume", "sessions", "wizard", "--home"):
        assert command in result.output


def test_check_command_registered(format_file) -> None:
    data = format_file("pair", count=16)

    result = CliRunner().invoke(cli, ["check", str(data), "--json"])

    assert result.exit_code == 0, result.output
    assert '"pair"' in result.output


def test_unknown_path_opens_no_wizard(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, [str(tmp_path / "missing.csv")])

    assert result.exit_code == 2
    assert "file or folder not found" in result.output
