"""Typed progress events of a training run, and a sink that appends them as JSON lines.

The engine reports progress only through these events. The wizard turns them into
Textual messages, the headless CLI prints them, and both append them to events.jsonl,
so a panel can follow a run that another process started.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, TextIO


@dataclass
class Event:
    """Base of all training events; ``time`` is seconds since the epoch."""

    time: float = field(default_factory=time.time, kw_only=True)

    @property
    def kind(self) -> str:
        """Return the event's name as written to events.jsonl, such as 'step'."""
        return EVENT_KINDS[type(self)]

    def to_json(self) -> str:
        """Serialise as one JSON line with a 'kind' field."""
        return json.dumps({"kind": self.kind, **asdict(self)}, default=str)


@dataclass
class TrainingStarted(Event):
    """Training began: the planned steps and the size of the data."""

    total_steps: int
    epochs: float
    train_rows: int
    validation_rows: int
    model: str
    loss: str
    device: str
    resumed_from_step: int = 0


@dataclass
class StepLogged(Event):
    """Progress after an optimizer step; the loss is the mean since the last report."""

    step: int
    total_steps: int
    epoch: float
    loss: float | None
    learning_rate: float | None
    samples_per_second: float
    eta_seconds: float | None
    elapsed_seconds: float
    memory_mb: float | None = None


@dataclass
class EvaluationDone(Event):
    """Validation metrics at a step; ``primary`` names the metric that ranks models."""

    step: int
    metrics: dict[str, float]
    primary: str
    baseline: bool = False


@dataclass
class CheckpointSaved(Event):
    """A checkpoint folder was written and can be resumed from."""

    step: int
    path: str


@dataclass
class TrainingFinished(Event):
    """Training ended and the final model was saved."""

    model_path: str
    step: int
    metrics: dict[str, float]
    baseline_metrics: dict[str, float]
    primary: str | None
    elapsed_seconds: float


@dataclass
class TrainingCancelled(Event):
    """The user stopped training; ``checkpoint`` is the folder to resume from."""

    step: int
    checkpoint: str | None


@dataclass
class TrainingFailed(Event):
    """Training stopped on an error; ``message`` names what failed and what to do."""

    message: str
    step: int = 0


EVENT_KINDS: dict[type[Event], str] = {
    TrainingStarted: "started",
    StepLogged: "step",
    EvaluationDone: "eval",
    CheckpointSaved: "checkpoint",
    TrainingFinished: "finished",
    TrainingCancelled: "cancelled",
    TrainingFailed: "failed",
}
_BY_KIND = {kind: cls for cls, kind in EVENT_KINDS.items()}

EventHandler = Callable[[Event], None]


def event_from_json(line: str) -> Event:
    """Rebuild an event from one line of events.jsonl.

    Raises:
        ValueError: when the line is not a known event.
    """
    data: dict[str, Any] = json.loads(line)
    kind = data.pop("kind", None)
    cls = _BY_KIND.get(kind) if isinstance(kind, str) else None
    if cls is None:
        raise ValueError(f"Unknown event kind {kind!r}.")
    return cls(**data)


class JsonlSink:
    """Append events to a JSON Lines file, flushing each line."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._handle: TextIO = self.path.open("a", encoding="utf-8")

    def __call__(self, event: Event) -> None:
        self._handle.write(event.to_json() + "\n")
        self._handle.flush()

    def close(self) -> None:
        """Close the file."""
        self._handle.close()


def read_events(path: str | Path) -> list[Event]:
    """Read every well-formed event of an events.jsonl file, skipping damaged lines."""
    events = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        try:
            events.append(event_from_json(line))
        except (ValueError, TypeError):
            continue
    return events


def fan_out(*handlers: EventHandler) -> EventHandler:
    """Return a handler that passes each event to every handler in turn."""

    def handle(event: Event) -> None:
        for handler in handlers:
            handler(event)

    return handle
