"""Pilot tests of the wizard: each screen, the whole run, cancel, bad files, errors."""

from __future__ import annotations

import json
import os
import signal
from collections.abc import Callable
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import DataTable, Input, Select, Static

from st_tui.data.check import blocking
from st_tui.training.events import (
    CheckpointSaved,
    StepLogged,
    TrainingCancelled,
    TrainingFailed,
    TrainingFinished,
    TrainingStarted,
    read_events,
)
from st_tui.tui.app import StTuiApp
from st_tui.tui.messages import TrainingEventEmitted
from st_tui.tui.screens.confirm import ConfirmModal
from st_tui.tui.screens.error import ErrorModal
from st_tui.tui.screens.mapping import MappingScreen
from st_tui.tui.screens.parameters import ParametersScreen
from st_tui.tui.screens.result import ResultScreen
from st_tui.tui.screens.review import ReviewScreen
from st_tui.tui.screens.source import SourceScreen
from st_tui.tui.screens.training import TrainingScreen
from st_tui.tui.widgets.findings_panel import FindingsPanel

SIZES = [(120, 40), (80, 24)]
TIMEOUT_SECONDS = 60.0


async def wait_until(
    pilot: Pilot, condition: Callable[[], bool], what: str, timeout: float = 10.0
) -> None:
    """Let the app run until ``condition`` holds, or fail naming ``what``."""
    waited = 0.0
    while not condition():
        if waited >= timeout:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        await pilot.pause(0.05)
        waited += 0.05


async def wait_for_screen(
    pilot: Pilot, screen_type: type[Screen], timeout: float = 10.0
) -> None:
    """Wait until the active screen is of ``screen_type``."""
    await wait_until(
        pilot,
        lambda: isinstance(pilot.app.screen, screen_type),
        f"{screen_type.__name__} (active: {type(pilot.app.screen).__name__})",
        timeout,
    )
    # The screen is active before its on_mount has run; let it finish mounting.
    # A fixed sleep, because pilot.pause() without a delay waits for the process
    # to go idle, which takes seconds while a training thread keeps a core busy.
    await pilot.pause(0.1)


def checks_pass(screen: Screen) -> bool:
    """Return whether the mapping checks finished with no blocking finding."""
    findings = getattr(screen, "findings", None)
    return findings is not None and not blocking(findings)


def screen_text(pilot: Pilot, selector: str) -> str:
    """Return the plain text a Static on the active screen shows."""
    widget = pilot.app.screen.query_one(selector, Static)
    return str(widget.render())


async def type_into(pilot: Pilot, selector: str, text: str) -> None:
    """Replace an Input's text by focusing it, clearing it and typing ``text``."""
    widget = pilot.app.screen.query_one(selector, Input)
    widget.focus()
    widget.value = ""
    await pilot.press(*text)


async def fill_parameters(
    pilot: Pilot, model: Path, epochs: str = "1", batch_size: str = "4"
) -> None:
    """Type the tiny model's folder and small training settings on the form."""
    await type_into(pilot, "#model-path", str(model))
    await type_into(pilot, "#epochs", epochs)
    await type_into(pilot, "#batch_size", batch_size)
    await type_into(pilot, "#num_threads", "1")


@pytest.mark.parametrize("size", SIZES)
async def test_source_tree_opens_file(format_file, tmp_path: Path, size) -> None:
    format_file("pair_score", name="scores.csv")
    (tmp_path / "notes.md").write_text("not data", encoding="utf-8")
    app = StTuiApp(workdir=tmp_path)

    async with app.run_test(size=size) as pilot:
        await wait_for_screen(pilot, SourceScreen)
        tree = app.screen.query_one("#source-tree")
        await wait_until(pilot, lambda: tree.root.children, "the file tree to load")
        names = [str(node.label) for node in tree.root.children]
        assert names == ["scores.csv"]

        tree.focus()
        await pilot.press("down", "enter")
        await wait_for_screen(pilot, MappingScreen)
        assert app.state.source_path == str(tmp_path / "scores.csv")


async def test_start_folder_roots_tree(format_file, tmp_path: Path) -> None:
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "train.jsonl").write_text('{"anchor": "a", "positive": "b"}\n')
    format_file("pair", name="outside.csv")
    app = StTuiApp(start_path=folder, workdir=tmp_path)

    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_screen(pilot, SourceScreen)
        tree = app.screen.query_one("#source-tree")
        await wait_until(pilot, lambda: tree.root.children, "the file tree to load")
        names = [str(node.label) for node in tree.root.children]
        assert names == ["train.jsonl"]
        assert app.state.source_path is None


async def test_source_tree_opens_dataset_folder(tmp_path: Path) -> None:
    from datasets import Dataset

    rows = {"anchor": ["a man plays", "a dog runs"], "positive": ["a man", "a dog"]}
    Dataset.from_dict(rows).save_to_disk(str(tmp_path / "saved"))
    (tmp_path / "plain").mkdir()
    app = StTuiApp(workdir=tmp_path)

    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_screen(pilot, SourceScreen)
        tree = app.screen.query_one("#source-tree")
        await wait_until(pilot, lambda: tree.root.children, "the file tree to load")
        assert [str(node.label) for node in tree.root.children] == ["plain", "saved"]

        tree.focus()
        await pilot.press("down", "enter")
        await pilot.pause(0.2)
        assert isinstance(app.screen, SourceScreen)

        await pilot.press("down", "enter")
        await wait_for_screen(pilot, MappingScreen)
        assert app.state.source_path == str(tmp_path / "saved")
        assert app.screen.query_one("#format", Select).value == "pair"


@pytest.mark.parametrize("size", SIZES)
async def test_source_typed_path_opens(format_file, tmp_path: Path, size) -> None:
    format_file("pair", name="pairs.csv")
    app = StTuiApp(workdir=tmp_path)

    async with app.run_test(size=size) as pilot:
        await wait_for_screen(pilot, SourceScreen)
        await type_into(pilot, "#source-path", "pairs.csv")
        await pilot.press("enter")
        await wait_for_screen(pilot, MappingScreen)
        assert app.state.source_path == str(tmp_path / "pairs.csv")

        await pilot.press("escape")
        await wait_for_screen(pilot, SourceScreen)
        assert app.screen.query_one("#source-path", Input).value == "pairs.csv"


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("empty.csv", b"", "the file is empty"),
        ("binary.csv", b"\x00\x01\x02\x00" * 100, "binary data"),
        ("notes.xml", b"<a>text</a>", "unsupported file type"),
    ],
)
async def test_bad_file_shows_error(
    tmp_path: Path, name: str, content: bytes, expected: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    app = StTuiApp(start_path=path, workdir=tmp_path)

    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(
            pilot,
            lambda: expected in screen_text(pilot, "#source-error"),
            f"the error '{expected}'",
        )
        assert isinstance(app.screen, SourceScreen)
        assert "Traceback" not in screen_text(pilot, "#source-error")
        assert app.state.source_path is None


async def test_missing_path_shows_error(tmp_path: Path) -> None:
    app = StTuiApp(workdir=tmp_path)

    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_screen(pilot, SourceScreen)
        await type_into(pilot, "#source-path", "missing.csv")
        await pilot.press("enter")
        await wait_until(
            pilot,
            lambda: "file not found" in screen_text(pilot, "#source-error"),
            "the 'file not found' error",
        )
        assert isinstance(app.screen, SourceScreen)


@pytest.mark.parametrize("size", SIZES)
async def test_mapping_shows_detection(format_file, size) -> None:
    path = format_file("pair_score")
    app = StTuiApp(start_path=path, workdir=path.parent)

    async with app.run_test(size=size) as pilot:
        await wait_for_screen(pilot, MappingScreen)
        screen = app.screen
        table = screen.query_one("#preview", DataTable)
        assert table.row_count == 50
        assert len(table.columns) == 3
        assert screen.query_one("#format", Select).value == "pair_score"
        assert screen.query_one("#role-sentence1", Select).value == "sentence_A"
        assert screen.query_one("#role-sentence2", Select).value == "sentence_B"
        assert screen.query_one("#role-score", Select).value == "relatedness_score"
        assert "pair_score" in screen_text(pilot, "#mapping-reason")
        await wait_until(pilot, lambda: screen.findings is not None, "the checks")
        assert [f.code for f in screen.findings] == ["score_out_of_range"]
        assert "accepted" in str(screen.query_one(FindingsPanel).render())


async def test_mapping_format_change_refills_roles(format_file) -> None:
    path = format_file("pair_score")
    app = StTuiApp(start_path=path, workdir=path.parent)

    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for_screen(pilot, MappingScreen)
        screen = app.screen
        screen.query_one("#format", Select).value = "pair"
        await wait_until(
            pilot, lambda: bool(screen.query("#role-anchor")), "the pair roles"
        )
        assert not screen.query("#role-score")
        assert screen.query_one("#role-anchor", Select).value == "sentence_A"
        assert screen.query_one("#role-positive", Select).value == "sentence_B"

        screen.query_one("#format", Select).value = "triplet"
        await wait_until(
            pilot, lambda: bool(screen.query("#role-negative")), "the triplet roles"
        )
        assert screen.query_one("#role-negative", Select).value == Select.NULL
        await wait_until(
            pilot, lambda: screen.mapping_error is not None, "the mapping error"
        )
        assert "negative" in screen.mapping_error

        await pilot.press("ctrl+n")
        await pilot.pause()
        assert isinstance(app.screen, MappingScreen)


async def test_mapping_error_finding_blocks_next(tmp_path: Path) -> None:
    path = tmp_path / "gaps.csv"
    rows = ["anchor,positive"] + [f"a man plays {i},a man runs {i}" for i in range(8)]
    rows[3] = "   ,a man runs"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    app = StTuiApp(start_path=path, workdir=tmp_path)

    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_screen(pilot, MappingScreen)
        screen = app.screen
        await wait_until(pilot, lambda: screen.findings is not None, "the checks")
        assert [f.code for f in screen.findings] == ["empty_text"]
        panel_text = str(screen.query_one(FindingsPanel).render())
        assert "Row 3" in panel_text
        assert "error" in panel_text

        await pilot.press("ctrl+n")
        await pilot.pause()
        assert isinstance(app.screen, MappingScreen)
        assert app.state.format is None


@pytest.mark.parametrize("size", SIZES)
async def test_parameters_reject_invalid(format_file, size) -> None:
    path = format_file("pair")
    app = StTuiApp(start_path=path, workdir=path.parent)

    async with app.run_test(size=size) as pilot:
        await wait_for_screen(pilot, MappingScreen)
        await wait_until(pilot, lambda: checks_pass(app.screen), "the checks")
        await pilot.press("ctrl+n")
        await wait_for_screen(pilot, ParametersScreen)
        screen = app.screen
        assert screen.query_one("#loss", Select).value == "MultipleNegativesRankingLoss"
        assert screen.query_one("#output_dir", Input).value == "st-tui-runs/pair-pair"

        await type_into(pilot, "#epochs", "0")
        await pilot.pause()
        assert "greater than 0" in screen_text(pilot, "#epochs-help")
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert isinstance(app.screen, ParametersScreen)

        await type_into(pilot, "#epochs", "2")
        await type_into(pilot, "#batch_size", "many")
        await pilot.pause()
        assert "not a whole number" in screen_text(pilot, "#batch_size-help")
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert isinstance(app.screen, ParametersScreen)

        await type_into(pilot, "#batch_size", "16")
        await type_into(pilot, "#model-path", "./no-such-model")
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert isinstance(app.screen, ParametersScreen)

        await type_into(pilot, "#model-path", "")
        await pilot.press("ctrl+n")
        await wait_for_screen(pilot, ReviewScreen)
        assert app.state.model is None
        assert app.state.training.epochs == 2
        assert app.state.training.batch_size == 16
        assert app.state.output_dir == str(path.parent / "st-tui-runs" / "pair-pair")


@pytest.mark.parametrize("size", SIZES)
async def test_review_shows_config(format_file, tiny_model: Path, size) -> None:
    path = format_file("qa")
    app = StTuiApp(start_path=path, workdir=path.parent)

    async with app.run_test(size=size) as pilot:
        await wait_for_screen(pilot, MappingScreen)
        await wait_until(pilot, lambda: checks_pass(app.screen), "the checks")
        await pilot.press("ctrl+n")
        await wait_for_screen(pilot, ParametersScreen)
        await fill_parameters(pilot, tiny_model)
        (path.parent / "st-tui-runs" / "qa-qa" / "model").mkdir(parents=True)
        await pilot.press("ctrl+n")
        await wait_for_screen(pilot, ReviewScreen)
        overwrite = screen_text(pilot, "#review-overwrite")
        assert "st-tui-runs/qa-qa already contains a model" in overwrite

        yaml_text = app.screen.query_one("#review-yaml", Static).content.code
        assert "format: qa" in yaml_text
        assert "query: question" in yaml_text
        assert "answer: answer" in yaml_text
        assert f"model: {tiny_model}" in yaml_text
        assert "MultipleNegativesRankingLoss" in screen_text(pilot, "#review-summary")
        assert (path.parent / "st-tui-runs" / "qa-qa" / "session.json").is_file()

        await pilot.press("escape")
        await wait_for_screen(pilot, ParametersScreen)
        await pilot.press("escape")
        await wait_for_screen(pilot, MappingScreen)


async def test_whole_wizard_trains_model(format_file, tiny_model: Path) -> None:
    path = format_file("pair_score")
    app = StTuiApp(start_path=path, workdir=path.parent)

    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for_screen(pilot, MappingScreen)
        await wait_until(pilot, lambda: checks_pass(app.screen), "the checks")
        await pilot.press("enter")

        await wait_for_screen(pilot, ParametersScreen)
        await fill_parameters(pilot, tiny_model)
        await pilot.press("enter")

        await wait_for_screen(pilot, ReviewScreen)
        await pilot.press("enter")

        await wait_for_screen(pilot, ResultScreen, timeout=TIMEOUT_SECONDS)
        assert isinstance(app.screen_stack[-2], TrainingScreen)
        assert "Model saved in" in screen_text(pilot, "#result-path")
        result = dict(app.state.result or {})

        await pilot.press("n")
        await wait_for_screen(pilot, SourceScreen)
        assert app.state.source_path is None

    output = path.parent / "st-tui-runs" / "pair_score-pair_score"
    model_path = output / "model"
    assert result["model_path"] == str(model_path)
    assert result["primary"] == "validation_spearman_cosine"
    assert "validation_spearman_cosine" in result["baseline_metrics"]
    assert (output / "config.yaml").is_file()
    assert (output / "st-tui.log").is_file()
    session = json.loads((output / "session.json").read_text(encoding="utf-8"))
    assert session["step"] == "result"

    kinds = [type(event) for event in read_events(output / "events.jsonl")]
    assert kinds[0] is TrainingStarted
    assert StepLogged in kinds
    assert CheckpointSaved in kinds
    assert kinds[-1] is TrainingFinished

    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(str(model_path), device="cpu")
    embeddings = model.encode(["a man plays in the park"])
    assert embeddings.shape == (1, 32)


async def test_cancel_asks_then_keeps_checkpoint(format_file, tiny_model: Path) -> None:
    path = format_file("pair")
    app = StTuiApp(start_path=path, workdir=path.parent)

    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_screen(pilot, MappingScreen)
        await wait_until(pilot, lambda: checks_pass(app.screen), "the checks")
        await pilot.press("ctrl+n")
        await wait_for_screen(pilot, ParametersScreen)
        await fill_parameters(pilot, tiny_model, epochs="500", batch_size="4")
        await pilot.press("ctrl+n")
        await wait_for_screen(pilot, ReviewScreen)
        await pilot.press("ctrl+n")
        await wait_for_screen(pilot, TrainingScreen)
        await wait_until(
            pilot,
            lambda: any(isinstance(e, StepLogged) for e in app.training_events),
            "the first training step",
            TIMEOUT_SECONDS,
        )

        await pilot.press("c")
        await wait_for_screen(pilot, ConfirmModal)
        await pilot.press("y")
        await wait_until(
            pilot,
            lambda: isinstance(app.training_events[-1], TrainingCancelled),
            "TrainingCancelled",
            TIMEOUT_SECONDS,
        )
        assert isinstance(app.screen, TrainingScreen)
        assert not app.training_running
        status = screen_text(pilot, "#training-status")
        assert "Stopped at step" in status
        assert app.screen.check_action("cancel_training", ()) is None

    cancelled = app.training_events[-1]
    assert isinstance(cancelled, TrainingCancelled)
    assert cancelled.step < 16 * 500
    assert cancelled.checkpoint is not None
    assert Path(cancelled.checkpoint, "trainer_state.json").is_file()
    assert Path(cancelled.checkpoint).name == f"checkpoint-{cancelled.step}"
    assert not (path.parent / "st-tui-runs" / "pair-pair" / "model").exists()


async def test_quit_during_training_asks(tmp_path: Path) -> None:
    app = StTuiApp(workdir=tmp_path)

    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_screen(pilot, SourceScreen)
        app.training_running = True

        await pilot.press("ctrl+q")
        await wait_for_screen(pilot, ConfirmModal)
        await pilot.press("escape")
        await wait_for_screen(pilot, SourceScreen)
        assert not app.stop_event.is_set()

        await pilot.press("ctrl+q")
        await wait_for_screen(pilot, ConfirmModal)
        await pilot.press("y")
        await wait_for_screen(pilot, SourceScreen)
        assert app.stop_event.is_set()
        assert app.is_running

        app.post_message(
            TrainingEventEmitted(TrainingCancelled(step=3, checkpoint=None))
        )
        await wait_until(pilot, lambda: not app.is_running, "the app to exit")


async def test_cancel_answer_no_keeps_training(tmp_path: Path) -> None:
    app = StTuiApp(workdir=tmp_path)

    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_screen(pilot, SourceScreen)
        app.training_running = True
        app.push_screen(TrainingScreen())
        await wait_for_screen(pilot, TrainingScreen)

        await pilot.press("c")
        await wait_for_screen(pilot, ConfirmModal)
        await pilot.press("n")
        await wait_for_screen(pilot, TrainingScreen)
        assert not app.stop_event.is_set()

        await pilot.press("escape")
        await pilot.pause(0.1)
        assert isinstance(app.screen, TrainingScreen)

        await pilot.press("q")
        await wait_for_screen(pilot, ConfirmModal)
        await pilot.press("n")
        await wait_for_screen(pilot, TrainingScreen)
        assert app.is_running


async def test_training_failure_shows_message(format_file, tmp_path: Path) -> None:
    path = format_file("pair")
    app = StTuiApp(start_path=path, workdir=tmp_path)

    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for_screen(pilot, MappingScreen)
        await wait_until(pilot, lambda: checks_pass(app.screen), "the checks")
        await pilot.press("ctrl+n")
        await wait_for_screen(pilot, ParametersScreen)
        await type_into(pilot, "#model-path", "no-such-org/no-such-model")
        await type_into(pilot, "#epochs", "1")
        await pilot.press("ctrl+n")
        await wait_for_screen(pilot, ReviewScreen)
        await pilot.press("ctrl+n")
        await wait_until(
            pilot,
            lambda: any(isinstance(e, TrainingFailed) for e in app.training_events),
            "TrainingFailed",
            TIMEOUT_SECONDS,
        )
        await pilot.pause()
        assert isinstance(app.screen, TrainingScreen)
        status = screen_text(pilot, "#training-status")
        assert "no-such-org/no-such-model" in status
        assert "Traceback" not in status
        assert not app.training_running

        await pilot.press("escape")
        await wait_for_screen(pilot, ReviewScreen)


async def test_worker_error_opens_modal(
    format_file, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken_training(self: StTuiApp, config: object, stop: object) -> None:
        raise RuntimeError("the engine is broken")

    monkeypatch.setattr(StTuiApp, "_train", broken_training)
    path = format_file("pair")
    app = StTuiApp(start_path=path, workdir=tmp_path)

    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_screen(pilot, MappingScreen)
        await wait_until(pilot, lambda: checks_pass(app.screen), "the checks")
        await pilot.press("ctrl+n")
        await wait_for_screen(pilot, ParametersScreen)
        await pilot.press("ctrl+n")
        await wait_for_screen(pilot, ReviewScreen)
        await pilot.press("ctrl+n")
        await wait_for_screen(pilot, ErrorModal)
        assert screen_text(pilot, ".dialog-title") == "Training failed"
        message = screen_text(pilot, ".dialog-message")
        assert message == "RuntimeError: the engine is broken"
        assert not app.training_running

        await pilot.press("enter")
        await wait_for_screen(pilot, TrainingScreen)


async def test_check_worker_error_opens_modal(
    format_file, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken_check(*args: object, **kwargs: object) -> list:
        raise RuntimeError("the checks are broken")

    monkeypatch.setattr("st_tui.tui.screens.mapping.check_all", broken_check)
    path = format_file("pair")
    app = StTuiApp(start_path=path, workdir=tmp_path)

    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_screen(pilot, ErrorModal)
        assert screen_text(pilot, ".dialog-title") == "Checking the data failed"
        assert screen_text(pilot, ".dialog-message") == (
            "RuntimeError: the checks are broken"
        )

        await pilot.press("escape")
        await wait_for_screen(pilot, MappingScreen)
        await pilot.press("ctrl+n")
        await pilot.pause(0.1)
        assert isinstance(app.screen, MappingScreen)


async def test_result_quit_key_exits(tmp_path: Path) -> None:
    app = StTuiApp(workdir=tmp_path)

    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_screen(pilot, SourceScreen)
        app.state.result = {"model_path": str(tmp_path / "model"), "metrics": {}}
        app.show_result()
        await wait_for_screen(pilot, ResultScreen)
        assert "No validation rows" in screen_text(pilot, "#result-metrics")

        await pilot.press("q")
        await wait_until(pilot, lambda: not app.is_running, "the app to exit")


async def test_output_root_holds_run_folders(format_file, tmp_path: Path) -> None:
    path = format_file("pair", name="pairs.csv.gz")
    runs = tmp_path / "runs"
    app = StTuiApp(workdir=tmp_path, output_root=runs)

    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_screen(pilot, SourceScreen)
        app.state.source_path = str(path)
        app.state.format = "pair"
        assert app.default_output_dir() == runs / "pairs-pair"
        assert app.display_path(app.default_output_dir()) == "runs/pairs-pair"


@pytest.mark.parametrize("number", [signal.SIGHUP, signal.SIGTERM])
async def test_signal_stops_training_then_quits(tmp_path: Path, number: int) -> None:
    app = StTuiApp(workdir=tmp_path)

    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_screen(pilot, SourceScreen)
        app.training_running = True
        os.kill(os.getpid(), number)
        await pilot.pause(0.2)
        stop_requested = app.stop_event.is_set()
        quit_after = app._quit_after_training

    assert stop_requested
    assert quit_after


async def test_signal_without_training_quits(tmp_path: Path) -> None:
    app = StTuiApp(workdir=tmp_path)

    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_screen(pilot, SourceScreen)
        os.kill(os.getpid(), signal.SIGTERM)
        await pilot.pause(0.2)
        exited = app._exit

    assert exited
