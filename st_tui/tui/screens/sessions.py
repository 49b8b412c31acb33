"""The start screen when sessions exist: reopen, resume, duplicate or delete one."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import DataTable, Footer, Static

from st_tui.errors import StTuiError
from st_tui.sessions.listing import summarize
from st_tui.sessions.store import DamagedSession, Session
from st_tui.tui.screens.base import WizardScreen
from st_tui.tui.screens.confirm import ConfirmModal

COLUMNS = (
    "name",
    "source",
    "format",
    "status",
    "progress",
    "best metric",
    "updated UTC",
)
# Characters of a damaged session's reason shown in its row.
REASON_WIDTH = 40
STATUS_STYLES = {
    "finished": "green",
    "training": "bold cyan",
    "interrupted": "yellow",
    "failed": "red",
    "damaged": "bold red",
}


class SessionsScreen(WizardScreen):
    """A table of the saved sessions, newest first, with actions on the chosen one."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "reopen", "Reopen"),
        Binding("t", "resume", "Resume training"),
        Binding("d", "duplicate", "Duplicate"),
        Binding("x", "delete", "Delete"),
        Binding("o", "show_model", "Model folder"),
        Binding("n", "new", "New session"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.sessions: dict[str, Session] = {}
        self.damaged: dict[str, DamagedSession] = {}

    def compose(self) -> ComposeResult:
        with Vertical(id="sessions-body"):
            yield Static(
                "Saved sessions, newest first. Enter reopens the chosen one at the "
                "step where it was left; n starts a new one.",
                classes="help",
            )
            yield DataTable(id="sessions-table", cursor_type="row", zebra_stripes=True)
            yield Static("", id="sessions-detail", classes="help")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns(*COLUMNS)
        self.refresh_sessions()
        table.focus()

    def on_screen_resume(self) -> None:
        self.refresh_sessions()

    def refresh_sessions(self) -> None:
        """Read the sessions from the store again and refill the table."""
        store = self.wizard.store
        if store is None:
            return
        sessions, damaged = store.list()
        self.sessions = {session.id: session for session in sessions}
        self.damaged = {entry.id: entry for entry in damaged}
        table = self.query_one(DataTable)
        table.clear()
        for session in sessions:
            table.add_row(*_row(summarize(session)), key=session.id)
        for entry in damaged:
            # The full reason is in the detail line; a short one keeps the columns.
            reason = Text(_shorten(entry.reason, REASON_WIDTH), style="red")
            status = Text("damaged", style=STATUS_STYLES["damaged"])
            table.add_row(entry.id, reason, "-", status, "-", "-", "-", key=entry.id)
        self._show_detail()

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_detail()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_reopen()

    def _show_detail(self) -> None:
        detail = self.query_one("#sessions-detail", Static)
        key = self._current_key()
        if key in self.damaged:
            detail.update(Text(self.damaged[key].reason, style="red"))
        elif key in self.sessions:
            record = self.sessions[key].record
            detail.update(record.message or str(self.sessions[key].folder))
        else:
            detail.update("")

    def _current_key(self) -> str | None:
        table = self.query_one(DataTable)
        if table.row_count == 0:
            return None
        row_key, _ = table.coordinate_to_cell_key(table.cursor_coordinate)
        return row_key.value

    def _chosen(self) -> Session | None:
        key = self._current_key()
        if key in self.damaged:
            self.notify(self.damaged[key].reason, title="Damaged", severity="error")
            return None
        if key is None or key not in self.sessions:
            self.notify("No session is chosen.", severity="warning")
            return None
        return self.sessions[key]

    def action_reopen(self) -> None:
        session = self._chosen()
        if session is not None:
            self.wizard.reopen_session(session)

    def action_resume(self) -> None:
        session = self._chosen()
        if session is None:
            return
        if session.is_running():
            message = f"Session {session.id} is training right now."
            self.notify(message, severity="warning")
            return
        if session.newest_checkpoint() is None:
            self.notify(
                f"Session {session.id} has no complete checkpoint to resume from. "
                "Reopen it and train it again.",
                severity="warning",
            )
            return
        change = session.source_change()
        if change is None:
            self.wizard.resume_session_training(session)
            return

        def answered(go_on: bool | None) -> None:
            if go_on:
                self.wizard.resume_session_training(session)

        self.app.push_screen(
            ConfirmModal(f"{change}\n\nResume anyway?", yes="Resume", no="Cancel"),
            answered,
        )

    def action_duplicate(self) -> None:
        session = self._chosen()
        store = self.wizard.store
        if session is None or store is None:
            return
        try:
            copy = store.duplicate(session.id)
        except (OSError, StTuiError) as error:
            self.notify(str(error), title="Duplicate failed", severity="error")
            return
        self.notify(f"Created session {copy.id}.")
        self.wizard.reopen_session(copy)

    def action_delete(self) -> None:
        key = self._current_key()
        if key is not None and key in self.damaged:
            self._delete_damaged(self.damaged[key])
            return
        session = self._chosen()
        store = self.wizard.store
        if session is None or store is None:
            return

        def answered(delete: bool | None) -> None:
            if not delete:
                return
            try:
                store.delete(session.id)
            except (OSError, StTuiError) as error:
                self.notify(str(error), title="Delete failed", severity="error")
                return
            if self.wizard.session is not None and self.wizard.session.id == session.id:
                self.wizard.new_session()
            self.notify(f"Deleted session {session.id}.")
            self.refresh_sessions()

        self.app.push_screen(
            ConfirmModal(
                f"Delete session {session.id} and everything in {session.folder}?",
                yes="Delete",
                no="Keep",
            ),
            answered,
        )

    def action_show_model(self) -> None:
        session = self._chosen()
        if session is None:
            return
        model_path = session.record.model_path
        if model_path:
            self.notify(model_path, title="Model folder", timeout=15)
        else:
            self.notify(
                f"Session {session.id} has no finished model yet.", severity="warning"
            )

    def action_new(self) -> None:
        self.wizard.new_session()
        self.app.pop_screen()

    def _delete_damaged(self, entry: DamagedSession) -> None:
        store = self.wizard.store
        if store is None:
            return

        def answered(delete: bool | None) -> None:
            if not delete:
                return
            try:
                store.delete_damaged(entry.id)
            except (OSError, StTuiError) as error:
                self.notify(str(error), title="Delete failed", severity="error")
                return
            self.notify(f"Deleted damaged session {entry.id}.")
            self.refresh_sessions()

        self.app.push_screen(
            ConfirmModal(
                f"Delete the damaged session {entry.id} and everything in "
                f"{entry.folder}?",
                yes="Delete",
                no="Keep",
            ),
            answered,
        )


def _shorten(text: str, width: int) -> str:
    """Return the first line of ``text``, cut to ``width`` characters with '…'."""
    line = text.splitlines()[0] if text else ""
    return line if len(line) <= width else line[: width - 1] + "…"


def _row(summary: dict[str, object]) -> tuple[object, ...]:
    status = str(summary["status"])
    if summary["total_steps"]:
        progress = (
            f"{summary['training_step']}/{summary['total_steps']} "
            f"(epoch {summary['epoch']})"
        )
    else:
        progress = str(summary["step"])
    value = summary["metric_value"]
    metric = (
        f"{str(summary['metric']).removeprefix('validation_')} {value:.4f}"
        if isinstance(value, float)
        else "-"
    )
    return (
        summary["name"],
        summary["source"] or "-",
        summary["format"] or "-",
        Text(status, style=STATUS_STYLES.get(status, "")),
        progress,
        metric,
        str(summary["updated"])[5:16].replace("T", " "),
    )
