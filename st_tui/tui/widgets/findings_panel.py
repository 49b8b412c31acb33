"""A panel that lists data check findings, errors first."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from st_tui.data.check import Finding, Severity

SEVERITY_STYLES = {
    Severity.ERROR: ("✗ error", "bold red"),
    Severity.WARNING: ("! warning", "bold yellow"),
    Severity.INFO: ("i info", "bold blue"),
}
SEVERITY_ORDER = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}


class FindingsPanel(Static):
    """The findings of the data checks, or a line saying the checks passed or run."""

    DEFAULT_CSS = """
    FindingsPanel {
        height: auto;
        max-height: 8;
        padding: 0 1;
        border: round $panel-lighten-2;
        border-title-color: $text-muted;
    }
    """

    def on_mount(self) -> None:
        self.border_title = "Checks"

    def show_running(self) -> None:
        """Say that the checks are running."""
        self.update(Text("Checking the mapped columns…", style="italic"))

    def show_error(self, message: str) -> None:
        """Show a mapping problem that stops the checks from running."""
        text = Text()
        label, style = SEVERITY_STYLES[Severity.ERROR]
        text.append(f"{label}  ", style=style)
        text.append(message)
        self.update(text)

    def show_findings(self, findings: list[Finding]) -> None:
        """Show findings, errors first, or a line saying that every check passed."""
        if not findings:
            text = Text("✓ ", style="bold green")
            text.append("No problems found in the mapped columns.")
            self.update(text)
            return
        text = Text()
        ordered = sorted(findings, key=lambda f: SEVERITY_ORDER[f.severity])
        for index, finding in enumerate(ordered):
            if index:
                text.append("\n")
            label, style = SEVERITY_STYLES[finding.severity]
            text.append(f"{label}  ", style=style)
            text.append(finding.summary())
        self.update(text)
