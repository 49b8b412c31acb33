"""The validated training configuration, read from and written to YAML.

The defaults follow AutoTrain's sentence-transformers trainer (3 epochs, batch size
8, learning rate 3e-5, warmup 10%, max_seq_length 128, seed 42), except that here
max_seq_length and the seed are really applied.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from st_tui.errors import ConfigError
from st_tui.formats import FORMAT_NAMES, get_format

LOSSES: dict[str, tuple[str, ...]] = {
    "pair": (
        "MultipleNegativesRankingLoss",
        "CachedMultipleNegativesRankingLoss",
        "MultipleNegativesSymmetricRankingLoss",
    ),
    "qa": (
        "MultipleNegativesRankingLoss",
        "CachedMultipleNegativesRankingLoss",
        "MultipleNegativesSymmetricRankingLoss",
    ),
    "triplet": (
        "MultipleNegativesRankingLoss",
        "CachedMultipleNegativesRankingLoss",
        "TripletLoss",
    ),
    "pair_score": ("CoSENTLoss", "AnglELoss", "CosineSimilarityLoss"),
    "pair_class": ("SoftmaxLoss",),
}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)


class DataConfig(_Strict):
    """The data source: its path, its format and the column for each role."""

    path: str = Field(description="Data file or save_to_disk folder.")
    format: str = Field(description="One of: " + ", ".join(FORMAT_NAMES) + ".")
    columns: dict[str, str] = Field(
        default_factory=dict,
        description="Role to column, such as {sentence1: sentence_A}. Roles left out "
        "are filled from the column names.",
    )
    validation_path: str | None = Field(
        default=None,
        description="Separate validation file with the same columns; replaces the "
        "split.",
    )
    fixes: list[dict[str, Any]] = Field(
        default_factory=list,
        description="Cleaning steps applied in order before training, each "
        "{kind, params}, as the wizard and `st-tui check` record them.",
    )
    validation_split: float = Field(
        default=0.1,
        ge=0.0,
        lt=0.9,
        description="Fraction of rows held out for evaluation (0 to 0.9).",
    )

    @model_validator(mode="after")
    def _known_format(self) -> DataConfig:
        try:
            fmt = get_format(self.format)
        except KeyError as error:
            raise ValueError(str(error.args[0])) from None
        unknown = sorted(set(self.columns) - set(fmt.roles))
        if unknown:
            raise ValueError(
                f"'{unknown[0]}' is not a role of the {fmt.name} format; its roles "
                f"are {', '.join(fmt.roles)}."
            )
        return self


class TrainingParams(_Strict):
    """Optimisation parameters, each with its unit."""

    loss: str | None = Field(
        default=None, description="Loss class name; the format's default when empty."
    )
    epochs: float = Field(default=3, gt=0, le=1000, description="Passes over the data.")
    max_steps: int | None = Field(
        default=None, gt=0, description="Stop after this many optimizer steps."
    )
    batch_size: int = Field(default=8, ge=1, le=65536, description="Rows per batch.")
    learning_rate: float = Field(
        default=3e-5, gt=0, lt=1, description="Peak learning rate of AdamW."
    )
    warmup_ratio: float = Field(
        default=0.1, ge=0, lt=1, description="Fraction of steps spent warming up."
    )
    weight_decay: float = Field(default=0.01, ge=0, lt=1, description="AdamW decay.")
    gradient_accumulation_steps: int = Field(
        default=1, ge=1, le=1024, description="Batches summed per optimizer step."
    )
    max_seq_length: int = Field(
        default=128,
        ge=8,
        le=8192,
        description="Tokens kept per text; longer ones are cut.",
    )
    seed: int = Field(default=42, ge=0, description="Seed for shuffling and init.")
    eval_strategy: Literal["no", "steps", "epoch"] = Field(
        default="epoch", description="When to evaluate on the validation rows."
    )
    eval_steps: int | None = Field(
        default=None, gt=0, description="Steps between evaluations for 'steps'."
    )
    save_strategy: Literal["no", "steps", "epoch"] = Field(
        default="epoch", description="When to write a checkpoint."
    )
    save_steps: int | None = Field(
        default=None, gt=0, description="Steps between checkpoints for 'steps'."
    )
    save_total_limit: int | None = Field(
        default=2, ge=1, description="Checkpoints kept; older ones are deleted."
    )
    logging_steps: int | None = Field(
        default=None,
        gt=0,
        description="Steps between loss reports; automatic when empty.",
    )
    mixed_precision: Literal["auto", "no", "fp16", "bf16"] = Field(
        default="auto", description="auto: bf16 or fp16 on a GPU, none on the CPU."
    )
    num_threads: int | None = Field(
        default=None,
        ge=1,
        le=1024,
        description="torch CPU threads; all cores when empty.",
    )

    @model_validator(mode="after")
    def _steps_given(self) -> TrainingParams:
        if self.eval_strategy == "steps" and self.eval_steps is None:
            raise ValueError("eval_strategy 'steps' needs eval_steps.")
        if self.save_strategy == "steps" and self.save_steps is None:
            raise ValueError("save_strategy 'steps' needs save_steps.")
        return self


class TrainConfig(_Strict):
    """A complete training run: model, data, parameters and output folder."""

    model: str | None = Field(
        default=None,
        description="Local folder or Hub id; the bundled all-MiniLM-L6-v2 when empty.",
    )
    data: DataConfig
    training: TrainingParams = Field(default_factory=TrainingParams)
    output_dir: str = Field(
        default="st-tui-output", description="The final model goes in output_dir/model."
    )

    @model_validator(mode="after")
    def _loss_fits_format(self) -> TrainConfig:
        loss = self.training.loss
        allowed = LOSSES[self.data.format]
        if loss is not None and loss not in allowed:
            raise ValueError(
                f"Loss '{loss}' does not fit the {self.data.format} format; choose "
                f"one of {', '.join(allowed)}."
            )
        return self

    @property
    def loss_name(self) -> str:
        """Return the configured loss, or the format's default."""
        return self.training.loss or get_format(self.data.format).default_loss

    def to_yaml(self) -> str:
        """Serialise to YAML, leaving out unset optional values."""
        data = self.model_dump(mode="json", exclude_none=True)
        text: str = yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
        return text


def _format_validation_error(error: ValidationError, origin: str) -> str:
    first = error.errors()[0]
    where = ".".join(str(p) for p in first["loc"]) or "config"
    message = first["msg"].removeprefix("Value error, ")
    if first["type"] == "extra_forbidden":
        message = "unknown key; check its spelling against the README's schema"
    return f"{origin}: {where}: {message}"


def parse_config(data: Any, origin: str = "config") -> TrainConfig:
    """Validate a mapping as a TrainConfig.

    Raises:
        ConfigError: naming the first invalid key and why.
    """
    if not isinstance(data, dict):
        raise ConfigError(f"{origin}: expected a mapping of keys such as model, data.")
    try:
        return TrainConfig.model_validate(data)
    except ValidationError as error:
        raise ConfigError(_format_validation_error(error, origin)) from None


def load_config(path: str | Path) -> TrainConfig:
    """Read a YAML training config, resolving relative paths from its folder.

    Raises:
        ConfigError: when the file is missing, not YAML or invalid.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{path}: config file not found.") from None
    except OSError as error:
        raise ConfigError(f"{path}: cannot read the file: {error}") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise ConfigError(f"{path}: not valid YAML: {error}") from None
    config = parse_config(data, str(path))
    # Absolute paths, because a session saves this config in its own folder and a
    # resumed run reads it from there, maybe from another working directory.
    return _resolve_paths(config, path.absolute().parent)


def _resolve_paths(config: TrainConfig, base: Path) -> TrainConfig:
    def resolve(value: str) -> str:
        candidate = Path(value).expanduser()
        return str(candidate if candidate.is_absolute() else (base / candidate))

    data = config.data.model_copy(
        update={
            "path": resolve(config.data.path),
            "validation_path": resolve(config.data.validation_path)
            if config.data.validation_path
            else None,
        }
    )
    update: dict[str, Any] = {"data": data, "output_dir": resolve(config.output_dir)}
    if config.model and (base / config.model).is_dir():
        update["model"] = resolve(config.model)
    return config.model_copy(update=update)


def save_config(config: TrainConfig, path: str | Path) -> None:
    """Write a config as YAML through a temporary file and a rename."""
    path = Path(path)
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(config.to_yaml(), encoding="utf-8")
    temporary.replace(path)
