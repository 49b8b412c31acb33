"""Step 2: preview the rows, choose the format and map a column to each role."""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial
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
    check_basic,
    validate_mapping,
)
from st_tui.data.detect import detect_format, suggest_mapping
from st_tui.data.load import Source
from st_tui.errors import DataError
from st_tui.formats import FORMATS
from st_tui.sessions.state import Step
from st_tui.tui.messages import ChecksDone
from st_tui.tui.screens.base import WizardScreen
from st_tui.tui.widgets.findings_panel import FindingsPanel
from st_tui.tui.widgets.step_indicator import StepIndicator

MAX_CELL_CHARS = 40
CheckKey = tuple[str, tuple[tuple[str, str], ...]]


class MappingScreen(WizardScreen):
    """The first rows in a table, the detected format, role selects and checks."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+n", "next", "Next"),
        Binding("escape", "back", "Back"),
        Binding("ctrl+f", "focus_format", "Format"),
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
                    value=self.detection.format,
                    allow_blank=False,
                    id="format",
                    compact=True,
                )
            yield Horizontal(id="roles")
            yield FindingsPanel(id="findings")
            with Horizontal(classes="buttons"):
                yield Button("Back", id="back", compact=True)
                yield Button("Next", id="next", variant="primary", compact=True)
        yield Footer()

    async def on_mount(self) -> None:
        self._fill_table()
        await self._build_role_selects(self.detection.format, self.detection.mapping)
        # Enter accepts the detected format and mapping; tab reaches the selects.
        self.query_one("#next", Button).focus()

    def _source_line(self) -> Text:
        text = Text()
        text.append(self.source.name, style="bold")
        text.append(f": {self.source.describe()}; the first {self.rows.height} rows.")
        for note in self.source.notes:
            text.append(f" {note}", style="italic")
        return text

    def _fill_table(self) -> None:
        table = self.query_one("#preview", DataTable)
        table.clear(columns=True)
        for name, dtype in self.rows.schema.items():
            table.add_column(
                Text.assemble((name, "bold"), (f" {dtype}", "dim")), key=name
            )
        for row in self.rows.iter_rows():
            table.add_row(*(_cell(value) for value in row))

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
        if name == self.detection.format:
            mapping: dict[str, str | None] = dict(self.detection.mapping)
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

    def _mapping_changed(self) -> None:
        fmt = FORMATS[self.current_format]
        mapping = self.current_mapping()
        key: CheckKey = (fmt.name, tuple(sorted(mapping.items())))
        if key == self._checked_key:
            # Mounting the selects reports the same mapping more than once.
            return
        panel = self.query_one(FindingsPanel)
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
        # The App runs the worker, so that its one handler receives the worker's errors.
        self.wizard.run_worker(
            partial(self._run_checks, key, mapping),
            name="check-data",
            group="checks",
            thread=True,
            exclusive=True,
            exit_on_error=False,
        )

    def _run_checks(self, key: CheckKey, mapping: dict[str, str]) -> None:
        # Runs in a worker thread: it reports only through messages.
        fmt = FORMATS[key[0]]
        try:
            findings = check_basic(self.source.frame, fmt, mapping)
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
        self.post_message(ChecksDone(key, findings))

    def on_checks_done(self, message: ChecksDone) -> None:
        if message.key != self._checked_key:
            return
        self.findings = message.findings
        self.query_one(FindingsPanel).show_findings(message.findings)

    @on(Button.Pressed, "#next")
    def action_next(self) -> None:
        """Save the format and mapping and go on, unless a check blocks training."""
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
