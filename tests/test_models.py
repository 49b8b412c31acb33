"""Tests of model lookup: bundled model, local folders, the cache and Hub ids."""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Any

import pytest

from st_tui.errors import ModelError
from st_tui.training import models
from st_tui.training.engine import load_model
from st_tui.training.models import (
    BUNDLED_NAME,
    bundled_model_path,
    cached_models,
    default_model,
    describe_load_failure,
    hub_offline,
    is_model_folder,
    model_choices,
    resolve_model,
)


def test_bundled_model_found() -> None:
    path = bundled_model_path()
    assert path is not None
    assert (path / "modules.json").is_file()
    assert is_model_folder(path)
    assert default_model() == str(path)


def test_bundled_is_first_choice(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "empty-cache"))
    choices = model_choices()
    assert choices[0].label == BUNDLED_NAME
    assert choices[0].kind == "bundled"
    assert choices[0].location == str(bundled_model_path())


def test_cached_models_listed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    snapshot = tmp_path / "models--org--encoder" / "snapshots" / "abc123"
    snapshot.mkdir(parents=True)
    (snapshot / "modules.json").write_text("[]", encoding="utf-8")
    plain = tmp_path / "models--org--not-st" / "snapshots" / "def456"
    plain.mkdir(parents=True)
    (plain / "config.json").write_text("{}", encoding="utf-8")
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path))
    choices = cached_models()
    assert [choice.location for choice in choices] == ["org/encoder"]
    assert choices[0].kind == "cache"


def test_default_without_bundled(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(models, "bundled_model_path", lambda: None)
    with pytest.raises(ModelError) as caught:
        default_model()
    assert "st-tui[offline]" in str(caught.value)
    with pytest.raises(ModelError):
        resolve_model(None)


def test_resolve_none_is_bundled() -> None:
    assert resolve_model(None) == str(bundled_model_path())
    assert resolve_model("") == str(bundled_model_path())


def test_resolve_local_folder(tiny_model: Path) -> None:
    assert resolve_model(str(tiny_model)) == str(tiny_model.resolve())


def test_resolve_hub_id_unchanged() -> None:
    assert resolve_model("sentence-transformers/all-mpnet-base-v2") == (
        "sentence-transformers/all-mpnet-base-v2"
    )
    assert resolve_model("bert-base-uncased") == "bert-base-uncased"


def test_resolve_folder_without_model(tmp_path: Path) -> None:
    with pytest.raises(ModelError) as caught:
        resolve_model(str(tmp_path))
    assert "not a model folder" in str(caught.value)
    assert str(tmp_path) in str(caught.value)


def test_resolve_file_is_not_model(tmp_path: Path) -> None:
    path = tmp_path / "weights.bin"
    path.write_bytes(b"\x00")
    with pytest.raises(ModelError) as caught:
        resolve_model(str(path))
    assert "not a model folder" in str(caught.value)


@pytest.mark.parametrize("name", ["./missing-model", "/no/such/model", "a/b/c"])
def test_resolve_missing_path(name: str) -> None:
    with pytest.raises(ModelError) as caught:
        resolve_model(name)
    assert "not found" in str(caught.value)
    assert name in str(caught.value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [("1", True), ("true", True), ("ON", True), ("0", False), ("", False)],
)
def test_hub_offline_values(
    value: str, expected: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", value)
    assert hub_offline() is expected


def test_describe_offline_hub_id(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    message = describe_load_failure("org/absent", OSError("no file"))
    assert "'org/absent'" in message
    assert "HF_HUB_OFFLINE=1" in message
    assert "bundled model" in message


def test_describe_broken_folder(tmp_path: Path) -> None:
    message = describe_load_failure(str(tmp_path), ValueError("bad config"))
    assert str(tmp_path) in message
    assert "bad config" in message


def test_offline_hub_id_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    connections: list[Any] = []

    def reject_connection(self: socket.socket, address: Any) -> None:
        connections.append(address)
        raise OSError("network disabled in tests")

    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setattr(socket.socket, "connect", reject_connection)
    with pytest.raises(ModelError) as caught:
        load_model("st-tui-tests/no-such-model", max_seq_length=32)
    message = str(caught.value)
    assert "'st-tui-tests/no-such-model'" in message
    assert "HF_HUB_OFFLINE=1" in message
    assert "Traceback" not in message
    assert connections == []


def test_load_model_sets_max_seq_length(tiny_model: Path) -> None:
    model = load_model(str(tiny_model), max_seq_length=24)
    assert model.max_seq_length == 24
    assert model.encode(["a man plays"]).shape == (1, 32)


def test_load_broken_folder(tmp_path: Path) -> None:
    (tmp_path / "modules.json").write_text("not json", encoding="utf-8")
    with pytest.raises(ModelError) as caught:
        load_model(str(tmp_path), max_seq_length=32)
    assert str(tmp_path) in str(caught.value)
