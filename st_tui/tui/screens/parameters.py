"""Step 3: choose the model, the loss and the training parameters."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from pydantic import BaseModel, ValidationError
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Footer, Input, Label, Select, Static

from st_tui.errors import ModelError
from st_tui.formats import FORMATS
from st_tui.sessions.state import Step
from st_tui.training.config import LOSSES, DataConfig, TrainingParams
from st_tui.training.models import ModelChoice, model_choices, resolve_model
from st_tui.tui.screens.base import WizardScreen
from st_tui.tui.widgets.parameter_validator import FieldValidator, describe_range
from st_tui.tui.widgets.step_indicator import StepIndicator

MIXED_PRECISION = ("auto", "no", "fp16", "bf16")


@dataclass(frozen=True)
class NumberField:
    """A numeric parameter: its label, the model that validates it and its type."""

    name: str
    label: str
    model: type[BaseModel]
    kind: type

    @property
    def help(self) -> str:
        """Return the field's description with its allowed range."""
        description = self.model.model_fields[self.name].description or ""
        bounds = describe_range(self.model, self.name)
        return f"{description} ({bounds})" if bounds else description


NUMBER_FIELDS = (
    NumberField("epochs", "Epochs", TrainingParams, float),
    NumberField("batch_size", "Batch size", TrainingParams, int),
    NumberField("learning_rate", "Learning rate", TrainingParams, float),
    NumberField("warmup_ratio", "Warmup ratio", TrainingParams, float),
    NumberField("max_seq_length", "Max seq length", TrainingParams, int),
    NumberField("seed", "Seed", TrainingParams, int),
    NumberField("validation_split", "Validation split", DataConfig, float),
    NumberField("num_threads", "CPU threads", TrainingParams, int),
)


class ParametersScreen(WizardScreen):
    """A form of every training parameter, validated as the user types."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+n", "next", "Next"),
        Binding("escape", "back", "Back"),
    ]

    def compose(self) -> ComposeResult:
        state = self.wizard.state
        if state.format is None:
            raise RuntimeError("The parameters step is shown only after a format.")
        params: TrainingParams = state.training
        fmt = FORMATS[state.format]
        choices = model_choices()
        locations = {choice.location for choice in choices}
        typed_model = (
            state.model if state.model and state.model not in locations else ""
        )

        yield StepIndicator(Step.PARAMETERS)
        with VerticalScroll(id="parameters-body"):
            yield Static(
                Text.assemble(("Format: ", "bold"), fmt.title),
                id="parameters-format",
            )
            with Horizontal(classes="field-row"):
                yield Label("Model", classes="field-label")
                yield Select(
                    [(choice.label, choice.location) for choice in choices],
                    prompt="no offline model: type one below",
                    value=_initial_choice(state.model, choices),
                    allow_blank=not choices,
                    id="model",
                    compact=True,
                )
            with Horizontal(classes="field-row"):
                yield Label("Folder or Hub id", classes="field-label")
                yield Input(
                    value=typed_model,
                    placeholder="a local model folder or a Hub id; replaces the choice",
                    id="model-path",
                    compact=True,
                )
            with Horizontal(classes="field-row"):
                yield Label("Loss", classes="field-label")
                losses = LOSSES[fmt.name]
                yield Select(
                    [(loss, loss) for loss in losses],
                    value=params.loss if params.loss in losses else losses[0],
                    allow_blank=False,
                    id="loss",
                    compact=True,
                )
            for field in NUMBER_FIELDS:
                with Horizontal(classes="field-row"):
                    yield Label(field.label, classes="field-label")
                    yield Input(
                        value=self._initial_text(field),
                        validators=[
                            FieldValidator(field.model, field.name, field.kind)
                        ],
                        id=field.name,
                        compact=True,
                        classes="number",
                    )
                    yield Static(
                        field.help, id=f"{field.name}-help", classes="field-help"
                    )
            with Horizontal(classes="field-row"):
                yield Label("Mixed precision", classes="field-label")
                yield Select(
                    [(choice, choice) for choice in MIXED_PRECISION],
                    value=params.mixed_precision,
                    allow_blank=False,
                    id="mixed_precision",
                    compact=True,
                )
                yield Static(
                    TrainingParams.model_fields["mixed_precision"].description or "",
                    classes="field-help",
                )
            with Horizontal(classes="field-row"):
                yield Label("Output folder", classes="field-label")
                yield Input(
                    value=self.wizard.display_path(
                        state.output_dir or self.wizard.default_output_dir()
                    ),
                    id="output_dir",
                    compact=True,
                )
            yield Static(
                "The model is saved in <output folder>/model, checkpoints in "
                "<output folder>/checkpoints.",
                classes="help",
            )
            with Horizontal(classes="buttons"):
                yield Button("Back", id="back", compact=True)
                yield Button("Next", id="next", variant="primary", compact=True)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#model", Select).focus()

    def _initial_text(self, field: NumberField) -> str:
        state = self.wizard.state
        if field.model is DataConfig:
            value = getattr(state, field.name)
        else:
            value = getattr(state.training, field.name)
        if value is None:
            return ""
        if field.kind is int:
            return str(int(value))
        return f"{value:g}"

    @on(Input.Changed, ".number")
    def _number_changed(self, event: Input.Changed) -> None:
        field = next(f for f in NUMBER_FIELDS if f.name == event.input.id)
        help_text = self.query_one(f"#{field.name}-help", Static)
        result = event.validation_result
        if result is None or result.is_valid:
            help_text.update(field.help)
            help_text.remove_class("invalid")
        else:
            help_text.update(" ".join(result.failure_descriptions))
            help_text.add_class("invalid")

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_next()

    @on(Button.Pressed, "#next")
    def action_next(self) -> None:
        """Validate every field; show the first problem or save and go on."""
        problem = self._first_problem()
        if problem is not None:
            widget_id, message = problem
            self.notify(message, title="Invalid parameter", severity="error")
            self.query_one(f"#{widget_id}").focus()
            return

        values: dict[str, object] = {}
        for field in NUMBER_FIELDS:
            validator = FieldValidator(field.model, field.name, field.kind)
            values[field.name] = validator.parse(
                self.query_one(f"#{field.name}", Input).value
            )
        validation_split = values.pop("validation_split")
        state = self.wizard.state
        try:
            params = TrainingParams.model_validate(
                {
                    **state.training.model_dump(),
                    **values,
                    "loss": self.query_one("#loss", Select).value,
                    "mixed_precision": self.query_one("#mixed_precision", Select).value,
                }
            )
        except ValidationError as error:
            message = error.errors()[0]["msg"]
            self.notify(message, title="Invalid parameters", severity="error")
            return
        self.wizard.finish_parameters(
            model=self._chosen_model(),
            params=params,
            validation_split=float(validation_split),  # type: ignore[arg-type]
            output_dir=self.wizard.resolve_path(
                self.query_one("#output_dir", Input).value.strip()
            ),
        )

    def _first_problem(self) -> tuple[str, str] | None:
        typed = self.query_one("#model-path", Input).value.strip()
        if typed:
            try:
                resolve_model(typed)
            except ModelError as error:
                return "model-path", str(error)
        elif self.query_one("#model", Select).value is Select.NULL:
            return "model-path", "Choose a model, or type a model folder or a Hub id."
        for field in NUMBER_FIELDS:
            widget = self.query_one(f"#{field.name}", Input)
            result = widget.validate(widget.value)
            if result is not None and not result.is_valid:
                reason = " ".join(result.failure_descriptions)
                return field.name, f"{field.label}: {reason}"
        if not self.query_one("#output_dir", Input).value.strip():
            return "output_dir", "Output folder: enter a folder for the model."
        return None

    def _chosen_model(self) -> str | None:
        """Return the typed model, None for the bundled one, or the chosen location."""
        typed = self.query_one("#model-path", Input).value.strip()
        if typed:
            path = Path(typed).expanduser()
            return str(path.resolve()) if path.exists() else typed
        chosen = self.query_one("#model", Select).value
        choices = {choice.location: choice for choice in model_choices()}
        choice = choices.get(str(chosen))
        if choice is None or choice.kind == "bundled":
            return None
        return choice.location

    @on(Button.Pressed, "#back")
    def action_back(self) -> None:
        self.wizard.pop_screen()


def _initial_choice(model: str | None, choices: list[ModelChoice]) -> object:
    if not choices:
        return Select.NULL
    for choice in choices:
        if choice.location == model:
            return choice.location
    return choices[0].location
