"""Pilot tests of the findings list: fix, undo, export, jump to a row, warnings."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable, Input

from st_tui.errors import DataError
from st_tui.tui.app import StTuiApp
from st_tui.tui.screens.mapping import MappingScreen
from st_tui.tui.screens.parameters import ParametersScreen
from st_tui.tui.screens.source import SourceScreen
from st_tui.tui.widgets.findings_list import FindingsList
from st_tui.tui.widgets.findings_panel import FindingsPanel

from .test_tui_wizard import wait_until

SIZES = [(120, 40), (80, 24)]


def write_scores(
    path: Path, count: int = 120, bad_row: int | None = None, scale: float = 1.0
) -> Path:
    """Write a pair_score CSV, with the score 'x' on the 1-based data row bad_row."""
    lines = ["sentence1,sentence2,score"]
    for row in range(1, count + 1):
        score = "x" if row == bad_row else f"{(row % 10) / 10 * scale:.2f}"
        lines.append(f"a dog runs in field {row},a cat sleeps on mat {row},{score}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


async def open_mapping(pilot: Pilot) -> MappingScreen:
    """Wait for the mapping screen and its first check results."""
    app = pilot.app
    await wait_until(pilot, lambda: isinstance(app.screen, MappingScreen), "mapping")
    screen = app.screen
    assert isinstance(screen, MappingScreen)
    await wait_until(pilot, lambda: screen.findings is not None, "the checks")
    return screen


def codes(screen: MappingScreen) -> list[str]:
    return [finding.code for finding in screen.findings or []]


def panel_text(screen: MappingScreen) -> str:
    return str(screen.query_one(FindingsPanel).render())


@pytest.mark.parametrize("size", SIZES)
async def test_fix_unblocks_next_and_undo(tmp_path: Path, size) -> None:
    path = write_scores(tmp_path / "scores.csv", bad_row=5)
    app = StTuiApp(start_path=path, workdir=tmp_path)

    async with app.run_test(size=size) as pilot:
        screen = await open_mapping(pilot)
        assert codes(screen) == ["score_not_number"]
        assert "block Next" in panel_text(screen)

        await pilot.press("ctrl+n")
        await pilot.pause()
        assert isinstance(app.screen, MappingScreen)
        assert app.state.format is None

        await pilot.press("f")
        await wait_until(pilot, lambda: screen.findings == [], "the checks after f")
        assert app.state.fixes == [
            {"kind": "drop_invalid_scores", "params": {"column": "score"}}
        ]
        assert "Drop rows whose 'score' is not a number" in panel_text(screen)
        table = screen.query_one("#preview", DataTable)
        assert "5" not in [key.value for key in table.rows]

        await pilot.press("u")
        await wait_until(
            pilot, lambda: codes(screen) == ["score_not_number"], "the undone fix"
        )
        assert app.state.fixes == []

        await pilot.press("f")
        await wait_until(pilot, lambda: screen.findings == [], "the fix again")
        await pilot.press("ctrl+n")
        await wait_until(
            pilot, lambda: isinstance(app.screen, ParametersScreen), "parameters"
        )
        assert app.state.format == "pair_score"


async def test_warnings_accepted_on_next(tmp_path: Path) -> None:
    path = write_scores(tmp_path / "wide.csv", scale=5.0)
    app = StTuiApp(start_path=path, workdir=tmp_path)

    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_mapping(pilot)
        assert codes(screen) == ["score_out_of_range"]
        assert "1 warning(s) will be accepted" in panel_text(screen)

        await pilot.press("ctrl+n")
        await wait_until(
            pilot, lambda: isinstance(app.screen, ParametersScreen), "parameters"
        )
        assert app.state.format == "pair_score"


async def test_selecting_finding_moves_preview(tmp_path: Path) -> None:
    path = write_scores(tmp_path / "late.csv", bad_row=100)
    app = StTuiApp(start_path=path, workdir=tmp_path)

    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_mapping(pilot)
        table = screen.query_one("#preview", DataTable)
        assert "100" not in [key.value for key in table.rows]

        screen.query_one(FindingsList).focus()
        await pilot.press("enter")
        await pilot.pause()
        keys = [key.value for key in table.rows]
        assert "100" in keys
        assert keys[0] == "95"
        assert table.cursor_row == keys.index("100")


def record_notifications(app: StTuiApp) -> list[str]:
    """Return a list that receives the title of every notification the app shows."""
    titles: list[str] = []
    notify = app.notify

    def record(message: str, *, title: str = "", **options: object) -> None:
        titles.append(title)
        notify(message, title=title, **options)  # type: ignore[arg-type]

    app.notify = record  # type: ignore[method-assign]
    return titles


async def test_export_writes_clean_file(tmp_path: Path) -> None:
    path = write_scores(tmp_path / "scores.csv", bad_row=5)
    app = StTuiApp(start_path=path, workdir=tmp_path)
    titles = record_notifications(app)

    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_mapping(pilot)
        await pilot.press("f")
        await wait_until(pilot, lambda: screen.findings == [], "the checks after f")
        await pilot.press("e")
        await wait_until(pilot, lambda: "Clean data written" in titles, "the export")

    clean = tmp_path / "scores.clean.csv"

    frame = pl.read_csv(clean)
    assert frame.height == 119
    assert "a dog runs in field 5" not in frame["sentence1"].to_list()
    assert frame["score"].dtype == pl.Float64


async def test_export_failure_is_reported(tmp_path: Path) -> None:
    path = write_scores(tmp_path / "scores.csv")
    # A folder where the clean file should go makes the final rename fail.
    (tmp_path / "scores.clean.csv").mkdir()
    app = StTuiApp(start_path=path, workdir=tmp_path)
    titles = record_notifications(app)

    async with app.run_test(size=(120, 40)) as pilot:
        await open_mapping(pilot)
        await pilot.press("e")
        await wait_until(pilot, lambda: "Export failed" in titles, "the failure")
        assert isinstance(app.screen, MappingScreen)

    assert (tmp_path / "scores.clean.csv").is_dir()
    assert not list(tmp_path.glob(".scores.clean.csv.*"))


async def test_check_data_error_blocks_next(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def unreadable(*args: object, **kwargs: object) -> list:
        raise DataError("line 7 has 4 fields, expected 3")

    monkeypatch.setattr("st_tui.tui.screens.mapping.check_all", unreadable)
    path = write_scores(tmp_path / "scores.csv")
    app = StTuiApp(start_path=path, workdir=tmp_path)

    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_mapping(pilot)
        assert codes(screen) == ["unreadable"]
        assert "line 7 has 4 fields" in panel_text(screen)

        await pilot.press("ctrl+n")
        await pilot.pause()
        assert isinstance(app.screen, MappingScreen)
        assert app.state.format is None


async def test_other_file_drops_fixes(tmp_path: Path) -> None:
    path = write_scores(tmp_path / "scores.csv", bad_row=5)
    pairs = tmp_path / "pairs.csv"
    pairs.write_text("question,answer\nhow,like this\nwhy,because\n", encoding="utf-8")
    app = StTuiApp(start_path=path, workdir=tmp_path)

    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_mapping(pilot)
        await pilot.press("f")
        await wait_until(pilot, lambda: screen.findings == [], "the checks after f")
        assert len(app.state.fixes) == 1

        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, SourceScreen), "source")
        field = app.screen.query_one("#source-path", Input)
        field.value = str(pairs)
        field.focus()
        await pilot.press("enter")
        await wait_until(
            pilot,
            lambda: isinstance(app.screen, MappingScreen) and app.screen is not screen,
            "the second mapping screen",
        )
        second = app.screen
        assert isinstance(second, MappingScreen)
        await wait_until(pilot, lambda: second.findings is not None, "the checks")

        assert app.state.fixes == []
        assert app.state.source_path == str(pairs.resolve())
        assert "unreadable" not in codes(second)
        assert app.state.mapping == {}
