"""Train once, one of three ways, and print the training throughput as JSON.

    python benchmarks/train_worker.py plain    --model M --data D.csv --output O ...
    python benchmarks/train_worker.py headless --model M --data D.csv --output O ...
    python benchmarks/train_worker.py wizard   --model M --data D.csv --output O ...

plain is the script a user would write with SentenceTransformerTrainer and no
st-tui. headless runs `st-tui train CONFIG`, and wizard starts the same run from
the wizard's review step, driven by Textual's Pilot, with the live panel drawn.
All three train the same model on the same pair_score CSV with CoSENTLoss, the
same batch size, max_seq_length, seed, learning rate schedule and step count, and
no evaluation or checkpoints. The figure is samples per second over
trainer.train(), which st-tui reports as TrainingFinished.elapsed_seconds.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import time
from pathlib import Path
from typing import Any

from common import peak_rss_mb, print_json

LEARNING_RATE = 3e-5
WARMUP_RATIO = 0.1
WEIGHT_DECAY = 0.01


def _parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode", choices=("plain", "headless", "wizard"))
    parser.add_argument("--model", required=True, help="Model folder.")
    parser.add_argument("--data", required=True, help="pair_score CSV file.")
    parser.add_argument("--output", required=True, help="Folder for this run.")
    parser.add_argument("--steps", type=int, required=True)
    parser.add_argument("--batch-size", type=int, required=True)
    parser.add_argument("--max-seq-length", type=int, required=True)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--bf16", action="store_true", help="Train in bf16 on CUDA.")
    return parser.parse_args()


def _train_plain(args: argparse.Namespace) -> float:
    import pandas as pd
    from datasets import Dataset
    from sentence_transformers import (
        SentenceTransformer,
        SentenceTransformerTrainer,
        SentenceTransformerTrainingArguments,
    )
    from sentence_transformers.sentence_transformer.losses import CoSENTLoss

    frame = pd.read_csv(args.data)
    dataset = Dataset.from_pandas(
        frame[["sentence1", "sentence2", "score"]], preserve_index=False
    )
    model = SentenceTransformer(args.model, local_files_only=True)
    model.max_seq_length = args.max_seq_length
    training_args = SentenceTransformerTrainingArguments(
        output_dir=str(Path(args.output) / "checkpoints"),
        max_steps=args.steps,
        per_device_train_batch_size=args.batch_size,
        learning_rate=LEARNING_RATE,
        warmup_steps=WARMUP_RATIO,
        weight_decay=WEIGHT_DECAY,
        seed=args.seed,
        data_seed=args.seed,
        bf16=args.bf16,
        eval_strategy="no",
        save_strategy="no",
        report_to="none",
        disable_tqdm=True,
    )
    trainer = SentenceTransformerTrainer(
        model=model,
        args=training_args,
        train_dataset=dataset,
        loss=CoSENTLoss(model),
    )
    started = time.monotonic()
    trainer.train()
    return time.monotonic() - started


def _config(args: argparse.Namespace) -> dict[str, Any]:
    return {
        "model": args.model,
        "data": {
            "path": args.data,
            "format": "pair_score",
            "columns": {
                "sentence1": "sentence1",
                "sentence2": "sentence2",
                "score": "score",
            },
            "validation_split": 0.0,
        },
        "training": {
            "max_steps": args.steps,
            "batch_size": args.batch_size,
            "max_seq_length": args.max_seq_length,
            "learning_rate": LEARNING_RATE,
            "warmup_ratio": WARMUP_RATIO,
            "weight_decay": WEIGHT_DECAY,
            "seed": args.seed,
            "eval_strategy": "no",
            "save_strategy": "no",
            "mixed_precision": "bf16" if args.bf16 else "no",
        },
        "output_dir": str(Path(args.output) / "run"),
    }


def _finished_seconds(events_path: Path) -> float:
    for line in reversed(events_path.read_text(encoding="utf-8").splitlines()):
        event = json.loads(line)
        if event.get("kind") == "finished":
            return float(event["elapsed_seconds"])
    raise SystemExit(f"{events_path} has no finished event: the run failed")


def _train_headless(args: argparse.Namespace) -> float:
    import yaml

    from st_tui.cli import cli

    output = Path(args.output)
    config_path = output / "config.yaml"
    config_path.write_text(yaml.safe_dump(_config(args)), encoding="utf-8")
    home = output / "home"
    try:
        cli.main(
            ["--home", str(home), "train", str(config_path)],
            prog_name="st-tui",
            standalone_mode=False,
        )
    except SystemExit as error:
        if error.code not in (0, None):
            raise
    (events,) = home.glob("sessions/*/events.jsonl")
    return _finished_seconds(events)


def _train_in_wizard(args: argparse.Namespace) -> float:
    from st_tui.sessions.state import WizardState
    from st_tui.training.config import parse_config
    from st_tui.training.events import TrainingFailed, TrainingFinished
    from st_tui.tui.app import StTuiApp

    output = Path(args.output)
    config = parse_config(_config(args))
    app = StTuiApp(workdir=output)

    async def drive() -> float:
        async with app.run_test(size=(120, 40)):
            app.state = WizardState.from_config(config)
            app.start_training()
            while True:
                # A plain sleep: pilot.pause() would also wait on every widget,
                # which adds work to the UI thread that a user's wizard never does.
                await asyncio.sleep(0.5)
                for event in app.training_events:
                    if isinstance(event, TrainingFinished):
                        return event.elapsed_seconds
                    if isinstance(event, TrainingFailed):
                        raise SystemExit(f"training failed: {event.message}")

    return asyncio.run(drive())


def main() -> None:
    """Train once in the requested mode and print samples/s and peak memory."""
    args = _parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    Path(args.output).mkdir(parents=True, exist_ok=True)
    trainers = {
        "plain": _train_plain,
        "headless": _train_headless,
        "wizard": _train_in_wizard,
    }
    seconds = trainers[args.mode](args)
    samples = args.steps * args.batch_size
    result: dict[str, object] = {
        "mode": args.mode,
        "train_seconds": seconds,
        "samples_per_second": samples / seconds,
        "peak_rss_mb": peak_rss_mb(),
    }
    try:
        import torch

        if torch.cuda.is_available():
            result["peak_cuda_mb"] = torch.cuda.max_memory_allocated() / 2**20
    except ImportError:
        pass
    print_json(result)


if __name__ == "__main__":
    main()
