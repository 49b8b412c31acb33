"""Recorded fixes are replayed on the data before training."""

from __future__ import annotations

from pathlib import Path

import pytest

from st_tui.errors import DataError
from st_tui.training.config import parse_config
from st_tui.training.engine import prepare_data, run_training
from tests.conftest import make_format_rows, write_rows


def _broken_scores(tmp_path: Path) -> Path:
    header, rows = make_format_rows("pair_score", 40)
    rows[4][2] = "oops"
    return write_rows(tmp_path / "scores.csv", header, rows)


def _config(data: Path, tmp_path: Path, model: Path | None, fixes: list) -> object:
    return parse_config(
        {
            "model": str(model) if model else None,
            "data": {"path": str(data), "format": "pair_score", "fixes": fixes},
            "training": {"epochs": 1, "batch_size": 8, "max_seq_length": 32},
            "output_dir": str(tmp_path / "out"),
        }
    )


def test_unfixed_bad_score_blocks(tmp_path: Path) -> None:
    config = _config(_broken_scores(tmp_path), tmp_path, None, [])

    with pytest.raises(DataError, match="Row 5"):
        prepare_data(config)


def test_recorded_fixes_are_replayed(tmp_path: Path) -> None:
    fixes = [
        {"kind": "drop_invalid_scores", "params": {"column": "relatedness_score"}},
        {
            "kind": "rescale_scores",
            "params": {"column": "relatedness_score", "low": 1.0, "high": 5.0},
        },
    ]
    config = _config(_broken_scores(tmp_path), tmp_path, None, fixes)

    splits = prepare_data(config)

    total = splits.train.frame.height + (
        splits.validation.frame.height if splits.validation else 0
    )
    assert total == 39
    scores = splits.train.frame.get_column("score")
    assert scores.min() >= 0.0
    assert scores.max() <= 1.0


def test_unknown_fix_is_rejected(tmp_path: Path) -> None:
    config = _config(_broken_scores(tmp_path), tmp_path, None, [{"kind": "tidy"}])

    with pytest.raises(DataError, match="Unknown fix 'tidy'"):
        prepare_data(config)


def test_training_runs_after_fixes(tmp_path: Path, tiny_model: Path) -> None:
    fixes = [{"kind": "drop_invalid_scores", "params": {"column": "relatedness_score"}}]
    config = _config(_broken_scores(tmp_path), tmp_path, tiny_model, fixes)

    result = run_training(config, lambda event: None)

    assert result.kind == "finished"
