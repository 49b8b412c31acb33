"""Shared fixtures: an offline Hub, one torch thread, a tiny model, generated data."""

from __future__ import annotations

import os

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ.setdefault("TQDM_DISABLE", "1")
os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

import csv
import random
from pathlib import Path

import pytest

from tests.tiny_model import VOCABULARY_TEXT, build_tiny_model

SUBJECTS = ["a man", "a woman", "a child", "the dog", "the cat"]
VERBS = ["plays", "eats", "runs", "is playing", "is eating"]
PLACES = ["in the park", "on the street", "in the house", "at the river"]


def make_sentences(count: int, seed: int = 0) -> list[str]:
    """Generate short English sentences from the tiny model's vocabulary."""
    rng = random.Random(seed)
    return [
        f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(PLACES)}"
        for _ in range(count)
    ]


def write_rows(path: Path, header: list[str], rows: list[list[object]]) -> Path:
    """Write rows as CSV, or as TSV when the file name ends in .tsv."""
    delimiter = "\t" if path.suffix == ".tsv" else ","
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, delimiter=delimiter)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def make_format_rows(
    fmt: str, count: int = 64, seed: int = 0
) -> tuple[list[str], list[list[object]]]:
    """Generate a header and rows for one of the five formats."""
    rng = random.Random(seed)
    first = make_sentences(count, seed)
    second = make_sentences(count, seed + 1)
    third = make_sentences(count, seed + 2)
    labels = ["ENTAILMENT", "NEUTRAL", "CONTRADICTION"]
    headers = {
        "pair": ["anchor", "positive"],
        "qa": ["question", "answer"],
        "triplet": ["anchor", "positive", "negative"],
        "pair_score": ["sentence_A", "sentence_B", "relatedness_score"],
        "pair_class": ["sentence_A", "sentence_B", "entailment_judgment"],
    }
    rows: list[list[object]] = []
    for i in range(count):
        if fmt == "pair":
            rows.append([first[i], second[i]])
        elif fmt == "qa":
            rows.append([f"what {first[i]}", second[i]])
        elif fmt == "triplet":
            rows.append([first[i], second[i], third[i]])
        elif fmt == "pair_score":
            rows.append([first[i], second[i], round(rng.uniform(1, 5), 1)])
        elif fmt == "pair_class":
            rows.append([first[i], second[i], labels[i % 3]])
        else:
            raise ValueError(f"unknown format {fmt!r}")
    return headers[fmt], rows


@pytest.fixture(autouse=True, scope="session")
def _one_torch_thread() -> None:
    # Two threads on a 2-core machine run several times slower whenever another
    # process holds a core, so tests use one.
    import torch

    torch.set_num_threads(1)


@pytest.fixture(scope="session")
def tiny_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Return the folder of a tiny random BERT Sentence Transformers model."""
    folder = tmp_path_factory.mktemp("tiny-model")
    return build_tiny_model(folder, [*make_sentences(200), VOCABULARY_TEXT])


@pytest.fixture
def format_file(tmp_path: Path):
    """Return a function that writes a generated CSV for a format."""

    def write(fmt: str, count: int = 64, name: str | None = None) -> Path:
        header, rows = make_format_rows(fmt, count)
        return write_rows(tmp_path / (name or f"{fmt}.csv"), header, rows)

    return write
