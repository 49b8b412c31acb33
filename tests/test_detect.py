"""Format detection from column names, dtypes and values, with the reason."""

from __future__ import annotations

import itertools

import polars as pl
import pytest

from st_tui.data.detect import (
    Detection,
    detect_format,
    nominal_range,
    suggest_mapping,
)
from st_tui.formats import FORMATS


def detect(frame: pl.DataFrame) -> Detection:
    return detect_format(dict(frame.schema), frame)


def test_triplet_reason_names_columns() -> None:
    frame = pl.DataFrame(
        {"anchor": ["a", "b"], "positive": ["c", "d"], "negative": ["e", "f"]}
    )
    detection = detect(frame)
    assert detection.format == "triplet"
    assert detection.reason == (
        "3 text columns named anchor, positive, negative -> triplet"
    )


def test_pair_score_reason_gives_range() -> None:
    frame = pl.DataFrame(
        {"first": ["a b", "c d"], "second": ["e f", "g h"], "sim": [0.5, 4.5]}
    )
    detection = detect(frame)
    assert detection.format == "pair_score"
    assert detection.reason == (
        "2 text columns and a float column 'sim' within 0..5 -> pair_score"
    )


def test_unnamed_columns_by_dtype() -> None:
    frame = pl.DataFrame(
        {
            "column_1": ["a man", "a dog"],
            "column_2": ["a person", "an animal"],
            "column_3": [4.0, 3.5],
        }
    )
    detection = detect(frame)
    assert detection.format == "pair_score"
    assert detection.mapping == {
        "sentence1": "column_1",
        "sentence2": "column_2",
        "score": "column_3",
    }


def test_string_labels_give_pair_class() -> None:
    frame = pl.DataFrame(
        {
            "premise": [f"text {i}" for i in range(9)],
            "hypothesis": [f"other {i}" for i in range(9)],
            "label": ["yes", "no", "maybe"] * 3,
        }
    )
    detection = detect(frame)
    assert detection.format == "pair_class"
    assert "a label column 'label' with 3 classes" in detection.reason


def test_question_answer_gives_qa() -> None:
    frame = pl.DataFrame({"question": ["why?"], "answer": ["because"]})
    assert detect(frame).format == "qa"


def test_numeric_strings_fit_score() -> None:
    frame = pl.DataFrame(
        {"sentence1": ["a", "b"], "sentence2": ["c", "d"], "score": ["0.5", "1"]}
    )
    detection = detect(frame)
    assert detection.format == "pair_score"
    assert detection.mapping["score"] == "score"


def test_sick_columns_list_alternative() -> None:
    frame = pl.DataFrame(
        {
            "pair_ID": [1, 2, 3],
            "sentence_A": ["a", "b", "c"],
            "sentence_B": ["d", "e", "f"],
            "relatedness_score": [4.5, 3.2, 1.0],
            "entailment_judgment": ["NEUTRAL", "NEUTRAL", "ENTAILMENT"],
        }
    )
    detection = detect(frame)
    assert detection.format == "pair_score"
    assert detection.alternatives == ["pair_class"]
    assert "within 1..5" in detection.reason
    assert "pair_ID" not in detection.mapping.values()


def test_missing_role_in_reason() -> None:
    frame = pl.DataFrame({"anchor": ["a"], "count": [3]})
    detection = detect(frame)
    assert "no column found for" in detection.reason


@pytest.mark.parametrize(
    "columns",
    [
        ["anchor", "positive", "negative"],
        ["sentence_A", "sentence_B", "relatedness_score", "id"],
        ["text_a", "text_b", "x", "label"],
        ["column_1", "column_2", "column_3"],
    ],
)
def test_shuffled_columns_same_mapping(columns: list[str]) -> None:
    values: dict[str, list[object]] = {
        "anchor": ["a b", "c d", "e f"],
        "positive": ["g h", "i j", "k l"],
        "negative": ["m n", "o p", "q r"],
        "sentence_A": ["a b", "c d", "e f"],
        "sentence_B": ["g h", "i j", "k l"],
        "relatedness_score": [1.0, 2.5, 5.0],
        "id": [1, 2, 3],
        "text_a": ["a b", "c d", "e f"],
        "text_b": ["g h", "i j", "k l"],
        "x": ["s t", "u v", "w x"],
        "label": [0, 1, 0],
        "column_1": ["a b", "c d", "e f"],
        "column_2": ["g h", "i j", "k l"],
        "column_3": ["m n", "o p", "q r"],
    }
    results = set()
    for order in itertools.permutations(columns):
        frame = pl.DataFrame({name: values[name] for name in order})
        detection = detect(frame)
        results.add((detection.format, tuple(sorted(detection.mapping.items()))))
    assert len(results) == 1


def test_suggest_mapping_for_chosen_format() -> None:
    schema: dict[str, pl.DataType] = {"q": pl.String(), "doc": pl.String()}
    mapping = suggest_mapping(FORMATS["qa"], schema)
    assert mapping == {"query": "q", "answer": "doc"}


@pytest.mark.parametrize(
    ("low", "high", "expected"),
    [(0.1, 0.9, (0, 1)), (1.0, 5.0, (1, 5)), (0.0, 4.5, (0, 5)), (3.0, 87.0, (0, 100))],
)
def test_nominal_range(low: float, high: float, expected: tuple[int, int]) -> None:
    assert nominal_range(low, high) == expected
