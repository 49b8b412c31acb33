"""Tests of training events: JSON round trips, the JSONL sink, fan-out and printing."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from rich.console import Console

from st_tui.training.events import (
    EVENT_KINDS,
    CheckpointSaved,
    EvaluationDone,
    Event,
    JsonlSink,
    StepLogged,
    TrainingCancelled,
    TrainingFailed,
    TrainingFinished,
    TrainingStarted,
    event_from_json,
    fan_out,
    read_events,
)
from st_tui.training.progress import ConsoleProgress, format_seconds

SAMPLES: list[Event] = [
    TrainingStarted(
        total_steps=30,
        epochs=3.0,
        train_rows=80,
        validation_rows=8,
        model="all-MiniLM-L6-v2",
        loss="CoSENTLoss",
        device="cpu",
        resumed_from_step=5,
        time=1.5,
    ),
    StepLogged(
        step=3,
        total_steps=30,
        epoch=0.3,
        loss=0.25,
        learning_rate=3e-5,
        samples_per_second=12.5,
        eta_seconds=None,
        elapsed_seconds=2.0,
        memory_mb=512.0,
        time=2.5,
    ),
    EvaluationDone(
        step=10,
        metrics={"validation_spearman_cosine": 0.81},
        primary="validation_spearman_cosine",
        baseline=True,
        time=3.5,
    ),
    CheckpointSaved(step=10, path="/runs/x/checkpoints/checkpoint-10", time=4.5),
    TrainingFinished(
        model_path="/runs/x/model",
        step=30,
        metrics={"validation_spearman_cosine": 0.86},
        baseline_metrics={"validation_spearman_cosine": 0.81},
        primary="validation_spearman_cosine",
        elapsed_seconds=42.0,
        time=5.5,
    ),
    TrainingCancelled(step=12, checkpoint=None, time=6.5),
    TrainingFailed(message="Out of memory at batch size 64.", step=7, time=7.5),
]


def test_every_kind_sampled() -> None:
    assert {type(event) for event in SAMPLES} == set(EVENT_KINDS)


@pytest.mark.parametrize("event", SAMPLES, ids=lambda e: e.kind)
def test_json_round_trip(event: Event) -> None:
    line = event.to_json()
    assert "\n" not in line
    assert json.loads(line)["kind"] == event.kind
    rebuilt = event_from_json(line)
    assert type(rebuilt) is type(event)
    assert rebuilt == event


def test_kind_names() -> None:
    kinds = [event.kind for event in SAMPLES]
    expected = ["started", "step", "eval", "checkpoint", "finished", "cancelled"]
    assert kinds == [*expected, "failed"]


def test_time_defaults_to_now() -> None:
    event = CheckpointSaved(step=1, path="p")
    assert event.time > 1_700_000_000


def test_unknown_kind_rejected() -> None:
    with pytest.raises(ValueError):
        event_from_json('{"kind": "exploded", "step": 1}')
    with pytest.raises(ValueError):
        event_from_json('{"step": 1}')


def test_sink_appends_lines(tmp_path: Path) -> None:
    path = tmp_path / "session" / "events.jsonl"
    sink = JsonlSink(path)
    for event in SAMPLES[:3]:
        sink(event)
    sink.close()
    second = JsonlSink(path)
    for event in SAMPLES[3:]:
        second(event)
    second.close()
    lines = path.read_text(encoding="utf-8").splitlines()
    assert len(lines) == len(SAMPLES)
    assert read_events(path) == SAMPLES


def test_sink_flushes_each_line(tmp_path: Path) -> None:
    path = tmp_path / "events.jsonl"
    sink = JsonlSink(path)
    sink(SAMPLES[0])
    # Another process reads the file while training goes on.
    assert read_events(path) == [SAMPLES[0]]
    sink.close()


def test_read_skips_damaged_lines(tmp_path: Path) -> None:
    path = tmp_path / "events.jsonl"
    good = [SAMPLES[0].to_json(), SAMPLES[1].to_json()]
    text = "\n".join(
        [good[0], '{"kind": "step", "step": ', '{"kind": "nope"}', good[1], ""]
    )
    path.write_text(text + '{"kind": "checkpoint", "step": 1, "unknown": 2}\n')
    assert read_events(path) == SAMPLES[:2]


def test_fan_out_calls_each_in_order() -> None:
    seen: list[str] = []
    handler = fan_out(
        lambda event: seen.append(f"first:{event.kind}"),
        lambda event: seen.append(f"second:{event.kind}"),
    )
    handler(SAMPLES[0])
    handler(SAMPLES[3])
    assert seen == [
        "first:started",
        "second:started",
        "first:checkpoint",
        "second:checkpoint",
    ]


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(None, "?"), (0, "0:00:00"), (59.6, "0:01:00"), (3725, "1:02:05")],
)
def test_format_seconds(seconds: float | None, text: str) -> None:
    assert format_seconds(seconds) == text


def test_console_prints_each_event() -> None:
    output = io.StringIO()
    console = Console(file=output, width=200, force_terminal=False)

    with ConsoleProgress(console) as progress:
        for event in SAMPLES[:-1]:
            progress.handle(event)

    text = output.getvalue()
    assert "Training all-MiniLM-L6-v2 with CoSENTLoss on cpu: 80 rows" in text
    assert "Evaluation (baseline): validation_spearman_cosine = 0.8100" in text
    assert "Checkpoint saved: /runs/x/checkpoints/checkpoint-10" in text
    assert "Model saved: /runs/x/model" in text
    assert "validation_spearman_cosine: 0.8100 -> 0.8600" in text
    assert "Stopped at step 12." in text
