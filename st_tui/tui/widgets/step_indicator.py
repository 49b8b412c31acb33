"""A one-line bar that names the wizard's steps and marks the current one."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from st_tui.sessions.steps import Step

STEP_TITLES: dict[Step, str] = {
    Step.SOURCE: "Source",
    Step.MAPPING: "Mapping",
    Step.PARAMETERS: "Parameters",
    Step.REVIEW: "Review",
    Step.TRAINING: "Training",
    Step.RESULT: "Result",
}


class StepIndicator(Static):
    """The list of steps with the current one highlighted and the done ones dimmed."""

    DEFAULT_CSS = """
    StepIndicator {
        height: 1;
        width: 1fr;
        background: $panel;
        padding: 0 1;
    }
    """

    def __init__(self, current: Step, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.current = current

    def render(self) -> Text:
        steps = list(STEP_TITLES)
        position = steps.index(self.current)
        text = Text(no_wrap=True, overflow="ellipsis")
        for number, step in enumerate(steps, start=1):
            if number > 1:
                text.append(" › ", style="dim")
            label = f"{number} {STEP_TITLES[step]}"
            if step is self.current:
                text.append(label, style="bold reverse")
            elif number - 1 < position:
                text.append(label, style="dim")
            else:
                text.append(label)
        return text
