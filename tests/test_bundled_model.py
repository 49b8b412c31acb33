"""One short real run of the bundled all-MiniLM-L6-v2, offline.

Marked slow (it loads an 88 MB model and trains it on the CPU) but part of the
default test run: deselect it with `-m "not slow"`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from st_tui.training.config import DataConfig, TrainConfig, TrainingParams
from st_tui.training.engine import run_training
from st_tui.training.events import Event, TrainingFinished, TrainingStarted
from st_tui.training.models import bundled_model_path

pytestmark = pytest.mark.slow

PROBES = ["a man plays the guitar", "the cat is eating"]


def test_bundled_model_fine_tunes(format_file: Any, tmp_path: Path) -> None:
    from sentence_transformers import SentenceTransformer

    bundled = bundled_model_path()
    assert bundled is not None
    data = format_file("pair", 64)
    config = TrainConfig(
        model=None,
        data=DataConfig(path=str(data), format="pair", validation_split=0.125),
        training=TrainingParams(
            epochs=1, batch_size=16, max_seq_length=32, num_threads=1
        ),
        output_dir=str(tmp_path / "out"),
    )
    events: list[Event] = []

    result = run_training(config, events.append)

    assert isinstance(result, TrainingFinished)
    started = events[0]
    assert isinstance(started, TrainingStarted)
    assert started.model == str(bundled)
    assert started.train_rows == 56
    assert started.validation_rows == 8
    assert result.primary is not None
    assert result.primary in result.metrics

    model_path = tmp_path / "out" / "model"
    tokenizer_config = json.loads((model_path / "tokenizer_config.json").read_text())
    assert tokenizer_config["model_max_length"] == 32

    tuned = SentenceTransformer(str(model_path), device="cpu", local_files_only=True)
    original = SentenceTransformer(str(bundled), device="cpu", local_files_only=True)
    tuned_embeddings = tuned.encode(PROBES, convert_to_numpy=True)
    original_embeddings = original.encode(PROBES, convert_to_numpy=True)
    assert tuned.max_seq_length == 32
    assert tuned_embeddings.shape == (2, 384)
    assert np.isfinite(tuned_embeddings).all()
    assert not np.allclose(tuned_embeddings, original_embeddings)
