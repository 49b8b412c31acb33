"""A live view of a training run, built only from training events."""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import ProgressBar, RichLog, Static

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
from st_tui.training.progress import format_seconds


def format_metric(value: float | None) -> str:
    """Format a metric with four decimals, or '-' when unknown."""
    return "-" if value is None else f"{value:.4f}"


class TrainingPanel(Vertical):
    """Progress bar, step, epoch, ETA, loss, speed, memory, metrics and an event log.

    The panel holds no timer and reads no clock: everything it shows comes from the
    events passed to ``show_event``, so the same events always draw the same panel.
    """

    DEFAULT_CSS = """
    TrainingPanel {
        height: 1fr;
    }
    TrainingPanel > #training-status {
        height: auto;
        padding: 0 1;
    }
    TrainingPanel > ProgressBar {
        padding: 0 1;
        height: 1;
    }
    TrainingPanel > #training-stats {
        height: auto;
        padding: 0 1;
    }
    TrainingPanel > #training-metric {
        height: auto;
        padding: 0 1;
    }
    TrainingPanel > RichLog {
        height: 1fr;
        min-height: 3;
        border: round $panel-lighten-2;
        border-title-color: $text-muted;
    }
    """

    def __init__(
        self,
        model_label: str | None = None,
        display_path: Callable[[str], str] = str,
        **kwargs: object,
    ) -> None:
        """Create an empty panel.

        Args:
            model_label: the model's name to show in place of the path in events.
            display_path: shortens the folders shown, e.g. relative to the workdir.
        """
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.model_label = model_label
        self.display_path = display_path
        self.started: TrainingStarted | None = None
        self.last_step: StepLogged | None = None
        self.baseline: EvaluationDone | None = None
        self.latest: EvaluationDone | None = None
        self.outcome: Event | None = None
        self._stats_lines = 0

    def compose(self) -> ComposeResult:
        yield Static("Loading the model and the data…", id="training-status")
        yield ProgressBar(total=None, show_eta=False, id="training-progress")
        yield Static(self._stats_text(), id="training-stats")
        yield Static(self._metric_text(), id="training-metric")
        log = RichLog(
            id="training-log", wrap=True, markup=False, max_lines=2000, min_width=20
        )
        log.border_title = "Events"
        yield log

    def show_event(self, event: Event) -> None:
        """Update the panel for one event and add a line to the log."""
        if isinstance(event, TrainingStarted):
            self.started = event
            progress = self.query_one(ProgressBar)
            progress.update(total=event.total_steps, progress=event.resumed_from_step)
            self._set_status(
                f"Training {event.loss} on {event.device}: {event.train_rows} rows, "
                f"{event.validation_rows} held out for validation."
            )
        elif isinstance(event, StepLogged):
            self.last_step = event
            progress = self.query_one(ProgressBar)
            progress.update(total=event.total_steps, progress=event.step)
        elif isinstance(event, EvaluationDone):
            if event.baseline:
                self.baseline = event
            else:
                self.latest = event
        elif isinstance(event, TrainingFinished):
            self.outcome = event
            progress = self.query_one(ProgressBar)
            progress.update(total=max(event.step, 1), progress=event.step)
            where = self.display_path(event.model_path)
            self._set_status(f"Finished: the model is in {where}")
        elif isinstance(event, TrainingCancelled):
            self.outcome = event
            progress = self.query_one(ProgressBar)
            progress.update(progress=event.step)
            where = (
                self.display_path(event.checkpoint)
                if event.checkpoint
                else "none was written yet"
            )
            self._set_status(f"Stopped at step {event.step}. Checkpoint: {where}")
        elif isinstance(event, TrainingFailed):
            self.outcome = event
            self._set_status(f"Failed: {event.message}", style="bold red")

        # Each update costs the UI thread a redraw, which it takes from the training
        # thread through the GIL, so only the widgets this event changes are drawn.
        if not isinstance(event, (EvaluationDone, CheckpointSaved)):
            self._update_stats()
        if isinstance(event, EvaluationDone):
            self.query_one("#training-metric", Static).update(self._metric_text())
        line = describe_event(event, self.model_label, self.display_path)
        if line is not None:
            self.query_one(RichLog).write(line)

    def _update_stats(self) -> None:
        # A layout pass redraws the whole screen, so it runs only when the stats
        # wrap onto a different number of lines than before.
        stats = self.query_one("#training-stats", Static)
        text = self._stats_text()
        width = stats.content_size.width
        lines = len(text.wrap(self.app.console, width)) if width > 0 else 0
        stats.update(text, layout=lines != self._stats_lines)
        self._stats_lines = lines

    def _set_status(self, message: str, style: str = "") -> None:
        self.query_one("#training-status", Static).update(Text(message, style=style))

    def _stats_text(self) -> Text:
        step = self.last_step
        total = (
            step.total_steps
            if step
            else (self.started.total_steps if self.started else None)
        )
        done = step.step if step else 0
        epochs = self.started.epochs if self.started else None
        text = Text(no_wrap=False)
        _add_field(text, "step", f"{done}/{total if total is not None else '?'}")
        epoch = f"{step.epoch:.2f}" if step else "0.00"
        _add_field(text, "epoch", f"{epoch}/{epochs:g}" if epochs else epoch)
        _add_field(text, "ETA", format_seconds(step.eta_seconds) if step else "?")
        loss = step.loss if step else None
        _add_field(text, "loss", format_metric(loss))
        speed = f"{step.samples_per_second:.1f}" if step else "-"
        _add_field(text, "samples/s", speed)
        memory = step.memory_mb if step else None
        _add_field(text, "memory", f"{memory:,.0f} MB" if memory is not None else "-")
        return text

    def _metric_text(self) -> Text:
        text = Text()
        newest = self.latest or self.baseline
        primary = newest.primary if newest is not None else None
        if not primary:
            text.append("Evaluation: ", style="bold")
            text.append("none yet", style="dim")
            return text
        before = self.baseline.metrics.get(primary) if self.baseline else None
        after = self.latest.metrics.get(primary) if self.latest else None
        text.append(f"{primary}: ", style="bold")
        text.append(f"baseline {format_metric(before)}")
        text.append("  →  ", style="dim")
        text.append(f"now {format_metric(after)}")
        if before is not None and after is not None:
            change = after - before
            style = "green" if change >= 0 else "red"
            text.append(f"  ({change:+.4f})", style=style)
        return text


def _add_field(text: Text, label: str, value: str) -> None:
    if text.plain:
        text.append("   ")
    text.append(f"{label} ", style="dim")
    text.append(value, style="bold")


def describe_event(
    event: Event,
    model_label: str | None = None,
    display_path: Callable[[str], str] = str,
) -> str | None:
    """Return the log line for an event, or None for step events, shown as progress."""
    if isinstance(event, TrainingStarted):
        resumed = (
            f", resuming at step {event.resumed_from_step}"
            if event.resumed_from_step
            else ""
        )
        return (
            f"Started: {model_label or event.model}, {event.loss} on {event.device}, "
            f"{event.total_steps} steps{resumed}."
        )
    if isinstance(event, EvaluationDone):
        value = event.metrics.get(event.primary)
        label = "baseline" if event.baseline else f"step {event.step}"
        return f"Evaluation ({label}): {event.primary} = {format_metric(value)}"
    if isinstance(event, CheckpointSaved):
        return f"Checkpoint saved at step {event.step}: {display_path(event.path)}"
    if isinstance(event, TrainingFinished):
        where = display_path(event.model_path)
        return f"Finished at step {event.step}. Model saved: {where}"
    if isinstance(event, TrainingCancelled):
        where = display_path(event.checkpoint) if event.checkpoint else "none"
        return f"Cancelled at step {event.step}. Checkpoint to resume from: {where}"
    if isinstance(event, TrainingFailed):
        return f"Failed: {event.message}"
    return None
