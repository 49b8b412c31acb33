"""The body of the wizard's training worker thread: engine, events file and run log."""

from __future__ import annotations

import contextlib
import logging
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from st_tui.errors import StTuiError

if TYPE_CHECKING:
    from st_tui.sessions.store import Session
    from st_tui.training.config import TrainConfig
    from st_tui.training.events import EventHandler

logger = logging.getLogger(__name__)

EVENTS_FILE = "events.jsonl"
LOG_FILE = "st-tui.log"
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def train_in_worker(
    config: TrainConfig,
    stop: threading.Event,
    post: EventHandler,
    session: Session | None = None,
    resume: bool = False,
) -> None:
    """Run the training engine, appending events to events.jsonl and posting them.

    Call it from a worker thread: it imports the engine (and, through it, torch) only
    now, and reports only through ``post``. With a session, the events file and the
    log go into the session folder, a ``SessionRecorder`` keeps session.json in step
    and the session's run lock is held for the whole run. A failure the engine
    reports as an event is logged and not raised again. Any other error is raised to
    the worker, such as a run lock that another process holds.
    """
    from st_tui.training.engine import run_training
    from st_tui.training.events import JsonlSink, fan_out

    output = Path(config.output_dir)
    events_path = session.events_path if session else output / EVENTS_FILE
    log_path = session.log_path if session else output / LOG_FILE
    lock = session.run_lock() if session else contextlib.nullcontext()
    with lock:
        sink = JsonlSink(events_path)
        log_handler = _attach_run_log(log_path)
        if session is not None:
            from st_tui.sessions.recorder import SessionRecorder

            # The recorder runs before post, so session.json is up to date by the
            # time the App handles the event.
            emit = fan_out(sink, SessionRecorder(session), post)
        else:
            emit = fan_out(sink, post)
        try:
            run_training(config, emit, stop, resume=resume)
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
