"""Headless runs that die after a checkpoint resume from it and end at the same step."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from st_tui.sessions.store import SessionStatus, SessionStore
from st_tui.training.events import read_events

STEPS_PER_EPOCH = 8
EPOCHS = 25


def _write_config(tmp_path: Path, model: Path, data: Path) -> Path:
    config = tmp_path / "run.yaml"
    config.write_text(
        f"""
model: {model}
data:
  path: {data}
  format: pair
  validation_split: 0
training:
  epochs: {EPOCHS}
  batch_size: 8
  max_seq_length: 32
  save_strategy: steps
  save_steps: 10
  save_total_limit: 3
  eval_strategy: "no"
  num_threads: 1
output_dir: {tmp_path / "out"}
""",
        encoding="utf-8",
    )
    return config


def _st_tui(home: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "st_tui.cli", "--home", str(home), *args]


def _environment() -> dict[str, str]:
    return {**os.environ, "HF_HUB_OFFLINE": "1", "TQDM_DISABLE": "1"}


def _wait_for_checkpoint(home: Path, process: subprocess.Popen[bytes]) -> Path:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        for events in home.glob("sessions/*/events.jsonl"):
            if '"kind": "checkpoint"' in events.read_text(encoding="utf-8"):
                return events.parent
        assert process.poll() is None, "training ended before its first checkpoint"
        time.sleep(0.1)
    raise AssertionError("no checkpoint within 120 s")


@pytest.mark.parametrize("signal_number", [signal.SIGKILL, signal.SIGHUP])
def test_resume_after_process_dies(
    tmp_path: Path, tiny_model: Path, format_file, signal_number: int
) -> None:
    data = format_file("pair", count=STEPS_PER_EPOCH * 8)
    config = _write_config(tmp_path, tiny_model, data)
    home = tmp_path / "home"
    process = subprocess.Popen(
        _st_tui(home, "train", str(config)),
        env=_environment(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    folder = _wait_for_checkpoint(home, process)
    process.send_signal(signal_number)
    _, stderr = process.communicate(timeout=120)
    session_id = folder.name

    store = SessionStore(home)
    stopped = store.load(session_id)
    assert stopped.status is SessionStatus.INTERRUPTED
    if signal_number == signal.SIGHUP:
        assert process.returncode == 143
        assert b"stopped by SIGHUP" in stderr
    checkpoint = stopped.newest_checkpoint()
    assert checkpoint is not None
    resume_step = int(checkpoint.name.removeprefix("checkpoint-"))
    assert resume_step < STEPS_PER_EPOCH * EPOCHS

    resumed = subprocess.run(
        _st_tui(home, "resume", session_id),
        env=_environment(),
        capture_output=True,
        timeout=300,
    )

    assert resumed.returncode == 0, resumed.stderr.decode()
    events = read_events(folder / "events.jsonl")
    starts = [e for e in events if e.kind == "started"]
    assert len(starts) == 2
    assert starts[1].resumed_from_step == resume_step
    finished = [e for e in events if e.kind == "finished"]
    assert len(finished) == 1
    assert finished[0].step == STEPS_PER_EPOCH * EPOCHS
    first_step_after_resume = next(
        e.step for e in events[events.index(starts[1]) :] if e.kind == "step"
    )
    assert first_step_after_resume > resume_step
    record = json.loads((folder / "session.json").read_text(encoding="utf-8"))
    assert record["status"] == "finished"
    assert record["progress"]["step"] == STEPS_PER_EPOCH * EPOCHS

    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(finished[0].model_path, device="cpu")
    assert model.encode(["a man plays in the park"]).shape[0] == 1


def test_resume_without_checkpoint_fails_clearly(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from st_tui.cli import cli
    from st_tui.sessions.state import WizardState
    from st_tui.training.config import DataConfig, TrainConfig, save_config

    store = SessionStore(tmp_path / "home")
    session = store.create(WizardState(format="pair"))
    config = TrainConfig(
        data=DataConfig(path=str(tmp_path / "x.csv"), format="pair"),
        output_dir=str(tmp_path / "out"),
    )
    save_config(config, session.config_path)
    session.state.output_dir = str(tmp_path / "out")
    session.save()

    result = CliRunner().invoke(cli, ["--home", str(store.home), "resume", session.id])

    assert result.exit_code == 1
    assert "no complete checkpoint" in result.output
