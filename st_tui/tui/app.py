"""The st-tui wizard: screens, key bindings and the routing of training events.

The training worker belongs to the App, not to a screen, so that leaving a screen
never stops a run. Every screen reads and updates the one ``WizardState`` in
``app.state`` and calls ``app.save_state()`` after each step.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import threading
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual.app import App
from textual.binding import Binding, BindingType
from textual.worker import Worker, WorkerState

from st_tui.data.file_types import COMPRESSION_SUFFIXES, SUPPORTED
from st_tui.errors import StTuiError
from st_tui.sessions.atomic import atomic_write_text
from st_tui.sessions.home import has_sessions
from st_tui.sessions.steps import Step
from st_tui.training.models import BUNDLED_NAME
from st_tui.tui.messages import TrainingEventEmitted
from st_tui.tui.screens.confirm import ConfirmModal
from st_tui.tui.screens.error import ErrorModal
from st_tui.tui.screens.source import SourceScreen
from st_tui.tui.training_worker import train_in_worker
from st_tui.tui.widgets.data_file_tree import is_dataset_folder

if TYPE_CHECKING:
    import polars as pl

    from st_tui.data.source import Source
    from st_tui.sessions.state import WizardState
    from st_tui.sessions.store import Session, SessionStore
    from st_tui.training.config import TrainConfig, TrainingParams
    from st_tui.training.events import Event

logger = logging.getLogger(__name__)

STOP_SIGNALS = (signal.SIGHUP, signal.SIGTERM)

RUNS_FOLDER = "st-tui-runs"
TRAINING_GROUP = "training"
WORKER_ERROR_TITLES = {
    TRAINING_GROUP: "Training failed",
    "source": "Opening the data failed",
    "checks": "Checking the data failed",
    "export": "Exporting the clean data failed",
}
DATA_SUFFIXES = {*SUPPORTED, *COMPRESSION_SUFFIXES}


class StTuiApp(App[None]):
    """The fine-tuning wizard: source, mapping, parameters, review, training, result."""

    CSS_PATH = "app.tcss"
    TITLE = "st-tui"
    SUB_TITLE = "fine-tune a Sentence Transformers model"
    # Screens shorter than 32 lines get the -short class, which drops blank spacing.
    VERTICAL_BREAKPOINTS = [  # noqa: RUF012
        (0, "-short"),
        (32, "-tall"),
    ]
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+q", "quit", "Quit", priority=True),
    ]

    def __init__(
        self,
        start_path: Path | None = None,
        workdir: Path | None = None,
        output_root: Path | None = None,
    ) -> None:
        super().__init__()
        self.workdir = (workdir or Path.cwd()).expanduser().resolve()
        self.output_root = output_root
        self.start_path = start_path
        self._state: WizardState | None = None
        self.training_events: list[Event] = []
        self.training_running = False
        self.stop_event = threading.Event()
        self._quit_after_training = False
        self._store: SessionStore | None = None
        self._store_home: Path | None = None
        self.session: Session | None = None
        self._reopen_on_mount: Session | None = None
        self._training_session: Session | None = None
        self._training_resume = False
        self._source_root = self.workdir

    @property
    def state(self) -> WizardState:
        """The choices made so far, created on first use.

        The state model imports pydantic, which the first screen does not need.
        """
        if self._state is None:
            from st_tui.sessions.state import WizardState

            self._state = WizardState()
        return self._state

    @state.setter
    def state(self, state: WizardState) -> None:
        self._state = state

    @property
    def store(self) -> SessionStore | None:
        """The session store attached to the wizard, opened on first use."""
        if self._store is None and self._store_home is not None:
            from st_tui.sessions.store import SessionStore

            self._store = SessionStore(self._store_home)
        return self._store

    def attach_sessions(
        self, store: SessionStore | Path, session: Session | None
    ) -> None:
        """Save the wizard into sessions of ``store``, reopening ``session`` if given.

        ``store`` is a SessionStore or the home folder of one, which is opened when
        first needed. Call it before the App runs. Without a store, the state is
        written to <output folder>/session.json instead.
        """
        if isinstance(store, Path):
            self._store_home = store
        else:
            self._store = store
        self._reopen_on_mount = session

    def on_mount(self) -> None:
        self._handle_stop_signals()
        root = self.workdir
        start_file = None
        if self.start_path is not None:
            start = self.start_path.expanduser()
            if not start.is_absolute():
                start = self.workdir / start
            if start.is_dir() and not is_dataset_folder(start):
                root = start
            else:
                start_file = start
        self._source_root = root
        self.push_screen(SourceScreen(root, start_file))
        if self._store is None and self._store_home is None:
            return
        if self._reopen_on_mount is not None:
            self.reopen_session(self._reopen_on_mount)
        elif self.start_path is None and self._has_sessions():
            from st_tui.tui.screens.sessions import SessionsScreen

            self.push_screen(SessionsScreen())

    def _has_sessions(self) -> bool:
        if self._store is not None:
            sessions, damaged = self._store.list()
            return bool(sessions or damaged)
        return self._store_home is not None and has_sessions(self._store_home)

    # Sessions: the wizard's state lives in one session of the store when attached.

    def reopen_session(self, session: Session) -> None:
        """Make ``session`` the current one and show the screen for its step.

        Training and result steps land on the review or the result, since a reopened
        session has no run going in this process.
        """
        self.session = session
        self.state = session.state
        self.training_events = []
        if self.state.result is None and session.record.model_path:
            self.state.result = _result_of(session)
        from st_tui.tui.screens.parameters import ParametersScreen
        from st_tui.tui.screens.result import ResultScreen
        from st_tui.tui.screens.review import ReviewScreen

        step = self.state.step
        if step in (Step.SOURCE, Step.MAPPING) or self.state.format is None:
            # The mapping screen needs the opened source, so open it again.
            start = Path(self.state.source_path) if self.state.source_path else None
            self.push_screen(SourceScreen(self._source_root, start))
            return
        if step is Step.RESULT and self.state.result:
            self.push_screen(ResultScreen())
            return
        if step in (Step.REVIEW, Step.TRAINING, Step.RESULT):
            try:
                self.state.to_config()
            except ValueError:
                pass
            else:
                self.push_screen(ReviewScreen())
                return
        self.push_screen(ParametersScreen())

    def new_session(self) -> None:
        """Forget the current session so the next step that has a source makes one."""
        self.session = None
        self._state = None
        self.training_events = []

    # Paths shown to and typed by the user are relative to the working folder.

    def display_path(self, path: str | Path) -> str:
        """Return a path relative to the working folder when it lies inside it."""
        path = Path(path)
        try:
            return str(path.relative_to(self.workdir))
        except ValueError:
            return str(path)

    def resolve_path(self, text: str) -> str:
        """Return the absolute path for a path typed relative to the working folder."""
        path = Path(text).expanduser()
        if not path.is_absolute():
            path = self.workdir / path
        return str(path)

    def default_output_dir(self) -> Path:
        """Return the session folder, or else <output root>/<source name>-<format>.

        The output root is the folder under which each run's folder is made, as the
        CLI's --output-root documents; it is <workdir>/st-tui-runs when not given.
        """
        if self.session is not None:
            return self.session.folder
        root = self.output_root or self.workdir / RUNS_FOLDER
        stem = _source_stem(Path(self.state.source_path or "data"))
        return root / f"{stem}-{self.state.format or 'model'}"

    def describe_model(self, model: str | None) -> str:
        """Return the name shown for a configured model."""
        return BUNDLED_NAME if model is None else self.display_path(model)

    # Steps: each screen calls one of these when the user goes on.

    def open_mapping(self, source: Source, rows: pl.DataFrame) -> None:
        """Record the chosen source and show its preview and mapping."""
        from st_tui.tui.screens.mapping import MappingScreen

        path = str(source.path.resolve())
        if self.state.source_path not in (None, path):
            # Fixes, the mapping and the class names belong to the file they were
            # made for: another file starts from its own detection.
            self.state.fixes = []
            self.state.mapping = {}
            self.state.format = None
            self.state.label_names = None
        self.state.source_path = path
        self.state.step = Step.MAPPING
        self.save_state()
        self.push_screen(MappingScreen(source, rows))

    def finish_mapping(self, fmt: str, mapping: dict[str, str]) -> None:
        """Record the format and mapping and show the parameters."""
        from st_tui.training.config import LOSSES
        from st_tui.tui.screens.parameters import ParametersScreen

        self.state.format = fmt
        self.state.mapping = mapping
        if self.state.training.loss not in LOSSES[fmt]:
            self.state.training = self.state.training.model_copy(update={"loss": None})
        self.state.step = Step.PARAMETERS
        self.save_state()
        self.push_screen(ParametersScreen())

    def finish_parameters(
        self,
        model: str | None,
        params: TrainingParams,
        validation_split: float,
        output_dir: str,
    ) -> None:
        """Record the model and parameters and show the config for review."""
        from st_tui.formats import FORMATS
        from st_tui.tui.screens.review import ReviewScreen

        if params.loss == FORMATS[self.state.format or "pair"].default_loss:
            params = params.model_copy(update={"loss": None})
        self.state.model = model
        self.state.training = params
        self.state.validation_split = validation_split
        self.state.output_dir = output_dir
        try:
            self.state.to_config()
        except ValueError as error:
            # pydantic's ValidationError is a ValueError: a loss that does not fit
            # the format, for example.
            self.notify(str(error), title="Invalid configuration", severity="error")
            return
        self.state.step = Step.REVIEW
        self.save_state()
        self.push_screen(ReviewScreen())

    def save_state(self) -> None:
        """Save the wizard state into the session, or else <output folder>/session.json.

        With a session store attached, the first save that has a source creates the
        session. Without one, nothing is written until the output folder is known.
        """
        if self.store is not None:
            self._save_to_session()
            return
        if not self.state.output_dir:
            logger.info("Wizard at step %s", self.state.step.value)
            return
        path = Path(self.state.output_dir) / "session.json"
        try:
            atomic_write_text(path, self.state.model_dump_json(indent=2))
        except OSError as error:
            logger.warning("Could not save the wizard state to %s: %s", path, error)
            self.notify(f"Could not save {path}: {error}", severity="warning")

    def _save_to_session(self) -> None:
        assert self.store is not None
        try:
            if self.session is not None:
                self.session.update_state(self.state)
            elif self.state.source_path:
                self.session = self.store.create(self.state)
                logger.info("Created session %s", self.session.id)
            else:
                logger.info("Wizard at step %s", self.state.step.value)
        except (OSError, StTuiError) as error:
            logger.warning("Could not save the session: %s", error)
            self.notify(f"Could not save the session: {error}", severity="warning")

    # Training: the worker belongs to the App and reports through messages.

    def start_training(self, resume: bool = False) -> None:
        """Save config.yaml, show the training screen and start the run in a thread.

        With ``resume``, the run continues from the newest complete checkpoint.
        """
        from st_tui.training.config import save_config
        from st_tui.tui.screens.training import TrainingScreen

        if self.training_running:
            self.notify("Training is already running.", severity="warning")
            return
        config = self.state.to_config()
        output = Path(config.output_dir)
        try:
            output.mkdir(parents=True, exist_ok=True)
            save_config(config, output / "config.yaml")
            if self.session is not None and output != self.session.folder:
                # `st-tui resume` reads the config from the session folder.
                save_config(config, self.session.config_path)
        except OSError as error:
            self.push_screen(
                ErrorModal("Cannot write the output folder", f"{output}: {error}")
            )
            return
        self.training_events = []
        self.stop_event = threading.Event()
        # _train reads these in the worker thread.
        self._training_session = self.session
        self._training_resume = resume
        self.training_running = True
        self.state.step = Step.TRAINING
        self.state.result = None
        self.save_state()
        self.push_screen(TrainingScreen())
        self.run_worker(
            partial(self._train, config, self.stop_event),
            name="training",
            group=TRAINING_GROUP,
            thread=True,
            exclusive=True,
            exit_on_error=False,
        )

    def _train(self, config: TrainConfig, stop: threading.Event) -> None:
        # Runs in the worker thread: it may only post messages, never touch widgets.
        train_in_worker(
            config,
            stop,
            self._post_training_event,
            self._training_session,
            self._training_resume,
        )

    def resume_session_training(self, session: Session) -> None:
        """Continue a session's run from its newest complete checkpoint."""
        from st_tui.sessions.state import WizardState
        from st_tui.training.config import load_config

        self.session = session
        self.state = session.state
        try:
            self.state.to_config()
        except ValueError:
            # A session made by `st-tui train` may keep only its config.yaml complete.
            try:
                config = load_config(session.config_path)
            except (OSError, StTuiError, ValueError) as error:
                message = f"Cannot read {session.config_path}: {error}"
                self.notify(message, title="Cannot resume", severity="error")
                return
            self.state = WizardState.from_config(config)
        self.start_training(resume=True)

    def _post_training_event(self, event: Event) -> None:
        self.post_message(TrainingEventEmitted(event))

    def _handle_stop_signals(self) -> None:
        # A dropped SSH link sends SIGHUP and a shutdown sends SIGTERM: both stop a
        # run after its current step, save a checkpoint, then quit.
        loop = asyncio.get_running_loop()
        for number in STOP_SIGNALS:
            with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
                loop.add_signal_handler(number, self.stop_on_signal, number)

    def on_unmount(self) -> None:
        with contextlib.suppress(RuntimeError):
            loop = asyncio.get_running_loop()
            for number in STOP_SIGNALS:
                loop.remove_signal_handler(number)

    def stop_on_signal(self, number: int) -> None:
        """Quit on SIGHUP or SIGTERM, first stopping training with a checkpoint."""
        logger.warning("Received %s", signal.Signals(number).name)
        if not self.training_running:
            self.exit()
            return
        self._quit_after_training = True
        self.stop_event.set()

    def stop_training(self) -> None:
        """Ask the run to stop after the current step and save a checkpoint."""
        if self.training_running:
            self.stop_event.set()
            self.notify("Stopping after the current step and saving a checkpoint…")

    def on_training_event_emitted(self, message: TrainingEventEmitted) -> None:
        from st_tui.training.events import (
            TrainingCancelled,
            TrainingFailed,
            TrainingFinished,
        )
        from st_tui.tui.screens.training import TrainingScreen

        event = message.event
        self.training_events.append(event)
        for screen in self.screen_stack:
            if isinstance(screen, TrainingScreen):
                screen.show_event(event)

        if isinstance(event, TrainingFinished):
            self.training_running = False
            self.state.result = {
                "model_path": event.model_path,
                "step": event.step,
                "metrics": event.metrics,
                "baseline_metrics": event.baseline_metrics,
                "primary": event.primary,
                "elapsed_seconds": event.elapsed_seconds,
            }
            self.state.step = Step.RESULT
            self.save_state()
            if isinstance(self.screen, TrainingScreen):
                self.show_result()
        elif isinstance(event, TrainingCancelled):
            self.training_running = False
            where = (
                self.display_path(event.checkpoint)
                if event.checkpoint
                else "none was written yet"
            )
            self.notify(f"Training stopped at step {event.step}. Checkpoint: {where}")
        elif isinstance(event, TrainingFailed):
            self.training_running = False
            self.notify(event.message, title="Training failed", severity="error")

        if not self.training_running and self._quit_after_training:
            self.exit()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        worker = event.worker
        if event.state is WorkerState.SUCCESS and worker.group == TRAINING_GROUP:
            self.training_running = False
        if event.state is not WorkerState.ERROR:
            return
        error = worker.error
        logger.error("Worker %s failed: %r", worker.name, error)
        if worker.group == TRAINING_GROUP:
            self.training_running = False
            if self._quit_after_training:
                self.exit()
                return
        message = (
            str(error)
            if isinstance(error, StTuiError)
            else f"{type(error).__name__}: {error}"
        )
        title = WORKER_ERROR_TITLES.get(worker.group, "A background task failed")
        shown = self.screen
        if isinstance(shown, ErrorModal) and shown.message == message:
            return
        self.push_screen(ErrorModal(title, message))

    def show_result(self) -> None:
        """Show the result of the finished run."""
        from st_tui.tui.screens.result import ResultScreen

        self.push_screen(ResultScreen())

    def start_over(self) -> None:
        """Forget every choice and go back to the source step."""
        self.new_session()
        while len(self.screen_stack) > 2:
            self.pop_screen()

    async def action_quit(self) -> None:
        """Quit, asking first when a training run would be stopped."""
        if not self.training_running:
            self.exit()
            return

        def answered(stop: bool | None) -> None:
            if stop:
                self._quit_after_training = True
                self.stop_training()

        self.push_screen(
            ConfirmModal(
                "Training is running. Stop it, save a checkpoint and quit?",
                yes="Stop and quit",
                no="Keep training",
            ),
            answered,
        )


def _result_of(session: Session) -> dict[str, object]:
    """Return the result screen's facts from a finished session's record."""
    record = session.record
    return {
        "model_path": record.model_path,
        "step": record.progress.step,
        "metrics": dict(record.metrics),
        "baseline_metrics": dict(record.baseline_metrics),
        "primary": record.primary_metric,
        "elapsed_seconds": None,
    }


def _source_stem(path: Path) -> str:
    """Return a file name without its data and compression suffixes."""
    name = path.name
    for _ in range(2):
        suffix = Path(name).suffix
        if suffix.lower() in DATA_SUFFIXES:
            name = name[: -len(suffix)]
    return name or "data"


if __name__ == "__main__":
    import sys

    StTuiApp(start_path=Path(sys.argv[1]) if len(sys.argv) > 1 else None).run()
