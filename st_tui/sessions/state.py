"""The wizard's state: every choice made so far, in one serialisable model."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from st_tui.sessions.steps import Step
from st_tui.training.config import DataConfig, TrainConfig, TrainingParams

__all__ = ["Step", "WizardState"]


class WizardState(BaseModel):
    """The wizard's choices: source, format, mapping, parameters and current step."""

    model_config = ConfigDict(validate_assignment=True)

    step: Step = Step.SOURCE
    source_path: str | None = None
    format: str | None = None
    mapping: dict[str, str] = Field(default_factory=dict)
    model: str | None = None
    training: TrainingParams = Field(default_factory=TrainingParams)
    validation_split: float = 0.1
    validation_path: str | None = None
    output_dir: str | None = None
    label_names: list[str] | None = None
    fixes: list[dict[str, Any]] = Field(default_factory=list)
    result: dict[str, Any] | None = None

    @classmethod
    def from_config(cls, config: TrainConfig) -> WizardState:
        """Build the state that a training config stands for, ready to review."""
        return cls(
            step=Step.REVIEW,
            source_path=config.data.path,
            format=config.data.format,
            mapping=dict(config.data.columns),
            model=config.model,
            training=config.training,
            validation_split=config.data.validation_split,
            validation_path=config.data.validation_path,
            fixes=[dict(fix) for fix in config.data.fixes],
            output_dir=config.output_dir,
        )

    def to_config(self) -> TrainConfig:
        """Build the training config for the choices made so far.

        Raises:
            ValueError: when the source, format or output folder is not chosen yet.
        """
        if not self.source_path or not self.format or not self.output_dir:
            raise ValueError("Choose a source, a format and an output folder first.")
        return TrainConfig(
            model=self.model,
            data=DataConfig(
                path=self.source_path,
                format=self.format,
                columns=dict(self.mapping),
                validation_split=self.validation_split,
                validation_path=self.validation_path,
                fixes=[dict(fix) for fix in self.fixes],
            ),
            training=self.training,
            output_dir=self.output_dir,
        )
