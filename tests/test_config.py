"""Tests of the training configuration: defaults, YAML loading and validation."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from st_tui.errors import ConfigError
from st_tui.formats import get_format
from st_tui.training.config import (
    LOSSES,
    TrainConfig,
    load_config,
    parse_config,
    save_config,
)


def minimal(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {"data": {"path": "pairs.csv", "format": "pair"}}
    data.update(overrides)
    return data


def write_yaml(path: Path, data: Any) -> Path:
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


def test_defaults_follow_autotrain() -> None:
    params = parse_config(minimal()).training
    assert params.epochs == 3
    assert params.batch_size == 8
    assert params.learning_rate == pytest.approx(3e-5)
    assert params.warmup_ratio == pytest.approx(0.1)
    assert params.max_seq_length == 128
    assert params.seed == 42


def test_other_defaults() -> None:
    config = parse_config(minimal())
    assert config.model is None
    assert config.output_dir == "st-tui-output"
    assert config.data.columns == {}
    assert config.data.validation_split == pytest.approx(0.1)
    assert config.data.validation_path is None
    assert config.training.loss is None
    assert config.training.gradient_accumulation_steps == 1
    assert config.training.eval_strategy == "epoch"
    assert config.training.save_strategy == "epoch"
    assert config.training.save_total_limit == 2
    assert config.training.mixed_precision == "auto"
    assert config.training.num_threads is None


@pytest.mark.parametrize("name", sorted(LOSSES))
def test_loss_name_defaults_to_format(name: str) -> None:
    data = {"data": {"path": "x.csv", "format": name}}
    assert parse_config(data).loss_name == get_format(name).default_loss


def test_load_resolves_relative_paths(tmp_path: Path) -> None:
    folder = tmp_path / "configs"
    folder.mkdir()
    path = write_yaml(
        folder / "run.yaml",
        {
            "data": {
                "path": "data/train.csv",
                "format": "pair_score",
                "validation_path": "data/dev.csv",
            },
            "output_dir": "out",
        },
    )
    config = load_config(path)
    assert Path(config.data.path) == folder / "data" / "train.csv"
    assert Path(config.data.validation_path or "") == folder / "data" / "dev.csv"
    assert Path(config.output_dir) == folder / "out"


def test_load_keeps_absolute_paths(tmp_path: Path) -> None:
    data_file = tmp_path / "elsewhere" / "train.csv"
    path = write_yaml(
        tmp_path / "run.yaml",
        {
            "data": {"path": str(data_file), "format": "pair"},
            "output_dir": str(tmp_path / "abs-out"),
        },
    )
    config = load_config(path)
    assert Path(config.data.path) == data_file
    assert Path(config.output_dir) == tmp_path / "abs-out"


def test_load_resolves_local_model_folder(tmp_path: Path) -> None:
    (tmp_path / "my-model").mkdir()
    path = write_yaml(tmp_path / "run.yaml", minimal(model="my-model"))
    assert load_config(path).model == str(tmp_path / "my-model")


def test_load_keeps_hub_id(tmp_path: Path) -> None:
    path = write_yaml(tmp_path / "run.yaml", minimal(model="org/some-model"))
    assert load_config(path).model == "org/some-model"


def test_load_reads_every_section(tmp_path: Path) -> None:
    path = write_yaml(
        tmp_path / "run.yaml",
        {
            "model": None,
            "data": {
                "path": "scores.tsv",
                "format": "pair_score",
                "columns": {"sentence1": "a", "sentence2": "b", "score": "sim"},
                "validation_split": 0.2,
            },
            "training": {
                "loss": "AnglELoss",
                "epochs": 1.5,
                "batch_size": 32,
                "learning_rate": 2e-5,
                "max_seq_length": 64,
                "seed": 7,
                "eval_strategy": "steps",
                "eval_steps": 10,
            },
        },
    )
    config = load_config(path)
    assert config.data.columns == {"sentence1": "a", "sentence2": "b", "score": "sim"}
    assert config.data.validation_split == pytest.approx(0.2)
    assert config.loss_name == "AnglELoss"
    assert config.training.epochs == pytest.approx(1.5)
    assert config.training.batch_size == 32
    assert config.training.max_seq_length == 64
    assert config.training.seed == 7
    assert config.training.eval_steps == 10


@pytest.mark.parametrize(
    ("data", "key"),
    [
        (minimal(epoch=3), "epoch"),
        (minimal(training={"batchsize": 4}), "batchsize"),
        ({"data": {"path": "x.csv", "format": "pair", "split": 0.1}}, "split"),
    ],
)
def test_unknown_key_named(data: dict[str, Any], key: str) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_config(data, "run.yaml")
    message = str(caught.value)
    assert key in message
    assert "unknown key" in message
    assert message.startswith("run.yaml")


def test_unknown_key_in_file(tmp_path: Path) -> None:
    path = write_yaml(tmp_path / "run.yaml", minimal(training={"lr": 1e-5}))
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert "training.lr" in str(caught.value)
    assert str(path) in str(caught.value)


@pytest.mark.parametrize(
    ("fmt", "loss"),
    [
        ("pair", "CoSENTLoss"),
        ("pair_score", "MultipleNegativesRankingLoss"),
        ("pair_class", "CoSENTLoss"),
        ("triplet", "SoftmaxLoss"),
        ("qa", "TripletLoss"),
    ],
)
def test_wrong_loss_for_format(fmt: str, loss: str) -> None:
    data = {"data": {"path": "x.csv", "format": fmt}, "training": {"loss": loss}}
    with pytest.raises(ConfigError) as caught:
        parse_config(data)
    message = str(caught.value)
    assert loss in message
    assert fmt in message
    for allowed in LOSSES[fmt]:
        assert allowed in message


@pytest.mark.parametrize("fmt", sorted(LOSSES))
def test_every_listed_loss_accepted(fmt: str) -> None:
    for loss in LOSSES[fmt]:
        data = {"data": {"path": "x.csv", "format": fmt}, "training": {"loss": loss}}
        assert parse_config(data).loss_name == loss


def test_unknown_format_lists_valid() -> None:
    with pytest.raises(ConfigError) as caught:
        parse_config({"data": {"path": "x.csv", "format": "pairs"}})
    assert "'pairs'" in str(caught.value)
    assert "pair_score" in str(caught.value)


def test_unknown_role_in_columns() -> None:
    data = {"data": {"path": "x.csv", "format": "pair", "columns": {"query": "q"}}}
    with pytest.raises(ConfigError) as caught:
        parse_config(data)
    assert "'query'" in str(caught.value)
    assert "anchor, positive" in str(caught.value)


@pytest.mark.parametrize(
    ("training", "key"),
    [
        ({"epochs": 0}, "training.epochs"),
        ({"batch_size": 0}, "training.batch_size"),
        ({"learning_rate": -1}, "training.learning_rate"),
        ({"max_seq_length": 4}, "training.max_seq_length"),
        ({"warmup_ratio": 1.5}, "training.warmup_ratio"),
        ({"mixed_precision": "fp8"}, "training.mixed_precision"),
    ],
)
def test_out_of_range_named(training: dict[str, Any], key: str) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_config(minimal(training=training))
    assert key in str(caught.value)


def test_validation_split_range() -> None:
    with pytest.raises(ConfigError) as caught:
        parse_config(
            {"data": {"path": "x.csv", "format": "pair", "validation_split": 0.95}}
        )
    assert "data.validation_split" in str(caught.value)


def test_steps_strategy_needs_steps() -> None:
    with pytest.raises(ConfigError) as caught:
        parse_config(minimal(training={"eval_strategy": "steps"}))
    assert "eval_steps" in str(caught.value)
    with pytest.raises(ConfigError) as caught:
        parse_config(minimal(training={"save_strategy": "steps"}))
    assert "save_steps" in str(caught.value)


def test_missing_data_section() -> None:
    with pytest.raises(ConfigError) as caught:
        parse_config({"model": None})
    assert "data" in str(caught.value)


def test_not_a_mapping() -> None:
    with pytest.raises(ConfigError):
        parse_config(["data"])


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        load_config(tmp_path / "absent.yaml")
    assert "not found" in str(caught.value)


def test_invalid_yaml(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("data: [unclosed\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert "not valid YAML" in str(caught.value)


def test_yaml_round_trip(tmp_path: Path) -> None:
    original = parse_config(
        minimal(training={"loss": "CachedMultipleNegativesRankingLoss", "seed": 3})
    )
    save_config(original, tmp_path / "config.yaml")
    text = (tmp_path / "config.yaml").read_text(encoding="utf-8")
    assert "model:" not in text
    reloaded = TrainConfig.model_validate(yaml.safe_load(text))
    assert reloaded == original
    assert not (tmp_path / "config.yaml.tmp").exists()


def test_relative_config_path_made_absolute(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A session stores the loaded config in its own folder, and resuming reads it
    # from there, so the paths must no longer depend on the working directory.
    project = tmp_path / "project"
    (project / "data").mkdir(parents=True)
    (project / "my-model").mkdir()
    write_yaml(
        project / "run.yaml",
        {
            "model": "my-model",
            "data": {"path": "data/train.csv", "format": "pair"},
            "output_dir": "out",
        },
    )
    monkeypatch.chdir(tmp_path)

    config = load_config(Path("project") / "run.yaml")
    assert Path(config.data.path).is_absolute()
    assert Path(config.output_dir).is_absolute()
    assert Path(config.model or "").is_absolute()

    session = tmp_path / "session"
    session.mkdir()
    save_config(config, session / "config.yaml")
    reloaded = load_config(session / "config.yaml")
    assert reloaded.data.path == str(project / "data" / "train.csv")
    assert reloaded.output_dir == str(project / "out")
    assert reloaded.model == str(project / "my-model")
