"""The training panel: what each event shows, and stats that wrap at any width."""

from __future__ import annotations

import pytest
from textual.app import App, ComposeResult
from textual.widgets import ProgressBar, Static

from st_tui.training.events import EvaluationDone, StepLogged, TrainingStarted
from st_tui.tui.widgets.training_panel import TrainingPanel


class PanelApp(App[None]):
    """An app with nothing but the panel, so its widths are the screen's."""

    def compose(self) -> ComposeResult:
        yield TrainingPanel()


def started() -> TrainingStarted:
    return TrainingStarted(
        total_steps=1000,
        epochs=3,
        train_rows=8000,
        validation_rows=800,
        model="model",
        loss="CoSENTLoss",
        device="cpu",
    )


def step(number: int, memory_mb: float | None) -> StepLogged:
    return StepLogged(
        step=number,
        total_steps=1000,
        epoch=number / 1000 * 3,
        loss=0.123456,
        learning_rate=3e-5,
        samples_per_second=1234.5,
        eta_seconds=3600.0,
        elapsed_seconds=10.0,
        memory_mb=memory_mb,
    )


@pytest.mark.parametrize(
    ("width", "short_lines", "long_lines"), [(60, 2, 2), (90, 1, 2), (120, 1, 1)]
)
async def test_stats_height_follows_wrapping(
    width: int, short_lines: int, long_lines: int
) -> None:
    app = PanelApp()
    async with app.run_test(size=(width, 20)) as pilot:
        panel = app.query_one(TrainingPanel)
        stats = app.query_one("#training-stats", Static)
        panel.show_event(started())

        # At 90 columns the stats fit one line without the memory field only.
        panel.show_event(step(10, memory_mb=None))
        await pilot.pause()
        assert stats.size.height == short_lines

        panel.show_event(step(20, memory_mb=123456.0))
        await pilot.pause()
        assert stats.size.height == long_lines
        assert "memory 123,456 MB" in str(stats.render()).replace("\n", " ")

        panel.show_event(step(30, memory_mb=None))
        await pilot.pause()
        assert stats.size.height == short_lines


async def test_step_events_leave_metric_alone() -> None:
    app = PanelApp()
    async with app.run_test(size=(100, 20)) as pilot:
        panel = app.query_one(TrainingPanel)
        panel.show_event(started())
        panel.show_event(
            EvaluationDone(
                step=0,
                metrics={"validation_spearman_cosine": 0.5},
                primary="validation_spearman_cosine",
                baseline=True,
            )
        )
        panel.show_event(step(5, memory_mb=10.0))
        await pilot.pause()
        metric = str(app.query_one("#training-metric", Static).render())
        progress = app.query_one(ProgressBar)

        assert "baseline 0.5000" in metric
        assert progress.progress == 5
        assert progress.total == 1000
