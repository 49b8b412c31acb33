"""Route log records of a run to the session's log file."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from pathlib import Path

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


@contextlib.contextmanager
def session_log(path: Path, level: int = logging.INFO) -> Iterator[None]:
    """Append st-tui's log records (and library warnings) to ``path`` while active."""
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(logging.Formatter(LOG_FORMAT))
    handler.setLevel(level)
    loggers = [logging.getLogger("st_tui"), logging.getLogger("py.warnings")]
    previous_levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.addHandler(handler)
        if logger.level == logging.NOTSET or logger.level > level:
            logger.setLevel(level)
    logging.captureWarnings(True)
    try:
        yield
    finally:
        logging.captureWarnings(False)
        for logger, previous in zip(loggers, previous_levels, strict=True):
            logger.removeHandler(handler)
            logger.setLevel(previous)
        handler.close()
