"""Keep a session's record in step with the events of its training run."""

from __future__ import annotations

import time

from st_tui.sessions.state import Step
from st_tui.sessions.store import Session, SessionStatus
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

STEP_SAVE_INTERVAL_SECONDS = 5.0


class SessionRecorder:
    """An event handler that updates and saves session.json as training moves.

    Step events are saved at most every 5 seconds; every other event is saved at once.
    """

    def __init__(self, session: Session) -> None:
        self.session = session
        self._last_save = 0.0

    def __call__(self, event: Event) -> None:
        record = self.session.record
        if isinstance(event, TrainingStarted):
            record.status = SessionStatus.TRAINING
            record.message = None
            record.progress.total_steps = event.total_steps
            record.progress.step = event.resumed_from_step
            record.state.step = Step.TRAINING
        elif isinstance(event, StepLogged):
            record.progress.step = event.step
            record.progress.total_steps = event.total_steps
            record.progress.epoch = event.epoch
            if time.monotonic() - self._last_save < STEP_SAVE_INTERVAL_SECONDS:
                return
        elif isinstance(event, EvaluationDone):
            metrics = _strip_eval_prefix(event.metrics)
            if event.baseline:
                record.baseline_metrics = metrics
            else:
                record.metrics = metrics
            record.primary_metric = event.primary.removeprefix("eval_") or None
        elif isinstance(event, CheckpointSaved):
            record.last_checkpoint = event.path
            record.progress.step = event.step
        elif isinstance(event, TrainingFinished):
            record.status = SessionStatus.FINISHED
            record.model_path = event.model_path
            record.progress.step = event.step
            record.metrics = dict(event.metrics)
            record.baseline_metrics = dict(event.baseline_metrics)
            record.primary_metric = event.primary
            record.state.step = Step.RESULT
        elif isinstance(event, TrainingCancelled):
            record.status = SessionStatus.INTERRUPTED
            record.progress.step = event.step
            record.last_checkpoint = event.checkpoint
            record.message = "Stopped before the end; resume to continue."
        elif isinstance(event, TrainingFailed):
            record.status = SessionStatus.FAILED
            record.message = event.message
        self._last_save = time.monotonic()
        self.session.save()


def _strip_eval_prefix(metrics: dict[str, float]) -> dict[str, float]:
    kept = {}
    for key, value in metrics.items():
        name = key.removeprefix("eval_")
        if name in ("runtime", "samples_per_second", "steps_per_second", "epoch"):
            continue
        kept[name] = value
    return kept
