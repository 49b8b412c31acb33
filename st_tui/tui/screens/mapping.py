"""Step 2: preview the rows, choose the format and map a column to each role."""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial
from pathlib import Path
from typing import ClassVar

import polars as pl
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, DataTable, Footer, Label, Select, Static

from st_tui.data.check import (
    Finding,
    Severity,
    blocking,
    check_all,
    validate_mapping,
)
from st_tui.data.detect import detect_format, suggest_mapping
from st_tui.data.findings import ROW
from st_tui.data.fixes import Fix, apply_fixes, export_frame, load_options
from st_tui.data.load import Source, open_source
from st_tui.errors import DataError
from st_tui.formats import FORMATS
from st_tui.sessions.state import Step
from st_tui.tui.messages import ChecksDone, ExportDone
from st_tui.tui.screens.base import WizardScreen
from st_tui.tui.widgets.findings_list import FindingsList
from st_tui.tui.widgets.findings_panel import FindingsPanel
from st_tui.tui.widgets.step_indicator import StepIndicator

MAX_CELL_CHARS = 40
PREVIEW_ROWS = 50
# Rows shown above a finding's row when the preview jumps to it.
ROWS_BEFORE_TARGET = 5
CheckKey = tuple[str, tuple[tuple[str, str], ...]]


class MappingScreen(WizardScreen):
    """The first rows in a table, the detected format, role selects and checks."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+n", "next", "Next"),
        Binding("escape", "back", "Back"),
        Binding("ctrl+f", "focus_format", "Format"),
        # Short labels keep every key in the footer at 80 columns.
        Binding("f", "apply_fix", "Fix", tooltip="Apply the selected finding's fix"),
        Binding("u", "undo_fix", "Undo", tooltip="Undo the last fix"),
        Binding(
            "e", "export", "Export", tooltip="Write the fixed rows to NAME.clean.csv"
        ),
    ]

    def __init__(self, source: Source, rows: pl.DataFrame) -> None:
        super().__init__()
        self.source = source
        self.rows = rows
        self.detection = detect_format(source.schema, rows)
        self.findings: list[Finding] | None = None
        self.mapping_error: str | None = None
        self._checked_key: CheckKey | None = None
        self._roles_format: str | None = None
        # The app opens the source with the default load options.
        self._load_options = load_options([])
        # Bumped on every check run, so a result from an older run is dropped.
        self._check_run = 0

    def compose(self) -> ComposeResult:
        yield StepIndicator(Step.MAPPING)
        with Vertical(id="mapping-body"):
            yield Static(self._source_line(), id="mapping-source")
            yield DataTable(id="preview", zebra_stripes=True, cursor_type="row")
            yield Static(
                Text.assemble(("Detected: ", "bold"), self.detection.reason),
                id="mapping-reason",
            )
            with Horizontal(id="format-row", classes="input-row"):
                yield Label("Format", classes="field-label")
                yield Select(
                    [(fmt.title, name) for name, fmt in FORMATS.items()],
                    value=self._initial_choice()[0],
                    allow_blank=False,
                    id="format",
                    compact=True,
                )
            yield Horizontal(id="roles")
            yield FindingsList(id="findings-list")
            yield FindingsPanel(id="findings")
            with Horizontal(classes="buttons"):
                yield Button("Back", id="back", compact=True)
                yield Button("Next", id="next", variant="primary", compact=True)
        yield Footer()

    async def on_mount(self) -> None:
        self._reopen_source()
        self._fill_table()
        await self._build_role_selects(*self._initial_choice())
        # Enter accepts the detected format and mapping; tab reaches the selects.
        self.query_one("#next", Button).focus()

    def _initial_choice(self) -> tuple[str, dict[str, str]]:
        """Return the saved format and mapping if they fit this file, else the detected.

        A reopened session keeps the user's mapping instead of a new detection.
        """
        state = self.wizard.state
        columns = set(self.source.columns)
        if state.format in FORMATS and state.mapping:
            roles = set(FORMATS[state.format].roles)
            if set(state.mapping) <= roles and set(state.mapping.values()) <= columns:
                return state.format, dict(state.mapping)
        return self.detection.format, dict(self.detection.mapping)

    def _source_line(self) -> Text:
        text = Text()
        text.append(self.source.name, style="bold")
        text.append(f": {self.source.describe()}; the first {self.rows.height} rows.")
        for note in self.source.notes:
            text.append(f" {note}", style="italic")
        return text

    @property
    def fixes(self) -> list[Fix]:
        """The fixes applied so far, oldest first, read from the wizard state."""
        return [Fix.from_dict(data) for data in self.wizard.state.fixes]

    def _fill_table(self, target_row: int | None = None) -> None:
        """Show up to PREVIEW_ROWS fixed rows, labelled with the file's row numbers.

        With ``target_row``, the window starts a few rows above that file row and the
        cursor moves to it; otherwise the window starts at the first row.
        """
        table = self.query_one("#preview", DataTable)
        try:
            frame = apply_fixes(self.source.frame, self.fixes, keep_row_numbers=True)
            if target_row is not None:
                frame = frame.filter(pl.col(ROW) >= target_row - ROWS_BEFORE_TARGET)
            rows = frame.head(PREVIEW_ROWS).collect()
        except (DataError, pl.exceptions.PolarsError):
            # The checks report the same error in the findings panel.
            rows = self.rows.with_row_index(ROW, offset=1)
        table.clear(columns=True)
        for name, dtype in rows.schema.items():
            if name == ROW:
                continue
            table.add_column(
                Text.assemble((name, "bold"), (f" {dtype}", "dim")), key=name
            )
        numbers = rows.get_column(ROW).to_list()
        for number, row in zip(numbers, rows.drop(ROW).iter_rows(), strict=True):
            table.add_row(
                *(_cell(value) for value in row), key=str(number), label=str(number)
            )
        if target_row is not None and target_row in numbers:
            table.move_cursor(row=numbers.index(target_row), scroll=True)

    async def _build_role_selects(
        self, format_name: str, mapping: Mapping[str, str | None]
    ) -> None:
        fmt = FORMATS[format_name]
        self._roles_format = format_name
        roles = self.query_one("#roles", Horizontal)
        # Old and new selects share ids such as #role-anchor, so the old ones must be
        # gone before the new ones mount.
        await roles.remove_children()
        options = [(column, column) for column in self.source.columns]
        boxes = []
        for role in fmt.roles:
            column = mapping.get(role)
            select: Select[str] = Select(
                options,
                prompt="choose a column",
                value=column if column in self.source.columns else Select.NULL,
                id=f"role-{role}",
                compact=True,
            )
            boxes.append(
                Vertical(
                    Label(f"{role} ({fmt.kinds[role].value})"), select, classes="role"
                )
            )
        await roles.mount_all(boxes)
        self._mapping_changed()

    @on(Select.Changed, "#format")
    async def _format_changed(self, event: Select.Changed) -> None:
        event.stop()
        name = str(event.value)
        if name == self._roles_format:
            return
        chosen_format, chosen_mapping = self._initial_choice()
        if name == chosen_format:
            mapping: dict[str, str | None] = dict(chosen_mapping)
        else:
            mapping = suggest_mapping(FORMATS[name], self.source.schema, self.rows)
        await self._build_role_selects(name, mapping)

    @on(Select.Changed, "#roles Select")
    def _role_changed(self, event: Select.Changed) -> None:
        event.stop()
        self._mapping_changed()

    @property
    def current_format(self) -> str:
        """Return the format chosen in the format select."""
        return str(self.query_one("#format", Select).value)

    def current_mapping(self) -> dict[str, str]:
        """Return the role to column mapping chosen in the role selects."""
        mapping = {}
        for role in FORMATS[self.current_format].roles:
            matches = self.query(f"#role-{role}")
            if not matches:
                continue
            value = matches.first(Select).value
            if isinstance(value, str):
                mapping[role] = value
        return mapping

    def _mapping_changed(self, force: bool = False) -> None:
        fmt = FORMATS[self.current_format]
        mapping = self.current_mapping()
        key: CheckKey = (fmt.name, tuple(sorted(mapping.items())))
        if key == self._checked_key and not force:
            # Mounting the selects reports the same mapping more than once.
            return
        panel = self.query_one(FindingsPanel)
        self.query_one(FindingsList).clear_findings()
        self.findings = None
        try:
            validate_mapping(fmt, mapping, self.source.columns, self.source.name)
        except DataError as error:
            self.mapping_error = str(error)
            self._checked_key = None
            panel.show_error(self.mapping_error)
            return
        self.mapping_error = None
        panel.show_running()
        self._checked_key = key
        self._check_run += 1
        # The App runs the worker, so that its one handler receives the worker's errors.
        self.wizard.run_worker(
            partial(self._run_checks, key, mapping, self.fixes, self._check_run),
            name="check-data",
            group="checks",
            thread=True,
            exclusive=True,
            exit_on_error=False,
        )

    def _run_checks(
        self, key: CheckKey, mapping: dict[str, str], fixes: list[Fix], run: int
    ) -> None:
        # Runs in a worker thread: it reports only through messages.
        fmt = FORMATS[key[0]]
        training = self.wizard.state.training
        try:
            findings = check_all(
                self.source,
                fmt,
                mapping,
                fixes,
                batch_size=training.batch_size,
                max_seq_length=training.max_seq_length,
            )
        except (DataError, pl.exceptions.PolarsError) as error:
            # The preview reads only the first rows, so a bad row further down the
            # file shows up here first.
            findings = [
                Finding(
                    code="unreadable",
                    severity=Severity.ERROR,
                    message=f"{self.source.name}: could not read every row: {error}",
                    fix="Fix the file or choose another one.",
                )
            ]
        if run != self._check_run:
            # A fix was applied or undone while this run was going.
            return
        self.post_message(ChecksDone(key, findings))

    def on_checks_done(self, message: ChecksDone) -> None:
        if message.key != self._checked_key:
            return
        self.findings = message.findings
        self.query_one(FindingsList).show_findings(message.findings)
        self._show_selected()

    def _show_selected(self) -> None:
        findings_list = self.query_one(FindingsList)
        applied = [fix.describe() for fix in self.fixes]
        self.query_one(FindingsPanel).show_finding(
            findings_list.selected_finding, self.findings or [], applied
        )

    @on(FindingsList.OptionHighlighted)
    def _finding_highlighted(self, event: FindingsList.OptionHighlighted) -> None:
        event.stop()
        if self.findings is not None:
            self._show_selected()

    @on(FindingsList.OptionSelected)
    def _finding_selected(self, event: FindingsList.OptionSelected) -> None:
        """Move the preview to the first row of the chosen finding."""
        event.stop()
        finding = self.query_one(FindingsList).selected_finding
        if finding is None or not finding.rows:
            self.notify("This finding does not point at a row.")
            return
        self._fill_table(target_row=finding.rows[0])

    def _reopen_source(self) -> None:
        """Open the file again when the fixes change how it must be read."""
        options = load_options(self.fixes)
        if options == self._load_options:
            return
        try:
            self.source = open_source(self.source.path, **options)
        except DataError as error:
            self.notify(str(error), title="Could not reopen the file", severity="error")
            return
        self._load_options = options

    def _fixes_changed(self) -> None:
        """Save the fixes, reopen the file if a load fix changed, check again."""
        self.wizard.save_state()
        self._reopen_source()
        self._fill_table()
        self._mapping_changed(force=True)

    def action_apply_fix(self) -> None:
        """Apply the one-key fix of the selected finding and check again."""
        finding = self.query_one(FindingsList).selected_finding
        if finding is None:
            self.notify("Select a finding first.")
            return
        if not finding.fix_kind:
            self.notify(finding.fix, title="No one-key fix for this finding")
            return
        fix = Fix(finding.fix_kind, finding.fix_params)
        self.wizard.state.fixes.append(fix.to_dict())
        self.notify(fix.describe(), title="Fix applied")
        self._fixes_changed()

    def action_undo_fix(self) -> None:
        """Remove the last applied fix and check again."""
        if not self.wizard.state.fixes:
            self.notify("No fix to undo.")
            return
        removed = Fix.from_dict(self.wizard.state.fixes.pop())
        self.notify(removed.describe(), title="Fix undone")
        self._fixes_changed()

    def action_export(self) -> None:
        """Write the fixed rows next to the source as <stem>.clean.csv, in a thread."""
        path = self.source.path.with_name(f"{self.source.path.stem}.clean.csv")
        self.notify(f"Writing {self.wizard.display_path(path)}…")
        self.wizard.run_worker(
            partial(self._export, path, list(self.fixes)),
            name="export",
            group="export",
            thread=True,
            exclusive=True,
            exit_on_error=False,
        )

    def _export(self, path: Path, fixes: list[Fix]) -> None:
        # Runs in a worker thread: it reports only through messages.
        try:
            written = export_frame(apply_fixes(self.source.frame, fixes), path)
        except (DataError, OSError, pl.exceptions.PolarsError) as error:
            self.post_message(ExportDone(None, str(error)))
            return
        self.post_message(ExportDone(written))

    def on_export_done(self, message: ExportDone) -> None:
        if message.path is None:
            self.notify(message.error or "", title="Export failed", severity="error")
            return
        written = self.wizard.display_path(message.path)
        self.notify(written, title="Clean data written")

    @on(Button.Pressed, "#next")
    def action_next(self) -> None:
        """Save the format and mapping and go on, unless a check blocks training.

        Warnings do not block: going on accepts them.
        """
        if self.mapping_error is not None:
            self.notify(
                self.mapping_error, title="Mapping incomplete", severity="error"
            )
            return
        if self.findings is None:
            self.notify("The checks are still running; try again in a moment.")
            return
        errors = blocking(self.findings)
        if errors:
            self.notify(
                errors[0].summary(),
                title=f"{len(errors)} problem(s) block training",
                severity="error",
            )
            return
        warnings = [f for f in self.findings if f.severity is Severity.WARNING]
        if warnings:
            self.notify(f"{len(warnings)} warning(s) accepted.")
        self.wizard.finish_mapping(self.current_format, self.current_mapping())

    @on(Button.Pressed, "#back")
    def action_back(self) -> None:
        self.wizard.pop_screen()

    def action_focus_format(self) -> None:
        self.query_one("#format", Select).focus()


def _cell(value: object) -> str:
    if value is None:
        return "∅"
    text = str(value).replace("\n", " ")
    if len(text) > MAX_CELL_CHARS:
        return text[: MAX_CELL_CHARS - 1] + "…"
    return text
