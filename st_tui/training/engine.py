"""Run a SentenceTransformerTrainer from a TrainConfig and report progress as events.

torch, transformers, datasets and sentence_transformers are imported only inside
``run_training`` (about 8 s on a small CPU box), so importing this module stays cheap.
"""

from __future__ import annotations

import json
import logging
import math
import os
import threading
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from st_tui.data.check import blocking, check_basic, validate_mapping
from st_tui.data.convert import PreparedData, select_roles, split_frame
from st_tui.data.detect import suggest_mapping
from st_tui.data.fixes import Fix, apply_fixes, load_options
from st_tui.data.load import collect, open_source
from st_tui.errors import DataError, ModelError, StTuiError, TrainingError
from st_tui.formats import Format, get_format
from st_tui.training.checkpoints import newest_complete_checkpoint
from st_tui.training.config import TrainConfig
from st_tui.training.events import (
    CheckpointSaved,
    EvaluationDone,
    EventHandler,
    StepLogged,
    TrainingCancelled,
    TrainingFailed,
    TrainingFinished,
    TrainingStarted,
)
from st_tui.training.models import describe_load_failure, hub_offline, resolve_model

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

logger = logging.getLogger(__name__)

IN_BATCH_NEGATIVE_LOSSES = {
    "MultipleNegativesRankingLoss",
    "CachedMultipleNegativesRankingLoss",
    "MultipleNegativesSymmetricRankingLoss",
}
# Step events are throttled to two a second: enough for a live panel, and each one
# costs the wizard's UI thread a redraw that competes with training for the GIL.
PROGRESS_INTERVAL_SECONDS = 0.5
MAX_EVALUATION_ROWS = 5000


@dataclass
class PreparedSplits:
    """The training rows and the validation rows, reduced to the mapped roles."""

    fmt: Format
    mapping: dict[str, str]
    train: PreparedData
    validation: PreparedData | None

    @property
    def label_names(self) -> list[str] | None:
        """Return the class names, in class id order, for a label format."""
        return self.train.label_names


def resolve_mapping(
    config: TrainConfig, columns: list[str], schema: Any
) -> dict[str, str]:
    """Fill the roles missing from the config's columns by name, then validate.

    Raises:
        DataError: when a role stays unmapped or names a column the file lacks.
    """
    fmt = get_format(config.data.format)
    mapping = dict(config.data.columns)
    suggested = suggest_mapping(fmt, schema)
    taken = set(mapping.values())
    for role in fmt.roles:
        column = suggested.get(role)
        if role not in mapping and column is not None and column not in taken:
            mapping[role] = column
            taken.add(column)
    validate_mapping(fmt, mapping, columns, config.data.path)
    return {role: mapping[role] for role in fmt.roles}


def prepare_data(config: TrainConfig) -> PreparedSplits:
    """Load, map, check and split the configured data.

    Raises:
        DataError: for an unreadable file, a bad mapping or an error-level finding.
    """
    fmt = get_format(config.data.format)
    fixes = [Fix.from_dict(entry) for entry in config.data.fixes]
    source = open_source(config.data.path, **load_options(fixes))
    mapping = resolve_mapping(config, source.columns, source.schema)
    fixed = apply_fixes(source.frame, fixes)
    _raise_on_blocking(fixed, fmt, mapping, config.data.path)

    frame = collect(replace(source, frame=fixed))
    seed = config.training.seed
    if config.data.validation_path:
        validation_source = open_source(config.data.validation_path)
        validation_mapping = resolve_mapping(
            config.model_copy(
                update={
                    "data": config.data.model_copy(
                        update={"path": config.data.validation_path}
                    )
                }
            ),
            validation_source.columns,
            validation_source.schema,
        )
        # Validation rows only score the model, so a single class there is fine.
        _raise_on_blocking(
            validation_source.frame,
            fmt,
            validation_mapping,
            config.data.validation_path,
            ignored=frozenset({"one_class"}),
        )
        train = select_roles(frame, fmt, mapping)
        separate = select_roles(
            collect(validation_source), fmt, validation_mapping, train.label_names
        )
        return PreparedSplits(fmt, mapping, train, separate)

    train_frame, validation_frame = split_frame(
        frame, config.data.validation_split, seed
    )
    train = select_roles(train_frame, fmt, mapping)
    if validation_frame is None:
        return PreparedSplits(fmt, mapping, train, None)
    held_out = select_roles(validation_frame, fmt, mapping, train.label_names)
    return PreparedSplits(fmt, mapping, train, held_out)


def _raise_on_blocking(
    frame: Any,
    fmt: Format,
    mapping: dict[str, str],
    name: str,
    ignored: frozenset[str] = frozenset(),
) -> None:
    findings = check_basic(frame, fmt, mapping)
    errors = [f for f in blocking(findings) if f.code not in ignored]
    if errors:
        first = errors[0]
        more = f" ({len(errors) - 1} more problems)" if len(errors) > 1 else ""
        raise DataError(f"{name}: {first.summary()}{more}")


def quiet_libraries() -> None:
    """Silence the progress bars and log lines that would corrupt a Textual screen."""
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    os.environ.setdefault("TQDM_DISABLE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    for name in (
        "transformers",
        "sentence_transformers",
        "datasets",
        "huggingface_hub",
    ):
        logging.getLogger(name).setLevel(logging.ERROR)


def load_model(
    location: str, max_seq_length: int, device: str | None = None
) -> SentenceTransformer:
    """Load a SentenceTransformer without touching the network when it need not.

    Raises:
        ModelError: with the reason and the next step when loading fails.
    """
    from sentence_transformers import (
        SentenceTransformer,
        SentenceTransformerModelCardData,
    )

    local = Path(location).exists() or hub_offline()
    card = SentenceTransformerModelCardData(local_files_only=local)
    try:
        model = SentenceTransformer(
            location, device=device, local_files_only=local, model_card_data=card
        )
    except Exception as error:  # the loaders raise OSError, ValueError and Hub errors
        if local:
            raise ModelError(describe_load_failure(location, error)) from error
        try:
            model = SentenceTransformer(location, device=device, model_card_data=card)
        except Exception as second:
            raise ModelError(describe_load_failure(location, second)) from second
    model.max_seq_length = max_seq_length
    return model


def build_loss(name: str, model: SentenceTransformer, num_labels: int | None) -> Any:
    """Build the named loss for a model."""
    from sentence_transformers.sentence_transformer import losses

    if name == "SoftmaxLoss":
        dimension = model.get_embedding_dimension()
        if dimension is None:
            raise ModelError("The model does not report its embedding dimension.")
        return losses.SoftmaxLoss(
            model, embedding_dimension=dimension, num_labels=num_labels or 2
        )
    if name == "CachedMultipleNegativesRankingLoss":
        return losses.CachedMultipleNegativesRankingLoss(model, mini_batch_size=32)
    return getattr(losses, name)(model)


def build_evaluator(splits: PreparedSplits, loss: Any, batch_size: int) -> Any | None:
    """Build the format's evaluator on (at most 5,000) validation rows, or None."""
    if splits.validation is None or splits.validation.frame.height == 0:
        return None
    from sentence_transformers.sentence_transformer import evaluation

    frame = splits.validation.frame.head(MAX_EVALUATION_ROWS)
    name = splits.fmt.name
    columns = [frame.get_column(role).to_list() for role in splits.fmt.roles]
    if name == "pair_score":
        return evaluation.EmbeddingSimilarityEvaluator(
            columns[0], columns[1], columns[2], batch_size=batch_size, name="validation"
        )
    if name == "triplet":
        return evaluation.TripletEvaluator(
            columns[0], columns[1], columns[2], batch_size=batch_size, name="validation"
        )
    if name == "pair_class":
        from st_tui.training.evaluators import ClassifierAccuracyEvaluator

        return ClassifierAccuracyEvaluator(
            columns[0], columns[1], columns[2], loss, batch_size=batch_size
        )
    return _retrieval_evaluator(columns[0], columns[1], batch_size)


def _retrieval_evaluator(
    queries: list[str], documents: list[str], batch_size: int
) -> Any:
    from sentence_transformers.sentence_transformer import evaluation

    corpus_ids: dict[str, str] = {}
    query_ids: dict[str, str] = {}
    relevant: dict[str, set[str]] = {}
    for query, document in zip(queries, documents, strict=True):
        doc_id = corpus_ids.setdefault(document, f"d{len(corpus_ids)}")
        query_id = query_ids.setdefault(query, f"q{len(query_ids)}")
        relevant.setdefault(query_id, set()).add(doc_id)
    return evaluation.InformationRetrievalEvaluator(
        queries={qid: text for text, qid in query_ids.items()},
        corpus={did: text for text, did in corpus_ids.items()},
        relevant_docs=relevant,
        batch_size=batch_size,
        name="validation",
        write_csv=False,
    )


def _mixed_precision(choice: str) -> tuple[bool, bool]:
    import torch

    if choice == "no":
        return False, False
    if not torch.cuda.is_available():
        if choice in ("fp16", "bf16"):
            raise TrainingError(
                f"mixed_precision '{choice}' needs a CUDA GPU and none was found. Set "
                "mixed_precision to 'auto' or 'no'."
            )
        return False, False
    if choice == "auto":
        bf16 = torch.cuda.is_bf16_supported()
        return (not bf16), bf16
    return choice == "fp16", choice == "bf16"


def planned_steps(rows: int, config: TrainConfig) -> int:
    """Estimate the optimizer steps the trainer will take."""
    params = config.training
    if params.max_steps:
        return params.max_steps
    batches = math.ceil(rows / params.batch_size)
    per_epoch = max(1, math.ceil(batches / params.gradient_accumulation_steps))
    return max(1, math.ceil(per_epoch * params.epochs))


def _make_progress_callback(
    emit: EventHandler,
    stop: threading.Event,
    config: TrainConfig,
    checkpoints: Path,
    log_by_time: bool = False,
) -> Any:
    from transformers import TrainerCallback

    batch = config.training.batch_size * config.training.gradient_accumulation_steps

    class ProgressCallback(TrainerCallback):
        """Turn trainer callbacks into throttled events; obey the stop flag.

        With ``log_by_time``, it also sets should_log, so the trainer logs the loss
        once PROGRESS_INTERVAL_SECONDS have passed since the last log: slow steps
        report every step or two, and fast steps do not pay for a log each.
        """

        def __init__(self) -> None:
            self.started = time.monotonic()
            self.first_step = 0
            self.last_emit = 0.0
            self.last_log = 0.0
            self.loss: float | None = None
            self.learning_rate: float | None = None

        def on_train_begin(
            self, args: Any, state: Any, control: Any, **kwargs: Any
        ) -> None:
            self.started = time.monotonic()
            self.first_step = state.global_step

        def on_step_end(
            self, args: Any, state: Any, control: Any, **kwargs: Any
        ) -> None:
            if stop.is_set():
                control.should_training_stop = True
                control.should_save = True
            if log_by_time:
                now = time.monotonic()
                if now - self.last_log >= PROGRESS_INTERVAL_SECONDS:
                    control.should_log = True
            self._emit_step(state, force=state.global_step >= state.max_steps)

        def on_log(
            self, args: Any, state: Any, control: Any, logs: Any = None, **kwargs: Any
        ) -> None:
            logs = logs or {}
            self.last_log = time.monotonic()
            if "loss" in logs:
                self.loss = float(logs["loss"])
                self.learning_rate = float(logs.get("learning_rate", 0.0))
                self._emit_step(state, force=False)

        def on_evaluate(
            self,
            args: Any,
            state: Any,
            control: Any,
            metrics: Any = None,
            **kwargs: Any,
        ) -> None:
            values = {
                _metric_name(k): float(v)
                for k, v in (metrics or {}).items()
                if isinstance(v, (int, float))
            }
            primary = next((k for k in values if k.endswith(_PRIMARY_SUFFIXES)), "")
            emit(
                EvaluationDone(step=state.global_step, metrics=values, primary=primary)
            )

        def on_save(self, args: Any, state: Any, control: Any, **kwargs: Any) -> None:
            path = checkpoints / f"checkpoint-{state.global_step}"
            emit(CheckpointSaved(step=state.global_step, path=str(path)))

        def _emit_step(self, state: Any, force: bool) -> None:
            now = time.monotonic()
            if not force and now - self.last_emit < PROGRESS_INTERVAL_SECONDS:
                return
            self.last_emit = now
            elapsed = now - self.started
            done = state.global_step - self.first_step
            rate = done / elapsed if elapsed > 0 else 0.0
            remaining = state.max_steps - state.global_step
            emit(
                StepLogged(
                    step=state.global_step,
                    total_steps=state.max_steps,
                    epoch=float(state.epoch or 0.0),
                    loss=self.loss,
                    learning_rate=self.learning_rate,
                    samples_per_second=rate * batch,
                    eta_seconds=remaining / rate if rate > 0 else None,
                    elapsed_seconds=elapsed,
                    memory_mb=_memory_mb(),
                )
            )

    return ProgressCallback()


_PRIMARY_SUFFIXES = (
    "spearman_cosine",
    "cosine_accuracy",
    "cosine_ndcg@10",
    "validation_accuracy",
)


def _metric_name(key: str) -> str:
    """Drop the 'eval_' prefix that the trainer puts before an evaluator's metrics.

    The baseline and the final scores come from calling the evaluator directly,
    without the prefix, so this keeps one name per metric across all evaluations.
    The trainer's own metrics, such as eval_loss, keep the prefix.
    """
    bare = key.removeprefix("eval_")
    return bare if bare.startswith("validation_") else key


def _memory_mb() -> float | None:
    try:
        import torch

        if torch.cuda.is_available():
            return torch.cuda.max_memory_allocated() / 2**20
        import psutil

        return float(psutil.Process().memory_info().rss / 2**20)
    except Exception:  # memory is shown when known and never stops training
        return None


def _evaluate(evaluator: Any, model: Any) -> tuple[dict[str, float], str]:
    result = evaluator(model)
    metrics = result if isinstance(result, dict) else {"score": float(result)}
    metrics = {k: float(v) for k, v in metrics.items() if isinstance(v, (int, float))}
    return metrics, evaluator.primary_metric or next(iter(metrics), "")


def run_training(
    config: TrainConfig,
    emit: EventHandler,
    stop: threading.Event | None = None,
    resume: bool = False,
) -> TrainingFinished | TrainingCancelled:
    """Train, save the model under output_dir/model and report every step as an event.

    Args:
        config: the validated run.
        emit: receives every event, from the calling thread.
        stop: when set, training stops after the current step and saves a checkpoint.
        resume: continue from the newest complete checkpoint in output_dir/checkpoints.

    Raises:
        StTuiError: after emitting TrainingFailed, for any failure.
    """
    stop = stop or threading.Event()
    try:
        return _run(config, emit, stop, resume)
    except StTuiError as error:
        emit(TrainingFailed(message=str(error)))
        raise
    except Exception as error:
        message = _describe_failure(error, config)
        logger.exception("Training failed")
        emit(TrainingFailed(message=message))
        raise TrainingError(message) from error


def _describe_failure(error: BaseException, config: TrainConfig) -> str:
    name = type(error).__name__
    if "OutOfMemory" in name or "out of memory" in str(error).lower():
        return (
            f"Out of memory at batch size {config.training.batch_size} and "
            f"max_seq_length {config.training.max_seq_length}. Lower either, or raise "
            "gradient_accumulation_steps to keep the effective batch."
        )
    return f"Training failed: {name}: {error}"


def _run(
    config: TrainConfig, emit: EventHandler, stop: threading.Event, resume: bool
) -> TrainingFinished | TrainingCancelled:
    params = config.training
    output = Path(config.output_dir)
    checkpoints = output / "checkpoints"
    location = resolve_model(config.model)
    if Path(location).exists():
        os.environ.setdefault("HF_HUB_OFFLINE", "1")

    splits = prepare_data(config)
    if splits.train.frame.height < params.batch_size:
        logger.warning(
            "Only %d training rows for batch size %d",
            splits.train.frame.height,
            params.batch_size,
        )

    quiet_libraries()
    import torch
    from sentence_transformers import (
        SentenceTransformerTrainer,
        SentenceTransformerTrainingArguments,
    )
    from sentence_transformers.base.sampler import BatchSamplers
    from transformers import set_seed
    from transformers.trainer_callback import PrinterCallback, ProgressCallback

    if params.num_threads:
        torch.set_num_threads(params.num_threads)
    set_seed(params.seed)
    fp16, bf16 = _mixed_precision(params.mixed_precision)

    resume_from: Path | None = None
    if resume:
        resume_from = newest_complete_checkpoint(checkpoints)
        if resume_from is None:
            raise TrainingError(
                f"No complete checkpoint in {checkpoints} to resume from. Start the "
                "run again instead."
            )

    model = load_model(location, params.max_seq_length)
    loss_name = config.loss_name
    num_labels = len(splits.label_names) if splits.label_names else None
    loss = build_loss(loss_name, model, num_labels)
    train_dataset = splits.train.to_dataset()
    eval_dataset = splits.validation.to_dataset() if splits.validation else None
    evaluator = build_evaluator(splits, loss, params.batch_size)

    total = planned_steps(len(train_dataset), config)
    # Without a setting, the loss is logged every 50 steps and whenever half a second
    # has passed: each log copies the loss off the device, so the CPU waits for a GPU.
    logging_steps = params.logging_steps or min(50, total)
    eval_strategy = params.eval_strategy if evaluator is not None else "no"
    sampler = (
        BatchSamplers.NO_DUPLICATES
        if loss_name in IN_BATCH_NEGATIVE_LOSSES
        else BatchSamplers.BATCH_SAMPLER
    )
    args = SentenceTransformerTrainingArguments(
        output_dir=str(checkpoints),
        num_train_epochs=params.epochs,
        max_steps=params.max_steps or -1,
        per_device_train_batch_size=params.batch_size,
        per_device_eval_batch_size=params.batch_size,
        gradient_accumulation_steps=params.gradient_accumulation_steps,
        learning_rate=params.learning_rate,
        warmup_steps=params.warmup_ratio,
        weight_decay=params.weight_decay,
        seed=params.seed,
        data_seed=params.seed,
        fp16=fp16,
        bf16=bf16,
        batch_sampler=sampler,
        eval_strategy=eval_strategy,
        eval_steps=params.eval_steps,
        save_strategy=params.save_strategy,
        save_steps=params.save_steps or 500,
        save_total_limit=params.save_total_limit,
        logging_steps=logging_steps,
        logging_strategy="steps",
        disable_tqdm=True,
        report_to="none",
        dataloader_num_workers=0,
        dataloader_pin_memory=torch.cuda.is_available(),
    )
    trainer = SentenceTransformerTrainer(
        model=model,
        args=args,
        train_dataset=train_dataset,
        eval_dataset=eval_dataset if eval_strategy != "no" else None,
        loss=loss,
        evaluator=evaluator if eval_strategy != "no" else None,
    )
    trainer.remove_callback(PrinterCallback)
    trainer.remove_callback(ProgressCallback)
    progress = _make_progress_callback(
        emit, stop, config, checkpoints, log_by_time=params.logging_steps is None
    )
    trainer.add_callback(progress)

    device = str(model.device)
    resumed_step = _checkpoint_step(resume_from)
    emit(
        TrainingStarted(
            total_steps=total,
            epochs=params.epochs,
            train_rows=len(train_dataset),
            validation_rows=len(eval_dataset) if eval_dataset is not None else 0,
            model=config.model or location,
            loss=loss_name,
            device=device,
            resumed_from_step=resumed_step,
        )
    )

    baseline: dict[str, float] = {}
    primary: str | None = None
    if (
        evaluator is not None
        and resume_from is None
        and splits.fmt.name != "pair_class"
    ):
        baseline, primary = _evaluate(evaluator, model)
        emit(EvaluationDone(step=0, metrics=baseline, primary=primary, baseline=True))

    if stop.is_set():
        emit(
            TrainingCancelled(step=resumed_step, checkpoint=_path_or_none(resume_from))
        )
        return TrainingCancelled(
            step=resumed_step, checkpoint=_path_or_none(resume_from)
        )

    started = time.monotonic()
    trainer.train(resume_from_checkpoint=str(resume_from) if resume_from else None)
    step = trainer.state.global_step

    if stop.is_set() and step < trainer.state.max_steps:
        checkpoint = newest_complete_checkpoint(checkpoints)
        event = TrainingCancelled(step=step, checkpoint=_path_or_none(checkpoint))
        emit(event)
        return event

    metrics: dict[str, float] = {}
    if evaluator is not None:
        metrics, primary = _evaluate(evaluator, model)
    model_path = output / "model"
    model.save_pretrained(str(model_path))
    if splits.label_names:
        (model_path / "label_names.json").write_text(
            json.dumps(splits.label_names, ensure_ascii=False), encoding="utf-8"
        )
    finished = TrainingFinished(
        model_path=str(model_path),
        step=step,
        metrics=metrics,
        baseline_metrics=baseline,
        primary=primary,
        elapsed_seconds=time.monotonic() - started,
    )
    emit(finished)
    return finished


def _checkpoint_step(path: Path | None) -> int:
    if path is None:
        return 0
    suffix = path.name.removeprefix("checkpoint-")
    return int(suffix) if suffix.isdigit() else 0


def _path_or_none(path: Path | None) -> str | None:
    return str(path) if path is not None else None
