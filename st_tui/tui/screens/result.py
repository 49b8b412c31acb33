"""Step 6: where the fine-tuned model is, how it scores and how to load it."""

from __future__ import annotations

from typing import ClassVar

from rich.syntax import Syntax
from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Footer, Static

from st_tui.sessions.steps import Step
from st_tui.training.progress import format_seconds
from st_tui.tui.screens.base import WizardScreen
from st_tui.tui.widgets.step_indicator import StepIndicator
from st_tui.tui.widgets.training_panel import format_metric


class ResultScreen(WizardScreen):
    """The model folder, baseline against fine-tuned metrics and a loading snippet."""

    # Textual focuses this when the screen is shown. A query in on_mount fails when
    # the app quits while the screen mounts, such as right as training finishes.
    AUTO_FOCUS = "#quit"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "start_over", "New run"),
        Binding("q", "app.quit", "Quit"),
        Binding("escape", "back", "Training log"),
    ]

    def compose(self) -> ComposeResult:
        result = self.wizard.state.result or {}
        model_path = result.get("model_path", "?")
        yield StepIndicator(Step.RESULT)
        with VerticalScroll(id="result-body"):
            yield Static(
                Text.assemble(("Model saved in ", "bold green"), (model_path, "bold")),
                id="result-path",
            )
            yield Static(_duration_line(result), id="result-duration")
            yield Static(_metrics_table(result), id="result-metrics")
            yield Static("Load it in Python:", classes="help")
            yield Static(
                Syntax(
                    _snippet(model_path), "python", theme="ansi_dark", word_wrap=True
                ),
                id="result-snippet",
            )
            with Horizontal(classes="buttons"):
                yield Button("New run", id="start-over", compact=True)
                yield Button("Quit", id="quit", variant="primary", compact=True)
        yield Footer()

    @on(Button.Pressed, "#start-over")
    def action_start_over(self) -> None:
        self.wizard.start_over()

    @on(Button.Pressed, "#quit")
    def _quit_pressed(self) -> None:
        self.wizard.exit()

    def action_back(self) -> None:
        self.wizard.pop_screen()


def _duration_line(result: dict[str, object]) -> Text:
    steps = result.get("step")
    seconds = result.get("elapsed_seconds")
    text = Text(style="dim")
    if isinstance(steps, int):
        text.append(f"Trained {steps} steps")
        if isinstance(seconds, (int, float)):
            text.append(f" in {format_seconds(seconds)}")
        text.append(".")
    return text


def _snippet(model_path: str) -> str:
    return (
        "from sentence_transformers import SentenceTransformer\n\n"
        f'model = SentenceTransformer("{model_path}")\n'
        'embeddings = model.encode(["A man is playing a guitar."])\n'
    )


def _metrics_table(result: dict[str, object]) -> Table | Text:
    metrics: dict[str, float] = result.get("metrics") or {}  # type: ignore[assignment]
    baseline: dict[str, float] = result.get("baseline_metrics") or {}  # type: ignore[assignment]
    primary = result.get("primary")
    if not metrics:
        return Text("No validation rows, so no metric was computed.", style="dim")
    table = Table(box=None, padding=(0, 2), show_edge=False)
    table.add_column("metric", style="bold")
    table.add_column("baseline", justify="right")
    table.add_column("fine-tuned", justify="right")
    table.add_column("change", justify="right")
    names = [primary] if primary in metrics else []
    names += [name for name in metrics if name != primary][:5]
    for name in names:
        before = baseline.get(str(name))
        after = metrics[str(name)]
        change = "-" if before is None else f"{after - before:+.4f}"
        label = f"{name} (primary)" if name == primary else str(name)
        table.add_row(label, format_metric(before), format_metric(after), change)
    return table
