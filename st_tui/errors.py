"""The error types that st-tui raises for problems a user can fix."""

from __future__ import annotations


class StTuiError(Exception):
    """A problem with the user's input or environment; its message names the fix.

    The CLI prints the message on one line and exits non-zero; the wizard shows it in a
    dialog. Anything else that escapes is a bug.
    """


class DataError(StTuiError):
    """A data file, folder or dataset that cannot be read or used as mapped."""


class ConfigError(StTuiError):
    """A training configuration that is invalid or cannot be loaded."""


class ModelError(StTuiError):
    """A model that cannot be found or loaded."""


class TrainingError(StTuiError):
    """A training run that failed."""
