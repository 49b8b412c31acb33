"""Pilot tests of the wizard with a session store: list, reopen, delete, duplicate."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import DataTable, Input, Select

from st_tui.sessions.state import Step, WizardState
from st_tui.sessions.store import Session, SessionStatus, SessionStore
from st_tui.training.config import TrainingParams
from st_tui.tui.app import StTuiApp
from st_tui.tui.screens.confirm import ConfirmModal
from st_tui.tui.screens.mapping import MappingScreen
from st_tui.tui.screens.parameters import ParametersScreen
from st_tui.tui.screens.result import ResultScreen
from st_tui.tui.screens.review import ReviewScreen
from st_tui.tui.screens.sessions import SessionsScreen
from st_tui.tui.screens.source import SourceScreen

from .test_tui_wizard import (
    TIMEOUT_SECONDS,
    fill_parameters,
    wait_for_screen,
    wait_until,
)


def parameters_state(source: Path, batch_size: int = 4) -> WizardState:
    """Return a state left at the parameters step of a pair_score file."""
    return WizardState(
        step=Step.PARAMETERS,
        source_path=str(source),
        format="pair_score",
        mapping={"sentence1": "sentence1", "sentence2": "sentence2", "score": "score"},
        training=TrainingParams(batch_size=batch_size),
    )


def write_damaged(store: SessionStore, name: str = "broken") -> Path:
    """Make a session folder whose session.json is not valid JSON."""
    folder = store.root / name
    folder.mkdir(parents=True)
    (folder / "session.json").write_text("{not json", encoding="utf-8")
    return folder


def sessions_app(store: SessionStore, workdir: Path, session=None) -> StTuiApp:
    app = StTuiApp(workdir=workdir)
    app.attach_sessions(store, session)
    return app


@pytest.mark.parametrize("attach", ["store", "home folder"])
async def test_sessions_screen_lists_sessions(
    format_file, tmp_path: Path, attach: str
) -> None:
    store = SessionStore(tmp_path / "home")
    source = format_file("pair_score")
    first = store.create(parameters_state(source), name="first")
    second = store.create(parameters_state(source), name="second")
    write_damaged(store)
    app = StTuiApp(workdir=tmp_path)
    # The CLI attaches the home folder, and the wizard opens the store from it.
    app.attach_sessions(store if attach == "store" else store.home, None)

    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for_screen(pilot, SessionsScreen)
        table = pilot.app.screen.query_one(DataTable)
        keys = [row.key.value for row in table.ordered_rows]

    assert set(keys[:2]) == {first.id, second.id}
    assert keys[2] == "broken"


async def test_no_sessions_starts_at_source(tmp_path: Path) -> None:
    store = SessionStore(tmp_path / "home")
    async with sessions_app(store, tmp_path).run_test(size=(120, 40)) as pilot:
        await wait_for_screen(pilot, SourceScreen)


async def test_home_folder_store_saves_session(format_file, tmp_path: Path) -> None:
    home = tmp_path / "home"
    app = StTuiApp(start_path=format_file("pair"), workdir=tmp_path)
    app.attach_sessions(home, None)

    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for_screen(pilot, MappingScreen)

    sessions, damaged = SessionStore(home).list()
    assert [s.state.step for s in sessions] == [Step.MAPPING]
    assert damaged == []


async def test_reopen_fills_parameters(format_file, tmp_path: Path) -> None:
    store = SessionStore(tmp_path / "home")
    session = store.create(parameters_state(format_file("pair_score"), batch_size=4))

    async with sessions_app(store, tmp_path).run_test(size=(120, 40)) as pilot:
        await wait_for_screen(pilot, SessionsScreen)
        await pilot.press("enter")
        await wait_for_screen(pilot, ParametersScreen)
        batch_size = pilot.app.screen.query_one("#batch_size", Input).value
        typed = pilot.app.screen.query_one("#output_dir", Input).value
        output_dir = pilot.app.resolve_path(typed)
        current = pilot.app.session

    assert batch_size == "4"
    assert output_dir == str(session.folder)
    assert current is not None
    assert current.id == session.id


async def test_session_option_reopens_step(format_file, tmp_path: Path) -> None:
    store = SessionStore(tmp_path / "home")
    state = parameters_state(format_file("pair_score"))
    state.step = Step.MAPPING
    session = store.create(state)

    async with sessions_app(store, tmp_path, session).run_test(size=(120, 40)) as pilot:
        await wait_for_screen(pilot, MappingScreen)


async def test_reopen_keeps_saved_mapping(format_file, tmp_path: Path) -> None:
    store = SessionStore(tmp_path / "home")
    state = parameters_state(format_file("pair_score"))
    state.step = Step.MAPPING
    state.mapping = {
        "sentence1": "sentence_B",
        "sentence2": "sentence_A",
        "score": "relatedness_score",
    }
    session = store.create(state)

    async with sessions_app(store, tmp_path, session).run_test(size=(120, 40)) as pilot:
        await wait_for_screen(pilot, MappingScreen)
        await pilot.pause()
        screen = pilot.app.screen
        first = screen.query_one("#role-sentence1", Select).value
        second = screen.query_one("#role-sentence2", Select).value

    assert first == "sentence_B"
    assert second == "sentence_A"


async def test_delete_asks_then_removes(format_file, tmp_path: Path) -> None:
    store = SessionStore(tmp_path / "home")
    session = store.create(parameters_state(format_file("pair_score")))

    async with sessions_app(store, tmp_path).run_test(size=(120, 40)) as pilot:
        await wait_for_screen(pilot, SessionsScreen)
        await pilot.press("x")
        await wait_for_screen(pilot, ConfirmModal)
        await pilot.press("n")
        await wait_for_screen(pilot, SessionsScreen)
        kept = session.folder.is_dir()
        await pilot.press("x")
        await wait_for_screen(pilot, ConfirmModal)
        await pilot.press("y")
        await wait_for_screen(pilot, SessionsScreen)
        rows = pilot.app.screen.query_one(DataTable).row_count

    assert kept
    assert not session.folder.exists()
    assert rows == 0


async def test_delete_damaged_session(tmp_path: Path) -> None:
    store = SessionStore(tmp_path / "home")
    damaged = write_damaged(store)

    async with sessions_app(store, tmp_path).run_test(size=(120, 40)) as pilot:
        await wait_for_screen(pilot, SessionsScreen)
        await pilot.press("x")
        await wait_for_screen(pilot, ConfirmModal)
        await pilot.press("y")
        await wait_for_screen(pilot, SessionsScreen)
        rows = pilot.app.screen.query_one(DataTable).row_count

    assert not damaged.exists()
    assert rows == 0


async def test_duplicate_makes_new_session(format_file, tmp_path: Path) -> None:
    store = SessionStore(tmp_path / "home")
    original = store.create(parameters_state(format_file("pair_score"), batch_size=8))

    async with sessions_app(store, tmp_path).run_test(size=(120, 40)) as pilot:
        await wait_for_screen(pilot, SessionsScreen)
        await pilot.press("d")
        await wait_for_screen(pilot, ParametersScreen)
        batch_size = pilot.app.screen.query_one("#batch_size", Input).value
        current = pilot.app.session

    sessions, _ = store.list()
    assert len(sessions) == 2
    assert current is not None
    assert current.id != original.id
    assert batch_size == "8"


async def test_wizard_run_records_session(format_file, tiny_model: Path) -> None:
    path = format_file("pair_score")
    store = SessionStore(path.parent / "home")
    app = StTuiApp(start_path=path, workdir=path.parent)
    app.attach_sessions(store, None)

    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for_screen(pilot, MappingScreen)
        await wait_until(pilot, lambda: app.screen.findings is not None, "the checks")
        await pilot.press("enter")
        await wait_for_screen(pilot, ParametersScreen)
        await fill_parameters(pilot, tiny_model)
        await pilot.press("enter")
        await wait_for_screen(pilot, ReviewScreen)
        await pilot.press("enter")
        await wait_for_screen(pilot, ResultScreen, timeout=TIMEOUT_SECONDS)

    sessions, damaged = store.list()
    assert damaged == []
    assert len(sessions) == 1
    session = sessions[0]
    assert session.status is SessionStatus.FINISHED
    assert session.state.step is Step.RESULT
    assert session.record.model_path == str(session.folder / "model")
    assert session.record.primary_metric == "validation_spearman_cosine"
    assert session.events_path.is_file()
    assert session.config_path.is_file()
    assert not session.lock_path.exists()
    assert not (path.parent / "st-tui-runs").exists()


async def test_resume_needs_checkpoint(
    format_file, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    resumed: list[str] = []
    monkeypatch.setattr(
        StTuiApp, "resume_session_training", lambda app, s: resumed.append(s.id)
    )
    store = SessionStore(tmp_path / "home")
    store.create(parameters_state(format_file("pair_score")))

    async with sessions_app(store, tmp_path).run_test(size=(120, 40)) as pilot:
        await wait_for_screen(pilot, SessionsScreen)
        await pilot.press("t")
        await pilot.pause(0.1)
        screen = pilot.app.screen

    assert isinstance(screen, SessionsScreen)
    assert resumed == []


async def test_resume_confirms_changed_source(
    format_file, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    resumed: list[str] = []
    monkeypatch.setattr(
        StTuiApp, "resume_session_training", lambda app, s: resumed.append(s.id)
    )
    monkeypatch.setattr(Session, "newest_checkpoint", lambda s: s.folder / "ckpt")
    store = SessionStore(tmp_path / "home")
    source = format_file("pair_score")
    session = store.create(parameters_state(source))
    source.write_text(source.read_text(encoding="utf-8") + "a,b,0.5\n")

    async with sessions_app(store, tmp_path).run_test(size=(120, 40)) as pilot:
        await wait_for_screen(pilot, SessionsScreen)
        await pilot.press("t")
        await wait_for_screen(pilot, ConfirmModal)
        question = pilot.app.screen.question
        await pilot.press("y")
        await pilot.pause(0.1)

    assert "changed since this session used it" in question
    assert resumed == [session.id]


async def test_damaged_reason_shortened_in_row(tmp_path: Path) -> None:
    store = SessionStore(tmp_path / "home")
    write_damaged(store)

    async with sessions_app(store, tmp_path).run_test(size=(120, 40)) as pilot:
        await wait_for_screen(pilot, SessionsScreen)
        table = pilot.app.screen.query_one(DataTable)
        cell = str(table.get_cell_at((0, 1)))
        detail = str(pilot.app.screen.query_one("#sessions-detail").render())

    assert len(cell) <= 40
    assert cell.endswith("…")
    assert "not valid JSON" in detail
