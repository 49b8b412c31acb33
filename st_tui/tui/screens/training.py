"""Step 5: follow the training run, and cancel it with confirmation."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Footer

from st_tui.sessions.state import Step
from st_tui.training.events import (
    Event,
    TrainingCancelled,
    TrainingFailed,
    TrainingFinished,
)
from st_tui.tui.screens.base import WizardScreen
from st_tui.tui.screens.confirm import ConfirmModal
from st_tui.tui.widgets.step_indicator import StepIndicator
from st_tui.tui.widgets.training_panel import TrainingPanel


class TrainingScreen(WizardScreen):
    """The live training panel; the run itself belongs to the App."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("c", "cancel_training", "Cancel training"),
        Binding("escape", "back", "Back"),
        Binding("ctrl+n", "show_result", "Result"),
        Binding("q", "app.quit", "Quit", show=False),
    ]

    def compose(self) -> ComposeResult:
        yield StepIndicator(Step.TRAINING)
        with Vertical(id="training-body"):
            app = self.wizard
            yield TrainingPanel(
                model_label=app.describe_model(app.state.model),
                display_path=app.display_path,
                id="training-panel",
            )
            with Horizontal(classes="buttons"):
                yield Button(
                    "Cancel training", id="cancel", variant="error", compact=True
                )
                yield Button(
                    "Show result",
                    id="result",
                    variant="success",
                    compact=True,
                    disabled=True,
                )
        yield Footer()

    def on_mount(self) -> None:
        for event in self.wizard.training_events:
            self.show_event(event)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Dim the cancel key once the run ended and the result key until it exists."""
        if action == "cancel_training":
            return True if self.wizard.training_running else None
        if action == "show_result":
            return True if self.wizard.state.result is not None else None
        return True

    def show_event(self, event: Event) -> None:
        """Pass an event to the panel and update the buttons when the run ends."""
        self.query_one(TrainingPanel).show_event(event)
        if isinstance(event, (TrainingFinished, TrainingCancelled, TrainingFailed)):
            self.query_one("#cancel", Button).disabled = True
            self.refresh_bindings()
        if isinstance(event, TrainingFinished):
            result = self.query_one("#result", Button)
            result.disabled = False
            result.focus()

    @on(Button.Pressed, "#cancel")
    def action_cancel_training(self) -> None:
        """Ask for confirmation, then ask the running training to stop."""
        if not self.wizard.training_running:
            self.notify("No training is running.")
            return

        def answered(stop: bool | None) -> None:
            if stop:
                self.wizard.stop_training()

        self.wizard.push_screen(
            ConfirmModal(
                "Stop training? The run stops after the current step and saves a "
                "checkpoint to resume from.",
                yes="Stop training",
                no="Keep training",
            ),
            answered,
        )

    @on(Button.Pressed, "#result")
    def action_show_result(self) -> None:
        if self.wizard.state.result is None:
            self.notify("The result is shown when training finishes.")
            return
        self.wizard.show_result()

    def action_back(self) -> None:
        if self.wizard.training_running:
            self.notify(
                "Training is running. Press c to cancel it before going back.",
                severity="warning",
            )
            return
        self.wizard.pop_screen()
