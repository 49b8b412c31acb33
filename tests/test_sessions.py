"""Session folders: atomic records, live status, damaged files, listing and changes."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from st_tui.cli import cli
from st_tui.sessions.state import Step, WizardState
from st_tui.sessions.store import (
    SCHEMA_VERSION,
    SessionError,
    SessionStatus,
    SessionStore,
    read_record,
)


@pytest.fixture
def store(tmp_path: Path) -> SessionStore:
    return SessionStore(tmp_path / "home")


def test_create_writes_readable_record(store: SessionStore, tmp_path: Path) -> None:
    data = tmp_path / "pairs.csv"
    data.write_text("anchor,positive\na,b\n", encoding="utf-8")
    session = store.create(WizardState(source_path=str(data), format="pair"))

    record = read_record(session.record_path)

    assert record.id == session.id
    assert record.schema_version == SCHEMA_VERSION
    assert record.state.format == "pair"
    assert record.fingerprint is not None
    assert record.fingerprint.size == data.stat().st_size
    assert session.id.endswith("pairs-pair")


def test_ids_are_unique_within_a_minute(store: SessionStore) -> None:
    first = store.create(WizardState(), name="same")
    second = store.create(WizardState(), name="same")

    assert first.id != second.id
    assert second.id.endswith("-2")


def test_training_without_live_lock_is_interrupted(store: SessionStore) -> None:
    session = store.create(WizardState())
    session.record.status = SessionStatus.TRAINING
    session.save()
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    session.lock_path.write_text(json.dumps({"pid": dead.pid}), encoding="utf-8")

    reopened = store.load(session.id)

    assert reopened.record.status is SessionStatus.TRAINING
    assert reopened.status is SessionStatus.INTERRUPTED


def test_training_with_live_lock_is_training(store: SessionStore) -> None:
    session = store.create(WizardState())
    session.record.status = SessionStatus.TRAINING
    session.save()

    with session.run_lock():
        assert store.load(session.id).status is SessionStatus.TRAINING
    assert not session.lock_path.exists()
    assert store.load(session.id).status is SessionStatus.INTERRUPTED


def test_pid_reuse_is_not_taken_for_liveness(store: SessionStore) -> None:
    session = store.create(WizardState())
    session.record.status = SessionStatus.TRAINING
    session.save()
    lock = {"pid": os.getpid(), "start_time": 12345.0}
    session.lock_path.write_text(json.dumps(lock), encoding="utf-8")

    assert store.load(session.id).status is SessionStatus.INTERRUPTED


def test_second_trainer_is_rejected(store: SessionStore) -> None:
    session = store.create(WizardState())
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        session.lock_path.write_text(json.dumps({"pid": sleeper.pid}), encoding="utf-8")
        with (
            pytest.raises(SessionError, match="being trained by process"),
            session.run_lock(),
        ):
            pass
    finally:
        sleeper.kill()
        sleeper.wait()


def test_damaged_record_is_listed_not_overwritten(store: SessionStore) -> None:
    good = store.create(WizardState(), name="good")
    bad = store.create(WizardState(), name="bad")
    bad.record_path.write_text('{"id": "bad", "schema_', encoding="utf-8")

    sessions, damaged = store.list()

    assert [s.id for s in sessions] == [good.id]
    assert [d.id for d in damaged] == [bad.id]
    assert "not valid JSON" in damaged[0].reason
    assert bad.record_path.read_text(encoding="utf-8") == '{"id": "bad", "schema_'


def test_newer_schema_is_never_overwritten(store: SessionStore) -> None:
    session = store.create(WizardState())
    data = json.loads(session.record_path.read_text(encoding="utf-8"))
    data["schema_version"] = SCHEMA_VERSION + 1
    newer = json.dumps(data)
    session.record_path.write_text(newer, encoding="utf-8")

    with pytest.raises(SessionError, match="newer st-tui"):
        store.load(session.id)
    with pytest.raises(SessionError, match="left unchanged"):
        session.save()
    assert session.record_path.read_text(encoding="utf-8") == newer


def test_source_change_is_reported(store: SessionStore, tmp_path: Path) -> None:
    data = tmp_path / "pairs.csv"
    data.write_text("anchor,positive\na,b\n", encoding="utf-8")
    session = store.create(WizardState(source_path=str(data), format="pair"))
    assert session.source_change() is None

    data.write_text("anchor,positive\na,b\nc,d\n", encoding="utf-8")
    change = session.source_change()

    assert change is not None
    assert "size 20 -> 24 bytes" in change
    assert str(data) in change


def test_missing_source_is_reported(store: SessionStore, tmp_path: Path) -> None:
    data = tmp_path / "pairs.csv"
    data.write_text("anchor,positive\na,b\n", encoding="utf-8")
    session = store.create(WizardState(source_path=str(data), format="pair"))
    data.unlink()

    assert "no longer exists" in (session.source_change() or "")


def test_duplicate_keeps_choices_drops_results(store: SessionStore) -> None:
    state = WizardState(format="pair", mapping={"anchor": "q", "positive": "a"})
    state.result = {"model_path": "/somewhere"}
    state.output_dir = "/runs/one"
    original = store.create(state, name="run")

    copy = store.duplicate(original.id)

    assert copy.id != original.id
    assert copy.state.mapping == {"anchor": "q", "positive": "a"}
    assert copy.state.result is None
    assert copy.state.output_dir is None
    assert copy.state.step is Step.PARAMETERS
    assert copy.record.status is SessionStatus.DRAFT


def test_delete_removes_folder(store: SessionStore) -> None:
    session = store.create(WizardState())

    store.delete(session.id)

    assert not session.folder.exists()
    with pytest.raises(SessionError, match="not found"):
        store.load(session.id)


def test_delete_damaged_removes_folder(store: SessionStore) -> None:
    bad = store.create(WizardState(), name="bad")
    bad.record_path.write_text("{not json", encoding="utf-8")

    store.delete_damaged(bad.id)

    assert not bad.folder.exists()
    assert store.list() == ([], [])


def test_delete_damaged_rejects_readable(store: SessionStore) -> None:
    good = store.create(WizardState(), name="good")

    with pytest.raises(SessionError, match="readable, not damaged"):
        store.delete_damaged(good.id)
    with pytest.raises(SessionError, match="not found"):
        store.delete_damaged("../outside")
    assert good.folder.is_dir()


def test_delete_damaged_rejects_live_run(store: SessionStore) -> None:
    bad = store.create(WizardState(), name="bad")
    bad.record_path.write_text("[]", encoding="utf-8")
    bad.lock_path.write_text(json.dumps({"pid": os.getpid()}), encoding="utf-8")

    with pytest.raises(SessionError, match="is training"):
        store.delete_damaged(bad.id)
    assert bad.folder.is_dir()


def test_load_by_unique_prefix(store: SessionStore) -> None:
    session = store.create(WizardState(), name="alpha")

    assert store.load(session.id[:-3]).id == session.id


def test_sessions_command_json(store: SessionStore) -> None:
    store.create(WizardState(format="qa"), name="first")
    runner = CliRunner()

    result = runner.invoke(cli, ["--home", str(store.home), "sessions", "--json"])

    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    assert payload["sessions"][0]["format"] == "qa"
    assert payload["sessions"][0]["status"] == "draft"


def test_killed_writer_leaves_readable_record(store: SessionStore) -> None:
    session = store.create(WizardState(), name="writer")
    script = textwrap.dedent(
        f"""
        from st_tui.sessions.store import SessionStore
        store = SessionStore({str(store.home)!r})
        session = store.load({session.id!r})
        i = 0
        while True:
            i += 1
            session.record.message = "x" * (i % 5000)
            session.save()
        """
    )
    writer = subprocess.Popen([sys.executable, "-c", script])
    time.sleep(2.0)
    writer.send_signal(signal.SIGKILL)
    writer.wait()

    record = read_record(session.record_path)

    assert record.id == session.id
    assert record.message is not None
    leftovers = [p.name for p in session.folder.iterdir() if p.suffix == ".tmp"]
    assert len(leftovers) <= 1
