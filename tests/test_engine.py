"""Tests of the training engine on a tiny random model, one run per case.

Each run trains the tiny BERT (built once per test run) for one epoch on generated
rows. A run takes well under a second once sentence_transformers is imported.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from st_tui.data.check import validate_mapping
from st_tui.errors import DataError, TrainingError
from st_tui.formats import FORMAT_NAMES, get_format
from st_tui.training import engine
from st_tui.training.config import DataConfig, TrainConfig, TrainingParams
from st_tui.training.engine import planned_steps, run_training
from st_tui.training.events import (
    CheckpointSaved,
    EvaluationDone,
    Event,
    StepLogged,
    TrainingCancelled,
    TrainingFailed,
    TrainingFinished,
    TrainingStarted,
)
from tests.conftest import make_format_rows, make_sentences, write_rows

PROBE_SENTENCES = make_sentences(6, seed=99)


def make_config(
    model: Path,
    data: Path,
    fmt: str,
    output: Path,
    columns: dict[str, str] | None = None,
    **training: Any,
) -> TrainConfig:
    params: dict[str, Any] = {
        "epochs": 1,
        "batch_size": 8,
        "max_seq_length": 32,
        "num_threads": 1,
    }
    params.update(training)
    return TrainConfig(
        model=str(model),
        data=DataConfig(path=str(data), format=fmt, columns=columns or {}),
        training=TrainingParams(**params),
        output_dir=str(output),
    )


class Recorder:
    """An event handler that keeps every event."""

    def __init__(self) -> None:
        self.events: list[Event] = []

    def __call__(self, event: Event) -> None:
        self.events.append(event)

    def of(self, kind: type[Event]) -> list[Any]:
        return [event for event in self.events if isinstance(event, kind)]


class TrainerSpy:
    """What the engine handed to SentenceTransformerTrainer."""

    def __init__(self) -> None:
        self.train_columns: list[list[str]] = []
        self.eval_columns: list[list[str] | None] = []
        self.batch_sampler_setting: list[Any] = []
        self.batch_samplers: list[str] = []


@pytest.fixture
def trainer_spy(monkeypatch: pytest.MonkeyPatch) -> Iterator[TrainerSpy]:
    """Replace SentenceTransformerTrainer by a subclass that records its input."""
    import sentence_transformers

    spy = TrainerSpy()
    base = sentence_transformers.SentenceTransformerTrainer

    class SpyTrainer(base):  # type: ignore[misc, valid-type]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            train = kwargs.get("train_dataset")
            evaluation = kwargs.get("eval_dataset")
            spy.train_columns.append(list(train.column_names))
            spy.eval_columns.append(
                list(evaluation.column_names) if evaluation is not None else None
            )
            spy.batch_sampler_setting.append(kwargs["args"].batch_sampler)
            super().__init__(*args, **kwargs)

        def get_batch_sampler(self, *args: Any, **kwargs: Any) -> Any:
            sampler = super().get_batch_sampler(*args, **kwargs)
            spy.batch_samplers.append(type(sampler).__name__)
            return sampler

    monkeypatch.setattr(sentence_transformers, "SentenceTransformerTrainer", SpyTrainer)
    yield spy


def encode_saved(model_path: Path) -> np.ndarray:
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(str(model_path), device="cpu", local_files_only=True)
    embeddings: np.ndarray = model.encode(PROBE_SENTENCES, convert_to_numpy=True)
    return embeddings


@pytest.mark.parametrize("fmt", FORMAT_NAMES)
def test_trains_every_format(
    fmt: str, tiny_model: Path, format_file: Any, tmp_path: Path
) -> None:
    data = format_file(fmt, 64)
    config = make_config(tiny_model, data, fmt, tmp_path / "out")
    recorder = Recorder()

    result = run_training(config, recorder)

    assert isinstance(result, TrainingFinished)
    model_path = tmp_path / "out" / "model"
    assert result.model_path == str(model_path)
    assert (model_path / "modules.json").is_file()
    embeddings = encode_saved(model_path)
    assert embeddings.shape == (len(PROBE_SENTENCES), 32)
    assert np.isfinite(embeddings).all()
    assert recorder.of(TrainingFailed) == []
    started = recorder.of(TrainingStarted)[0]
    assert started.loss == get_format(fmt).default_loss
    assert started.train_rows + started.validation_rows == 64
    assert result.step == started.total_steps


def test_pair_class_saves_label_names(
    tiny_model: Path, format_file: Any, tmp_path: Path
) -> None:
    data = format_file("pair_class", 48)
    config = make_config(tiny_model, data, "pair_class", tmp_path / "out")
    result = run_training(config, Recorder())
    assert isinstance(result, TrainingFinished)
    names = json.loads((tmp_path / "out" / "model" / "label_names.json").read_text())
    assert names == ["CONTRADICTION", "ENTAILMENT", "NEUTRAL"]
    assert "validation_accuracy" in result.metrics


def test_max_seq_length_saved(
    tiny_model: Path, format_file: Any, tmp_path: Path
) -> None:
    from sentence_transformers import SentenceTransformer

    data = format_file("pair_score", 32)
    config = make_config(tiny_model, data, "pair_score", tmp_path / "out")
    config.training.max_seq_length = 20
    run_training(config, Recorder())

    model_path = tmp_path / "out" / "model"
    # sentence-transformers 6 stores the limit as the tokenizer's model_max_length;
    # older releases wrote max_seq_length to sentence_bert_config.json as well.
    bert_config = json.loads((model_path / "sentence_bert_config.json").read_text())
    assert bert_config.get("max_seq_length", 20) == 20
    tokenizer_config = json.loads((model_path / "tokenizer_config.json").read_text())
    assert tokenizer_config["model_max_length"] == 20
    reloaded = SentenceTransformer(str(model_path), local_files_only=True)
    assert reloaded.max_seq_length == 20
    features = reloaded.tokenize([" ".join(["a man plays"] * 20)])
    assert features["input_ids"].shape[1] == 20


def test_seed_makes_runs_identical(
    tiny_model: Path, format_file: Any, tmp_path: Path
) -> None:
    data = format_file("pair", 64)
    for name in ("first", "second"):
        config = make_config(tiny_model, data, "pair", tmp_path / name, seed=7)
        run_training(config, Recorder())
    other = make_config(tiny_model, data, "pair", tmp_path / "other", seed=8)
    run_training(other, Recorder())

    first = encode_saved(tmp_path / "first" / "model")
    second = encode_saved(tmp_path / "second" / "model")
    different = encode_saved(tmp_path / "other" / "model")
    np.testing.assert_array_equal(first, second)
    assert not np.allclose(first, different)


def test_dataset_holds_roles_in_order(
    tiny_model: Path, trainer_spy: TrainerSpy, tmp_path: Path
) -> None:
    _, rows = make_format_rows("pair_score", 40)
    # Reorder the columns, add two that are not roles, and map by name.
    shuffled = [
        [row[2], f"id-{i}", row[1], "note", row[0]] for i, row in enumerate(rows)
    ]
    data = write_rows(
        tmp_path / "scores.csv",
        ["gold", "row_id", "second_text", "comment", "first_text"],
        shuffled,
    )
    columns = {"sentence1": "first_text", "sentence2": "second_text", "score": "gold"}
    config = make_config(
        tiny_model, data, "pair_score", tmp_path / "out", columns=columns
    )

    run_training(config, Recorder())

    assert trainer_spy.train_columns == [["sentence1", "sentence2", "score"]]
    assert trainer_spy.eval_columns == [["sentence1", "sentence2", "score"]]


def test_dataset_values_follow_mapping(
    tiny_model: Path, format_file: Any, tmp_path: Path
) -> None:
    # Swapping anchor and positive in the mapping must swap them in the dataset.
    data = format_file("triplet", 16)
    config = make_config(
        tiny_model,
        data,
        "triplet",
        tmp_path / "out",
        columns={"anchor": "negative", "positive": "positive", "negative": "anchor"},
    )
    config.data.validation_split = 0.0
    splits = engine.prepare_data(config)
    _, rows = make_format_rows("triplet", 16)
    frame = splits.train.frame
    assert frame.columns == ["anchor", "positive", "negative"]
    assert frame.get_column("anchor").to_list() == [row[2] for row in rows]
    assert frame.get_column("negative").to_list() == [row[0] for row in rows]


@pytest.mark.parametrize(
    ("fmt", "setting", "sampler"),
    [
        ("pair", "no_duplicates", "NoDuplicatesBatchSampler"),
        ("qa", "no_duplicates", "NoDuplicatesBatchSampler"),
        ("triplet", "no_duplicates", "NoDuplicatesBatchSampler"),
        ("pair_score", "batch_sampler", "DefaultBatchSampler"),
    ],
)
def test_batch_sampler_for_loss(
    fmt: str,
    setting: str,
    sampler: str,
    tiny_model: Path,
    format_file: Any,
    trainer_spy: TrainerSpy,
    tmp_path: Path,
) -> None:
    data = format_file(fmt, 32)
    config = make_config(tiny_model, data, fmt, tmp_path / "out")
    run_training(config, Recorder())
    settings = [getattr(v, "value", v) for v in trainer_spy.batch_sampler_setting]
    assert settings == [setting]
    assert trainer_spy.batch_samplers
    assert trainer_spy.batch_samplers[0] == sampler


def test_cancel_keeps_checkpoint(
    tiny_model: Path, format_file: Any, tmp_path: Path
) -> None:
    data = format_file("pair", 64)
    config = make_config(tiny_model, data, "pair", tmp_path / "out", batch_size=4)
    stop = threading.Event()
    recorder = Recorder()

    def stop_after_first_step(event: Event) -> None:
        recorder(event)
        if isinstance(event, StepLogged):
            stop.set()

    result = run_training(config, stop_after_first_step, stop=stop)

    assert isinstance(result, TrainingCancelled)
    started = recorder.of(TrainingStarted)[0]
    assert 0 < result.step < started.total_steps
    assert result.checkpoint is not None
    checkpoint = Path(result.checkpoint)
    assert checkpoint == tmp_path / "out" / "checkpoints" / f"checkpoint-{result.step}"
    assert (checkpoint / "trainer_state.json").is_file()
    assert not (tmp_path / "out" / "model").exists()
    assert recorder.events[-1] == result
    assert recorder.of(TrainingFinished) == []
    saved = [event.path for event in recorder.of(CheckpointSaved)]
    assert str(checkpoint) in saved


def test_cancel_before_training(
    tiny_model: Path, format_file: Any, tmp_path: Path
) -> None:
    data = format_file("pair_score", 32)
    config = make_config(tiny_model, data, "pair_score", tmp_path / "out")
    stop = threading.Event()
    stop.set()
    recorder = Recorder()

    result = run_training(config, recorder, stop=stop)

    assert isinstance(result, TrainingCancelled)
    assert result.step == 0
    assert result.checkpoint is None
    assert recorder.of(StepLogged) == []
    assert isinstance(recorder.events[-1], TrainingCancelled)


def test_bad_mapping_lists_columns(
    tiny_model: Path, format_file: Any, tmp_path: Path
) -> None:
    data = format_file("pair_score", 16, name="scores.csv")
    config = make_config(
        tiny_model,
        data,
        "pair_score",
        tmp_path / "out",
        columns={"score": "similarity"},
    )
    recorder = Recorder()

    with pytest.raises(DataError) as caught:
        run_training(config, recorder)

    message = str(caught.value)
    assert "'similarity'" in message
    assert "not found" in message
    for column in ("'sentence_A'", "'sentence_B'", "'relatedness_score'"):
        assert column in message
    failed = recorder.of(TrainingFailed)
    assert len(failed) == 1
    assert failed[0].message == message
    assert recorder.of(TrainingStarted) == []


def test_unmapped_role_lists_columns(tiny_model: Path, tmp_path: Path) -> None:
    data = write_rows(tmp_path / "x.csv", ["text", "rank"], [["a man", 1]] * 10)
    config = make_config(tiny_model, data, "pair", tmp_path / "out")
    with pytest.raises(DataError) as caught:
        run_training(config, Recorder())
    message = str(caught.value)
    assert "'positive'" in message
    assert "'text', 'rank'" in message


def test_mapping_one_column_twice() -> None:
    fmt = get_format("pair")
    with pytest.raises(DataError) as caught:
        validate_mapping(fmt, {"anchor": "a", "positive": "a"}, ["a", "b"], "f.csv")
    assert "'a'" in str(caught.value)
    assert "more than one role" in str(caught.value)


def test_blocking_finding_stops_run(tiny_model: Path, tmp_path: Path) -> None:
    header, rows = make_format_rows("pair_score", 20)
    rows[4][2] = "high"
    data = write_rows(tmp_path / "scores.csv", header, rows)
    config = make_config(tiny_model, data, "pair_score", tmp_path / "out")
    with pytest.raises(DataError) as caught:
        run_training(config, Recorder())
    assert "Row 5" in str(caught.value)
    assert "'high'" in str(caught.value)


def test_events_ordered(tiny_model: Path, format_file: Any, tmp_path: Path) -> None:
    data = format_file("pair_score", 64)
    config = make_config(tiny_model, data, "pair_score", tmp_path / "out")
    recorder = Recorder()

    run_training(config, recorder)

    events = recorder.events
    assert isinstance(events[0], TrainingStarted)
    assert isinstance(events[-1], TrainingFinished)
    assert sum(isinstance(e, TrainingStarted) for e in events) == 1
    assert sum(isinstance(e, TrainingFinished) for e in events) == 1
    baseline = recorder.of(EvaluationDone)[0]
    assert baseline.baseline
    assert baseline.step == 0
    assert events.index(baseline) == 1
    steps = [event.step for event in recorder.of(StepLogged)]
    assert steps == sorted(steps)
    started = events[0]
    assert isinstance(started, TrainingStarted)
    assert steps[-1] == started.total_steps
    evaluations = recorder.of(EvaluationDone)
    assert len(evaluations) >= 2
    for evaluation in evaluations:
        assert evaluation.primary == "validation_spearman_cosine"
        assert evaluation.primary in evaluation.metrics
    assert "eval_loss" in evaluations[-1].metrics
    finished = events[-1]
    assert isinstance(finished, TrainingFinished)
    assert finished.primary == "validation_spearman_cosine"
    assert finished.primary in finished.metrics
    assert finished.primary in finished.baseline_metrics


def test_step_events_throttled(
    tiny_model: Path,
    format_file: Any,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # With an interval no run reaches, only the forced report of the last step is
    # left: every other step report is throttled away.
    monkeypatch.setattr(engine, "PROGRESS_INTERVAL_SECONDS", 1e12)
    data = format_file("pair", 64)
    config = make_config(
        tiny_model, data, "pair", tmp_path / "out", batch_size=4, logging_steps=1
    )
    recorder = Recorder()

    run_training(config, recorder)

    started = recorder.of(TrainingStarted)[0]
    step_events = recorder.of(StepLogged)
    assert started.total_steps > 5
    assert [event.step for event in step_events] == [started.total_steps]


def test_step_events_unthrottled(
    tiny_model: Path,
    format_file: Any,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(engine, "PROGRESS_INTERVAL_SECONDS", 0.0)
    data = format_file("pair", 64)
    config = make_config(
        tiny_model, data, "pair", tmp_path / "out", batch_size=4, logging_steps=1
    )
    recorder = Recorder()

    run_training(config, recorder)

    started = recorder.of(TrainingStarted)[0]
    steps = {event.step for event in recorder.of(StepLogged)}
    assert steps == set(range(1, started.total_steps + 1))
    losses = [event.loss for event in recorder.of(StepLogged)]
    assert any(loss is not None for loss in losses)


@pytest.mark.parametrize("interval", [0.0, 1e12])
def test_loss_logged_by_time(
    tiny_model: Path,
    format_file: Any,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    interval: float,
) -> None:
    # Without logging_steps, the loss is logged whenever the progress interval has
    # passed, and otherwise only every 50 steps: here only at the last step, after
    # the forced report of that step, which therefore has no loss yet.
    monkeypatch.setattr(engine, "PROGRESS_INTERVAL_SECONDS", interval)
    data = format_file("pair", 64)
    config = make_config(tiny_model, data, "pair", tmp_path / "out", batch_size=4)
    recorder = Recorder()

    run_training(config, recorder)

    started = recorder.of(TrainingStarted)[0]
    with_loss = {event.step for event in recorder.of(StepLogged) if event.loss}
    assert 5 < started.total_steps < 50
    if interval == 0.0:
        assert with_loss == set(range(1, started.total_steps + 1))
    else:
        assert with_loss == set()


def test_planned_steps() -> None:
    config = TrainConfig(
        data=DataConfig(path="x.csv", format="pair"),
        training=TrainingParams(epochs=2, batch_size=8, gradient_accumulation_steps=2),
    )
    assert planned_steps(100, config) == 14
    config.training.max_steps = 5
    assert planned_steps(100, config) == 5


def test_separate_validation_file(
    tiny_model: Path, format_file: Any, tmp_path: Path
) -> None:
    train = format_file("triplet", 40, name="train.csv")
    validation = format_file("triplet", 12, name="dev.csv")
    config = make_config(tiny_model, train, "triplet", tmp_path / "out")
    config.data.validation_path = str(validation)
    recorder = Recorder()

    result = run_training(config, recorder)

    started = recorder.of(TrainingStarted)[0]
    assert started.train_rows == 40
    assert started.validation_rows == 12
    assert isinstance(result, TrainingFinished)
    assert result.primary is not None
    assert result.primary in result.metrics


def test_no_validation_rows(tiny_model: Path, format_file: Any, tmp_path: Path) -> None:
    data = format_file("qa", 24)
    config = make_config(tiny_model, data, "qa", tmp_path / "out")
    config.data.validation_split = 0.0
    recorder = Recorder()

    result = run_training(config, recorder)

    assert isinstance(result, TrainingFinished)
    assert recorder.of(EvaluationDone) == []
    assert result.metrics == {}
    assert result.primary is None
    assert recorder.of(TrainingStarted)[0].validation_rows == 0


def test_validation_label_unseen_in_training(tiny_model: Path, tmp_path: Path) -> None:
    header, rows = make_format_rows("pair_class", 30)
    train = write_rows(tmp_path / "train.csv", header, rows)
    dev_rows = [
        [rows[0][0], rows[0][1], "UNRELATED"],
        [rows[1][0], rows[1][1], "ENTAILMENT"],
    ]
    dev = write_rows(tmp_path / "dev.csv", header, dev_rows)
    config = make_config(tiny_model, train, "pair_class", tmp_path / "out")
    config.data.validation_path = str(dev)

    with pytest.raises(DataError) as caught:
        run_training(config, Recorder())

    assert "'UNRELATED'" in str(caught.value)
    assert "CONTRADICTION, ENTAILMENT, NEUTRAL" in str(caught.value)


def test_fp16_without_gpu_fails(
    tiny_model: Path, format_file: Any, tmp_path: Path
) -> None:
    import torch

    if torch.cuda.is_available():
        pytest.skip("this machine has a CUDA GPU")
    data = format_file("pair", 16)
    config = make_config(
        tiny_model, data, "pair", tmp_path / "out", mixed_precision="fp16"
    )
    recorder = Recorder()

    with pytest.raises(TrainingError) as caught:
        run_training(config, recorder)

    assert "'fp16'" in str(caught.value)
    assert "CUDA" in str(caught.value)
    assert [event.kind for event in recorder.events] == ["failed"]


def test_out_of_memory_message() -> None:
    config = TrainConfig(
        data=DataConfig(path="x.csv", format="pair"),
        training=TrainingParams(batch_size=256, max_seq_length=512),
    )
    error = RuntimeError("CUDA out of memory. Tried to allocate 2.00 GiB")
    message = engine._describe_failure(error, config)
    assert "batch size 256" in message
    assert "max_seq_length 512" in message
    assert "gradient_accumulation_steps" in message


def test_validation_file_one_class(tiny_model: Path, tmp_path: Path) -> None:
    # A classifier needs two classes to train, but validation rows of one class
    # can still score it.
    header, rows = make_format_rows("pair_class", 30)
    train = write_rows(tmp_path / "train.csv", header, rows)
    dev_rows = [[row[0], row[1], "NEUTRAL"] for row in rows[:4]]
    dev = write_rows(tmp_path / "dev.csv", header, dev_rows)
    config = make_config(tiny_model, train, "pair_class", tmp_path / "out")
    config.data.validation_path = str(dev)

    result = run_training(config, Recorder())

    assert isinstance(result, TrainingFinished)
    assert "validation_accuracy" in result.metrics
