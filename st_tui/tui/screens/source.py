"""Step 1: choose the data file, in a file tree or by typing its path."""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, DirectoryTree, Footer, Input, Label, Static

from st_tui.errors import DataError
from st_tui.sessions.steps import Step
from st_tui.tui.messages import SourceFailed, SourceOpened
from st_tui.tui.screens.base import WizardScreen
from st_tui.tui.widgets.data_file_tree import DataFileTree, is_dataset_folder
from st_tui.tui.widgets.step_indicator import StepIndicator

PREVIEW_ROWS = 50


class SourceScreen(WizardScreen):
    """A file tree of data files under the working folder and a path input."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+n", "open_path", "Open"),
        Binding("ctrl+l", "focus_path", "Type a path"),
        Binding("ctrl+t", "focus_tree", "File tree"),
    ]

    def __init__(self, root: Path, start_path: Path | None = None) -> None:
        super().__init__()
        self.root = root
        self.start_path = start_path
        self._resumed = False

    def compose(self) -> ComposeResult:
        yield StepIndicator(Step.SOURCE)
        with Vertical(id="source-body"):
            yield Static(
                "Choose the training data: CSV, TSV, text, JSON Lines, JSON or "
                "Parquet (optionally .gz or .zst), or a datasets.save_to_disk folder.",
                classes="help",
            )
            tree = DataFileTree(self.root, id="source-tree")
            tree.root.label = Text(f"{self.root.name or self.root}/", style="bold")
            yield tree
            yield Label("Path (absolute, or relative to the working folder)")
            with Horizontal(classes="input-row"):
                yield Input(
                    placeholder="data/train.csv",
                    id="source-path",
                    compact=True,
                )
                yield Button("Open", id="source-open", variant="primary", compact=True)
            yield Static("", id="source-error", classes="error-text")
        yield Footer()

    def on_mount(self) -> None:
        if self.start_path is not None:
            self.query_one("#source-path", Input).value = str(self.start_path)
            self.open_path(self.start_path)
        else:
            self.query_one(DataFileTree).focus()

    def on_screen_resume(self) -> None:
        # Files may have appeared since the tree was read, such as a run's output.
        # The first resume comes right after the tree's own first read.
        if self._resumed:
            self.query_one(DataFileTree).reload()
        self._resumed = True

    @on(DirectoryTree.FileSelected)
    def _file_selected(self, event: DirectoryTree.FileSelected) -> None:
        event.stop()
        self.query_one("#source-path", Input).value = self._display(event.path)
        self.open_path(event.path)

    @on(DirectoryTree.DirectorySelected)
    def _folder_selected(self, event: DirectoryTree.DirectorySelected) -> None:
        # A datasets.save_to_disk folder is a source; other folders just expand.
        if is_dataset_folder(event.path):
            event.stop()
            self.query_one("#source-path", Input).value = self._display(event.path)
            self.open_path(event.path)

    @on(Input.Submitted, "#source-path")
    def _path_submitted(self) -> None:
        self.action_open_path()

    @on(Button.Pressed, "#source-open")
    def _open_pressed(self) -> None:
        self.action_open_path()

    def action_open_path(self) -> None:
        """Open the path in the input; a folder roots the tree there instead."""
        typed = self.query_one("#source-path", Input).value.strip()
        if not typed:
            tree = self.query_one(DataFileTree)
            node = tree.cursor_node
            if node is not None and node.data is not None:
                self.open_path(node.data.path)
                return
            self._show_error("Type a path or choose a file in the tree.")
            return
        path = Path(typed).expanduser()
        if not path.is_absolute():
            path = self.root / path
        if path.is_dir() and not is_dataset_folder(path):
            self.root = path
            tree = self.query_one(DataFileTree)
            tree.path = path
            tree.root.label = Text(f"{path.name or path}/", style="bold")
            tree.focus()
            return
        self.open_path(path)

    def action_focus_path(self) -> None:
        self.query_one("#source-path", Input).focus()

    def action_focus_tree(self) -> None:
        self.query_one(DataFileTree).focus()

    def open_path(self, path: Path) -> None:
        """Open a data source in a worker thread and go on to the mapping step."""
        self.query_one("#source-error", Static).update(
            Text(f"Opening {self._display(path)}…", style="italic")
        )
        # The App runs the worker, so that its one handler receives the worker's errors.
        self.wizard.run_worker(
            partial(self._open_in_worker, path),
            name="open-source",
            group="source",
            thread=True,
            exclusive=True,
            exit_on_error=False,
        )

    def _open_in_worker(self, path: Path) -> None:
        # Runs in a worker thread: it reports only through messages. The data layer
        # (and polars) is imported here, off the first screen's start-up.
        from st_tui.data.load import open_source, preview

        try:
            source = open_source(path)
            rows = preview(source, PREVIEW_ROWS)
        except DataError as error:
            self.post_message(SourceFailed(str(path), str(error)))
            return
        except OSError as error:
            # Permission and I/O errors are not DataError: name the path and the cause.
            message = f"{path}: cannot read: {error.strerror or error}. Check the path."
            self.post_message(SourceFailed(str(path), message))
            return
        self.post_message(SourceOpened(source, rows))

    def on_source_failed(self, message: SourceFailed) -> None:
        self._show_error(message.error)
        self.notify(message.error, title="Cannot open the data", severity="error")

    def on_source_opened(self, message: SourceOpened) -> None:
        self.query_one("#source-error", Static).update("")
        self.wizard.open_mapping(message.source, message.rows)

    def _show_error(self, message: str) -> None:
        self.query_one("#source-error", Static).update(Text(message, style="bold red"))

    def _display(self, path: Path) -> str:
        try:
            return str(path.relative_to(self.root))
        except ValueError:
            return str(path)
