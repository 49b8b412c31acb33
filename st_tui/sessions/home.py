"""The st-tui home folder, which contains the sessions folder.

Kept apart from the session store, which imports pydantic, so that the wizard can
tell whether there are sessions to list before it loads the store.
"""

from __future__ import annotations

import os
from pathlib import Path

HOME_ENVIRONMENT_VARIABLE = "ST_TUI_HOME"
SESSIONS_FOLDER = "sessions"
RECORD_FILE = "session.json"


def resolve_home(option: str | Path | None = None) -> Path:
    """Return the st-tui home: the option, then $ST_TUI_HOME, then the user data dir."""
    if option:
        return Path(option).expanduser()
    from_environment = os.environ.get(HOME_ENVIRONMENT_VARIABLE)
    if from_environment:
        return Path(from_environment).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir("st-tui", appauthor=False))


def has_sessions(home: Path) -> bool:
    """Check whether any session folder under ``home`` has a record, readable or not."""
    root = home / SESSIONS_FOLDER
    try:
        return any((folder / RECORD_FILE).exists() for folder in root.iterdir())
    except OSError:
        return False
