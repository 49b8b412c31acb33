"""A panel that shows the selected finding with its fix, or the checks' status."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from st_tui.data.check import Finding, Severity
from st_tui.tui.widgets.findings_list import SEVERITY_STYLES


class FindingsPanel(Static):
    """The selected finding and its fix, or a line saying the checks passed or run.

    Above that it lists the fixes applied so far and how many errors and warnings
    remain.
    """

    DEFAULT_CSS = """
    FindingsPanel {
        height: auto;
        max-height: 6;
        overflow-y: auto;
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

    def show_finding(
        self,
        finding: Finding | None,
        findings: list[Finding],
        applied: list[str],
    ) -> None:
        """Show ``finding`` with its fix, a summary of ``findings`` and the fixes.

        ``finding`` is the one selected in the list, ``None`` when there are none.
        ``applied`` contains one description per applied fix, oldest first.
        """
        text = Text()
        # The applied fixes and the counts come first, so that they stay in view when
        # a long finding fills the panel.
        if applied:
            text.append("Applied fixes (u undoes the last): ", style="bold")
            text.append("; ".join(applied))
            text.append("\n")
        errors = sum(f.severity is Severity.ERROR for f in findings)
        warnings = sum(f.severity is Severity.WARNING for f in findings)
        if errors:
            text.append(
                f"{errors} error(s) block Next; fix them or choose another column.",
                style="red",
            )
            text.append("\n")
        elif warnings:
            text.append(
                f"{warnings} warning(s) will be accepted when you press Next.",
                style="yellow",
            )
            text.append("\n")
        if finding is None:
            text.append("✓ ", style="bold green")
            text.append("No problems found in the mapped columns.")
        else:
            label, style = SEVERITY_STYLES[finding.severity]
            text.append(f"{label}  ", style=style)
            text.append(finding.summary())
            if finding.fix_kind:
                text.append("  Press f to apply this fix.", style="bold")
        self.update(text)
