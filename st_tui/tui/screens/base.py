"""The base of the wizard's step screens: typed access to the App."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from textual.screen import Screen

if TYPE_CHECKING:
    from st_tui.tui.app import StTuiApp


class WizardScreen(Screen[None]):
    """A step of the wizard, which reads and updates the state on ``self.wizard``."""

    @property
    def wizard(self) -> StTuiApp:
        """Return the running wizard App, typed, for its state and step methods."""
        return cast("StTuiApp", self.app)
