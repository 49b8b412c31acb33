"""Tests of turning a mapped frame into the trainer's dataset, and of the split."""

from __future__ import annotations

import polars as pl
import pytest

from st_tui.data.convert import select_roles, split_frame
from st_tui.errors import DataError
from st_tui.formats import get_format


def source_frame() -> pl.DataFrame:
    # Extra columns and roles in an order unlike the format's, as real files have.
    return pl.DataFrame(
        {
            "id": [1, 2, 3, 4],
            "similarity": ["4.5", "1", "2.25", "0"],
            "text_b": ["b1", "b2", "b3", "b4"],
            "notes": ["x", "y", "z", "w"],
            "text_a": ["a1", "a2", "a3", "a4"],
        }
    )


def test_roles_in_order_nothing_else() -> None:
    fmt = get_format("pair_score")
    mapping = {"score": "similarity", "sentence2": "text_b", "sentence1": "text_a"}
    prepared = select_roles(source_frame(), fmt, mapping)
    frame = prepared.frame
    assert frame.columns == ["sentence1", "sentence2", "score"]
    assert frame.get_column("sentence1").to_list() == ["a1", "a2", "a3", "a4"]
    assert frame.get_column("sentence2").to_list() == ["b1", "b2", "b3", "b4"]
    assert frame.schema["score"] == pl.Float64
    assert frame.get_column("score").to_list() == [4.5, 1.0, 2.25, 0.0]
    assert prepared.label_names is None


def test_text_roles_cast_to_string() -> None:
    fmt = get_format("pair")
    frame = pl.DataFrame({"left": [1, 2], "right": ["x", "y"]})
    prepared = select_roles(frame, fmt, {"anchor": "left", "positive": "right"})
    assert prepared.frame.schema["anchor"] == pl.String
    assert prepared.frame.get_column("anchor").to_list() == ["1", "2"]


def test_triplet_order_from_shuffled_columns() -> None:
    fmt = get_format("triplet")
    frame = pl.DataFrame({"neg": ["n"], "extra": [0], "anc": ["a"], "pos": ["p"]})
    mapping = {"negative": "neg", "anchor": "anc", "positive": "pos"}
    prepared = select_roles(frame, fmt, mapping)
    assert prepared.frame.columns == ["anchor", "positive", "negative"]
    assert prepared.frame.row(0) == ("a", "p", "n")


def test_string_labels_become_ids() -> None:
    fmt = get_format("pair_class")
    frame = pl.DataFrame(
        {
            "judgment": ["NEUTRAL", "ENTAILMENT", "CONTRADICTION", "NEUTRAL"],
            "h": ["h1", "h2", "h3", "h4"],
            "p": ["p1", "p2", "p3", "p4"],
        }
    )
    mapping = {"premise": "p", "hypothesis": "h", "label": "judgment"}
    prepared = select_roles(frame, fmt, mapping)
    assert prepared.frame.columns == ["premise", "hypothesis", "label"]
    assert prepared.frame.schema["label"] == pl.Int64
    assert prepared.label_names == ["CONTRADICTION", "ENTAILMENT", "NEUTRAL"]
    ids = prepared.frame.get_column("label").to_list()
    assert ids == [2, 1, 0, 2]
    names = [prepared.label_names[i] for i in ids]
    assert names == frame.get_column("judgment").to_list()


def test_numeric_labels_sorted_numerically() -> None:
    fmt = get_format("pair_class")
    frame = pl.DataFrame({"a": ["x", "y", "z"], "b": ["u", "v", "w"], "c": [10, 2, 1]})
    prepared = select_roles(
        frame, fmt, {"premise": "a", "hypothesis": "b", "label": "c"}
    )
    assert prepared.label_names == ["1", "2", "10"]
    assert prepared.frame.get_column("label").to_list() == [2, 1, 0]


def test_validation_labels_use_train_ids() -> None:
    fmt = get_format("pair_class")
    mapping = {"premise": "p", "hypothesis": "h", "label": "l"}
    train = pl.DataFrame({"p": ["a", "b"], "h": ["c", "d"], "l": ["yes", "no"]})
    held_out = pl.DataFrame({"p": ["e"], "h": ["f"], "l": ["yes"]})
    train_prepared = select_roles(train, fmt, mapping)
    validation = select_roles(held_out, fmt, mapping, train_prepared.label_names)
    assert validation.label_names == ["no", "yes"]
    assert validation.frame.get_column("label").to_list() == [1]


def test_unseen_validation_label_raises() -> None:
    fmt = get_format("pair_class")
    mapping = {"premise": "p", "hypothesis": "h", "label": "l"}
    held_out = pl.DataFrame({"p": ["e"], "h": ["f"], "l": ["maybe"]})
    with pytest.raises(DataError) as caught:
        select_roles(held_out, fmt, mapping, ["no", "yes"])
    assert "'maybe'" in str(caught.value)
    assert "'l'" in str(caught.value)


def test_to_dataset_keeps_columns_and_types() -> None:
    fmt = get_format("pair_class")
    frame = pl.DataFrame(
        {"x": ["a", "b"], "p": ["p1", "p2"], "h": ["h1", "h2"], "l": ["b", "a"]}
    )
    prepared = select_roles(
        frame, fmt, {"premise": "p", "hypothesis": "h", "label": "l"}
    )
    dataset = prepared.to_dataset()
    assert dataset.column_names == ["premise", "hypothesis", "label"]
    assert dataset["label"] == [1, 0]
    assert dataset.features["label"].dtype == "int64"


def numbered(count: int) -> pl.DataFrame:
    return pl.DataFrame({"n": list(range(count))})


def test_split_is_deterministic() -> None:
    first_train, first_held = split_frame(numbered(100), 0.2, seed=42)
    second_train, second_held = split_frame(numbered(100), 0.2, seed=42)
    assert first_held is not None
    assert second_held is not None
    assert first_train.equals(second_train)
    assert first_held.equals(second_held)


def test_split_depends_on_seed() -> None:
    _, first = split_frame(numbered(100), 0.2, seed=1)
    _, second = split_frame(numbered(100), 0.2, seed=2)
    assert first is not None
    assert second is not None
    assert first.get_column("n").to_list() != second.get_column("n").to_list()


def test_split_sizes_and_disjoint() -> None:
    train, held_out = split_frame(numbered(100), 0.1, seed=0)
    assert held_out is not None
    assert train.height == 90
    assert held_out.height == 10
    train_rows = set(train.get_column("n").to_list())
    held_rows = set(held_out.get_column("n").to_list())
    assert not train_rows & held_rows
    assert train_rows | held_rows == set(range(100))


def test_split_zero_keeps_all() -> None:
    frame = numbered(5)
    train, held_out = split_frame(frame, 0.0, seed=0)
    assert held_out is None
    assert train.equals(frame)


def test_split_holds_out_at_least_one() -> None:
    train, held_out = split_frame(numbered(4), 0.01, seed=0)
    assert held_out is not None
    assert held_out.height == 1
    assert train.height == 3


def test_split_leaving_no_training_rows() -> None:
    with pytest.raises(DataError) as caught:
        split_frame(numbered(1), 0.5, seed=0)
    assert "no training rows" in str(caught.value)


def test_boolean_labels_become_ids() -> None:
    fmt = get_format("pair_class")
    frame = pl.DataFrame(
        {"a": ["x", "y", "z"], "b": ["u", "v", "w"], "dup": [True, False, True]}
    )
    prepared = select_roles(
        frame, fmt, {"premise": "a", "hypothesis": "b", "label": "dup"}
    )
    assert prepared.label_names == ["false", "true"]
    assert prepared.frame.get_column("label").to_list() == [1, 0, 1]


def test_float_labels_keep_names() -> None:
    fmt = get_format("pair_class")
    frame = pl.DataFrame({"a": ["x", "y"], "b": ["u", "v"], "c": [1.0, 0.0]})
    prepared = select_roles(
        frame, fmt, {"premise": "a", "hypothesis": "b", "label": "c"}
    )
    assert prepared.label_names == ["0.0", "1.0"]
    assert prepared.frame.get_column("label").to_list() == [1, 0]
