"""A selectable list of data check findings, errors first."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from st_tui.data.check import Finding, Severity

SEVERITY_STYLES = {
    Severity.ERROR: ("✗ error", "bold red"),
    Severity.WARNING: ("! warning", "bold yellow"),
    Severity.INFO: ("i info", "bold blue"),
}
SEVERITY_ORDER = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}


def sort_findings(findings: list[Finding]) -> list[Finding]:
    """Return the findings with errors first, then warnings, then notes."""
    return sorted(findings, key=lambda f: SEVERITY_ORDER[f.severity])


def finding_line(finding: Finding) -> Text:
    """Return one list line: severity, message and the number of rows affected."""
    label, style = SEVERITY_STYLES[finding.severity]
    text = Text(no_wrap=True, overflow="ellipsis")
    text.append(f"{label}  ", style=style)
    text.append(finding.message)
    if finding.count:
        rows = "row" if finding.count == 1 else "rows"
        text.append(f"  ({finding.count} {rows})", style="dim")
    return text


class FindingsList(OptionList):
    """The findings of the data checks, one line each, errors first."""

    DEFAULT_CSS = """
    FindingsList {
        height: auto;
        max-height: 4;
        border: none;
        padding: 0 1;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    FindingsList.-empty {
        display: none;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.findings: list[Finding] = []

    def on_mount(self) -> None:
        self.add_class("-empty")

    def show_findings(self, findings: list[Finding]) -> None:
        """Replace the list with ``findings``, errors first, and highlight the first."""
        self.findings = sort_findings(findings)
        self.clear_options()
        self.add_options([Option(finding_line(f)) for f in self.findings])
        self.set_class(not self.findings, "-empty")
        if self.findings:
            self.highlighted = 0

    def clear_findings(self) -> None:
        """Empty and hide the list while checks run or the mapping is incomplete."""
        self.findings = []
        self.clear_options()
        self.add_class("-empty")

    @property
    def selected_finding(self) -> Finding | None:
        """The highlighted finding, if any."""
        index = self.highlighted
        if index is None or not 0 <= index < len(self.findings):
            return None
        return self.findings[index]
