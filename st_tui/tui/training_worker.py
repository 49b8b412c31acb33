"""The body of the wizard's training worker thread: engine, events file and run log."""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from st_tui.errors import StTuiError
from st_tui.training.config import TrainConfig
from st_tui.training.events import Event, EventHandler, JsonlSink

logger = logging.getLogger(__name__)

EVENTS_FILE = "events.jsonl"
LOG_FILE = "st-tui.log"
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def train_in_worker(
    config: TrainConfig, stop: threading.Event, post: EventHandler
) -> None:
    """Run the training engine, appending events to events.jsonl and posting them.

    Call it from a worker thread: it imports the engine (and, through it, torch) only
    now, and reports only through ``post``. A failure the engine reports as an event
    is logged and not raised again; any other error is raised to the worker.
    """
    from st_tui.training.engine import run_training

    output = Path(config.output_dir)
    sink = JsonlSink(output / EVENTS_FILE)
    log_handler = _attach_run_log(output / LOG_FILE)

    def emit(event: Event) -> None:
        sink(event)
        post(event)

    try:
        run_training(config, emit, stop)
    except StTuiError as error:
        # run_training emitted TrainingFailed with this message already.
        logger.warning("Training failed: %s", error)
    finally:
        sink.close()
        _detach_run_log(log_handler)


def _attach_run_log(path: Path) -> logging.Handler:
    """Copy the st_tui log records of INFO and above into a file in the run's folder.

    The wizard owns the terminal, so records printed to stderr would corrupt the screen.
    """
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setLevel(logging.INFO)
    handler.setFormatter(logging.Formatter(LOG_FORMAT))
    package_logger = logging.getLogger("st_tui")
    package_logger.addHandler(handler)
    if package_logger.level == logging.NOTSET or package_logger.level > logging.INFO:
        package_logger.setLevel(logging.INFO)
    return handler


def _detach_run_log(handler: logging.Handler) -> None:
    logging.getLogger("st_tui").removeHandler(handler)
    handler.close()
