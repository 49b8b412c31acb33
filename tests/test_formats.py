"""Tests of the five formats and of the sample file shipped for each of them."""

from __future__ import annotations

from pathlib import Path

import pytest

from st_tui.data.check import check_basic
from st_tui.data.detect import detect_format
from st_tui.data.load import open_source, preview
from st_tui.formats import FORMAT_NAMES, FORMATS, RoleKind, get_format
from st_tui.training.config import LOSSES, load_config

SAMPLES = Path(__file__).resolve().parent.parent / "assets" / "samples"

EXPECTED_ROLES = {
    "pair": ("anchor", "positive"),
    "pair_class": ("premise", "hypothesis", "label"),
    "pair_score": ("sentence1", "sentence2", "score"),
    "triplet": ("anchor", "positive", "negative"),
    "qa": ("query", "answer"),
}
EXPECTED_LOSSES = {
    "pair": "MultipleNegativesRankingLoss",
    "pair_class": "SoftmaxLoss",
    "pair_score": "CoSENTLoss",
    "triplet": "MultipleNegativesRankingLoss",
    "qa": "MultipleNegativesRankingLoss",
}
SAMPLE_FILES = {
    "pair": "pair.csv",
    "pair_class": "pair_class.tsv",
    "pair_score": "pair_score.csv",
    "triplet": "triplet.jsonl",
    "qa": "qa.csv",
}


def test_format_names_are_the_five() -> None:
    assert FORMAT_NAMES == ("pair", "pair_class", "pair_score", "triplet", "qa")


@pytest.mark.parametrize("name", FORMAT_NAMES)
def test_roles_in_loss_order(name: str) -> None:
    assert FORMATS[name].roles == EXPECTED_ROLES[name]


@pytest.mark.parametrize("name", FORMAT_NAMES)
def test_default_loss(name: str) -> None:
    fmt = FORMATS[name]
    assert fmt.default_loss == EXPECTED_LOSSES[name]
    assert fmt.default_loss in LOSSES[name]


@pytest.mark.parametrize("name", FORMAT_NAMES)
def test_every_role_has_a_kind(name: str) -> None:
    fmt = FORMATS[name]
    assert set(fmt.kinds) == set(fmt.roles)
    assert set(fmt.aliases) <= set(fmt.roles)


def test_target_roles() -> None:
    assert FORMATS["pair_class"].target_role == "label"
    assert FORMATS["pair_class"].kinds["label"] is RoleKind.LABEL
    assert FORMATS["pair_score"].target_role == "score"
    assert FORMATS["pair_score"].kinds["score"] is RoleKind.SCORE
    for name in ("pair", "triplet", "qa"):
        assert FORMATS[name].target_role is None
        assert FORMATS[name].text_roles == FORMATS[name].roles


def test_target_role_is_last() -> None:
    # The collator takes `label`/`score` as the target and every other column as
    # input, in order, so the target must follow the texts.
    for fmt in FORMATS.values():
        if fmt.target_role is not None:
            assert fmt.roles[-1] == fmt.target_role
            assert fmt.text_roles == fmt.roles[:-1]


def test_in_batch_negatives() -> None:
    assert FORMATS["pair"].uses_in_batch_negatives
    assert FORMATS["qa"].uses_in_batch_negatives
    assert FORMATS["triplet"].uses_in_batch_negatives
    assert not FORMATS["pair_score"].uses_in_batch_negatives
    assert not FORMATS["pair_class"].uses_in_batch_negatives


def test_get_format_unknown_lists_valid() -> None:
    with pytest.raises(KeyError) as caught:
        get_format("pairs")
    message = str(caught.value)
    assert "'pairs'" in message
    for name in FORMAT_NAMES:
        assert name in message


def test_every_format_has_a_sample() -> None:
    assert set(SAMPLE_FILES) == set(FORMAT_NAMES)
    for file_name in SAMPLE_FILES.values():
        assert (SAMPLES / file_name).is_file()


@pytest.mark.parametrize("name", FORMAT_NAMES)
def test_sample_detected_and_clean(name: str) -> None:
    source = open_source(SAMPLES / SAMPLE_FILES[name])
    frame = source.frame.collect()
    detection = detect_format(source.schema, preview(source))
    fmt = get_format(name)

    assert 40 <= frame.height <= 60
    assert detection.format == name, detection.reason
    assert set(detection.mapping) == set(fmt.roles)
    assert check_basic(source.frame, fmt, detection.mapping) == []


def test_pair_class_sample_has_string_labels() -> None:
    source = open_source(SAMPLES / "pair_class.tsv")
    labels = source.frame.collect().get_column("label")
    assert set(labels.to_list()) == {"entailment", "neutral", "contradiction"}


def test_pair_score_sample_scores_in_range() -> None:
    source = open_source(SAMPLES / "pair_score.csv")
    scores = source.frame.collect().get_column("score")
    assert scores.dtype.is_float()
    assert scores.min() >= 0
    assert scores.max() <= 5


def test_sample_config_points_at_sample() -> None:
    config = load_config(SAMPLES / "pair_score.yaml")
    assert Path(config.data.path) == SAMPLES / "pair_score.csv"
    assert config.data.format == "pair_score"
    assert config.loss_name == "CoSENTLoss"
    assert Path(config.output_dir).is_relative_to(SAMPLES)
