"""Print training events on the terminal with a rich progress bar (headless runs)."""

from __future__ import annotations

from types import TracebackType

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)

from st_tui.training.events import (
    CheckpointSaved,
    EvaluationDone,
    Event,
    StepLogged,
    TrainingCancelled,
    TrainingFinished,
    TrainingStarted,
)


def format_seconds(seconds: float | None) -> str:
    """Format a duration as H:MM:SS, or '?' when unknown."""
    if seconds is None:
        return "?"
    seconds = round(seconds)
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}"


class ConsoleProgress:
    """Show a progress bar with loss, samples/s and ETA, and print other events."""

    def __init__(self, console: Console | None = None) -> None:
        self.console = console or Console(stderr=True)
        self.progress = Progress(
            TextColumn("[bold]training"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[details]}"),
            TimeElapsedColumn(),
            console=self.console,
            transient=False,
            # Each redraw holds the GIL that the training thread needs, and steps
            # are reported twice a second, so a faster refresh would show nothing new.
            refresh_per_second=2,
        )
        self.task: TaskID | None = None

    def __enter__(self) -> ConsoleProgress:
        self.progress.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.progress.stop()

    def handle(self, event: Event) -> None:
        """Show one event."""
        if isinstance(event, TrainingStarted):
            self.console.print(
                f"Training {event.model} with {event.loss} on {event.device}: "
                f"{event.train_rows} rows, {event.validation_rows} for validation, "
                f"{event.total_steps} steps."
            )
            self.task = self.progress.add_task(
                "train", total=event.total_steps, details="", completed=0
            )
            if event.resumed_from_step:
                self.progress.update(self.task, completed=event.resumed_from_step)
        elif isinstance(event, StepLogged) and self.task is not None:
            loss = f"loss {event.loss:.4f}" if event.loss is not None else "loss -"
            details = (
                f"{loss}  {event.samples_per_second:.1f} samples/s  "
                f"ETA {format_seconds(event.eta_seconds)}"
            )
            self.progress.update(
                self.task,
                completed=event.step,
                total=event.total_steps,
                details=details,
            )
        elif isinstance(event, EvaluationDone):
            value = event.metrics.get(event.primary)
            label = "baseline" if event.baseline else f"step {event.step}"
            if value is not None:
                self.console.print(
                    f"Evaluation ({label}): {event.primary} = {value:.4f}"
                )
        elif isinstance(event, CheckpointSaved):
            self.console.print(f"Checkpoint saved: {event.path}")
        elif isinstance(event, TrainingFinished):
            self.console.print(f"[green]Model saved:[/] {event.model_path}")
            if event.primary and event.primary in event.metrics:
                before = event.baseline_metrics.get(event.primary)
                after = event.metrics[event.primary]
                text = f"{event.primary}: {after:.4f}"
                if before is not None:
                    text = f"{event.primary}: {before:.4f} -> {after:.4f}"
                self.console.print(text)
        elif isinstance(event, TrainingCancelled):
            self.console.print(f"[yellow]Stopped at step {event.step}.[/]")
