"""Step 4: show the training config about to run and start it."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from rich.syntax import Syntax
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Footer, Static

from st_tui.sessions.state import Step
from st_tui.tui.screens.base import WizardScreen
from st_tui.tui.widgets.step_indicator import StepIndicator


class ReviewScreen(WizardScreen):
    """The config as YAML, with the model named, and the button that starts training."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+n", "start", "Start training"),
        Binding("escape", "back", "Back"),
    ]

    def compose(self) -> ComposeResult:
        app = self.wizard
        config = app.state.to_config()
        yield StepIndicator(Step.REVIEW)
        with Vertical(id="review-body"):
            yield Static(
                Text.assemble(
                    ("Model: ", "bold"),
                    app.describe_model(config.model),
                    ("   Loss: ", "bold"),
                    config.loss_name,
                ),
                id="review-summary",
            )
            yield Static(
                "This config is saved as config.yaml in the output folder; "
                "`st-tui train config.yaml` runs it without the wizard.",
                classes="help",
            )
            if (Path(config.output_dir) / "model").exists():
                yield Static(
                    f"{app.display_path(config.output_dir)} already contains a model, "
                    "which this run replaces. Go back to choose another output "
                    "folder to keep it.",
                    id="review-overwrite",
                    classes="warning-text",
                )
            with VerticalScroll(id="review-config"):
                yield Static(
                    Syntax(config.to_yaml(), "yaml", theme="ansi_dark", word_wrap=True),
                    id="review-yaml",
                )
            with Horizontal(classes="buttons"):
                yield Button("Back", id="back", compact=True)
                yield Button(
                    "Start training", id="start", variant="success", compact=True
                )
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#start", Button).focus()

    @on(Button.Pressed, "#start")
    def action_start(self) -> None:
        """Start the training run in the App's worker and show its progress."""
        self.wizard.start_training()

    @on(Button.Pressed, "#back")
    def action_back(self) -> None:
        self.wizard.pop_screen()
