"""Messages that carry results from worker threads to the wizard's screens."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    from pathlib import Path

    import polars as pl

    from st_tui.data.findings import Finding
    from st_tui.data.source import Source
    from st_tui.training.events import Event


class TrainingEventEmitted(Message):
    """The training engine emitted an event; posted to the App from the worker."""

    def __init__(self, event: Event) -> None:
        super().__init__()
        self.event = event


class SourceOpened(Message):
    """A data source was opened and its first rows were read."""

    def __init__(self, source: Source, rows: pl.DataFrame) -> None:
        super().__init__()
        self.source = source
        self.rows = rows


class SourceFailed(Message):
    """A data source could not be opened; ``error`` is the reason and the fix."""

    def __init__(self, path: str, error: str) -> None:
        super().__init__()
        self.path = path
        self.error = error


class ChecksDone(Message):
    """The checks of one format and mapping finished.

    ``key`` identifies the format and mapping checked, so the screen can drop a
    result that arrives after the user changed the mapping.
    """

    def __init__(
        self, key: tuple[str, tuple[tuple[str, str], ...]], findings: list[Finding]
    ) -> None:
        super().__init__()
        self.key = key
        self.findings = findings


class ExportDone(Message):
    """Writing the fixed rows finished: ``path`` on success, else ``error``."""

    def __init__(self, path: Path | None, error: str | None = None) -> None:
        super().__init__()
        self.path = path
        self.error = error
