"""Snapshot tests of every wizard screen at 80x24 and 120x40.

Screens after the mapping step are shown from a fixed wizard state with made-up
absolute paths, and the training screen from fixed events, so that no snapshot
depends on the temporary folder, the clock or the speed of training.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from st_tui.sessions.state import Step, WizardState
from st_tui.training.config import TrainingParams
from st_tui.training.events import (
    CheckpointSaved,
    EvaluationDone,
    Event,
    StepLogged,
    TrainingCancelled,
    TrainingStarted,
)
from st_tui.tui.app import StTuiApp
from st_tui.tui.messages import TrainingEventEmitted
from st_tui.tui.screens.confirm import ConfirmModal
from st_tui.tui.screens.mapping import MappingScreen
from st_tui.tui.screens.parameters import ParametersScreen
from st_tui.tui.screens.result import ResultScreen
from st_tui.tui.screens.review import ReviewScreen
from st_tui.tui.screens.training import TrainingScreen

SIZES = {"80x24": (80, 24), "120x40": (120, 40)}
PRIMARY = "validation_spearman_cosine"
OUTPUT = "/runs/sick-pair_score"


@pytest.fixture(autouse=True)
def _empty_model_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch) -> None:
    # The model select lists the local Hugging Face cache; keep it empty here.
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path_factory.mktemp("hub-cache")))


async def wait_until(pilot: Pilot, condition: Callable[[], bool], what: str) -> None:
    """Let the app run until ``condition`` holds, or fail after 10 seconds."""
    for _ in range(200):
        if condition():
            return
        await pilot.pause(0.05)
    raise AssertionError(f"timed out waiting for {what}")


async def settle(pilot: Pilot) -> None:
    """Stop every Input's cursor from blinking and let the screen finish drawing."""
    await pilot.pause(0.1)
    for widget in pilot.app.screen.query(Input):
        widget.cursor_blink = False
    await pilot.pause()


def fixed_state() -> WizardState:
    """Return a wizard state that has gone through mapping and parameters."""
    return WizardState(
        step=Step.REVIEW,
        source_path="/data/sick.csv",
        format="pair_score",
        mapping={
            "sentence1": "sentence_A",
            "sentence2": "sentence_B",
            "score": "relatedness_score",
        },
        model=None,
        training=TrainingParams(epochs=3, batch_size=16),
        output_dir=OUTPUT,
    )


def fixed_events() -> list[Event]:
    """Return the events of a run a little past its first evaluation."""
    return [
        TrainingStarted(
            total_steps=120,
            epochs=3,
            train_rows=450,
            validation_rows=50,
            model="/models/all-MiniLM-L6-v2",
            loss="CoSENTLoss",
            device="cpu",
            time=0.0,
        ),
        EvaluationDone(
            step=0, metrics={PRIMARY: 0.7712}, primary=PRIMARY, baseline=True, time=1.0
        ),
        EvaluationDone(step=40, metrics={PRIMARY: 0.8123}, primary=PRIMARY, time=2.0),
        CheckpointSaved(step=40, path=f"{OUTPUT}/checkpoints/checkpoint-40", time=3.0),
        StepLogged(
            step=48,
            total_steps=120,
            epoch=1.2,
            loss=3.1415,
            learning_rate=2e-5,
            samples_per_second=25.3,
            eta_seconds=71.0,
            elapsed_seconds=47.0,
            memory_mb=1015.0,
            time=4.0,
        ),
    ]


def show_screen(
    screen_factory: Callable[[], object],
    state: WizardState | None = None,
    events: tuple[Event, ...] | list[Event] = (),
    then: Callable[[Pilot], Awaitable[None]] | None = None,
    running: bool = False,
) -> Callable[[Pilot], Awaitable[None]]:
    """Return a run_before hook that sets the state, shows a screen, feeds events."""

    async def run_before(pilot: Pilot) -> None:
        app = pilot.app
        if state is not None:
            app.state = state
        app.training_running = running
        await app.push_screen(screen_factory())
        for event in events:
            app.post_message(TrainingEventEmitted(event))
        await pilot.pause(0.1)
        if then is not None:
            await then(pilot)
        await settle(pilot)

    return run_before


@pytest.mark.parametrize("size", SIZES.values(), ids=SIZES.keys())
def test_source_screen(snap_compare, tmp_path: Path, size) -> None:
    (tmp_path / "pairs.csv").write_text("anchor,positive\na,b\n", encoding="utf-8")
    (tmp_path / "scores.tsv.gz").write_bytes(b"")
    (tmp_path / "notes.md").write_text("not data", encoding="utf-8")
    (tmp_path / "corpus").mkdir()
    app = StTuiApp(workdir=tmp_path)

    async def run_before(pilot: Pilot) -> None:
        tree = pilot.app.screen.query_one("#source-tree")
        await wait_until(pilot, lambda: len(tree.root.children) == 3, "the tree")
        await settle(pilot)

    assert snap_compare(app, terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES.values(), ids=SIZES.keys())
def test_mapping_screen(snap_compare, format_file, size) -> None:
    path = format_file("pair_score", name="sick.csv")
    app = StTuiApp(start_path=path, workdir=path.parent)

    async def run_before(pilot: Pilot) -> None:
        await wait_until(
            pilot,
            lambda: (
                isinstance(pilot.app.screen, MappingScreen)
                and pilot.app.screen.findings is not None
            ),
            "the mapping checks",
        )
        await settle(pilot)

    assert snap_compare(app, terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES.values(), ids=SIZES.keys())
def test_parameters_screen(snap_compare, tmp_path: Path, size) -> None:
    state = fixed_state()
    state.output_dir = None
    app = StTuiApp(workdir=tmp_path)
    run_before = show_screen(ParametersScreen, state)

    assert snap_compare(app, terminal_size=size, run_before=run_before)


def test_parameters_invalid_value(snap_compare, tmp_path: Path) -> None:
    app = StTuiApp(workdir=tmp_path)

    async def type_invalid(pilot: Pilot) -> None:
        pilot.app.screen.query_one("#epochs", Input).focus()
        await pilot.press("ctrl+u", "0", "tab")

    run_before = show_screen(ParametersScreen, fixed_state(), then=type_invalid)

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


@pytest.mark.parametrize("size", SIZES.values(), ids=SIZES.keys())
def test_review_screen(snap_compare, tmp_path: Path, size) -> None:
    app = StTuiApp(workdir=tmp_path)
    run_before = show_screen(ReviewScreen, fixed_state())

    assert snap_compare(app, terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES.values(), ids=SIZES.keys())
def test_training_screen(snap_compare, tmp_path: Path, size) -> None:
    app = StTuiApp(workdir=tmp_path)
    run_before = show_screen(
        TrainingScreen, fixed_state(), fixed_events(), running=True
    )

    assert snap_compare(app, terminal_size=size, run_before=run_before)


def test_training_cancelled(snap_compare, tmp_path: Path) -> None:
    app = StTuiApp(workdir=tmp_path)
    cancelled = TrainingCancelled(
        step=48, checkpoint=f"{OUTPUT}/checkpoints/checkpoint-48", time=5.0
    )
    events = [*fixed_events(), cancelled]

    async def dismiss_notifications(pilot: Pilot) -> None:
        pilot.app.clear_notifications()

    run_before = show_screen(
        TrainingScreen, fixed_state(), events, then=dismiss_notifications
    )

    assert snap_compare(app, terminal_size=(120, 40), run_before=run_before)


def test_cancel_confirmation(snap_compare, tmp_path: Path) -> None:
    app = StTuiApp(workdir=tmp_path)

    async def press_cancel(pilot: Pilot) -> None:
        await pilot.press("c")
        await wait_until(
            pilot, lambda: isinstance(pilot.app.screen, ConfirmModal), "the dialog"
        )

    run_before = show_screen(
        TrainingScreen, fixed_state(), fixed_events(), then=press_cancel, running=True
    )

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


@pytest.mark.parametrize("size", SIZES.values(), ids=SIZES.keys())
def test_result_screen(snap_compare, tmp_path: Path, size) -> None:
    state = fixed_state()
    state.step = Step.RESULT
    state.result = {
        "model_path": f"{OUTPUT}/model",
        "step": 120,
        "metrics": {PRIMARY: 0.8431, "validation_pearson_cosine": 0.8502},
        "baseline_metrics": {PRIMARY: 0.7712, "validation_pearson_cosine": 0.7790},
        "primary": PRIMARY,
        "elapsed_seconds": 754.2,
    }
    app = StTuiApp(workdir=tmp_path)
    run_before = show_screen(ResultScreen, state)

    assert snap_compare(app, terminal_size=size, run_before=run_before)
